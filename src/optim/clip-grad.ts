/**
 * Gradient clipping — `clipGradNorm` rescales all gradients together so that their joint norm
 * is at most `maxNorm`; `clipGradValue` clamps each gradient element to [−v, v]. Both act in
 * place on `param.grad`, as `torch.nn.utils.clip_grad_norm_` / `clip_grad_value_` (PyTorch 1.13).
 *
 * The joint norm treats every gradient as one long vector:
 *
 *   ‖g‖ₚ = (Σ_params ‖g_i‖ₚᵖ)^(1/p)        ‖g‖_∞ = max_params ‖g_i‖_∞
 *   c   = min(1, maxNorm / (‖g‖ₚ + 10⁻⁶))   g_i ← c · g_i
 *
 * The 10⁻⁶ keeps c finite when every gradient is zero and makes the clipped norm land just
 * under maxNorm. We multiply by c even when it is 1, as PyTorch does: the decision stays in
 * tensor ops, so a device-resident backend never has to read the norm back to the host.
 */
import { noGrad } from '../autograd/function.js';
import { Tensor } from '../autograd/tensor.js';
import { scalar } from '../autograd/creation.js';
import { div } from '../autograd/ops/elementwise.js';
import { stack } from '../autograd/ops/indexing.js';

/** Options of `clipGradNorm`: whether a non-finite total norm throws. */
export interface ClipGradNormOptions {
  /** Throw when the total norm is NaN or ±Inf instead of scaling by it (default false). */
  readonly errorIfNonfinite?: boolean;
}

/** The p-norm of every element of `x` as a 0-d tensor (p > 0 or Infinity). */
function vectorNorm(x: Tensor, p: number): Tensor {
  if (p === Infinity) return x.abs().max();
  if (p === 2) return x.mul(x).sum().sqrt();
  if (p === 1) return x.abs().sum();
  return x.abs().pow(p).sum().pow(1 / p);
}

function gradsOf(params: Iterable<Tensor> | Tensor, where: string): Tensor[] {
  const list = params instanceof Tensor ? [params] : [...params];
  list.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new TypeError(`${where}: parameter ${i} is not a Tensor`);
  });
  return list.flatMap((p) => (p.grad === null ? [] : [p.grad]));
}

/**
 * Scales the gradients of `params` in place so that their joint `normType`-norm is at most
 * `maxNorm`, and returns the norm they had before (a 0-d tensor, in the first gradient's dtype).
 * Parameters without a gradient are ignored; with none at all the norm is 0.
 * @example
 * // grads [3, 4] and [0]: joint 2-norm 5; maxNorm 1 scales them by 1/(5 + 1e-6)
 * clipGradNorm(model.parameters(), 1.0).item()  // 5
 */
export function clipGradNorm(params: Iterable<Tensor> | Tensor, maxNorm: number, normType = 2, options: ClipGradNormOptions = {}): Tensor {
  if (typeof maxNorm !== 'number' || Number.isNaN(maxNorm)) throw new RangeError(`clipGradNorm: maxNorm must be a number, got ${String(maxNorm)}`);
  if (typeof normType !== 'number' || !(normType > 0)) throw new RangeError(`clipGradNorm: normType must be > 0 or Infinity, got ${String(normType)}`);
  const grads = gradsOf(params, 'clipGradNorm');
  if (grads.length === 0) return scalar(0);
  return noGrad(() => {
    const dtype = grads[0]!.dtype;
    const norms = grads.map((g) => vectorNorm(g, normType).to(dtype)); // one norm per gradient
    const total = vectorNorm(stack(norms), normType); //                  the norm of the norms
    if (options.errorIfNonfinite && !Number.isFinite(total.item())) {
      throw new RangeError(`clipGradNorm: the total ${normType}-norm of the gradients is ${total.item()}, so they cannot be clipped; pass errorIfNonfinite: false to scale by it anyway`);
    }
    const coef = div(maxNorm, total.add(1e-6)).clamp(null, 1);
    for (const g of grads) g.assign(g.mul(coef.to(g.dtype)));
    return total;
  });
}

/**
 * Clamps every gradient element of `params` to [−clipValue, clipValue], in place.
 * @example
 * // grad [−3, 0.5, 2] with clipValue 1 becomes [−1, 0.5, 1]
 * clipGradValue([w], 1);
 */
export function clipGradValue(params: Iterable<Tensor> | Tensor, clipValue: number): void {
  if (typeof clipValue !== 'number' || !(clipValue >= 0)) throw new RangeError(`clipGradValue: clipValue must be a number ≥ 0, got ${String(clipValue)}`);
  const grads = gradsOf(params, 'clipGradValue');
  noGrad(() => {
    for (const g of grads) g.assign(g.clamp(-clipValue, clipValue));
  });
}
