/**
 * Tensor — an n-dimensional array of one dtype, stored contiguously in row-major order, plus
 * what autograd needs: `requiresGrad`, the accumulated `grad`, and the `creator` node that made
 * it (null for leaves: tensors the user created).
 *
 * Storage is a plain typed array on the host, owned by the tensor and freed by the garbage
 * collector: there is no dispose(). Kernels read it through `storage`; op files never do.
 * Every operation is available both as a function (`add(a, b)`) and as a method (`a.add(b)`),
 * since TypeScript has no operator overloading.
 */
import { allocate, dtypeOf, isDataArray, isFloat, type DataArray, type DType } from './dtype.js';
import type { Node } from './function.js';
import { checkShape, fmt, sizeOf, stridesOf, type Shape } from './shape.js';
import { backward, type BackwardOptions } from './engine.js';
import { formatTensor } from './format.js';
import * as ops from './ops/index.js';

/** A nested array of numbers as accepted by `tensor()` and returned by `toArray()`. */
export type NestedArray = number | readonly NestedArray[];
export type Scalar = number;

export class Tensor {
  /** Sizes of each axis, frozen. */
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** Whether gradients flow to this tensor. Only floating-point tensors may require them. */
  requiresGrad = false;
  /** The accumulated gradient of a leaf after `backward()` (null until then). */
  grad: Tensor | null = null;
  /** The graph node that produced this tensor; null for leaves and for tensors made under noGrad. */
  creator: Node | null = null;
  /** Whether a non-leaf keeps its gradient in `grad` (see `retainGrad`). */
  retainsGrad = false;
  #storage: DataArray;

  /**
   * Wraps `data` (not copied) as a tensor of `shape`; the dtype follows the typed array.
   * @example new Tensor(new Float32Array([1, 2, 3, 4]), [2, 2]).shape  // [2, 2]
   */
  constructor(data: DataArray, shape: Shape) {
    checkShape(shape, 'Tensor');
    if (!isDataArray(data)) {
      const got = ArrayBuffer.isView(data) ? (data as object).constructor.name : data === null ? 'null' : Array.isArray(data) ? 'an array' : typeof data;
      throw new TypeError(`Tensor: storage must be a Float32Array, Float64Array or Int32Array, got ${got} (use tensor() to convert)`);
    }
    const size = sizeOf(shape);
    if (data.length !== size) {
      throw new RangeError(`Tensor: ${data.length} values cannot fill shape ${fmt(shape)} (needs ${size})`);
    }
    this.#storage = data;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtypeOf(data);
  }

  /**
   * The backing typed array. For kernels, gradcheck and optimizers: op files never read it.
   * Read-only by contract: values change only by `assign`, which swaps in a new array. Kernels
   * rely on that to cache work per storage (e.g. the wasm backend's resident filters, Linear's
   * inference Wᵀ); writing into it in place would leave those caches stale.
   */
  get storage(): DataArray {
    return this.#storage;
  }

  get size(): number {
    return this.#storage.length;
  }

  get ndim(): number {
    return this.shape.length;
  }

  get isLeaf(): boolean {
    return this.creator === null;
  }

  /** The one value of a single-element tensor. */
  item(): number {
    if (this.size !== 1) throw new RangeError(`item: only a tensor with one element has an item, got shape ${fmt(this.shape)}`);
    return this.#storage[0]!;
  }

  /** A copy of the values as a flat typed array (synchronous: storage is on the host). */
  dataSync(): DataArray {
    return this.#storage.slice();
  }

  /** A copy of the values; async so that code written today also runs on device-resident backends. */
  async data(): Promise<DataArray> {
    return this.dataSync();
  }

  /** The values as nested arrays (a number for a 0-d tensor). */
  toArray(): NestedArray {
    const data = this.#storage;
    const strides = stridesOf(this.shape);
    const build = (axis: number, offset: number): NestedArray => {
      if (axis === this.shape.length) return data[offset]!;
      return Array.from({ length: this.shape[axis]! }, (_, i) => build(axis + 1, offset + i * strides[axis]!));
    };
    return build(0, 0);
  }

  /** A new tensor over the same storage and shape, with no graph history. */
  alias(): Tensor {
    return new Tensor(this.#storage, this.shape);
  }

  /** The same values, cut from the graph (shares storage, as PyTorch's detach does). */
  detach(): Tensor {
    return this.alias();
  }

  /** A copy of the values that stays in the graph (gradient flows back unchanged). */
  clone(): Tensor {
    return ops.clone(this);
  }

  /** Converts to `dtype` (differentiable between float dtypes). */
  to(dtype: DType): Tensor {
    return ops.cast(this, dtype);
  }

  /** Marks this tensor as a leaf that gradients should reach; returns it for chaining. */
  requiresGrad_(flag = true): this {
    if (flag && !isFloat(this.dtype)) {
      throw new TypeError(`requiresGrad: only float32/float64 tensors can require gradients, got ${this.dtype}`);
    }
    if (!this.isLeaf && !flag) throw new Error('requiresGrad: cannot switch off gradients of a non-leaf; use detach()');
    this.requiresGrad = flag;
    return this;
  }

  /** Keeps the gradient of this non-leaf in `grad` during backward. */
  retainGrad(): this {
    this.retainsGrad = true;
    return this;
  }

  /**
   * Replaces the values with `src`'s (same shape and dtype), in place: how optimizers update
   * parameters without building graph. Not differentiable.
   */
  assign(src: Tensor): this {
    if (src.dtype !== this.dtype || src.size !== this.size || fmt(src.shape) !== fmt(this.shape)) {
      throw new RangeError(`assign: cannot assign ${src.dtype}${fmt(src.shape)} to ${this.dtype}${fmt(this.shape)}`);
    }
    // No copy: storage is never written in place (see `storage`), so sharing src's array is as
    // good as copying it, and an optimizer step on a 45 MB model saves a 45 MB copy.
    this.#storage = src.storage;
    return this;
  }

  /** Backpropagates from this tensor; see engine.ts. */
  backward(gradient?: Tensor, options: BackwardOptions = {}): void {
    backward(this, gradient, options);
  }

  toString(): string {
    return formatTensor(this);
  }

  // ── elementwise binary (broadcasting) ──
  add(b: Tensor | Scalar): Tensor { return ops.add(this, b); }
  sub(b: Tensor | Scalar): Tensor { return ops.sub(this, b); }
  mul(b: Tensor | Scalar): Tensor { return ops.mul(this, b); }
  div(b: Tensor | Scalar): Tensor { return ops.div(this, b); }
  pow(b: Tensor | Scalar): Tensor { return ops.pow(this, b); }
  maximum(b: Tensor | Scalar): Tensor { return ops.maximum(this, b); }
  minimum(b: Tensor | Scalar): Tensor { return ops.minimum(this, b); }
  eq(b: Tensor | Scalar): Tensor { return ops.eq(this, b); }
  ne(b: Tensor | Scalar): Tensor { return ops.ne(this, b); }
  lt(b: Tensor | Scalar): Tensor { return ops.lt(this, b); }
  le(b: Tensor | Scalar): Tensor { return ops.le(this, b); }
  gt(b: Tensor | Scalar): Tensor { return ops.gt(this, b); }
  ge(b: Tensor | Scalar): Tensor { return ops.ge(this, b); }

  // ── elementwise unary ──
  neg(): Tensor { return ops.neg(this); }
  exp(): Tensor { return ops.exp(this); }
  log(): Tensor { return ops.log(this); }
  sqrt(): Tensor { return ops.sqrt(this); }
  rsqrt(): Tensor { return ops.rsqrt(this); }
  abs(): Tensor { return ops.abs(this); }
  sin(): Tensor { return ops.sin(this); }
  cos(): Tensor { return ops.cos(this); }
  tanh(): Tensor { return ops.tanh(this); }
  sigmoid(): Tensor { return ops.sigmoid(this); }
  relu(): Tensor { return ops.relu(this); }
  leakyRelu(slope?: number): Tensor { return ops.leakyRelu(this, slope); }
  elu(alpha?: number): Tensor { return ops.elu(this, alpha); }
  gelu(approximate?: 'none' | 'tanh'): Tensor { return ops.gelu(this, approximate); }
  softplus(): Tensor { return ops.softplus(this); }
  clamp(min: number | null, max: number | null): Tensor { return ops.clamp(this, min, max); }

  // ── reductions ──
  sum(axes?: number | readonly number[], keepDim = false): Tensor { return ops.sum(this, axes, keepDim); }
  mean(axes?: number | readonly number[], keepDim = false): Tensor { return ops.mean(this, axes, keepDim); }
  max(axes?: number | readonly number[], keepDim = false): Tensor { return ops.max(this, axes, keepDim); }
  min(axes?: number | readonly number[], keepDim = false): Tensor { return ops.min(this, axes, keepDim); }
  var(axes?: number | readonly number[], options?: ops.VarOptions): Tensor { return ops.variance(this, axes, options); }
  std(axes?: number | readonly number[], options?: ops.VarOptions): Tensor { return ops.std(this, axes, options); }
  logSumExp(axes?: number | readonly number[], keepDim = false): Tensor { return ops.logSumExp(this, axes, keepDim); }
  softmax(axis = -1): Tensor { return ops.softmax(this, axis); }
  logSoftmax(axis = -1): Tensor { return ops.logSoftmax(this, axis); }
  argmax(axis?: number, keepDim = false): Tensor { return ops.argmax(this, axis, keepDim); }
  argmin(axis?: number, keepDim = false): Tensor { return ops.argmin(this, axis, keepDim); }

  // ── shape and indexing ──
  reshape(shape: Shape): Tensor { return ops.reshape(this, shape); }
  view(shape: Shape): Tensor { return ops.reshape(this, shape); }
  flatten(startDim = 0, endDim = -1): Tensor { return ops.flatten(this, startDim, endDim); }
  squeeze(axes?: number | readonly number[]): Tensor { return ops.squeeze(this, axes); }
  unsqueeze(axis: number): Tensor { return ops.unsqueeze(this, axis); }
  transpose(axis0 = -2, axis1 = -1): Tensor { return ops.transpose(this, axis0, axis1); }
  permute(perm: readonly number[]): Tensor { return ops.permute(this, perm); }
  expand(shape: Shape): Tensor { return ops.broadcastTo(this, shape); }
  broadcastTo(shape: Shape): Tensor { return ops.broadcastTo(this, shape); }
  slice(ranges: readonly ops.SliceRange[]): Tensor { return ops.slice(this, ranges); }
  gather(axis: number, index: Tensor): Tensor { return ops.gather(this, axis, index); }
  indexSelect(axis: number, index: Tensor): Tensor { return ops.indexSelect(this, axis, index); }
  split(sizeOrSizes: number | readonly number[], axis = 0): Tensor[] { return ops.split(this, sizeOrSizes, axis); }
  chunk(chunks: number, axis = 0): Tensor[] { return ops.chunk(this, chunks, axis); }

  // ── linear algebra ──
  matmul(b: Tensor): Tensor { return ops.matmul(this, b); }
}

/** A zero-filled tensor; used by the engine and ops that need a fresh buffer. */
export function emptyLike(shape: Shape, dtype: DType): Tensor {
  return new Tensor(allocate(dtype, sizeOf(shape)), shape);
}
