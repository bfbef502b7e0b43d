/**
 * attention — ops/attention.ts and ops/masked-softmax.ts in standard ONNX operators.
 *
 * The fused attention op becomes what it computes (opset 13's MatMul, Transpose, Softmax, Where):
 *   A = MatMul(Mul(Q, c), Transpose(K))  (+ B, a float mask)              [..., L, S]
 *   P = Softmax(Where(keep, A, −∞))       keep: Cast(the int32 keep mask, bool)
 *   O = MatMul(P, V)                                                       [..., L, Ev]
 * Sapling gives a query that keeps no key zero weights; ONNX's Softmax of a row of −∞ is NaN, so
 * when a mask could empty a row we write Where(IsNaN(P), 0, P) (a partly masked row already has
 * exact zeros: exp(−∞) = 0). MaskedSoftmax (attentionWeights) is the middle line alone, and
 * MaskedLogSoftmax the same with LogSoftmax, −∞ where nothing is kept. Attention dropout is a
 * training-time op: a trace with dropoutP > 0 is refused.
 */
import type { Shape } from '../../../autograd/shape.js';
import type { Tensor } from '../../../autograd/tensor.js';
import { ONNX_ELEM_TYPE } from '../onnx-proto.js';
import { int, ints, type OnnxGraphBuilder, type TracedNode } from '../graph-builder.js';
import { batchOfTensors, hint, type OnnxConverter } from './common.js';

/** Mirrors AttentionAttrs in ops/attention.ts (the fields the export reads). */
interface AttentionAttrs {
  readonly scale: number;
  readonly keep: Tensor | null;
  readonly dropoutP: number;
  readonly empty: boolean;
  readonly outShape: Shape;
}

/** Mirrors MaskedAttrs in ops/masked-softmax.ts. */
interface MaskedAttrs {
  readonly keep: Tensor | null;
  readonly axis: number;
}

/** Where(keep, x, −∞) when there is a keep mask (a bool value name), else x. */
function dropMasked(g: OnnxGraphBuilder, x: string, keep: string | null, like: Tensor, h: string): string {
  return keep === null ? x : g.op('Where', [keep, x, g.scalar(`${h}/minus_inf`, -Infinity, like)], {}, `${h}/masked`);
}

/** Replaces NaN (the softmax of a row that keeps nothing) by `fill`. */
function guardEmptyRows(g: OnnxGraphBuilder, p: string, fill: number, like: Tensor, h: string): string {
  const isNan = g.op('IsNaN', [p], {}, `${h}/empty_row`);
  return g.op('Where', [isNan, g.scalar(`${h}/fill`, fill, like), p], {}, h);
}

const keepMask = (g: OnnxGraphBuilder, keep: Tensor | null, h: string): string | null =>
  keep === null ? null : g.op('Cast', [g.value(keep)], { to: int(ONNX_ELEM_TYPE.bool) }, `${h}/keep`);

function maskedSoftmaxLike(onnxOp: 'Softmax' | 'LogSoftmax', fill: number): OnnxConverter {
  return (g, node) => {
    const x = node.inputs[0]!;
    const { keep, axis } = node.attrs as MaskedAttrs;
    const h = hint(g, node);
    const batch = batchOfTensors(g, keep ? [x, keep] : [x], node.output.ndim);
    const z = dropMasked(g, g.value(x), keepMask(g, keep, h), x, h);
    const y = g.op(onnxOp, [z], { axis: int(axis) }, `${h}/${onnxOp.toLowerCase()}`);
    g.define(node.output, guardEmptyRows(g, y, fill, x, h), batch);
  };
}

/** The batch axis of the attention's output: q, k, v (and the masks) must carry it on one leading axis. */
function attentionBatch(g: OnnxGraphBuilder, node: TracedNode, keep: Tensor | null): number | null {
  for (const t of node.inputs.slice(0, 3)) {
    const b = g.batchAxis(t);
    if (b !== null && b >= t.ndim - 2) throw g.fail(`the batch is axis ${b} of [${t.shape}], one of its last two (sequence, features) axes; it must be a leading axis (a dynamic batch is axis 0 of every input: for time-first [T, N, E] inputs use batchFirst: true, or export with dynamicBatch: false)`);
  }
  return batchOfTensors(g, keep ? [...node.inputs, keep] : node.inputs, node.output.ndim);
}

const scaledDotProductAttention: OnnxConverter = (g, node) => {
  const [q, k, v, bias] = node.inputs as [Tensor, Tensor, Tensor, Tensor?];
  const { scale, keep, dropoutP, empty, outShape } = node.attrs as AttentionAttrs;
  if (dropoutP > 0) throw g.fail(`drops attention weights with p = ${dropoutP}; export the model in eval mode (attention dropout 0)`);
  if (empty) throw g.fail(`has no key or an empty output [${outShape}] (query [${q.shape}], key [${k.shape}])`);
  const batch = attentionBatch(g, node, keep);
  const h = hint(g, node).replace(/\/ScaledDotProductAttention$/, '/attention');
  const perm = [...k.shape.keys()];
  [perm[k.ndim - 2], perm[k.ndim - 1]] = [perm[k.ndim - 1]!, perm[k.ndim - 2]!];
  const scaled = g.op('Mul', [g.value(q), g.scalar(`${h}/scale`, scale, q)], {}, `${h}/q_scaled`);
  const kT = g.op('Transpose', [g.value(k)], { perm: ints(perm) }, `${h}/k_t`);
  let scores = g.op('MatMul', [scaled, kT], {}, `${h}/scores`);
  if (bias !== undefined) scores = g.op('Add', [scores, g.value(bias)], {}, `${h}/scores_masked`);
  let p = g.op('Softmax', [dropMasked(g, scores, keepMask(g, keep, h), q, h)], { axis: int(-1) }, `${h}/softmax`);
  if (keep !== null || bias !== undefined) p = guardEmptyRows(g, p, 0, q, `${h}/weights`);
  g.define(node.output, g.op('MatMul', [p, g.value(v)], {}, h), batch);
};

export const attentionConverters: Readonly<Record<string, OnnxConverter>> = {
  ScaledDotProductAttention: scaledDotProductAttention,
  MaskedSoftmax: maskedSoftmaxLike('Softmax', 0),
  MaskedLogSoftmax: maskedSoftmaxLike('LogSoftmax', -Infinity),
};
