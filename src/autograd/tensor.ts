/**
 * Tensor — an n-dimensional array of one dtype, stored contiguously in row-major order, plus
 * what autograd needs: `requiresGrad`, the accumulated `grad`, and the `creator` node that made
 * it (null for leaves: tensors the user created).
 *
 * Storage is a plain typed array on the host, owned by the tensor and freed by the garbage
 * collector; or, on the WebGPU backend, a device array (device.ts) whose values only that
 * backend's kernels read: synchronous reads of it throw and name the async call (`await
 * t.data()`). Kernels read storage through `storageOf` (tensor-storage.ts); op files never do.
 * This file is the storage-only core: it imports neither the ops nor the engine, so every
 * kernel and op can import it without a cycle. The fluent methods (`a.add(b)`, `y.backward()`)
 * are declared and attached in one place, tensor-methods.ts, which the package index loads.
 */
import { isDeviceArray, releasedError, syncReadError, type DeviceArray, type Residency } from './device.js';
import { allocate, dtypeOf, isDataArray, isFloat, type DataArray, type DType } from './dtype.js';
import type { Node } from './function.js';
import { checkShape, fmt, sizeOf, stridesOf, type Shape } from './shape.js';
import { formatTensor } from './format.js';
import { adopt, bump, hold, versionOf, type Storage } from './storage.js';
import type { TensorMethods } from './tensor-methods.js';
import { bindStorage, storageObject } from './tensor-storage.js';

export type { TensorMethods } from './tensor-methods.js';
export { deviceArrayOf, relocate, storageObject, storageOf } from './tensor-storage.js';

/** A nested array of numbers as accepted by `tensor()` and returned by `toArray()`. */
export type NestedArray = number | readonly NestedArray[];
export type Scalar = number;

/** Node's key for a custom `util.inspect` (a registered symbol: no import of node:util needed). */
export const inspectCustom: unique symbol = Symbol.for('nodejs.util.inspect.custom');

/**
 * An n-dimensional array of one dtype (float32, float64 or int32) that records how it was
 * computed, PyTorch's `torch.Tensor`. Make one with `tensor()`, `zeros()`, `randn()`, …;
 * every op is a function (`add(a, b)`) and a method (`a.add(b)`); `backward()` fills the `grad`
 * of every leaf that requires one. Storage is a plain typed array on the host, freed by the
 * garbage collector, or a GPU buffer on the webgpu backend (`device`: read it with `await
 * t.data()`, free it early with `dispose()` or `scope()`); `shape` is frozen.
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
  #storage: Storage;

  static {
    bindStorage(
      (t) => t.#storage,
      (t, s) => {
        t.#storage = s;
        bump(s);
      },
    );
  }

  /**
   * Wraps `data` (not copied) as a tensor of `shape`; the dtype follows the typed array. The
   * caller may go on writing `data`, so nothing derived from it is cached (storage.ts). A device
   * backend passes a `DeviceArray` instead.
   * @example new Tensor(new Float32Array([1, 2, 3, 4]), [2, 2]).shape  // [2, 2]
   */
  constructor(data: DataArray | DeviceArray, shape: Shape) {
    checkShape(shape, 'Tensor');
    if (isDeviceArray(data)) {
      if (data.length !== sizeOf(shape)) throw new RangeError(`Tensor: ${data.length} device values cannot fill shape ${fmt(shape)} (needs ${sizeOf(shape)})`);
      this.#storage = data;
      this.shape = Object.freeze([...shape]);
      this.dtype = data.dtype;
      return;
    }
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
    const s = this.#host('storage', 'await t.data() (a copy)');
    hold(s);
    return s;
  }

  /** Where the values live: 'cpu' (host memory, read by the cpu and wasm kernels) or 'webgpu'. */
  get device(): Residency {
    return isDeviceArray(this.#storage) ? this.#storage.device : 'cpu';
  }

  /** The host array, or the error a synchronous read of a device tensor throws. */
  #host(what: string, instead: string): DataArray {
    const s = this.#storage;
    if (isDeviceArray(s)) throw s.released === null ? syncReadError(what, instead) : releasedError(what, s.released);
    return s;
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
    write(this.#host('mutate', 'assign(src) to write a device tensor'));
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
    if (this.numel() !== 1) throw new RangeError(`item: only a tensor with one element has an item, got shape ${fmt(this.shape)}`);
    return this.#host('item()', 'await t.itemAsync()')[0]!;
  }

  /** A copy of the values as a flat typed array (synchronous: a device tensor throws, naming `await t.data()`). */
  dataSync(): DataArray {
    return this.#host('dataSync()', 'await t.data()').slice();
  }

  /** A copy of the values, from any device: the one read that works everywhere. */
  async data(): Promise<DataArray> {
    const s = this.#storage;
    if (!isDeviceArray(s)) return s.slice();
    if (s.released !== null) throw releasedError('data()', s.released);
    return s.read();
  }

  /**
   * The one value of a single-element tensor, from any device.
   * @example await scalar(3).itemAsync()  // 3
   */
  async itemAsync(): Promise<number> {
    if (this.numel() !== 1) throw new RangeError(`itemAsync: only a tensor with one element has an item, got shape ${fmt(this.shape)}`);
    return (await this.data())[0]!;
  }

  /** The values as nested arrays, from any device. */
  async toArrayAsync(): Promise<NestedArray> {
    return nest(await this.data(), this.shape);
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
    return nest(this.#host('toArray()', 'await t.toArrayAsync()'), this.shape);
  }

  /**
   * Frees a device tensor's memory now rather than when the garbage collector finds it (and
   * with it every view sharing the storage, e.g. reshapes); any later use throws. Host tensors
   * are left to the garbage collector: this does nothing to them. See also `scope()`.
   */
  dispose(): void {
    if (isDeviceArray(this.#storage)) this.#storage.release('dispose()');
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
   * parameters without building graph. Not differentiable. The tensor stays where it is: a
   * device tensor gets src's values copied into its own memory (uploaded from a host src), so a
   * parameter keeps one buffer for life; a host tensor cannot take a device tensor's values
   * synchronously, and throws.
   */
  assign(src: Tensor): this {
    if (src.dtype !== this.dtype || src.numel() !== this.numel() || fmt(src.shape) !== fmt(this.shape)) {
      throw new RangeError(`assign: cannot assign ${src.dtype}${fmt(src.shape)} to ${this.dtype}${fmt(this.shape)}`);
    }
    const [to, from] = [this.#storage, src.#storage];
    if (isDeviceArray(to)) {
      if (to.released !== null) throw releasedError('assign', to.released);
      if (to !== from) to.write(from);
      bump(to, 'assign');
      return this;
    }
    if (isDeviceArray(from)) {
      throw new Error(`assign: this tensor lives on the cpu and ${fmt(src.shape)} src on webgpu; move one first (await src.to('cpu'), or await t.to('webgpu') / model.to('webgpu'))`);
    }
    // No copy: an optimizer step on a 45 MB model saves a 45 MB copy. The two tensors then share
    // one array (and its version), as views do; the new version tells every cache.
    this.#storage = from;
    bump(from, 'assign');
    return this;
  }

  /**
   * The values, PyTorch's way: `tensor([[1., 2.], [3., 4.]], dtype=float64, gradFn=<Mul>)`,
   * the middle of each long axis elided with `...` past 1000 elements (format.ts reads only the
   * entries it prints).
   */
  toString(): string {
    return formatTensor(this, this.#host('toString()', '(await t.to(\'cpu\')).toString()'));
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

/** The values of `data` as nested arrays of `shape` (a number for a 0-d tensor). */
function nest(data: DataArray, shape: readonly number[]): NestedArray {
  const strides = stridesOf(shape);
  const build = (axis: number, offset: number): NestedArray => {
    if (axis === shape.length) return data[offset]!;
    return Array.from({ length: shape[axis]! }, (_, i) => build(axis + 1, offset + i * strides[axis]!));
  };
  return build(0, 0);
}

/** A Tensor has the class's members (above) and the fluent methods (tensor-methods.ts). */
export interface Tensor extends TensorMethods {}

/** A new tensor over `t`'s storage (host or device) with another shape of the same size: a view. */
export const viewOf = (t: Tensor, shape: Shape): Tensor => new Tensor(storageObject(t), shape);

/** A zero-filled tensor; used by the engine and ops that need a fresh buffer. */
export function emptyLike(shape: Shape, dtype: DType): Tensor {
  return new Tensor(allocate(dtype, sizeOf(shape)), shape);
}
