/**
 * embedding — a lookup table as an op: y[…, :] = W[index[…], :], PyTorch's `F.embedding`.
 *
 * Shapes: index [*] (int32, each in [0, V)), W [V, D]  →  y [*, D].
 *
 * Backward. Each output row is a copy of one row of W, so row v of dW collects every dY row
 * whose index is v (several when an index repeats):
 *   dW[v] = Σ_{i : index_i = v} dY[i]          (an index-add, the adjoint of the row gather)
 * With `paddingIdx` p, the rows that looked up p send nothing: dW[p] = 0, so the padding
 * vector stays where it is (zero, as the layer initialises it) however long we train.
 * The backward is itself an op ('EmbeddingBackward'), linear in dY, whose adjoint is the
 * lookup again (with the padded rows masked), so double backward works too.
 */
import { apply, type OpDef } from '../function.js';
import { kernels } from '../backends/index.js';
import { fmt, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { mul, ne } from './elementwise.js';
import { checkTensor, requireFloat, requireInt } from './helpers.js';
import { max, min } from './reduce.js';
import { reshape } from './shape.js';

interface EmbeddingAttrs {
  /** The flattened index [n]. */
  readonly index: Tensor;
  /** Output shape [*, D]. */
  readonly outShape: Shape;
  readonly weightShape: Shape;
  readonly paddingIdx: number | null;
}

/** [n, 1] float mask: 0 for rows that looked up the padding index, 1 otherwise (null when none). */
function keepMask({ index, paddingIdx }: EmbeddingAttrs, dtype: Tensor['dtype']): Tensor | null {
  return paddingIdx === null ? null : reshape(ne(index, paddingIdx), [index.numel(), 1]).to(dtype);
}

const Embedding: OpDef<readonly [Tensor], EmbeddingAttrs> = {
  name: 'Embedding',
  forward(_ctx, [weight], attrs) {
    return reshape(kernels().indexSelect(weight, 0, attrs.index), attrs.outShape); // [*, D]
  },
  backward(_ctx, dY, attrs) {
    return [apply(EmbeddingBackward, [dY], attrs)]; //                           [V, D]
  },
};

/** dW = indexAdd(mask ⊙ dY); linear in dY, with the masked lookup as its adjoint. */
const EmbeddingBackward: OpDef<readonly [Tensor], EmbeddingAttrs> = {
  name: 'EmbeddingBackward',
  forward(_ctx, [dY], attrs) {
    const rows = reshape(dY, [attrs.index.numel(), attrs.weightShape[1]!]); //       [n, D]
    const mask = keepMask(attrs, dY.dtype);
    return kernels().indexAdd(mask ? mul(rows, mask) : rows, 0, attrs.index, attrs.weightShape);
  },
  backward(_ctx, dZ, attrs) {
    const rows = kernels().indexSelect(dZ, 0, attrs.index); //                   [n, D]
    const mask = keepMask(attrs, dZ.dtype);
    return [reshape(mask ? mul(rows, mask) : rows, attrs.outShape)];
  },
};

/**
 * Looks up rows of `weight` [V, D] by the int32 `index` [*]: the result is [*, D]. Rows that
 * look up `paddingIdx` get no gradient.
 * @example embedding(tensor([1], { dtype: 'int32' }), tensor([[0, 0], [5, 6]])).toArray()  // [[5, 6]]
 */
export function embedding(index: Tensor, weight: Tensor, paddingIdx: number | null = null): Tensor {
  const op = 'embedding';
  checkTensor(index, op, 'index');
  requireInt(index, op, 'index');
  requireFloat(weight, op, 'weight');
  if (weight.ndim !== 2) throw new RangeError(`${op}: weight must be 2-D [V, D], got ${fmt(weight.shape)}`);
  const [V, D] = weight.shape as [number, number];
  let padding: number | null = null;
  if (paddingIdx !== null) {
    if (!Number.isInteger(paddingIdx) || paddingIdx < -V || paddingIdx >= V) {
      throw new RangeError(`${op}: paddingIdx ${paddingIdx} is out of range for ${V} embeddings`);
    }
    padding = paddingIdx < 0 ? paddingIdx + V : paddingIdx;
  }
  if (index.numel() > 0) {
    const lo = min(index).item();
    const hi = max(index).item();
    if (lo < 0 || hi >= V) {
      throw new RangeError(`${op}: index ${lo < 0 ? lo : hi} is out of range for ${V} embeddings (index ${fmt(index.shape)}, weight ${fmt(weight.shape)})`);
    }
  }
  const flat = reshape(index, [index.numel()]);
  return apply(Embedding, [weight], { index: flat, outShape: [...index.shape, D], weightShape: weight.shape, paddingIdx: padding });
}
