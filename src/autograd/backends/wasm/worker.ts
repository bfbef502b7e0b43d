/**
 * worker — what runs inside each worker thread of the pool (see `pool.ts` for the other side).
 *
 * A worker loads its own tfjs-wasm instance, then serves shares: each job names a share kind,
 * its numeric parameters, and where its views lie in the shared arena (a SharedArrayBuffer the
 * main thread also sees). It runs the share, posts a reply (empty, or the error it caught) on its
 * port, and bumps its control word with Atomics so the main thread, blocked in `Atomics.wait`,
 * wakes up. An exception never escapes a job: it becomes the reply.
 *
 * This module imports only `shares.ts` and what that needs (plain Float32Array code and tfjs),
 * never `Tensor` or the op graph: a worker loads a few hundred lines, not the framework.
 */
import type { MessagePort } from 'node:worker_threads';
import { runShare, type ShareKind, type Tf } from './shares/index.js';
import { clearResidents, residentStats } from './shares/resident.js';
import { nodeWasmDirectory } from './node-binaries.js';
import { loadTfWasm } from './tf-load.js';

/** A window of the arena: [offset, length] in float32 elements. */
export type Ref = readonly [offset: number, length: number];

export interface ShareJob {
  readonly seq: number;
  readonly kind: ShareKind;
  readonly params: unknown;
  readonly refs: Readonly<Record<string, Ref>>;
  /** Views in the kept region (inputs kept from call to call: pool.ts), in `keptArena`. */
  readonly kept?: Readonly<Record<string, Ref>>;
  /** Sent when the kept region was (re)allocated since this worker's last job. */
  readonly keptArena?: SharedArrayBuffer;
  /** Sent when the arena was (re)allocated since this worker's last job. */
  readonly arena?: SharedArrayBuffer;
  /** Test hook: the worker throws this message instead of running the share. */
  readonly fail?: string;
}

/** Replies with WorkerStats; a 'clear' job first disposes the resident operands. */
export interface StatsJob {
  readonly seq: number;
  readonly kind: 'stats';
}

export interface ClearJob {
  readonly seq: number;
  readonly kind: 'clear';
}

export type Job = ShareJob | StatsJob | ClearJob;

/** What a worker's tfjs holds: live tensors and the size of its wasm heap. */
export interface WorkerStats {
  readonly numTensors: number;
  readonly numBytes: number;
  readonly heapBytes: number;
  /** Of numTensors, those kept resident (shares.ts, `operand`). */
  readonly residents: number;
}

export interface Reply {
  readonly seq: number;
  readonly error?: { readonly name: string; readonly message: string; readonly stack?: string };
  readonly stats?: WorkerStats;
}

/** The control word: the seq of the last finished job (1 = booted), or DEAD once the thread exits. */
export const BOOTED = 1;
export const DEAD = -1;

export function describeError(error: unknown): NonNullable<Reply['error']> {
  if (error instanceof Error) return { name: error.name, message: error.message, ...(error.stack === undefined ? {} : { stack: error.stack }) };
  return { name: 'Error', message: String(error) };
}

export function tfStats(tf: Tf): WorkerStats {
  const memory = tf.memory();
  const backend = tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } };
  return { numTensors: memory.numTensors, numBytes: memory.numBytes, heapBytes: backend.wasm.HEAPU8.length, residents: residentStats().tensors };
}

/** The worker's main loop: called by the bootstrap in `pool.ts` once this module has loaded. */
export async function serve(control: Int32Array, port: MessagePort): Promise<void> {
  const tf = await loadTfWasm({ wasmPaths: nodeWasmDirectory() });
  let arena: SharedArrayBuffer | null = null;
  let keptArena: SharedArrayBuffer | null = null;
  const signal = (seq: number): void => {
    Atomics.store(control, 0, seq);
    Atomics.notify(control, 0);
  };
  port.on('message', (job: Job) => {
    let reply: Reply;
    try {
      if (job.kind === 'clear') clearResidents();
      if (job.kind === 'stats' || job.kind === 'clear') {
        reply = { seq: job.seq, stats: tfStats(tf) };
      } else {
        if (job.arena !== undefined) arena = job.arena;
        if (job.keptArena !== undefined) keptArena = job.keptArena;
        if (job.fail !== undefined) throw new Error(job.fail);
        if (arena === null) throw new Error('worker: a job arrived before the arena');
        const views: Record<string, Float32Array> = {};
        for (const [name, [offset, length]] of Object.entries(job.refs)) views[name] = new Float32Array(arena, offset * 4, length);
        for (const [name, [offset, length]] of Object.entries(job.kept ?? {})) {
          if (keptArena === null) throw new Error('worker: a kept view arrived before the kept region');
          views[name] = new Float32Array(keptArena, offset * 4, length);
        }
        runShare(tf, job.kind, job.params as never, views as never);
        reply = { seq: job.seq };
      }
    } catch (error) {
      reply = { seq: job.seq, error: describeError(error) };
    }
    port.postMessage(reply);
    signal(job.seq);
  });
  port.postMessage({ seq: BOOTED } satisfies Reply);
  signal(BOOTED);
}
