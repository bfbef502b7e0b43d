/**
 * conv-forward — y = conv2d(x, w) with its epilogue (bias, residual, ReLU) on the wasm backend,
 * cut by plan.ts's planConvForward into image shares (their slice of x, all of w) or output-
 * channel shares (all of x, their rows of w); what each share computes is shares/conv-forward.ts.
 * A grouped conv runs group by group; float64, and the stride-with-dilation convs tfjs refuses,
 * go to the cpu kernel. The filter (and bias) may stay resident in tfjs's layout.
 */
import { allocate } from '../../dtype.js';
import { convGeometry } from '../../conv-geometry.js';
import { Tensor } from '../../tensor.js';
import { storageOf } from '../../tensor-storage.js';
import { applyEpilogue } from '../cpu/conv.js';
import { cpuKernels as cpu } from '../cpu/index.js';
import type { Conv2dAttrs, ConvEpilogue } from '../types.js';
import { channelViews, gatherChannels, perGroup, scatterChannels } from './channels.js';
import { f32, isF32, type Run } from './common.js';
import { operandKey } from './operand-key.js';
import { planConvForward, tfjsCanConv } from './plan.js';
import { ownShare, workerShare } from './parallel.js';
import { budget } from './threads.js';

export function wasmFusedConv2d(run: Run): (x: Tensor, w: Tensor, attrs: Conv2dAttrs, epilogue: ConvEpilogue) => Tensor {
  function fusedConv2d(x: Tensor, w: Tensor, attrs: Conv2dAttrs, epilogue: ConvEpilogue): Tensor {
    const bias = epilogue.bias ?? null;
    const residual = epilogue.residual ?? null;
    if (!isF32(x, w, ...(bias ? [bias] : []), ...(residual ? [residual] : [])) || !tfjsCanConv(attrs)) return cpu.fusedConv2d(x, w, attrs, epilogue);
    if (attrs.groups > 1) {
      const y = perGroup(x, w, attrs, 'forward', (xg, wg) => fusedConv2d(xg, wg, { ...attrs, groups: 1 }, {}));
      applyEpilogue(storageOf(y), y.shape[0]!, y.shape[1]!, y.shape[2]! * y.shape[3]!, epilogue);
      return y;
    }
    const relu = epilogue.relu ?? false;
    const bs = bias === null ? undefined : f32(bias);
    const g = convGeometry(x.shape, w.shape, attrs, 'conv2d');
    const { N, C, H, W, O, KH, KW, OH, OW } = g;
    const P = OH * OW;
    const image = C * H * W;
    const filter = C * KH * KW;
    const out = allocate('float32', N * O * P);
    const xs = f32(x);
    const ws = f32(w);
    const plan = planConvForward(g, budget());
    /** The epilogue's params for output channels [o0, o1). */
    const rs = residual === null ? undefined : f32(residual);
    const epilogueOf = (o0: number, o1: number): { bias: boolean; biasKey?: string | undefined; relu: boolean; residual: boolean } =>
      bias === null ? { bias: false, relu, residual: rs !== undefined } : { bias: true, biasKey: operandKey(bias, o0, o1 - o0), relu, residual: rs !== undefined };
    run(plan.parts.map(([s0, s1], i) => {
      if (plan.by === 'batch') {
        // images [s0, s1): their slice of x, all of w, their slice of y
        const params = { g: { ...g, N: s1 - s0 }, outBatchStride: O * P, outChannel: 0, wKey: operandKey(w, 0, O, C, KH, KW), ...epilogueOf(0, O) };
        const xPart = xs.subarray(s0 * image, s1 * image);
        const at = s0 * O * P;
        const b = bs === undefined ? {} : { bias: bs };
        const r = rs === undefined ? {} : { residual: rs.subarray(at, s1 * O * P) };
        return i === 0
          ? ownShare({ kind: 'convForward', params, views: { x: xPart, w: ws, ...b, ...r, out: out.subarray(at, s1 * O * P) } })
          : workerShare({ kind: 'convForward', params, views: { x: xPart, w: ws, ...b, ...r, out: { output: (s1 - s0) * O * P } }, keys: { w: params.wKey }, collect: (v) => out.set(v.out, at), destination: out.subarray(at, s1 * O * P) });
      }
      // output channels [s0, s1): all of x, their rows of w, their channels of y
      const Ot = s1 - s0;
      const wPart = ws.subarray(s0 * filter, s1 * filter);
      const wKey = operandKey(w, s0 * filter, Ot, C, KH, KW);
      const b = bs === undefined ? {} : { bias: bs.subarray(s0, s1) };
      // the residual laid out as the share's output: all of it (own share), or its channels packed
      const rOwn = rs === undefined ? {} : { residual: rs };
      const rWorker = rs === undefined ? {} : { residual: N === 1 ? rs.subarray(s0 * P, s1 * P) : gatherChannels(rs, N, O, s0, s1, P) };
      return i === 0
        ? ownShare({ kind: 'convForward', params: { g: { ...g, O: Ot }, outBatchStride: O * P, outChannel: s0, wKey, ...epilogueOf(s0, s1) }, views: { x: xs, w: wPart, ...b, ...rOwn, out } })
        : workerShare({
          kind: 'convForward', params: { g: { ...g, O: Ot }, outBatchStride: Ot * P, outChannel: 0, wKey, ...epilogueOf(s0, s1) },
          views: { x: xs, w: wPart, ...b, ...rWorker, out: { output: N * Ot * P } },
          keys: { w: wKey }, // a filter's rows, the same at every inference call: kept for the worker (pool.ts)
          collect: (v) => scatterChannels(v.out, out, N, Ot, O, s0, P),
          destination: channelViews(out, N, O, s0, s1, P),
        });
    }));
    return new Tensor(out, [N, O, OH, OW]);
  }
  return fusedConv2d;
}
