/**
 * conv-filter — dW = conv2dBackpropFilter(x, dY) on the wasm backend (tfjs-wasm has no such
 * kernel; shares/conv-filter.ts computes it), cut by planConvFilter. Split by images, each share
 * computes a partial dW over its images and the partials are added here in share order,
 * ((p0 + p1) + p2)…, so the result is bit-identical from run to run for a given thread count
 * (and differs from another count's only by float32 rounding). Split by output channels (batch
 * 1), each share computes its rows of dW outright.
 */
import { allocate } from '../../dtype.js';
import { convGeometry } from '../../conv-geometry.js';
import type { Shape } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { cpuKernels as cpu } from '../cpu/index.js';
import type { Conv2dAttrs } from '../types.js';
import { perGroup } from './channels.js';
import { f32, isF32, type Run } from './common.js';
import { channelsFirst, scratchFloats } from './layout.js';
import { planConvFilter, tfjsCanConv } from './plan.js';
import { ownShare, workerShare } from './parallel.js';
import { budget } from './threads.js';

/** This thread's scratch for the partial sums (one call uses it at a time). */
const scratchOf = scratchFloats();

export function wasmConv2dBackpropFilter(run: Run): (x: Tensor, dy: Tensor, wShape: Shape, attrs: Conv2dAttrs) => Tensor {
  function conv2dBackpropFilter(x: Tensor, dy: Tensor, wShape: Shape, attrs: Conv2dAttrs): Tensor {
    if (!isF32(x, dy) || !tfjsCanConv(attrs)) return cpu.conv2dBackpropFilter(x, dy, wShape, attrs);
    if (attrs.groups > 1) return perGroup(x, dy, attrs, 'filter', (xg, dyg, wg) => conv2dBackpropFilter(xg, dyg, wg, { ...attrs, groups: 1 }), wShape);
    const g = convGeometry(x.shape, wShape, attrs, 'conv2dBackpropFilter');
    const { C, H, W, O, KH, KW, OH, OW } = g;
    const image = C * H * W;
    const dyImage = O * OH * OW;
    const Q = C * KH * KW;
    const out = allocate('float32', O * Q);
    const xs = f32(x);
    const dys = f32(dy);
    const plan = planConvFilter(g, budget());
    if (plan.by === 'batch' && plan.parts.length > 1) {
      const sum = scratchOf(Q * O); // [C, KH, KW, O]: share 0's partial, then the running sum
      run(plan.parts.map(([s0, s1], i) => {
        const params = { g: { ...g, N: s1 - s0 }, o0: 0, o1: O, transposed: false };
        const xPart = xs.subarray(s0 * image, s1 * image);
        const dyPart = dys.subarray(s0 * dyImage, s1 * dyImage);
        return i === 0
          ? ownShare({ kind: 'convFilter', params, views: { x: xPart, dy: dyPart, out: sum } })
          : workerShare({
            kind: 'convFilter', params, views: { x: xPart, dy: dyPart, out: { output: Q * O } },
            collect: (v) => { for (let j = 0; j < sum.length; j++) sum[j]! += v.out[j]!; }, // called in share order
          });
      }));
      channelsFirst(sum, out, Q, O); // [C, KH, KW, O] → [O, C, KH, KW]
    } else {
      // output channels (one share: all of them, its rows of dW written in place, no reduction)
      const parts = plan.by === 'channel' ? plan.parts : [[0, O] as [number, number]];
      run(parts.map(([s0, s1], i) => {
        const params = { g, o0: s0, o1: s1, transposed: true };
        return i === 0
          ? ownShare({ kind: 'convFilter', params, views: { x: xs, dy: dys, out: out.subarray(s0 * Q, s1 * Q) } })
          : workerShare({ kind: 'convFilter', params, views: { x: xs, dy: dys, out: { output: (s1 - s0) * Q } }, collect: (v) => out.set(v.out, s0 * Q), destination: out.subarray(s0 * Q, s1 * Q) });
      }));
    }
    return new Tensor(out, [...wShape]);
  }
  return conv2dBackpropFilter;
}
