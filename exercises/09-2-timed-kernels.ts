/**
 * Exercise 9.2 — timing by kernel through the seam (docs/course/09-performance.md, §2).
 *
 * Every op calls `kernels()` for its loops, and `useKernels(k)` swaps in any object with the
 * `Kernels` methods. So a profiler by kernel is a wrapper: a copy of `k` whose every method
 * (every property that is a function) calls the original — with `this` = k, and the same
 * arguments, returning its result — and adds its duration to `totals` under a key:
 *   `${name}:${args[0]}` when the first argument is a string (unary, binary, reduce: 'binary:add')
 *   name otherwise ('matmul', 'conv2d')
 * Each entry is { ms, calls }; create it on the first call. Properties that are not functions
 * (`name`) are copied as they are. Time with `now` (performance.now by default). Record the call
 * even when the kernel throws (try/finally).
 *
 * Check your work: npm run exercise -- 9
 */
import type { Kernels } from '../src/index.js';

/** Milliseconds and calls per kernel key. */
export type Totals = Map<string, { ms: number; calls: number }>;

/** `k` with every kernel call timed into `totals`. */
export function timedKernels(k: Kernels, totals: Totals, now: () => number = () => performance.now()): Kernels {
  throw new Error('not implemented yet: timedKernels — copy k ({ ...k }); replace each function property by one that calls it with apply(k, args) inside try/finally and adds now() − start to totals.get(key)');
}
