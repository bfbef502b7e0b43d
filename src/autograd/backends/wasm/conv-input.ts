/**
 * conv-input — dX = conv2dBackpropInput(dY, w) on the wasm backend, cut by planConvInput into
 * image shares or input-channel shares (each builds only its channels' phase filters); what a
 * share computes is shares/conv-input.ts. Grouped convs run group by group; float64 and the
 * convs tfjs refuses go to the cpu kernel.
 */
import { allocate } from '../../dtype.js';
import { convGeometry } from '../../conv-geometry.js';
import type { Shape } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { cpuKernels as cpu } from '../cpu/index.js';
import type { Conv2dAttrs } from '../types.js';
import { channelViews, perGroup, scatterChannels } from './channels.js';
import { f32, isF32, type Run } from './common.js';
import { operandKey } from './operand-key.js';
import { planConvInput, tfjsCanConv } from './plan.js';
import { ownShare, workerShare } from './parallel.js';
import { budget } from './threads.js';

export function wasmConv2dBackpropInput(run: Run): (dy: Tensor, w: Tensor, xShape: Shape, attrs: Conv2dAttrs) => Tensor {
  function conv2dBackpropInput(dy: Tensor, w: Tensor, xShape: Shape, attrs: Conv2dAttrs): Tensor {
    if (!isF32(dy, w) || !tfjsCanConv(attrs)) return cpu.conv2dBackpropInput(dy, w, xShape, attrs);
    if (attrs.groups > 1) return perGroup(dy, w, attrs, 'input', (dyg, wg, xg) => conv2dBackpropInput(dyg, wg, xg, { ...attrs, groups: 1 }), xShape);
    const g = convGeometry(xShape, w.shape, attrs, 'conv2dBackpropInput');
    const { N, C, H, W, O, OH, OW } = g;
    const P = H * W;
    const dyImage = O * OH * OW;
    const out = allocate('float32', N * C * P); //                                zeros: this thread's share writes only what it must
    const dys = f32(dy);
    const ws = f32(w);
    const plan = planConvInput(g, budget());
    const wKey = operandKey(w, 0, ...w.shape, ...g.stride, ...g.dilation, ...g.pads); // the phases depend on all of these
    run(plan.parts.map(([s0, s1], i) => {
      if (plan.by === 'batch') {
        // images [s0, s1): their slice of dY, all of w, their slice of dX
        const params = { g: { ...g, N: s1 - s0 }, c0: 0, c1: C, outBatchStride: C * P, outChannel: 0, wKey };
        const dyPart = dys.subarray(s0 * dyImage, s1 * dyImage);
        const at = s0 * C * P;
        return i === 0
          ? ownShare({ kind: 'convInput', params: { ...params, outZeroed: true }, views: { dy: dyPart, w: ws, out: out.subarray(at, s1 * C * P) } })
          : workerShare({ kind: 'convInput', params, views: { dy: dyPart, w: ws, out: { output: (s1 - s0) * C * P } }, collect: (v) => out.set(v.out, at), destination: out.subarray(at, s1 * C * P) });
      }
      // input channels [s0, s1): all of dY and w, their channels of dX
      const Ct = s1 - s0;
      return i === 0
        ? ownShare({ kind: 'convInput', params: { g, c0: s0, c1: s1, outBatchStride: C * P, outChannel: s0, wKey, outZeroed: true }, views: { dy: dys, w: ws, out } })
        : workerShare({
          kind: 'convInput', params: { g, c0: s0, c1: s1, outBatchStride: Ct * P, outChannel: 0, wKey },
          views: { dy: dys, w: ws, out: { output: N * Ct * P } },
          collect: (v) => scatterChannels(v.out, out, N, Ct, C, s0, P),
          destination: channelViews(out, N, C, s0, s1, P),
        });
    }));
    return new Tensor(out, [...xShape]);
  }
  return conv2dBackpropInput;
}
