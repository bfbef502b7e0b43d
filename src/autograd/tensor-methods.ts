/**
 * tensor-methods — declares (`TensorMethods`, merged into `Tensor`'s type by tensor.ts) and
 * attaches the fluent methods: `a.add(b)` is `add(a, b)`, `y.backward()` is the engine's
 * `backward(y)`. They live here, not in the class, because they need the ops and the engine,
 * which themselves import the class: kept apart, the imports run one way (tensor.ts ← ops,
 * engine ← this file; tensor.ts reads the interface as a type only). The package index imports this file
 * for its effect, so `import … from 'sapling'` always has them (tests: vitest.config.ts).
 */
import type { Device } from './device.js';
import { isDType, type DType } from './dtype.js';
import { backward, type BackwardOptions } from './engine.js';
import * as ops from './ops/index.js';
import { toDevice } from './memory.js';
import type { SliceRange } from './ops/indexing.js';
import type { ValuesIndices, VarOptions } from './ops/reduce.js';
import type { UniqueOptions, UniqueResult } from './ops/nonzero.js';
import type { MultinomialOptions } from './ops/multinomial.js';
import type { CloseOptions } from './ops/allclose.js';
import type { Shape } from './shape.js';
import { Tensor, type Scalar } from './tensor.js';

/**
 * The fluent methods: every op as a method too (`a.add(b)` is `add(a, b)`), since TypeScript has
 * no operator overloading. Declared here, merged into `Tensor`'s type by tensor.ts, and attached
 * below.
 */
export interface TensorMethods {
  /** A copy of the values that stays in the graph (gradient flows back unchanged). */
  clone(): Tensor;
  /** Converts to `dtype` (differentiable between float dtypes). */
  to(dtype: DType): Tensor;
  /** The values on `device` ('cpu', 'wasm' or 'webgpu'): this tensor if already there, else a copy (memory.ts). */
  to(device: Device): Promise<Tensor>;
  /** Backpropagates from this tensor; see engine.ts. */
  backward(gradient?: Tensor, options?: BackwardOptions): void;

  // ── elementwise binary (broadcasting) ──
  /** this + b, broadcasting (see `add`). */
  add(b: Tensor | Scalar): Tensor;
  /** this − b, broadcasting. */
  sub(b: Tensor | Scalar): Tensor;
  /** this · b elementwise, broadcasting. */
  mul(b: Tensor | Scalar): Tensor;
  /** this / b, broadcasting. */
  div(b: Tensor | Scalar): Tensor;
  /** this raised to the power b, elementwise, broadcasting. */
  pow(b: Tensor | Scalar): Tensor;
  /** The larger of this and b, elementwise. */
  maximum(b: Tensor | Scalar): Tensor;
  /** The smaller of this and b, elementwise. */
  minimum(b: Tensor | Scalar): Tensor;
  /** this == b as an int32 0/1 mask (not differentiable). */
  eq(b: Tensor | Scalar): Tensor;
  /** this ≠ b as an int32 0/1 mask. */
  ne(b: Tensor | Scalar): Tensor;
  /** this < b as an int32 0/1 mask. */
  lt(b: Tensor | Scalar): Tensor;
  /** this ≤ b as an int32 0/1 mask. */
  le(b: Tensor | Scalar): Tensor;
  /** this > b as an int32 0/1 mask. */
  gt(b: Tensor | Scalar): Tensor;
  /** this ≥ b as an int32 0/1 mask. */
  ge(b: Tensor | Scalar): Tensor;

  // ── elementwise unary ──
  /** −this. */
  neg(): Tensor;
  /** eˣ, elementwise. */
  exp(): Tensor;
  /** The natural logarithm, elementwise. */
  log(): Tensor;
  /** The square root, elementwise. */
  sqrt(): Tensor;
  /** 1 / √x, elementwise. */
  rsqrt(): Tensor;
  /** |x|, elementwise. */
  abs(): Tensor;
  /** The sine, elementwise. */
  sin(): Tensor;
  /** The cosine, elementwise. */
  cos(): Tensor;
  /** The hyperbolic tangent, elementwise. */
  tanh(): Tensor;
  /** σ(x) = 1 / (1 + e^−x), elementwise. */
  sigmoid(): Tensor;
  /** max(x, 0), elementwise. */
  relu(): Tensor;
  /** x where x > 0, else slope · x (default slope 0.01). */
  leakyRelu(slope?: number): Tensor;
  /** x where x > 0, else α(eˣ − 1) (default α 1). */
  elu(alpha?: number): Tensor;
  /** The Gaussian error linear unit, exact ('none', the default) or with the tanh approximation. */
  gelu(approximate?: 'none' | 'tanh'): Tensor;
  /** log(1 + eˣ), elementwise. */
  softplus(): Tensor;
  /** The values limited to [min, max] (null: no bound on that side). */
  clamp(min: number | null, max: number | null): Tensor;

  // ── reductions ──
  /** The sum over `axes` (all when omitted); `keepDim` keeps them with size 1. */
  sum(axes?: number | readonly number[], keepDim?: boolean): Tensor;
  /** The mean over `axes` (all when omitted). */
  mean(axes?: number | readonly number[], keepDim?: boolean): Tensor;
  /** The largest value of all; with `dim`, `{ values, indices }` along that axis (torch.max). */
  max(): Tensor;
  max(dim: number, keepDim?: boolean): ValuesIndices;
  /** The smallest value of all; with `dim`, `{ values, indices }` along that axis (torch.min). */
  min(): Tensor;
  min(dim: number, keepDim?: boolean): ValuesIndices;
  /** The largest value over `axes` (all by default), ties sharing the gradient (torch.amax). */
  amax(axes?: number | readonly number[], keepDim?: boolean): Tensor;
  /** The smallest value over `axes` (all by default), ties sharing the gradient (torch.amin). */
  amin(axes?: number | readonly number[], keepDim?: boolean): Tensor;
  /** The variance over `axes`, unbiased unless `options.unbiased` is false (torch.var). */
  var(axes?: number | readonly number[], options?: VarOptions): Tensor;
  /** The standard deviation over `axes`, unbiased unless `options.unbiased` is false. */
  std(axes?: number | readonly number[], options?: VarOptions): Tensor;
  /** log Σ eˣ over `axes`, computed without overflow. */
  logSumExp(axes?: number | readonly number[], keepDim?: boolean): Tensor;
  /** The softmax along `axis` (default the last). */
  softmax(axis?: number): Tensor;
  /** The log of the softmax along `axis` (default the last), computed stably. */
  logSoftmax(axis?: number): Tensor;
  /** The index of the largest value along `axis` (of the flattened tensor when omitted), int32. */
  argmax(axis?: number, keepDim?: boolean): Tensor;
  /** The index of the smallest value along `axis` (of the flattened tensor when omitted), int32. */
  argmin(axis?: number, keepDim?: boolean): Tensor;

  // ── shape and indexing ──
  /** The same values in a new shape (one entry may be −1); shares storage. */
  reshape(shape: Shape): Tensor;
  /** `reshape` under PyTorch's other name. */
  view(shape: Shape): Tensor;
  /** Axes startDim … endDim merged into one (default: all of them). */
  flatten(startDim?: number, endDim?: number): Tensor;
  /** Size-1 axes removed (all of them, or only `axes`). */
  squeeze(axes?: number | readonly number[]): Tensor;
  /** A size-1 axis inserted at `axis`. */
  unsqueeze(axis: number): Tensor;
  /** Two axes swapped (default the last two: the matrix transpose). */
  transpose(axis0?: number, axis1?: number): Tensor;
  /** The axes reordered: axis i of the result is axis perm[i] of this. */
  permute(perm: readonly number[]): Tensor;
  /** Size-1 axes repeated to `shape` (PyTorch's `expand`; the same as `broadcastTo`). */
  expand(shape: Shape): Tensor;
  /** This broadcast to `shape`; the gradient sums back over the broadcast axes. */
  broadcastTo(shape: Shape): Tensor;
  /** Python-style indexing, one entry per leading axis: a number picks an index (dropping the axis), null keeps the axis, { start, stop, step } slices it. */
  slice(ranges: readonly SliceRange[]): Tensor;
  /** Values picked along `axis` at int32 `index` positions (torch.gather). */
  gather(axis: number, index: Tensor): Tensor;
  /** The entries at int32 `index` along `axis` (torch.index_select). */
  indexSelect(axis: number, index: Tensor): Tensor;
  /** Pieces along `axis`: of one size (the last may be smaller) or of the given sizes. */
  split(sizeOrSizes: number | readonly number[], axis?: number): Tensor[];
  /** `chunks` nearly equal pieces along `axis`. */
  chunk(chunks: number, axis?: number): Tensor[];

  // ── linear algebra ──
  /** The matrix product this · b (batched over leading axes, broadcasting). */
  matmul(b: Tensor): Tensor;

  // ── sorting and running reductions ──
  /** The values sorted along `dim` (last by default) and their indices (torch.sort, stable). */
  sort(dim?: number, descending?: boolean): ValuesIndices;
  /** The indices that sort the values along `dim` (torch.argsort, stable). */
  argsort(dim?: number, descending?: boolean): Tensor;
  /** The k largest (or smallest) values along `dim`, sorted, and their indices (torch.topk). */
  topk(k: number, dim?: number, largest?: boolean): ValuesIndices;
  /** The running sum along `dim` (torch.cumsum). */
  cumsum(dim: number): Tensor;
  /** The running product along `dim` (torch.cumprod). */
  cumprod(dim: number): Tensor;
  /** The vector or matrix norm (torch.linalg.norm; see ops/norm.ts). */
  norm(ord?: number | 'fro' | 'nuc', dim?: number | readonly number[], keepDim?: boolean): Tensor;

  // ── reordering, tiling, masking ──
  /** The entries in reverse order along `dims` (torch.flip). */
  flip(dims: number | readonly number[]): Tensor;
  /** The entries moved `shifts` places along `dims`, wrapping around (torch.roll). */
  roll(shifts: number | readonly number[], dims?: number | readonly number[]): Tensor;
  /** Tiled `repeats[i]` times along axis i (torch's Tensor.repeat). */
  repeat(repeats: readonly number[]): Tensor;
  /** Tiled as repeat, fewer reps than axes padded with leading 1s (torch.tile). */
  tile(reps: readonly number[]): Tensor;
  /** `value` where `mask` is non-zero, the values elsewhere (torch's masked_fill). */
  maskedFill(mask: Tensor, value: number): Tensor;
  /** The lower triangle of the last two axes, zeros above (torch.tril). */
  tril(diagonal?: number): Tensor;
  /** The upper triangle of the last two axes, zeros below (torch.triu). */
  triu(diagonal?: number): Tensor;

  // ── indices: scatter, selection, counting ──
  /** `src` (or a number) written at the positions `index` gives along `dim` (torch.scatter). */
  scatter(dim: number, index: Tensor, src: Tensor | number): Tensor;
  /** `src` added at the positions `index` gives along `dim` (torch.scatter_add). */
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor;
  /** The coordinates of the non-zero entries, int32 [count, ndim] (torch.nonzero). */
  nonzero(): Tensor;
  /** The sorted distinct values; with options also their inverse and counts (torch.unique). */
  unique(): Tensor;
  unique(options: UniqueOptions): UniqueResult;
  /** How often each value 0 … max occurs in this 1-D int32 tensor (torch.bincount). */
  bincount(weights?: Tensor | null, minlength?: number): Tensor;
  /** Category indices drawn in proportion to these weights (torch.multinomial). */
  multinomial(numSamples: number, options?: MultinomialOptions): Tensor;
  /** An int32 mask of the elements close to `other`'s (torch.isclose). */
  isclose(other: Tensor, options?: CloseOptions): Tensor;
  /** Whether every element is close to `other`'s (torch.allclose). */
  allclose(other: Tensor, options?: CloseOptions): boolean;

  // ── in place (PyTorch's rules: ops/in-place.ts); each returns this tensor ──
  /** this += alpha · b. */
  add_(b: Tensor | Scalar, alpha?: number): this;
  /** this −= alpha · b. */
  sub_(b: Tensor | Scalar, alpha?: number): this;
  /** this ·= b. */
  mul_(b: Tensor | Scalar): this;
  /** this /= b. */
  div_(b: Tensor | Scalar): this;
  /** Clamped to [min, max] (null: open). */
  clamp_(min: number | null, max: number | null): this;
  /** Every element set to `value`. */
  fill_(value: number): this;
  /** Every element set to 0. */
  zero_(): this;
  /** `src`'s values (broadcast, converted to this dtype). */
  copy_(src: Tensor): this;
}

/** Every method, with `this` typed: the compiler checks each against the interface above. */
const methods: ThisType<Tensor> & TensorMethods = {
  clone(): Tensor { return ops.clone(this); },
  to: function (this: Tensor, to: DType | Device): Tensor | Promise<Tensor> {
    if (isDType(to)) return ops.cast(this, to);
    // Neither: a synchronous error, as a bad dtype always was (not a rejected promise).
    if (to !== 'cpu' && to !== 'wasm' && to !== 'webgpu') throw new TypeError(`to: unknown dtype '${String(to)}' (use float32, float64 or int32) or device (cpu, wasm or webgpu)`);
    return toDevice(this, to);
  } as TensorMethods['to'],
  backward(gradient?: Tensor, options: BackwardOptions = {}): void { backward(this, gradient, options); },

  // ── elementwise binary (broadcasting) ──
  add(b: Tensor | Scalar): Tensor { return ops.add(this, b); },
  sub(b: Tensor | Scalar): Tensor { return ops.sub(this, b); },
  mul(b: Tensor | Scalar): Tensor { return ops.mul(this, b); },
  div(b: Tensor | Scalar): Tensor { return ops.div(this, b); },
  pow(b: Tensor | Scalar): Tensor { return ops.pow(this, b); },
  maximum(b: Tensor | Scalar): Tensor { return ops.maximum(this, b); },
  minimum(b: Tensor | Scalar): Tensor { return ops.minimum(this, b); },
  eq(b: Tensor | Scalar): Tensor { return ops.eq(this, b); },
  ne(b: Tensor | Scalar): Tensor { return ops.ne(this, b); },
  lt(b: Tensor | Scalar): Tensor { return ops.lt(this, b); },
  le(b: Tensor | Scalar): Tensor { return ops.le(this, b); },
  gt(b: Tensor | Scalar): Tensor { return ops.gt(this, b); },
  ge(b: Tensor | Scalar): Tensor { return ops.ge(this, b); },

  // ── elementwise unary ──
  neg(): Tensor { return ops.neg(this); },
  exp(): Tensor { return ops.exp(this); },
  log(): Tensor { return ops.log(this); },
  sqrt(): Tensor { return ops.sqrt(this); },
  rsqrt(): Tensor { return ops.rsqrt(this); },
  abs(): Tensor { return ops.abs(this); },
  sin(): Tensor { return ops.sin(this); },
  cos(): Tensor { return ops.cos(this); },
  tanh(): Tensor { return ops.tanh(this); },
  sigmoid(): Tensor { return ops.sigmoid(this); },
  relu(): Tensor { return ops.relu(this); },
  leakyRelu(slope?: number): Tensor { return ops.leakyRelu(this, slope); },
  elu(alpha?: number): Tensor { return ops.elu(this, alpha); },
  gelu(approximate?: 'none' | 'tanh'): Tensor { return ops.gelu(this, approximate); },
  softplus(): Tensor { return ops.softplus(this); },
  clamp(min: number | null, max: number | null): Tensor { return ops.clamp(this, min, max); },

  // ── reductions ──
  sum(axes?: number | readonly number[], keepDim = false): Tensor { return ops.sum(this, axes, keepDim); },
  mean(axes?: number | readonly number[], keepDim = false): Tensor { return ops.mean(this, axes, keepDim); },
  max: function (this: Tensor, dim?: number, keepDim: boolean = false) { return dim === undefined ? ops.max(this) : ops.max(this, dim, keepDim); } as TensorMethods['max'],
  min: function (this: Tensor, dim?: number, keepDim: boolean = false) { return dim === undefined ? ops.min(this) : ops.min(this, dim, keepDim); } as TensorMethods['min'],
  amax(axes?: number | readonly number[], keepDim = false): Tensor { return ops.amax(this, axes, keepDim); },
  amin(axes?: number | readonly number[], keepDim = false): Tensor { return ops.amin(this, axes, keepDim); },
  var(axes?: number | readonly number[], options?: ops.VarOptions): Tensor { return ops.variance(this, axes, options); },
  std(axes?: number | readonly number[], options?: ops.VarOptions): Tensor { return ops.std(this, axes, options); },
  logSumExp(axes?: number | readonly number[], keepDim = false): Tensor { return ops.logSumExp(this, axes, keepDim); },
  softmax(axis = -1): Tensor { return ops.softmax(this, axis); },
  logSoftmax(axis = -1): Tensor { return ops.logSoftmax(this, axis); },
  argmax(axis?: number, keepDim = false): Tensor { return ops.argmax(this, axis, keepDim); },
  argmin(axis?: number, keepDim = false): Tensor { return ops.argmin(this, axis, keepDim); },

  // ── shape and indexing ──
  reshape(shape: Shape): Tensor { return ops.reshape(this, shape); },
  view(shape: Shape): Tensor { return ops.reshape(this, shape); },
  flatten(startDim = 0, endDim = -1): Tensor { return ops.flatten(this, startDim, endDim); },
  squeeze(axes?: number | readonly number[]): Tensor { return ops.squeeze(this, axes); },
  unsqueeze(axis: number): Tensor { return ops.unsqueeze(this, axis); },
  transpose(axis0 = -2, axis1 = -1): Tensor { return ops.transpose(this, axis0, axis1); },
  permute(perm: readonly number[]): Tensor { return ops.permute(this, perm); },
  expand(shape: Shape): Tensor { return ops.broadcastTo(this, shape); },
  broadcastTo(shape: Shape): Tensor { return ops.broadcastTo(this, shape); },
  slice(ranges: readonly ops.SliceRange[]): Tensor { return ops.slice(this, ranges); },
  gather(axis: number, index: Tensor): Tensor { return ops.gather(this, axis, index); },
  indexSelect(axis: number, index: Tensor): Tensor { return ops.indexSelect(this, axis, index); },
  split(sizeOrSizes: number | readonly number[], axis = 0): Tensor[] { return ops.split(this, sizeOrSizes, axis); },
  chunk(chunks: number, axis = 0): Tensor[] { return ops.chunk(this, chunks, axis); },

  // ── linear algebra ──
  matmul(b: Tensor): Tensor { return ops.matmul(this, b); },

  // ── sorting and running reductions ──
  sort(dim = -1, descending = false): ops.ValuesIndices { return ops.sort(this, dim, descending); },
  argsort(dim = -1, descending = false): Tensor { return ops.argsort(this, dim, descending); },
  topk(k: number, dim = -1, largest = true): ops.ValuesIndices { return ops.topk(this, k, dim, largest); },
  cumsum(dim: number): Tensor { return ops.cumsum(this, dim); },
  cumprod(dim: number): Tensor { return ops.cumprod(this, dim); },
  norm(ord?: number | 'fro' | 'nuc', dim?: number | readonly number[], keepDim = false): Tensor { return ops.norm(this, ord, dim, keepDim); },

  // ── reordering, tiling, masking ──
  flip(dims: number | readonly number[]): Tensor { return ops.flip(this, dims); },
  roll(shifts: number | readonly number[], dims?: number | readonly number[]): Tensor { return ops.roll(this, shifts, dims); },
  repeat(repeats: readonly number[]): Tensor { return ops.repeat(this, repeats); },
  tile(reps: readonly number[]): Tensor { return ops.tile(this, reps); },
  maskedFill(mask: Tensor, value: number): Tensor { return ops.maskedFill(this, mask, value); },
  tril(diagonal = 0): Tensor { return ops.tril(this, diagonal); },
  triu(diagonal = 0): Tensor { return ops.triu(this, diagonal); },

  // ── indices: scatter, selection, counting ──
  scatter(dim: number, index: Tensor, src: Tensor | number): Tensor { return ops.scatter(this, dim, index, src); },
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor { return ops.scatterAdd(this, dim, index, src); },
  nonzero(): Tensor { return ops.nonzero(this); },
  unique: function (this: Tensor, options?: ops.UniqueOptions) { return options === undefined ? ops.unique(this) : ops.unique(this, options); } as TensorMethods['unique'],
  bincount(weights: Tensor | null = null, minlength = 0): Tensor { return ops.bincount(this, weights, minlength); },
  multinomial(numSamples: number, options?: ops.MultinomialOptions): Tensor { return ops.multinomial(this, numSamples, options); },
  isclose(other: Tensor, options?: ops.CloseOptions): Tensor { return ops.isclose(this, other, options); },
  allclose(other: Tensor, options?: ops.CloseOptions): boolean { return ops.allclose(this, other, options); },

  // ── in place ──
  add_(b: Tensor | Scalar, alpha = 1) { ops.add_(this, b, alpha); return this; },
  sub_(b: Tensor | Scalar, alpha = 1) { ops.sub_(this, b, alpha); return this; },
  mul_(b: Tensor | Scalar) { ops.mul_(this, b); return this; },
  div_(b: Tensor | Scalar) { ops.div_(this, b); return this; },
  clamp_(min: number | null, max: number | null) { ops.clamp_(this, min, max); return this; },
  fill_(value: number) { ops.fill_(this, value); return this; },
  zero_() { ops.zero_(this); return this; },
  copy_(src: Tensor) { ops.copy_(this, src); return this; },
};

// Non-enumerable, like methods written in a class body.
for (const [name, value] of Object.entries(methods)) {
  Object.defineProperty(Tensor.prototype, name, { value, writable: true, configurable: true, enumerable: false });
}
