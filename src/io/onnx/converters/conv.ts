/**
 * conv — Conv2d and FusedConv2d (ops/conv.ts) as ONNX Conv.
 *
 * Both use PyTorch's layout (NCHW input, weight [O, C/groups, KH, KW]), which is ONNX's, so the
 * weight is written as it is. Sapling's padding {top, bottom, left, right} becomes ONNX's
 * pads = [top, left, bottom, right] (all begins, then all ends); stride, dilation and groups
 * carry over. FusedConv2d — relu?(conv(x, w) + b + r) in one kernel pass — becomes Conv with B,
 * then Add(r) and Relu as separate nodes: the fusion is a kernel optimisation, not maths.
 */
import type { Conv2dAttrs } from '../../../autograd/backends/types.js';
import type { Tensor } from '../../../autograd/tensor.js';
import { int, ints, type OnnxGraphBuilder } from '../graph-builder.js';
import { hint, type OnnxConverter } from './common.js';

/** Mirrors FusedConv2d's attrs in ops/conv.ts. */
interface FusedAttrs {
  readonly conv: Conv2dAttrs;
  readonly relu: boolean;
  readonly bias: boolean;
  readonly residual: boolean;
}

/** The batch must stay on axis 0 (N of NCHW). */
export function nchwBatch(g: OnnxGraphBuilder, x: Tensor): 0 | null {
  const b = g.batchAxis(x);
  if (b !== null && b !== 0) throw g.fail(`expects the batch on axis 0 of its NCHW input, but the input [${x.shape}] carries it on axis ${b}`);
  return b;
}

function conv(g: OnnxGraphBuilder, x: Tensor, w: Tensor, bias: Tensor | null, attrs: Conv2dAttrs, h: string): string {
  const { stride, padding: p, dilation, groups } = attrs;
  return g.op('Conv', [g.value(x), g.value(w), ...(bias ? [g.value(bias)] : [])], {
    kernel_shape: ints(w.shape.slice(2)),
    strides: ints(stride),
    pads: ints([p.top, p.left, p.bottom, p.right]),
    dilations: ints(dilation),
    group: int(groups),
  }, h);
}

export const convConverters: Readonly<Record<string, OnnxConverter>> = {
  Conv2d(g, node) {
    const [x, w] = node.inputs as [Tensor, Tensor];
    const batch = nchwBatch(g, x);
    g.define(node.output, conv(g, x, w, null, node.attrs as Conv2dAttrs, hint(g, node).replace(/\/Conv2d$/, '/Conv')), batch);
  },
  FusedConv2d(g, node) {
    const [x, w, ...rest] = node.inputs as [Tensor, Tensor, ...Tensor[]];
    const { conv: attrs, relu, bias, residual } = node.attrs as FusedAttrs;
    const batch = nchwBatch(g, x);
    const h = hint(g, node).replace(/\/FusedConv2d$/, '');
    let y = conv(g, x, w, bias ? rest[0]! : null, attrs, `${h}/Conv`);
    if (residual) {
      const r = rest[bias ? 1 : 0]!;
      if (nchwBatch(g, r) !== batch) throw g.fail(`the residual [${r.shape}] and the input [${x.shape}] disagree on the batch`);
      y = g.op('Add', [y, g.value(r)], {}, `${h}/Add`);
    }
    if (relu) y = g.op('Relu', [y], {}, `${h}/Relu`);
    g.define(node.output, y, batch);
  },
};
