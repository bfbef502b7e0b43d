/**
 * masks — the comparisons (ops/elementwise.ts) and the mask ops (ops/mask.ts) in ONNX. Sapling's
 * masks are int32 0/1 tensors; ONNX's comparisons give bool, so each is cast back to int32.
 *
 *   Compare eq, lt, le, gt, ge  →  Cast(Equal | Less | LessOrEqual | Greater | GreaterOrEqual, int32)
 *   Compare ne                  →  Cast(Not(Equal), int32)
 *   MaskedFill(x, drop, v)      →  Where(Cast(drop, bool), v, x)   (x a scalar when it is a uniform constant)
 *   Tril, Triu (keep)           →  Where(Cast(keep, bool), x, 0)
 * A comparison reaches the trace through `reportOp` (it is not an `apply`d op: no gradient).
 */
import type { CompareOp } from '../../../autograd/backends/types.js';
import type { Tensor } from '../../../autograd/tensor.js';
import { ONNX_ELEM_TYPE } from '../onnx-proto.js';
import { int, type OnnxGraphBuilder } from '../graph-builder.js';
import { batchOfTensors, broadcastBatch, hint, type OnnxConverter } from './common.js';

const COMPARE: Readonly<Record<CompareOp, string>> = { eq: 'Equal', ne: 'Equal', lt: 'Less', le: 'LessOrEqual', gt: 'Greater', ge: 'GreaterOrEqual' };

const asBool = (g: OnnxGraphBuilder, mask: Tensor, h: string): string => g.op('Cast', [g.value(mask)], { to: int(ONNX_ELEM_TYPE.bool) }, `${h}/bool`);

/** A scalar of x's dtype (int32 too). */
function fillValue(g: OnnxGraphBuilder, value: number, x: Tensor, h: string): string {
  return x.dtype === 'int32' ? g.literal(`${h}/value`, 'int32', [], Int32Array.of(value)) : g.scalar(`${h}/value`, value, x);
}

/**
 * x as a scalar when it is a constant of one repeated value and the mask alone has the output's
 * shape: `maskedFill(zeros(mask.shape), mask, −∞)` (MultiheadAttention turning a padding mask into
 * a float one) then exports for every batch size, where a zeros tensor sized by the batch would not.
 */
function uniformConstant(g: OnnxGraphBuilder, x: Tensor, mask: Tensor, h: string): string | null {
  if (!g.isConstant(x) || g.nameOf(x) !== undefined || x.numel() === 0 || mask.ndim !== x.ndim || mask.shape.some((d, i) => d !== x.shape[i])) return null;
  const data = x.storage;
  const first = data[0]!;
  for (let i = 1; i < data.length; i++) if (!Object.is(data[i], first)) return null;
  return fillValue(g, first, x, `${h}/x`);
}

/** Where(mask, x, 0) or Where(mask, value, x): the op's one tensor input and a mask from its attrs. */
function maskedWhere(mask: (attrs: unknown) => Tensor, value: (attrs: unknown) => number, fillWhereMasked: boolean): OnnxConverter {
  return (g, node) => {
    const x = node.inputs[0]!;
    const m = mask(node.attrs);
    const h = hint(g, node);
    const xName = uniformConstant(g, x, m, h);
    const batch = batchOfTensors(g, xName === null ? [x, m] : [m], node.output.ndim);
    const fill = fillValue(g, value(node.attrs), x, h);
    const source = xName ?? g.value(x);
    const inputs = fillWhereMasked ? [asBool(g, m, h), fill, source] : [asBool(g, m, h), source, fill];
    g.define(node.output, g.op('Where', inputs, {}, h), batch);
  };
}

export const maskConverters: Readonly<Record<string, OnnxConverter>> = {
  Compare(g, node) {
    const op = node.attrs as CompareOp;
    const [a, b] = node.inputs as [Tensor, Tensor];
    const h = `${hint(g, node)}_${op}`;
    const batch = broadcastBatch(g, node);
    // ONNX compares two tensors of one type: an int32 side of a mixed pair is cast to the float type.
    const operand = (t: Tensor, other: Tensor): string => (t.dtype === other.dtype || t.dtype !== 'int32' ? g.value(t) : g.op('Cast', [g.value(t)], { to: int(ONNX_ELEM_TYPE[other.dtype]) }, `${h}/as_${other.dtype}`));
    let test = g.op(COMPARE[op], [operand(a, b), operand(b, a)], {}, `${h}/test`);
    if (op === 'ne') test = g.op('Not', [test], {}, `${h}/not`);
    g.define(node.output, g.op('Cast', [test], { to: int(ONNX_ELEM_TYPE.int32) }, h), batch);
  },
  MaskedFill: maskedWhere((a) => (a as { drop: Tensor }).drop, (a) => (a as { value: number }).value, true),
  Tril: maskedWhere((a) => a as Tensor, () => 0, false),
  Triu: maskedWhere((a) => a as Tensor, () => 0, false),
};
