/**
 * pool — worker threads for the wasm kernels, behind a synchronous API. A kernel's shares run at
 * once: share 0 on the calling thread, straight from and into the tensors' storage, the others on
 * workers with their own tfjs-wasm (`runParallel`). The calling thread copies each worker's
 * inputs into the *arena* (one SharedArrayBuffer every worker sees), posts it a job, computes its
 * own share, then blocks in `Atomics.wait` on each worker's control word and reads its reply with
 * `receiveMessageOnPort` — no promise, no turn of the event loop — and copies the outputs out. So
 * `conv2d(x, w)` still returns its tensor like any other call.
 *
 * Workers start on the first call that needs them, are `unref`'d (they never keep the process
 * alive) and are terminated when the thread count goes down (threads.ts). A share that throws in
 * a worker comes back as an Error from the kernel called, after every other share has finished;
 * the worker is replaced by a fresh one on the next call. How each kernel is cut: plan.ts.
 * Node only (worker_threads): the Node host (node-host.ts) installs it as parallel.ts's pool.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { Output, OwnShare, SharePool, WorkerShare } from './parallel.js';
import { runShare, type Tf } from './shares/index.js';
import { clearResidents } from './shares/resident.js';
import { BOOTED, DEAD, type Job, type Ref, type Reply, type WorkerStats } from './worker.js';

// ── worker threads ────────────────────────────────────────────────────────────────────────

/** Time a worker may take to boot (load tfjs-wasm, and from source, transpile) and to run one share. */
const BOOT_TIMEOUT_MS = 120_000;
const JOB_TIMEOUT_MS = 600_000;
/** How long the calling thread spins on a worker's control word before it sleeps in Atomics.wait. */
const SPIN_MS = 0.2;

/**
 * The worker's first code (`eval: true`), so that it needs no file of its own beside the module
 * it loads. It imports only dynamically, so it runs as CommonJS or as a module alike: a worker
 * inherits the program's `--input-type` (`node --input-type=module -e …`). From source (`*.ts`, under tsx or vitest) it loads worker.ts through
 * tsx's CommonJS hook: Node 20 does not run ESM loader hooks (`--import tsx`) inside workers. From
 * the built `dist/` it imports worker.js natively. If the thread ever exits, it says so in its
 * control word, so a main thread blocked on it wakes up and reports the loss.
 */
const BOOTSTRAP = `
Promise.all([import('node:worker_threads'), import('node:module')]).then(([{ workerData }, { createRequire }]) => {
  const { control, port, entry, tsx } = workerData;
  const dead = () => { Atomics.store(control, 0, ${DEAD}); Atomics.notify(control, 0); };
  process.on('exit', dead);
  const fatal = (error) => {
    try {
      port.postMessage({ seq: ${BOOTED}, error: { name: String(error && error.name), message: String(error && error.message || error), stack: String(error && error.stack) } });
    } finally { dead(); }
  };
  try {
    const load = tsx ? createRequire(tsx) : null;
    const loaded = load ? Promise.resolve().then(() => { load(tsx).register(); return load(entry); }) : import(entry);
    loaded.then((m) => m.serve(control, port)).catch(fatal);
  } catch (error) { fatal(error); }
});
`;

/**
 * How this module's sibling worker file is loaded: transpiled by tsx from source, natively as
 * built JS — or as TypeScript by a Node that strips types itself, where tsx is not installed.
 */
function workerEntry(): { entry: string; tsx: string | null } {
  const fromSource = import.meta.url.endsWith('.ts');
  const url = new URL(fromSource ? './worker.ts' : './worker.js', import.meta.url);
  if (fromSource) {
    try {
      return { entry: fileURLToPath(url), tsx: createRequire(import.meta.url).resolve('tsx/cjs/api') };
    } catch {
      // no tsx: let Node itself try the .ts file
    }
  }
  return { entry: url.href, tsx: null };
}

type JobWithoutSeq = Job extends infer J ? (J extends unknown ? Omit<J, 'seq'> : never) : never;

class WorkerThread {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly control = new Int32Array(new SharedArrayBuffer(4));
  private seq = BOOTED;
  /** Whether it has finished booting (successfully). */
  private booted = false;
  /** The arena this worker has been sent. */
  arenaSent: SharedArrayBuffer | null = null;
  /** The kept region this worker has been sent. */
  keptSent: SharedArrayBuffer | null = null;
  /** Set when it failed or was terminated: the pool replaces it. */
  broken = false;
  readonly index: number;

  constructor(index: number) {
    this.index = index;
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(BOOTSTRAP, {
      eval: true,
      name: `sapling-wasm-${index}`,
      workerData: { control: this.control, port: port2, ...workerEntry() },
      transferList: [port2],
    });
    // An error that escapes the worker (none should: every job is wrapped) marks it broken
    // instead of crashing this process as an unhandled 'error' event would.
    this.worker.on('error', () => { this.broken = true; });
    this.worker.unref();
    this.port.unref();
  }

  /** Blocks until the worker has booted; throws (and marks it broken) if it could not. */
  ready(): void {
    if (this.booted) return;
    const reply = this.await(BOOTED, BOOT_TIMEOUT_MS, 'start');
    if (reply.error !== undefined) {
      this.terminate();
      throw new Error(`wasm worker thread ${this.index} failed to start: ${reply.error.message}`);
    }
    this.booted = true;
  }

  /** Posts a job; returns its number for `await`. */
  post(job: JobWithoutSeq): number {
    const seq = ++this.seq;
    this.port.postMessage({ ...job, seq });
    return seq;
  }

  /** Whether job `seq` has finished (without waiting). */
  finished(seq: number): boolean {
    return Atomics.load(this.control, 0) === seq;
  }

  /** Blocks (Atomics.wait) until job `seq` has finished, then returns its reply. */
  await(seq: number, timeoutMs = JOB_TIMEOUT_MS, what = 'finish a share'): Reply {
    const deadline = Date.now() + timeoutMs;
    // Shares are cut to end together, so spin a little before sleeping: waking a thread from
    // Atomics.wait costs tens to hundreds of µs on a virtual machine, more than a spin.
    const spinUntil = performance.now() + SPIN_MS;
    while (Atomics.load(this.control, 0) !== seq && performance.now() < spinUntil);
    for (;;) {
      const done = Atomics.load(this.control, 0);
      if (done === seq) break;
      if (done === DEAD) {
        // The bootstrap posts its error before it dies; anything else is an unexplained exit.
        const last = this.drain(seq);
        this.terminate();
        if (last?.error !== undefined) return last;
        throw new Error(`wasm worker thread ${this.index} exited while it should ${what}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        this.terminate();
        throw new Error(`wasm worker thread ${this.index} did not ${what} within ${timeoutMs / 1000} s`);
      }
      Atomics.wait(this.control, 0, done, Math.min(left, 1000));
    }
    const reply = this.drain(seq);
    if (reply === null) throw new Error(`wasm worker thread ${this.index}: job ${seq} finished without a reply`);
    return reply;
  }

  /** The reply to job `seq`, discarding older ones (there are none unless a wait timed out). */
  private drain(seq: number): Reply | null {
    for (;;) {
      const received = receiveMessageOnPort(this.port);
      if (received === undefined) return null;
      const reply = received.message as Reply;
      if (reply.seq === seq) return reply;
    }
  }

  terminate(): void {
    this.broken = true;
    this.port.close();
    void this.worker.terminate();
  }
}

/** workers[i] runs share i + 1; null or broken entries are (re)started on demand. */
const workers: (WorkerThread | null)[] = [];

/** The first `count` workers, started if needed and booted (blocks while they boot). */
function workersFor(count: number): WorkerThread[] {
  const out: WorkerThread[] = [];
  for (let i = 0; i < count; i++) {
    let w = workers[i] ?? null;
    if (w === null || w.broken) {
      w = new WorkerThread(i + 1);
      workers[i] = w;
    }
    out.push(w);
  }
  for (const w of out) w.ready(); // they boot concurrently; this waits for the slowest
  return out;
}

// ── the arena ─────────────────────────────────────────────────────────────────────────────

let arena: Float32Array<SharedArrayBuffer> | null = null;

/** An arena of at least `floats` elements; grows by half again so repeated growth is rare. */
function arenaOf(floats: number): Float32Array<SharedArrayBuffer> {
  if (arena === null || arena.length < floats) {
    const size = Math.max(floats, Math.ceil((arena?.length ?? 0) * 1.5), 1 << 16);
    arena = new Float32Array(new SharedArrayBuffer(size * 4));
  }
  return arena;
}

/** The arena's size in bytes (0 before the first parallel call). */
export function arenaBytes(): number {
  return arena?.byteLength ?? 0;
}

// ── the kept region ───────────────────────────────────────────────────────────────────────

/**
 * Worker inputs named by an operand key (WorkerShare.keys: a filter's rows at inference) are
 * copied, from their second sighting on, into a second shared buffer and found there on later
 * calls instead of being copied into the arena at every call: ResNet-18 at 224 px on 2 threads
 * copied 23 MB of filter rows a forward, on the calling thread, while the worker waited. Keys
 * seen once (a training step's weights, new at every step) are copied as before. The region is a
 * bump allocation of at most KEPT_LIMIT floats; one that does not fit starts a larger, empty one.
 */
const KEPT_LIMIT = 32 * 2 ** 20; // floats: 128 MB
const KEY_SIGHTINGS_LIMIT = 4096;
let kept: Float32Array<SharedArrayBuffer> | null = null;
let keptUsed = 0;
const keptRefs = new Map<string, Ref>();
const keySightings = new Set<string>();
let keptHits = 0;

/** What the kept region holds: floats, inputs, and how many times an input was found there instead of copied. */
export function keptStats(): { floats: number; inputs: number; hits: number } {
  return { floats: keptUsed, inputs: keptRefs.size, hits: keptHits };
}

/**
 * Each worker share's kept inputs, placed in the kept region: those seen before under their key,
 * whose values are then copied here, once. When the new ones do not fit, a larger, empty region
 * replaces the region before any is placed (the workers get it with their next job), so that
 * every view of one call lies in the same region.
 */
function keepInputs(others: readonly WorkerShare[]): Record<string, Ref>[] {
  const wanted = new Map<string, Float32Array>(); // key → values, for the keys to keep in this call
  for (const share of others) {
    for (const [name, key] of Object.entries(share.keys ?? {}) as [string, string | undefined][]) {
      const values = (share.views as Readonly<Record<string, Float32Array | Output>>)[name];
      if (key === undefined || !(values instanceof Float32Array) || values.length > KEPT_LIMIT / 4 || wanted.has(key)) continue;
      if (keptRefs.has(key) || keySightings.has(key)) wanted.set(key, values);
      else {
        if (keySightings.size >= KEY_SIGHTINGS_LIMIT) keySightings.clear();
        keySightings.add(key); // first sighting: copied into the arena this time
      }
    }
  }
  const floats = (values: Float32Array): number => Math.ceil(values.length / 4) * 4;
  let fresh = 0;
  for (const [key, values] of wanted) if (!keptRefs.has(key)) fresh += floats(values);
  if (kept === null || keptUsed + fresh > kept.length) {
    let all = 0;
    for (const values of wanted.values()) all += floats(values);
    const size = Math.min(KEPT_LIMIT, Math.max(all, Math.ceil((kept?.length ?? 0) * 1.5), 1 << 20));
    if (all > size) wanted.clear(); // this call's inputs alone outgrow the limit: copy them all into the arena
    kept = new Float32Array(new SharedArrayBuffer(size * 4));
    keptUsed = 0;
    keptRefs.clear();
  }
  for (const [key, values] of wanted) {
    if (keptRefs.has(key)) {
      keptHits++;
      continue;
    }
    kept.set(values, keptUsed);
    keptRefs.set(key, [keptUsed, values.length]);
    keptUsed += floats(values);
  }
  return others.map((share) => {
    const views: Record<string, Ref> = {};
    for (const [name, key] of Object.entries(share.keys ?? {}) as [string, string | undefined][]) {
      const ref = key === undefined || !wanted.has(key) ? undefined : keptRefs.get(key);
      if (ref !== undefined) views[name] = ref;
    }
    return views;
  });
}

/** Forgets the kept region (the workers are gone, or their inputs should be copied afresh). */
function dropKept(): void {
  kept = null;
  keptUsed = 0;
  keptRefs.clear();
  keySightings.clear();
}

// ── running a kernel's shares ─────────────────────────────────────────────────────────────

let pendingFailure: string | null = null;

/** Test hook: the next worker share throws `message` inside its worker. */
export function failNextWorkerShare(message: string): void {
  pendingFailure = message;
}

/**
 * Runs `own` on the calling thread and `others[i]` on worker i + 1, all at once; returns when
 * all have finished and every worker's outputs are collected. Throws the first error, after
 * every share has finished (the arena is never reused while a worker still reads it).
 */
function runOnWorkers(tf: Tf, own: OwnShare, others: readonly WorkerShare[]): void {
  const pool = workersFor(others.length);
  // Lay every worker's views out in the arena (an input passed to several workers, such as a
  // filter every image share needs, is copied once), then copy and post worker by worker.
  const layouts: Record<string, Ref>[] = [];
  const keptLayouts = keepInputs(others);
  const placed = new Map<Float32Array, Ref>();
  let total = 0;
  for (const [i, share] of others.entries()) {
    const refs: Record<string, Ref> = {};
    for (const [name, spec] of Object.entries(share.views) as [string, Float32Array | Output][]) {
      if (keptLayouts[i]![name] !== undefined) continue; // found in the kept region
      const known = spec instanceof Float32Array ? placed.get(spec) : undefined;
      if (known !== undefined) {
        refs[name] = known;
        continue;
      }
      const ref: Ref = [total, spec instanceof Float32Array ? spec.length : spec.output];
      if (spec instanceof Float32Array) placed.set(spec, ref);
      refs[name] = ref;
      total += ref[1];
    }
    layouts.push(refs);
  }
  const buffer = arenaOf(total);
  const copied = new Set<Float32Array>();
  const seqs: number[] = [];
  for (let i = 0; i < others.length; i++) {
    const share = others[i]!;
    const w = pool[i]!;
    const refs = layouts[i]!;
    for (const [name, spec] of Object.entries(share.views) as [string, Float32Array | Output][]) {
      if (spec instanceof Float32Array && refs[name] !== undefined && !copied.has(spec)) {
        buffer.set(spec, refs[name]![0]);
        copied.add(spec);
      }
    }
    const fresh = w.arenaSent !== buffer.buffer;
    w.arenaSent = buffer.buffer;
    const keptViews = keptLayouts[i]!;
    const keptBuffer = Object.keys(keptViews).length > 0 ? kept!.buffer : null;
    const keptFresh = keptBuffer !== null && w.keptSent !== keptBuffer;
    if (keptFresh) w.keptSent = keptBuffer;
    const fail = pendingFailure;
    pendingFailure = null;
    seqs.push(w.post({
      kind: share.kind, params: share.params, refs,
      ...(fresh ? { arena: buffer.buffer } : {}),
      ...(keptBuffer === null ? {} : { kept: keptViews }),
      ...(keptFresh ? { keptArena: keptBuffer } : {}),
      ...(fail === null ? {} : { fail }),
    }));
  }
  let ownError: unknown = null;
  try {
    runShare(tf, own.kind, own.params, own.views);
  } catch (error) {
    ownError = error;
  }
  // While a worker is still busy, touch the pages its results will be copied to: a kernel's
  // output is freshly allocated memory, and on some machines (virtual ones that hand freed pages
  // back to the host) its first touch costs ~10 µs per 4 KB page, which would otherwise be paid
  // after the wait, in `collect`.
  for (let i = 0; i < seqs.length; i++) {
    const destination = others[i]!.destination;
    if (destination === undefined || pool[i]!.finished(seqs[i]!)) continue;
    for (const view of destination instanceof Float32Array ? [destination] : destination) touchPages(view);
  }
  let workerError: Error | null = null;
  for (let i = 0; i < seqs.length; i++) {
    const w = pool[i]!;
    try {
      const reply = w.await(seqs[i]!);
      if (reply.error !== undefined) {
        w.terminate(); // a fresh worker replaces it on the next call
        const error = new Error(`${own.kind}: share ${i + 1} failed in wasm worker thread ${w.index}: ${reply.error.message}`);
        if (reply.error.stack !== undefined) error.stack = `${error.name}: ${error.message}\n--- in the worker ---\n${reply.error.stack}`;
        workerError ??= error;
      }
    } catch (error) {
      workerError ??= error instanceof Error ? error : new Error(String(error));
    }
  }
  if (ownError !== null) throw ownError;
  if (workerError !== null) throw workerError;
  for (let i = 0; i < others.length; i++) {
    const views: Record<string, Float32Array> = {};
    for (const [name, [offset, length]] of Object.entries(layouts[i]!)) views[name] = buffer.subarray(offset, offset + length);
    others[i]!.collect(views as never);
  }
}

/** Writes one element per 4 KB page (the values are about to be overwritten anyway). */
function touchPages(view: Float32Array): void {
  for (let i = 0; i < view.length; i += 1024) view[i] = 0;
}

/** What each live worker's tfjs holds (for the memory tests); starts no worker. */
export function workerStats(): WorkerStats[] {
  return askWorkers('stats');
}

/**
 * Disposes the resident operands (shares.ts, `operand`) of this thread and of every live worker:
 * afterwards no tfjs tensor is left anywhere.
 */
export function clearResidentOperands(): void {
  clearResidents();
  askWorkers('clear');
}

function askWorkers(kind: 'stats' | 'clear'): WorkerStats[] {
  const live = workers.filter((w): w is WorkerThread => w !== null && !w.broken);
  return live.map((w) => w.post({ kind })).map((seq, i) => {
    const reply = live[i]!.await(seq);
    if (reply.stats === undefined) throw new Error(`workerStats: worker ${live[i]!.index} sent no stats`);
    return reply.stats;
  });
}

/** Terminates the workers beyond the first `count` (and frees the arena when none is left). */
export function trimWorkers(count: number): void {
  for (let i = count; i < workers.length; i++) workers[i]?.terminate();
  workers.length = Math.min(workers.length, count);
  if (count === 0) {
    arena = null;
    dropKept();
  }
}

/** Terminates every worker and frees the arena (the next parallel call starts fresh ones). */
export function shutdownWorkers(): void {
  for (const w of workers) w?.terminate();
  workers.length = 0;
  arena = null;
  dropKept();
}

/** The worker threads as parallel.ts's SharePool. */
export const workerThreadPool: SharePool = { run: runOnWorkers, trim: trimWorkers };

export { sharesRunOf } from './parallel.js';
