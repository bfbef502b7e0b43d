/**
 * ProgressBar — one line of progress for a loop:
 *   epoch 1/3 [████████░░░░░░░░░░░░░░░░] 412/938  00:21 < 00:27  loss 0.3121  1254 samples/s
 * On a terminal it redraws that line in place (at most 20 times a second, and always at the
 * end); when the output is piped (CI logs, files) it prints one plain line per tenth instead.
 *
 * It writes to `options.stream`, or to `process.stdout` where a `process` exists (Node), or
 * else with console.log (a browser's console), so importing it never breaks a browser bundle:
 * nothing here imports a Node built-in.
 */

/** Where the bar writes: Node's `process.stdout` has this shape. */
export interface ProgressStream {
  write(text: string): unknown;
  /** True on a terminal: the bar then redraws in place. */
  readonly isTTY?: boolean;
}

/** How a `ProgressBar` labels and measures. */
export interface ProgressOptions {
  /** Printed before the bar (e.g. 'epoch 1/3 '). */
  readonly label?: string;
  /** Samples in one step, to show samples/s (default: steps/s, as 'it/s'). */
  readonly samplesPerStep?: number;
  /** Where to write (default: process.stdout in Node, console.log elsewhere). */
  readonly stream?: ProgressStream;
  /** Bar width in characters (default 24). */
  readonly width?: number;
}

const clock = (seconds: number): string => {
  const s = Math.max(0, Math.round(seconds));
  const m = Math.floor(s / 60);
  return `${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};

/** The standard output of a Node-like runtime, found without naming Node's types or modules. */
function defaultStream(): ProgressStream | undefined {
  const stdout = (globalThis as { process?: { stdout?: ProgressStream } }).process?.stdout;
  return stdout && typeof stdout.write === 'function' ? stdout : undefined;
}

/**
 * A progress bar for `total` steps: call `update(done, info)` after each step.
 * @example
 * const bar = new ProgressBar(loader.length, { label: 'epoch 1 ', samplesPerStep: 64 });
 * for (const [x, y] of loader) { ...; bar.update(++step, `loss ${loss.item().toFixed(4)}`); }
 */
export class ProgressBar {
  readonly #total: number;
  readonly #label: string;
  readonly #samplesPerStep: number | undefined;
  readonly #width: number;
  readonly #stream: ProgressStream | undefined;
  readonly #start = performance.now();
  #lastDecile = -1;
  #lastDraw = -Infinity;

  /** A bar for `total` steps; a string option is the label. */
  constructor(total: number, options: ProgressOptions | string = {}) {
    if (!Number.isInteger(total) || total < 0) throw new RangeError(`ProgressBar: total must be a non-negative integer, got ${total}`);
    const { label = '', samplesPerStep, stream = defaultStream(), width = 24 } = typeof options === 'string' ? { label: options } : options;
    this.#total = total;
    this.#label = label;
    this.#samplesPerStep = samplesPerStep;
    this.#width = width;
    this.#stream = stream;
  }

  /** Seconds since the bar was made. */
  get elapsed(): number {
    return (performance.now() - this.#start) / 1000;
  }

  /** The line the bar shows after `done` steps, with `info` (e.g. the running loss) in it. */
  line(done: number, info = ''): string {
    const fraction = this.#total === 0 ? 1 : Math.min(1, done / this.#total);
    const elapsed = this.elapsed;
    const rate = done / Math.max(elapsed, 1e-9);
    const eta = rate > 0 ? (this.#total - done) / rate : 0;
    const filled = Math.round(fraction * this.#width);
    const bar = '█'.repeat(filled) + '░'.repeat(this.#width - filled);
    const speed = this.#samplesPerStep === undefined ? `${rate.toFixed(1)} it/s` : `${Math.round(rate * this.#samplesPerStep)} samples/s`;
    return `${this.#label}[${bar}] ${done}/${this.#total}  ${clock(elapsed)} < ${clock(eta)}  ${info ? `${info}  ` : ''}${speed}`;
  }

  /** Shows progress after `done` of the total steps: redraws on a terminal, prints every tenth otherwise. */
  update(done: number, info = ''): void {
    const finished = done >= this.#total;
    if (this.#stream?.isTTY) {
      const now = performance.now();
      if (!finished && now - this.#lastDraw < 50) return; // a terminal needs no more than 20 frames a second
      this.#lastDraw = now;
      this.#stream.write(`\r${this.line(done, info)}\x1b[K${finished ? '\n' : ''}`);
      return;
    }
    const decile = Math.floor((this.#total === 0 ? 1 : done / this.#total) * 10);
    if (decile === this.#lastDecile) return;
    this.#lastDecile = decile;
    const text = this.line(done, info);
    if (this.#stream) this.#stream.write(`${text}\n`);
    else console.log(text);
  }
}
