/**
 * reduce — softmax, log-softmax and the reductions (ops/softmax.ts, ops/reduce.ts) in ONNX.
 *
 *   Softmax, LogSoftmax   →  Softmax, LogSoftmax with the same axis (opset ≥ 13 normalises
 *                            along that one axis, as Sapling and PyTorch do)
 *   Sum, Mean, Max, Min   →  ReduceSum, ReduceMean, ReduceMax, ReduceMin with keepdims; the axes
 *                            are an input from opset 13 (ReduceSum) or 18 (the others), an
 *                            attribute before.
 * A reduction over the batch axis is allowed: the result no longer has one.
 */
import { int, ints } from '../graph-builder.js';
import { hint, sameBatch, type OnnxConverter } from './common.js';

/** Mirrors ReduceAttrs in ops/reduce.ts. */
interface ReduceAttrs {
  readonly axes: readonly number[];
  readonly keepDim: boolean;
}

function softmaxLike(onnxOp: string): OnnxConverter {
  return (g, node) => sameBatch(g, node, g.op(onnxOp, [g.value(node.inputs[0]!)], { axis: int(node.attrs as number) }, hint(g, node)));
}

function reduction(onnxOp: string, axesInputFrom: number): OnnxConverter {
  return (g, node) => {
    const x = node.inputs[0]!;
    const { axes, keepDim } = node.attrs as ReduceAttrs;
    const h = hint(g, node);
    const keepdims = { keepdims: int(keepDim ? 1 : 0) };
    const out = g.opset >= axesInputFrom
      ? g.op(onnxOp, [g.value(x), g.int64s(`${h}/axes`, axes)], keepdims, h)
      : g.op(onnxOp, [g.value(x)], { ...keepdims, axes: ints(axes) }, h);
    const b = g.batchAxis(x);
    const batch = b === null || axes.includes(b) ? null : keepDim ? b : b - axes.filter((a) => a < b).length;
    g.define(node.output, out, batch);
  };
}

export const reduceConverters: Readonly<Record<string, OnnxConverter>> = {
  Softmax: softmaxLike('Softmax'),
  LogSoftmax: softmaxLike('LogSoftmax'),
  Sum: reduction('ReduceSum', 13),
  Mean: reduction('ReduceMean', 18),
  Max: reduction('ReduceMax', 18),
  Min: reduction('ReduceMin', 18),
};
