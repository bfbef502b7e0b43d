/**
 * Tensor — an n-dimensional array of one dtype, stored contiguously in row-major order, plus
 * what autograd needs: `requiresGrad`, the accumulated `grad`, and the `creator` node that made
 * it (null for leaves: tensors the user created).
 *
 * Storage is a plain typed array on the host, owned by the tensor and freed by the garbage
 * collector; or, on the WebGPU backend, a device array (device.ts) whose values only that
 * backend's kernels read: synchronous reads of it throw and name the async call (`await
 * t.data()`). Kernels read storage through `storageOf`; op files never do.
 * This file is the storage-only core: it imports neither the ops nor the engine, so every
 * kernel and op can import it without a cycle. The fluent methods (`a.add(b)`, `y.backward()`,
 * declared below) are attached in one place, tensor-methods.ts, which the package index loads.
 */
import { deviceBackend, isDeviceArray, releasedError, syncReadError, untrack, type DeviceArray, type Device, type Residency } from './device.js';
import { allocate, dtypeOf, isDataArray, isFloat, type DataArray, type DType } from './dtype.js';
import type { BackwardOptions } from './engine.js';
import type { Node } from './function.js';
import type { SliceRange } from './ops/indexing.js';
import type { VarOptions } from './ops/reduce.js';
import { checkShape, fmt, sizeOf, stridesOf, type Shape } from './shape.js';
import { formatTensor } from './format.js';
import { adopt, bump, hold, versionOf, type Storage } from './storage.js';

/** A nested array of numbers as accepted by `tensor()` and returned by `toArray()`. */
export type NestedArray = number | readonly NestedArray[];
export type Scalar = number;

/** A tensor's storage without handing it out (see `storageOf`), and replacing it (`relocate`). */
let read: (t: Tensor) => Storage;
let replace: (t: Tensor, s: Storage) => void;

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
  #storage: Storage;

  static {
    read = (t) => t.#storage;
    replace = (t, s) => {
      t.#storage = s;
      bump(s);
    };
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
   * version), so every cache sees the change. The documented way to mutate storage; not
   * differentiable. Tensors sharing this storage (views, `assign`) see the new values too.
   * @example zeros([3]).mutate((d) => d.fill(2)).toArray()  // [2, 2, 2]
   */
  mutate(write: (data: DataArray) => void): this {
    write(this.#host('mutate', 'assign(src) to write a device tensor'));
    bump(this.#storage);
    return this;
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
    if (this.size !== 1) throw new RangeError(`itemAsync: only a tensor with one element has an item, got shape ${fmt(this.shape)}`);
    return (await this.data())[0]!;
  }

  /** The values as nested arrays, from any device. */
  async toArrayAsync(): Promise<NestedArray> {
    return nest(await this.data(), this.shape);
  }

  /** The values as nested arrays (a number for a 0-d tensor). */
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
    if (src.dtype !== this.dtype || src.size !== this.size || fmt(src.shape) !== fmt(this.shape)) {
      throw new RangeError(`assign: cannot assign ${src.dtype}${fmt(src.shape)} to ${this.dtype}${fmt(this.shape)}`);
    }
    const [to, from] = [this.#storage, read(src)];
    if (isDeviceArray(to)) {
      if (to.released !== null) throw releasedError('assign', to.released);
      if (to !== from) to.write(from);
      bump(to);
      return this;
    }
    if (isDeviceArray(from)) {
      throw new Error(`assign: this tensor lives on the cpu and ${fmt(src.shape)} src on webgpu; move one first (await src.to('cpu'), or await t.to('webgpu') / model.to('webgpu'))`);
    }
    // No copy: an optimizer step on a 45 MB model saves a 45 MB copy. The two tensors then share
    // one array (and its version), as views do; the new version tells every cache.
    this.#storage = from;
    bump(from);
    return this;
  }

  toString(): string {
    return formatTensor(this, this.#host('toString()', '(await t.to(\'cpu\')).toString()'));
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
  /** The values on `device` ('cpu', 'wasm' or 'webgpu'): this tensor if already there, else a copy (memory.ts). */
  to(device: Device): Promise<Tensor>;
  /** Backpropagates from this tensor; see engine.ts. */
  backward(gradient?: Tensor, options?: BackwardOptions): void;

  // ── elementwise binary (broadcasting) ──
  add(b: Tensor | Scalar): Tensor;
  sub(b: Tensor | Scalar): Tensor;
  mul(b: Tensor | Scalar): Tensor;
  div(b: Tensor | Scalar): Tensor;
  pow(b: Tensor | Scalar): Tensor;
  maximum(b: Tensor | Scalar): Tensor;
  minimum(b: Tensor | Scalar): Tensor;
  eq(b: Tensor | Scalar): Tensor;
  ne(b: Tensor | Scalar): Tensor;
  lt(b: Tensor | Scalar): Tensor;
  le(b: Tensor | Scalar): Tensor;
  gt(b: Tensor | Scalar): Tensor;
  ge(b: Tensor | Scalar): Tensor;

  // ── elementwise unary ──
  neg(): Tensor;
  exp(): Tensor;
  log(): Tensor;
  sqrt(): Tensor;
  rsqrt(): Tensor;
  abs(): Tensor;
  sin(): Tensor;
  cos(): Tensor;
  tanh(): Tensor;
  sigmoid(): Tensor;
  relu(): Tensor;
  leakyRelu(slope?: number): Tensor;
  elu(alpha?: number): Tensor;
  gelu(approximate?: 'none' | 'tanh'): Tensor;
  softplus(): Tensor;
  clamp(min: number | null, max: number | null): Tensor;

  // ── reductions ──
  sum(axes?: number | readonly number[], keepDim?: boolean): Tensor;
  mean(axes?: number | readonly number[], keepDim?: boolean): Tensor;
  max(axes?: number | readonly number[], keepDim?: boolean): Tensor;
  min(axes?: number | readonly number[], keepDim?: boolean): Tensor;
  var(axes?: number | readonly number[], options?: VarOptions): Tensor;
  std(axes?: number | readonly number[], options?: VarOptions): Tensor;
  logSumExp(axes?: number | readonly number[], keepDim?: boolean): Tensor;
  softmax(axis?: number): Tensor;
  logSoftmax(axis?: number): Tensor;
  argmax(axis?: number, keepDim?: boolean): Tensor;
  argmin(axis?: number, keepDim?: boolean): Tensor;

  // ── shape and indexing ──
  reshape(shape: Shape): Tensor;
  view(shape: Shape): Tensor;
  flatten(startDim?: number, endDim?: number): Tensor;
  squeeze(axes?: number | readonly number[]): Tensor;
  unsqueeze(axis: number): Tensor;
  transpose(axis0?: number, axis1?: number): Tensor;
  permute(perm: readonly number[]): Tensor;
  expand(shape: Shape): Tensor;
  broadcastTo(shape: Shape): Tensor;
  slice(ranges: readonly SliceRange[]): Tensor;
  gather(axis: number, index: Tensor): Tensor;
  indexSelect(axis: number, index: Tensor): Tensor;
  split(sizeOrSizes: number | readonly number[], axis?: number): Tensor[];
  chunk(chunks: number, axis?: number): Tensor[];

  // ── linear algebra ──
  matmul(b: Tensor): Tensor;
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

/** A Tensor has the class's members (below) and the fluent methods. */
export interface Tensor extends TensorMethods {}

/**
 * A tensor's array for reading, without handing it out: for kernels (which never write their
 * inputs) and other code inside Sapling that only reads, so that caches keep working. A device
 * tensor has no host array: a host kernel given one throws, naming the async way out.
 */
export function storageOf(t: Tensor): DataArray {
  const s = read(t);
  if (isDeviceArray(s)) {
    throw s.released === null
      ? new Error(`a ${t.dtype}${fmt(t.shape)} tensor on webgpu reached a kernel that reads host memory (the active backend is not webgpu, or the kernel has no webgpu version); move it with await t.to('cpu'), or run with await setBackend('webgpu')`)
      : releasedError('a kernel', s.released);
  }
  return s;
}

/** A tensor's storage, host or device: for sharing it (views) and keying caches on it. */
export const storageObject = (t: Tensor): Storage => read(t);

/** The device array of a device tensor, or null for a host tensor. */
export function deviceArrayOf(t: Tensor): DeviceArray | null {
  const s = read(t);
  return isDeviceArray(s) ? s : null;
}

/** A new tensor over `t`'s storage (host or device) with another shape of the same size: a view. */
export const viewOf = (t: Tensor, shape: Shape): Tensor => new Tensor(read(t), shape);

/**
 * Moves `t`'s storage to `device` in place (same tensor, new memory: how `Module.to` moves
 * parameters while optimizers keep their references). Async: leaving the GPU is a read.
 */
export async function relocate(t: Tensor, device: Device): Promise<void> {
  const s = read(t);
  const onDevice = isDeviceArray(s);
  if (device === 'webgpu') {
    if (onDevice) return;
    const moved = storageObject(deviceBackend('to(\'webgpu\')').upload(t));
    untrack(moved as DeviceArray); // a relocated tensor's memory is its own, not an enclosing scope's
    replace(t, moved);
  } else if (onDevice) {
    replace(t, await t.data());
  }
}

/** A zero-filled tensor; used by the engine and ops that need a fresh buffer. */
export function emptyLike(shape: Shape, dtype: DType): Tensor {
  return new Tensor(allocate(dtype, sizeOf(shape)), shape);
}
