/**
 * Linear — y = x · Wᵀ + b
 *
 * Shapes: x [*, in] → y [*, out] (any leading axes). W is stored as [out, in], as in PyTorch,
 * so reference weights load without a transpose. Initialisation is PyTorch's default:
 * W ~ kaimingUniform(a = √5), which works out to U(−1/√in, 1/√in), and b ~ U(−1/√in, 1/√in);
 * both keep the output variance roughly independent of `in`.
 */
import { zeros } from '../autograd/creation.js';
import type { FloatDType } from '../autograd/dtype.js';
import { isGradEnabled, noGrad } from '../autograd/function.js';
import { add } from '../autograd/ops/elementwise.js';
import { matmul } from '../autograd/ops/matmul.js';
import { matmulTransposed } from '../autograd/ops/matmul-transposed.js';
import { reshape, transpose } from '../autograd/ops/shape.js';
import { defaultRandom, type Random } from '../autograd/random.js';
import { fmt, sizeOf } from '../autograd/shape.js';
import { keep } from '../autograd/memory.js';
import { type Tensor } from '../autograd/tensor.js';
import { storageObject } from '../autograd/tensor-storage.js';
import { cacheVersion } from '../autograd/storage.js';
import { kaimingUniform, uniform } from './init.js';
import { Module, type Parameter } from './module.js';

/** Options of `Linear`: the bias and the generator of the initial weights. */
export interface LinearOptions {
  /** Learn an additive bias (default true). */
  readonly bias?: boolean;
  readonly dtype?: FloatDType;
  /** Generator for the initial weights (default: the global one). */
  readonly random?: Random;
}

/** Throws unless `n` is a positive integer; shared by the layer constructors. */
export function requireSize(layer: string, name: string, n: number, min = 1): void {
  if (!Number.isInteger(n) || n < min) throw new RangeError(`${layer}: ${name} must be an integer ≥ ${min}, got ${n}`);
}

/**
 * y = x · Wᵀ + b, the functional form of Linear (W [out, in], b [out] or null).
 * @example linear(ones([1, 2]), ones([3, 2]), null).toArray()  // [[2, 2, 2]]
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  const recording = isGradEnabled() && (x.requiresGrad || weight.requiresGrad || (bias?.requiresGrad ?? false));
  const y = recording ? timesWeightT(x, weight) : matmul(x, transposedCopy(weight)); // [*, in] · [in, out] → [*, out]
  return bias ? add(y, bias) : y; //         b [out] broadcast over the leading axes
}

/**
 * x · Wᵀ while recording: one product that reads W [out, in] transposed in place, whose backward
 * is dx = dY · W and dW = dYᵀ · x (ops/matmul-transposed.ts). Through matmul(x, transpose(W))
 * every step would transpose W forward, transpose it back for dx, and transpose x and dWᵀ for dW.
 */
function timesWeightT(x: Tensor, weight: Tensor): Tensor {
  if (x.ndim === 0 || weight.ndim !== 2) return matmul(x, transpose(weight)); // (matmul names the mistake)
  const rows = x.shape.slice(0, -1); //                                          x [*, in] read as [(∏*), in]
  const y = matmulTransposed(x.ndim === 2 ? x : reshape(x, [sizeOf(rows), x.shape[x.ndim - 1]!]), weight, { transposeA: false, transposeB: true });
  return x.ndim === 2 ? y : reshape(y, [...rows, weight.shape[0]!]);
}

/**
 * Wᵀ for inference, made once per weight storage and version and reused until either changes
 * (assign, mutate: ../autograd/storage.ts); never kept for a storage a caller holds, which may
 * change unseen. Besides the copy it saves, the same Wᵀ on every call lets the wasm kernels keep
 * it resident, packed by XNNPACK.
 */
const transposed = new WeakMap<object, { readonly version: number; readonly t: Tensor }>();
function transposedCopy(weight: Tensor): Tensor {
  const storage = storageObject(weight);
  const version = cacheVersion(storage);
  if (version === null) return noGrad(() => transpose(weight));
  const cached = transposed.get(storage);
  const t = cached?.t;
  // (a reshape shares storage: a view of another shape or dtype must not find this one's Wᵀ)
  if (t !== undefined && cached!.version === version && t.dtype === weight.dtype && t.ndim === 2 && t.shape[0] === weight.shape[1] && t.shape[1] === weight.shape[0]) return t;
  const fresh = keep(noGrad(() => transpose(weight))); // a cache outlives any scope() it was made in
  transposed.set(storage, { version, t: fresh });
  return fresh;
}

/**
 * A fully connected layer.
 * @example new Linear(4, 2).forward(zeros([3, 4])).shape  // [3, 2]
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly weight: Parameter;
  readonly bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    super();
    requireSize('Linear', 'inFeatures', inFeatures, 0);
    requireSize('Linear', 'outFeatures', outFeatures, 0);
    const { bias = true, dtype = 'float32' } = options;
    const random = options.random ?? defaultRandom();
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    const w = zeros([outFeatures, inFeatures], { dtype });
    this.weight = this.param('weight', inFeatures > 0 ? kaimingUniform(w, { a: Math.sqrt(5), random }) : w);
    const bound = inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0;
    this.bias = bias ? this.param('bias', uniform(zeros([outFeatures], { dtype }), -bound, bound, { random })) : null;
  }

  forward(x: Tensor): Tensor {
    if (x.ndim === 0 || x.shape[x.ndim - 1] !== this.inFeatures) {
      throw new RangeError(`Linear: expected input [*, ${this.inFeatures}], got ${fmt(x.shape)}`);
    }
    return linear(x, this.weight, this.bias);
  }

  protected override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}
