/**
 * Tensor — an n-dimensional array of one dtype, stored contiguously in row-major order, plus
 * what autograd needs: `requiresGrad`, the accumulated `grad`, and the `creator` node that made
 * it (null for leaves: tensors the user created).
 *
 * Storage is a plain typed array on the host, owned by the tensor and freed by the garbage
 * collector: there is no dispose(). Kernels read it through `storageOf`; op files never do.
 * This file is the storage-only core: it imports neither the ops nor the engine, so every
 * kernel and op can import it without a cycle. The fluent methods (`a.add(b)`, `y.backward()`,
 * declared below) are attached in one place, tensor-methods.ts, which the package index loads.
 */
import { allocate, dtypeOf, isDataArray, isFloat, type DataArray, type DType } from './dtype.js';
import type { BackwardOptions } from './engine.js';
import type { Node } from './function.js';
import type { SliceRange } from './ops/indexing.js';
import type { ValuesIndices, VarOptions } from './ops/reduce.js';
import type { UniqueOptions, UniqueResult } from './ops/nonzero.js';
import type { MultinomialOptions } from './ops/multinomial.js';
import type { CloseOptions } from './ops/allclose.js';
import { checkShape, fmt, sizeOf, stridesOf, type Shape } from './shape.js';
import { formatTensor } from './format.js';
import { adopt, bump, hold, versionOf } from './storage.js';

/** A nested array of numbers as accepted by `tensor()` and returned by `toArray()`. */
export type NestedArray = number | readonly NestedArray[];
export type Scalar = number;

/** Node's key for a custom `util.inspect` (a registered symbol: no import of node:util needed). */
export const inspectCustom: unique symbol = Symbol.for('nodejs.util.inspect.custom');

/** A tensor's array without handing it out (see `storageOf`). */
let read: (t: Tensor) => DataArray;

/**
 * An n-dimensional array of one dtype (float32, float64 or int32) that records how it was
 * computed, PyTorch's `torch.Tensor`. Make one with `tensor()`, `zeros()`, `randn()`, …;
 * every op is a function (`add(a, b)`) and a method (`a.add(b)`); `backward()` fills the `grad`
 * of every leaf that requires one. Storage is a plain typed array on the host, freed by the
 * garbage collector (no `dispose()`); `shape` is frozen.
 * @example
 * const w = tensor([1, 2, 3], { requiresGrad: true });
 * w.mul(w).sum().backward();
 * w.grad!.toArray()  // [2, 4, 6]
 */
export class Tensor {
  /** Sizes of each axis, frozen. */
  readonly shape: readonly number[];
  /** The element type: 'float32', 'float64' or 'int32'. */
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

  static {
    read = (t) => t.#storage;
  }

  /**
   * Wraps `data` (not copied) as a tensor of `shape`; the dtype follows the typed array. The
   * caller may go on writing `data`, so nothing derived from it is cached (storage.ts).
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
    adopt(data); // a caller's own array stays theirs to write: storage.ts
    this.#storage = data;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtypeOf(data);
  }

  /**
   * The backing typed array, for code that works on the values directly. Whoever takes it may
   * write it, so from then on no cache keeps anything derived from it (storage.ts): reading it
   * costs some speed on the wasm backend. To change values in place, use `mutate`.
   */
  get storage(): DataArray {
    hold(this.#storage);
    return this.#storage;
  }

  /**
   * How many in-place writes Sapling has seen into this storage (assign, mutate), as a clock that
   * never repeats; tensors sharing the storage share it. Caches key on it (storage.ts).
   * @example const t = zeros([2]); const v = t.version; t.mutate((d) => d.fill(1)); t.version > v  // true
   */
  get version(): number {
    return versionOf(this.#storage);
  }

  /**
   * Writes the values in place: runs `write` on the storage, then records the write (a new
   * version, made by `by`: the name a backward that finds a saved tensor changed reports), so
   * every cache sees the change. The documented way to mutate storage; not differentiable.
   * Tensors sharing this storage (views, `assign`) see the new values too.
   * @example zeros([3]).mutate((d) => d.fill(2)).toArray()  // [2, 2, 2]
   */
  mutate(write: (data: DataArray) => void, by = 'mutate'): this {
    write(this.#storage);
    bump(this.#storage, by);
    return this;
  }

  /**
   * The number of elements (PyTorch's `numel`).
   * @example zeros([2, 3]).numel()  // 6
   */
  numel(): number {
    return this.#storage.length;
  }

  /**
   * The shape, or with `dim` the size of that axis (negative counts from the end), as PyTorch's
   * `size()`; `shape` is the same list as a field.
   * @example zeros([2, 3]).size()  // [2, 3]
   * @example zeros([2, 3]).size(-1)  // 3
   */
  size(): readonly number[];
  size(dim: number): number;
  size(dim?: number): readonly number[] | number {
    if (dim === undefined) return this.shape;
    if (!Number.isInteger(dim) || dim < -this.shape.length || dim >= this.shape.length) {
      throw new RangeError(`size: dim ${dim} is out of range for a tensor of shape ${fmt(this.shape)} (expected ${-this.shape.length}…${this.shape.length - 1})`);
    }
    return this.shape[dim < 0 ? dim + this.shape.length : dim]!;
  }

  /**
   * The number of axes (PyTorch's `dim()`; also the `ndim` field).
   * @example zeros([2, 3]).dim()  // 2
   */
  dim(): number {
    return this.shape.length;
  }

  /** The number of axes, as a field (PyTorch's `ndim`). */
  get ndim(): number {
    return this.shape.length;
  }

  /** Whether the tensor was made by the user rather than by an op (leaves get `grad` after `backward()`). */
  get isLeaf(): boolean {
    return this.creator === null;
  }

  /**
   * The one value of a single-element tensor, as a number.
   * @example tensor([[7]]).item()  // 7
   */
  item(): number {
    if (this.#storage.length !== 1) throw new RangeError(`item: only a tensor with one element has an item, got shape ${fmt(this.shape)}`);
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

  /**
   * The values as nested arrays (a number for a 0-d tensor), PyTorch's `tolist()`.
   * @example tensor([[1, 2], [3, 4]]).tolist()  // [[1, 2], [3, 4]]
   */
  tolist(): NestedArray {
    return this.toArray();
  }

  /** The values as nested arrays (a number for a 0-d tensor); the same as `tolist()`. */
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
    if (src.dtype !== this.dtype || src.numel() !== this.numel() || fmt(src.shape) !== fmt(this.shape)) {
      throw new RangeError(`assign: cannot assign ${src.dtype}${fmt(src.shape)} to ${this.dtype}${fmt(this.shape)}`);
    }
    // No copy: an optimizer step on a 45 MB model saves a 45 MB copy. The two tensors then share
    // one array (and its version), as views do; the new version tells every cache.
    this.#storage = read(src);
    bump(this.#storage, 'assign');
    return this;
  }

  /**
   * The values, PyTorch's way: `tensor([[1., 2.], [3., 4.]], dtype=float64, gradFn=<Mul>)`,
   * the middle of each long axis elided with `...` past 1000 elements (format.ts reads only the
   * entries it prints).
   */
  toString(): string {
    return formatTensor(this, this.#storage);
  }

  /**
   * What Node's `console.log(t)` and `util.inspect(t)` print: `toString()`, the values, not the
   * object's fields. The key is `Symbol.for('nodejs.util.inspect.custom')`, so the core imports
   * nothing from Node; browsers ignore it.
   * @example console.log(tensor([1, 2]))  // prints tensor([1., 2.])
   */
  [inspectCustom](): string {
    return this.toString();
  }
}

/**
 * The fluent methods: every op as a method too (`a.add(b)` is `add(a, b)`), since TypeScript has
 * no operator overloading. Declared here, attached by tensor-methods.ts.
 */
export interface TensorMethods {
  /** A copy of the values that stays in the graph (gradient flows back unchanged). */
  clone(): Tensor;
  /** Converts to `dtype` (differentiable between float dtypes). */
  to(dtype: DType): Tensor;
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

/** A Tensor has the class's members (below) and the fluent methods. */
export interface Tensor extends TensorMethods {}

/**
 * A tensor's array for reading, without handing it out: for kernels (which never write their
 * inputs) and other code inside Sapling that only reads, so that caches keep working.
 */
export const storageOf = (t: Tensor): DataArray => read(t);

/** A zero-filled tensor; used by the engine and ops that need a fresh buffer. */
export function emptyLike(shape: Shape, dtype: DType): Tensor {
  return new Tensor(allocate(dtype, sizeOf(shape)), shape);
}
