/**
 * bilinear — PyTorch's `F.bilinear`: y_k = x₁ᵀ A_k x₂ + b_k, a bilinear form per output feature.
 *
 * Shapes: x₁ [*, I1], x₂ [*, I2] (the same leading axes), A [O, I1, I2], b [O] → y [*, O]:
 *   y[n, k] = Σ_{i,j} x₁[n, i] · A[k, i, j] · x₂[n, j] + b[k]
 * With the outer products Z[n, (i,j)] = x₁[n, i] · x₂[n, j] ([n, I1·I2]) and A as [O, I1·I2]
 * this is one matrix product, y = Z · Aᵀ.
 * Backward. With G = dY · A ([n, I1·I2], i.e. G[n, i, j] = Σ_k dY[n, k] A[k, i, j]):
 *   dx₁[n, i] = Σ_j G[n, i, j] · x₂[n, j]    ⇒  dx₁ = G · x₂ per row     [n, I1, I2]·[n, I2, 1]
 *   dx₂[n, j] = Σ_i x₁[n, i] · G[n, i, j]    ⇒  dx₂ = x₁ᵀ · G per row    [n, 1, I1]·[n, I1, I2]
 *   dA[k, i, j] = Σ_n dY[n, k] · Z[n, i, j]  ⇒  dA = dYᵀ · Z             [O, n]·[n, I1·I2]
 * and the bias, broadcast over the n rows, gets Σ_n dY.
 */
import { apply, type OpDef } from '../function.js';
import { fmt } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, mul } from './elementwise.js';
import { checkTensor, requireFloat } from './helpers.js';
import { matmul } from './matmul.js';
import { reshape, transpose, unsqueeze } from './shape.js';

/** Z = the row-wise outer products of x₁ [n, I1] and x₂ [n, I2], as [n, I1·I2]. */
const outer = (x1: Tensor, x2: Tensor): Tensor => reshape(mul(unsqueeze(x1, 2), unsqueeze(x2, 1)), [x1.shape[0]!, -1]);

/** Inputs: x₁ [n, I1], x₂ [n, I2], A [O, I1, I2]. */
const Bilinear: OpDef<readonly [Tensor, Tensor, Tensor]> = {
  name: 'Bilinear',
  forward(ctx, [x1, x2, w]) {
    ctx.save(x1, x2, w);
    return matmul(outer(x1, x2), transpose(reshape(w, [w.shape[0]!, -1]))); //  [n, O]
  },
  backward(ctx, dY) {
    const [x1, x2, w] = ctx.saved as [Tensor, Tensor, Tensor];
    const [n, I1, I2] = [x1.shape[0]!, x1.shape[1]!, x2.shape[1]!];
    const need = ctx.needsInputGrad;
    const g = need[0] || need[1] ? reshape(matmul(dY, reshape(w, [w.shape[0]!, -1])), [n, I1, I2]) : null;
    return [
      need[0] ? reshape(matmul(g!, unsqueeze(x2, 2)), [n, I1]) : null,
      need[1] ? reshape(matmul(unsqueeze(x1, 1), g!), [n, I2]) : null,
      need[2] ? reshape(matmul(transpose(dY), outer(x1, x2)), w.shape) : null,
    ];
  },
};

/**
 * y = x₁ᵀ A_k x₂ + b_k for every output feature k, over any leading axes.
 * @example bilinear(tensor([[1, 2]]), tensor([[3]]), ones([1, 2, 1])).toArray()  // [[9]]
 */
export function bilinear(x1: Tensor, x2: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  const op = 'bilinear';
  checkTensor(x1, op, 'input1');
  checkTensor(x2, op, 'input2');
  checkTensor(weight, op, 'weight');
  for (const [name, t] of [['input1', x1], ['input2', x2], ['weight', weight], ...(bias ? [['bias', bias] as const] : [])] as const) {
    requireFloat(t, op, name);
    if (t.dtype !== x1.dtype) throw new TypeError(`${op}: ${name} is ${t.dtype} but input1 is ${x1.dtype}; convert one with .to('${x1.dtype}')`);
  }
  if (weight.ndim !== 3) throw new RangeError(`${op}: weight must be 3-D [O, I1, I2], got ${fmt(weight.shape)}`);
  const [O, I1, I2] = weight.shape as readonly [number, number, number];
  const lead = x1.shape.slice(0, -1);
  if (x1.ndim < 1 || x2.ndim !== x1.ndim || fmt(x2.shape.slice(0, -1)) !== fmt(lead) || x1.shape.at(-1) !== I1 || x2.shape.at(-1) !== I2) {
    throw new RangeError(`${op}: inputs ${fmt(x1.shape)} and ${fmt(x2.shape)} must be [*, ${I1}] and [*, ${I2}] with the same leading axes, for weight ${fmt(weight.shape)}`);
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== O)) throw new RangeError(`${op}: bias must have shape [${O}], got ${fmt(bias.shape)}`);
  const y = apply(Bilinear, [reshape(x1, [-1, I1]), reshape(x2, [-1, I2]), weight], undefined); // [n, O]
  const shaped = reshape(y, [...lead, O]);
  return bias ? add(shaped, bias) : shaped; //                                  bias [O] broadcast over the rows
}
