/**
 * common — what every wasm kernel (the main-thread side) shares: how it runs its shares (share 0
 * on this thread, the others on workers: pool.ts), which tensors it computes (float32 only; the
 * others go to the cpu kernels, exactly), and the float32 array behind a tensor.
 */
import { type Tensor } from '../../tensor.js';
import { storageOf } from '../../tensor-storage.js';
import { runParallel, type OwnShare, type WorkerShare } from './parallel.js';
import type { Tf } from './shares/index.js';

/** Runs a kernel's shares and returns when all have finished. */
export type Run = (shares: readonly (OwnShare | WorkerShare)[]) => void;

/** Share 0 on this thread (with its tfjs), the others on workers i = 1, 2, … */
export const runner = (tf: Tf): Run => (shares) => runParallel(tf, shares[0] as OwnShare, shares.slice(1) as WorkerShare[]);

/** Whether every tensor is float32: tfjs-wasm computes float32 only, and nothing is silently rounded. */
export const isF32 = (...ts: readonly Tensor[]): boolean => ts.every((t) => t.dtype === 'float32');

/** The float32 storage of a tensor isF32 accepted. */
export const f32 = (t: Tensor): Float32Array => storageOf(t) as Float32Array;
