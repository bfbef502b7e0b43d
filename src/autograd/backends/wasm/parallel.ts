/**
 * parallel — a kernel's shares and where they run. plan.ts cuts a kernel into shares; share 0
 * runs on the calling thread, straight from and into the tensors' storage, and the others on a
 * `SharePool`: Node's worker threads (pool.ts), which the Node host installs. Where there is no
 * pool — a browser, where the calling thread may not block on a worker (`Atomics.wait` is refused
 * on a page's main thread) — the thread budget is one, so every kernel is one share; tfjs's own
 * Web Worker threads (tf-load.ts) then split the work inside it.
 */
import { runShare, type ShareKind, type ShareParams, type ShareViews, type Tf } from './shares/index.js';

/** An output region of a worker's share: its length in floats. */
export interface Output {
  readonly output: number;
}

/** One share for the calling thread: its views are the tensors' own arrays. */
export interface OwnShare<K extends ShareKind = ShareKind> {
  readonly kind: K;
  readonly params: ShareParams<K>;
  readonly views: ShareViews<K>;
}

/** One share for a worker: inputs are copied into the arena, outputs collected from it. */
export interface WorkerShare<K extends ShareKind = ShareKind> {
  readonly kind: K;
  readonly params: ShareParams<K>;
  readonly views: { readonly [V in keyof ShareViews<K>]: Float32Array | Output };
  /** Runs on the calling thread once every share has finished, with the arena views. */
  readonly collect: (views: ShareViews<K>) => void;
  /** Where `collect` will write: touched while the worker still computes (see pool.ts). */
  readonly destination?: Float32Array | readonly Float32Array[];
  /**
   * Inputs named by an operand key (../operand-key.ts: these exact values), such as a filter's rows
   * at inference: the pool may keep their copy for the workers from call to call (pool.ts, `kept`).
   */
  readonly keys?: { readonly [V in keyof ShareViews<K>]?: string | undefined };
}

/** Helpers that let TypeScript check a share's params and views against its kind. */
export const ownShare = <K extends ShareKind>(share: OwnShare<K>): OwnShare => share as unknown as OwnShare;
export const workerShare = <K extends ShareKind>(share: WorkerShare<K>): WorkerShare => share as unknown as WorkerShare;

/** Runs shares on other threads, synchronously: returns once every share, `own` included, has finished. */
export interface SharePool {
  run(tf: Tf, own: OwnShare, others: readonly WorkerShare[]): void;
  /** Keeps at most `count` workers (the thread count went down). */
  trim(count: number): void;
}

let pool: SharePool | null = null;

/** Installs the pool the other shares run on (the host does, when the backend loads). */
export function useSharePool(next: SharePool | null): void {
  pool = next;
}

const sharesRun = new Map<ShareKind, number>();

/** How many shares of `kind` have run, on every thread together, since the process started. */
export function sharesRunOf(kind: ShareKind): number {
  return sharesRun.get(kind) ?? 0;
}

/**
 * Runs `own` on the calling thread and `others[i]` on worker i + 1, all at once; returns when
 * all have finished and every worker's outputs are collected.
 */
export function runParallel(tf: Tf, own: OwnShare, others: readonly WorkerShare[]): void {
  sharesRun.set(own.kind, (sharesRun.get(own.kind) ?? 0) + 1 + others.length);
  if (others.length === 0) {
    runShare(tf, own.kind, own.params, own.views);
    return;
  }
  if (pool === null) throw new Error(`${own.kind}: ${others.length + 1} shares were planned, but this platform has no worker pool (its thread budget is one)`);
  pool.run(tf, own, others);
}
