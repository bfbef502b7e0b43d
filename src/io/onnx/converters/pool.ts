/**
 * pool — ops/pool.ts in ONNX.
 *
 *   MaxPool2d          →  MaxPool (kernel_shape, strides, pads, dilations; floor mode, as Sapling)
 *   AvgPool2d          →  AveragePool with count_include_pad as Sapling's countIncludePad
 *   AdaptiveAvgPool2d  →  GlobalAveragePool for a 1×1 output; AveragePool with kernel = stride =
 *                         input / output when the output divides the input (then PyTorch's bins
 *                         [⌊i·H/OH⌋, ⌈(i+1)·H/OH⌉) are exactly those windows); otherwise the bins
 *                         overlap or differ in size and ONNX has no op for them: an error.
 */
import type { Pool2dAttrs } from '../../../autograd/backends/types.js';
import type { Shape } from '../../../autograd/shape.js';
import { int, ints } from '../graph-builder.js';
import { hint, type OnnxConverter } from './common.js';
import { nchwBatch } from './conv.js';

/** Mirrors the attrs of AvgPool2d and AdaptiveAvgPool2d in ops/pool.ts. */
interface AvgPoolAttrs {
  readonly pool: Pool2dAttrs;
}
interface AdaptiveAttrs {
  readonly xShape: Shape;
  readonly outSize: readonly [number, number];
}

const windowAttributes = ({ kernel, stride, padding: p }: Pool2dAttrs) => ({
  kernel_shape: ints(kernel),
  strides: ints(stride),
  pads: ints([p.top, p.left, p.bottom, p.right]),
});

export const poolConverters: Readonly<Record<string, OnnxConverter>> = {
  MaxPool2d(g, node) {
    const x = node.inputs[0]!;
    const attrs = node.attrs as Pool2dAttrs;
    const batch = nchwBatch(g, x);
    g.define(node.output, g.op('MaxPool', [g.value(x)], { ...windowAttributes(attrs), dilations: ints(attrs.dilation) }, hint(g, node)), batch);
  },
  AvgPool2d(g, node) {
    const x = node.inputs[0]!;
    const { pool } = node.attrs as AvgPoolAttrs;
    const batch = nchwBatch(g, x);
    const attributes = { ...windowAttributes(pool), count_include_pad: int(pool.countIncludePad ? 1 : 0) };
    g.define(node.output, g.op('AveragePool', [g.value(x)], attributes, hint(g, node)), batch);
  },
  AdaptiveAvgPool2d(g, node) {
    const x = node.inputs[0]!;
    const { xShape, outSize: [oh, ow] } = node.attrs as AdaptiveAttrs;
    const [H, W] = [xShape[2]!, xShape[3]!];
    const batch = nchwBatch(g, x);
    if (oh === 1 && ow === 1) {
      g.define(node.output, g.op('GlobalAveragePool', [g.value(x)], {}, hint(g, node)), batch);
      return;
    }
    if (H % oh !== 0 || W % ow !== 0) {
      throw g.fail(`output ${oh}x${ow} does not divide the input ${H}x${W}: its bins differ in size, and ONNX has no adaptive pooling op`);
    }
    const kernel = [H / oh, W / ow];
    const attributes = { kernel_shape: ints(kernel), strides: ints(kernel), pads: ints([0, 0, 0, 0]) };
    g.define(node.output, g.op('AveragePool', [g.value(x)], attributes, hint(g, node)), batch);
  },
};
