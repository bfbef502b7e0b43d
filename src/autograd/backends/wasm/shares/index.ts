/**
 * shares — one thread's part of a hot kernel, on bare Float32Arrays and one tfjs-wasm instance.
 *
 * A parallel kernel is cut into shares (a range of images, of channels, of rows: ../plan.ts);
 * the main thread runs share 0 and each worker thread one of the others, all through `runShare`,
 * so a share computes the same numbers wherever it runs. With one thread the whole kernel is a
 * single share on the main thread: one code path, not two. Shares are plain data in, views
 * out: `params` are numbers (they cross threads by structured clone), `views` Float32Arrays (on
 * the main thread the tensors' own storage, in a worker windows of the shared arena). Nothing
 * here imports a Tensor: a worker loads these files, tfjs, and the cpu loops they reuse.
 */
import { convFilterShare } from './conv-filter.js';
import { convForwardShare } from './conv-forward.js';
import { convInputShare } from './conv-input.js';
import type { Tf } from './heap.js';
import { matmulShare } from './matmul.js';
import { maxPoolShare } from './max-pool.js';
import { gruBackwardTfShare, gruForwardTfShare, lstmBackwardTfShare, lstmForwardTfShare } from './rnn.js';

export type { Tf } from './heap.js';

export const SHARES = {
  matmul: matmulShare,
  convForward: convForwardShare,
  convInput: convInputShare,
  convFilter: convFilterShare,
  maxPool: maxPoolShare,
  lstmForward: lstmForwardTfShare,
  lstmBackward: lstmBackwardTfShare,
  gruForward: gruForwardTfShare,
  gruBackward: gruBackwardTfShare,
} as const;

export type ShareKind = keyof typeof SHARES;
export type ShareParams<K extends ShareKind> = Parameters<(typeof SHARES)[K]>[1];
export type ShareViews<K extends ShareKind> = Parameters<(typeof SHARES)[K]>[2];

/** Runs one share of kind `kind` (the worker's entry point and the main thread's alike). */
export function runShare<K extends ShareKind>(tf: Tf, kind: K, params: ShareParams<K>, views: ShareViews<K>): void {
  (SHARES[kind] as (tf: Tf, p: ShareParams<K>, v: ShareViews<K>) => void)(tf, params, views);
}
