/**
 * tensor-methods — attaches the fluent methods declared on `Tensor` (tensor.ts): `a.add(b)` is
 * `add(a, b)`, `y.backward()` is the engine's `backward(y)`. They live here, not in the class,
 * because they need the ops and the engine, which themselves import the class: kept apart, the
 * imports run one way (tensor.ts ← ops, engine ← this file). The package index imports this file
 * for its effect, so `import … from 'sapling'` always has them (tests: vitest.config.ts).
 */
import type { DType } from './dtype.js';
import { backward, type BackwardOptions } from './engine.js';
import * as ops from './ops/index.js';
import type { Shape } from './shape.js';
import { Tensor, type Scalar, type TensorMethods } from './tensor.js';

/** Every method, with `this` typed: the compiler checks each against the interface in tensor.ts. */
const methods: ThisType<Tensor> & TensorMethods = {
  clone(): Tensor { return ops.clone(this); },
  to(dtype: DType): Tensor { return ops.cast(this, dtype); },
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
