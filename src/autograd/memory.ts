/**
 * memory — moving tensors between host and device, and releasing device memory on time.
 *
 * Host memory is the garbage collector's: a host tensor is freed when nothing refers to it. GPU
 * memory is too (the WebGPU backend returns a tensor's buffer to its pool when the tensor is
 * collected), but the collector runs when *host* memory is short, and knows nothing of the GPU;
 * so for tight loops there are two deterministic tools:
 *   t.dispose()        frees one tensor's device memory now;
 *   scope(fn)          frees every device tensor made inside fn when fn returns, except the ones
 *                      it returns and the ones passed to keep().
 * A tensor used after its memory was freed throws an error saying who freed it; nothing is ever
 * read from a recycled buffer. On the host all three are no-ops, so code written with them runs
 * on every backend.
 */
import { backendKernels } from './backends/index.js';
import { closeScope, deviceBackend, openScope, untrack, type Device, type DeviceArray } from './device.js';
import { noGrad } from './function.js';
import { Tensor } from './tensor.js';
import { deviceArrayOf } from './tensor-storage.js';

/**
 * `t`'s values on `device`: the same tensor when it is already there, otherwise a copy (a new
 * leaf with no graph history, as `detach()` gives). Async because leaving the GPU is a read;
 * going to it loads the WebGPU backend on first use.
 * @example const g = await tensor([1, 2]).to('webgpu'); await g.toArrayAsync()  // [1, 2]
 */
export async function toDevice(t: Tensor, device: Device): Promise<Tensor> {
  if (device !== 'cpu' && device !== 'wasm' && device !== 'webgpu') {
    throw new RangeError(`to: unknown device '${String(device)}' (use 'cpu', 'wasm' or 'webgpu')`);
  }
  const on = t.device;
  if (device === 'webgpu') {
    if (on === 'webgpu') return t;
    await backendKernels('webgpu');
    return noGrad(() => deviceBackend('to').upload(t));
  }
  if (on === 'cpu') return t;
  return new Tensor(await t.data(), t.shape);
}

/**
 * `value` with every device tensor in it replaced by a host copy: a tensor, or arrays, plain
 * objects and Maps of them, nested (a state dict, an optimizer's state dict, a checkpoint); other
 * values are kept as they are. How to save from any backend:
 * @example saveCheckpoint(path, await toHost({ model: model.stateDict(), optimizer: opt.stateDict(), epoch }))
 */
export async function toHost<T>(value: T): Promise<T> {
  if (value instanceof Tensor) return (await toDevice(value, 'cpu')) as T;
  if (Array.isArray(value)) return (await Promise.all(value.map((v) => toHost(v)))) as T;
  if (value instanceof Map) return new Map(await Promise.all([...value].map(async ([k, v]) => [k, await toHost(v)] as const))) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await toHost(v)] as const))) as T;
  }
  return value;
}

/** Device arrays reachable from `value` (a tensor, or arrays and plain objects of them). */
function collect(value: unknown, into: Set<DeviceArray>, seen = new Set<unknown>()): Set<DeviceArray> {
  if (value === null || typeof value !== 'object' || seen.has(value)) return into;
  seen.add(value);
  if (value instanceof Tensor) {
    const a = deviceArrayOf(value);
    if (a !== null) into.add(a);
    if (value.grad !== null) collect(value.grad, into, seen);
  } else if (Array.isArray(value)) {
    for (const v of value) collect(v, into, seen);
  } else if (value instanceof Map) {
    for (const v of value.values()) collect(v, into, seen);
  } else if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collect(v, into, seen);
  }
  return into;
}

/**
 * Runs `fn` and then frees the device memory of every tensor made inside it, except the
 * tensors in what it returns (a tensor, or arrays / plain objects / Maps of them) and the
 * ones passed to `keep()`; those pass to the enclosing scope, if any. Parameters updated in
 * place (optimizer steps, `assign`) keep their own memory, which the scope never touches.
 * `fn` must be synchronous: the tensors made while an await is pending could belong to anyone.
 * @example const loss = scope(() => { const l = lossFn(model.forward(x), y); l.backward(); opt.step(); return l; });
 */
export function scope<T>(fn: () => T): T {
  openScope();
  let result: T | undefined;
  try {
    result = fn();
    if (result instanceof Promise) throw new TypeError('scope: fn returned a Promise; a scope must be synchronous (await outside it, or use dispose())');
  } finally {
    closeScope(collect(result, new Set()));
  }
  return result;
}

/**
 * Exempts `t` (its device memory) from every enclosing `scope()`: for state kept across steps,
 * such as a running metric. Returns `t`. A no-op for host tensors.
 */
export function keep<T extends Tensor>(t: T): T {
  const a = deviceArrayOf(t);
  if (a !== null) untrack(a);
  return t;
}
