/**
 * tensor-methods — attaches the fluent methods declared on `Tensor` (tensor.ts): `a.add(b)` is
 * `add(a, b)`, `y.backward()` is the engine's `backward(y)`. They live here, not in the class,
 * because they need the ops and the engine, which themselves import the class: kept apart, the
 * imports run one way (tensor.ts ← ops, engine ← this file). The package index imports this file
 * for its effect, so `import … from 'sapling'` always has them (tests: vitest.config.ts).
 */
import type { Device } from './device.js';
import { isDType, type DType } from './dtype.js';
import { backward, type BackwardOptions } from './engine.js';
import * as ops from './ops/index.js';
import { toDevice } from './memory.js';
import type { Shape } from './shape.js';
import { Tensor, type Scalar, type TensorMethods } from './tensor.js';

/** Every method, with `this` typed: the compiler checks each against the interface in tensor.ts. */
const methods: ThisType<Tensor> & TensorMethods = {
  clone(): Tensor { return ops.clone(this); },
  to: function (this: Tensor, to: DType | Device): Tensor | Promise<Tensor> {
    return isDType(to) ? ops.cast(this, to) : toDevice(this, to);
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
  max(axes?: number | readonly number[], keepDim = false): Tensor { return ops.max(this, axes, keepDim); },
  min(axes?: number | readonly number[], keepDim = false): Tensor { return ops.min(this, axes, keepDim); },
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
};

// Non-enumerable, like methods written in a class body.
for (const [name, value] of Object.entries(methods)) {
  Object.defineProperty(Tensor.prototype, name, { value, writable: true, configurable: true, enumerable: false });
}
