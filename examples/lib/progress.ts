/**
 * A one-line terminal progress bar:
 *   epoch 1/3 [████████░░░░░░░░] 412/938  00:21 < 00:27  loss 0.3121  1254 samples/s
 * It redraws in place on a terminal and prints one line per 10% when output is piped (CI logs).
 */
export interface ProgressOptions {
  /** Printed before the bar. */
  readonly label?: string;
  /** Samples in one step, for the samples/s figure (omit to show steps/s). */
  readonly samplesPerStep?: number;
}

const clock = (seconds: number): string => {
  const s = Math.max(0, Math.round(seconds));
  const m = Math.floor(s / 60);
  return `${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};

export class ProgressBar {
  readonly #total: number;
  readonly #label: string;
  readonly #samplesPerStep: number | undefined;
  readonly #start = performance.now();
  readonly #tty = Boolean(process.stdout.isTTY);
  #lastDecile = -1;

  constructor(total: number, options: ProgressOptions | string = {}) {
    const { label = '', samplesPerStep } = typeof options === 'string' ? { label: options } : options;
    this.#total = total;
    this.#label = label;
    this.#samplesPerStep = samplesPerStep;
  }

  /** Seconds since the bar was made. */
  get elapsed(): number {
    return (performance.now() - this.#start) / 1000;
  }

  update(done: number, info = ''): void {
    const fraction = this.#total === 0 ? 1 : done / this.#total;
    const elapsed = this.elapsed;
    const rate = done / Math.max(elapsed, 1e-9);
    const eta = rate > 0 ? (this.#total - done) / rate : 0;
    const width = 24;
    const filled = Math.round(fraction * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    const speed = this.#samplesPerStep === undefined ? `${rate.toFixed(1)} it/s` : `${Math.round(rate * this.#samplesPerStep)} samples/s`;
    const line = `${this.#label}[${bar}] ${done}/${this.#total}  ${clock(elapsed)} < ${clock(eta)}  ${info}  ${speed}`;
    if (this.#tty) {
      process.stdout.write(`\r${line}\x1b[K`);
      if (done >= this.#total) process.stdout.write('\n');
    } else {
      const decile = Math.floor(fraction * 10);
      if (decile !== this.#lastDecile) {
        this.#lastDecile = decile;
        console.log(line);
      }
    }
  }
}
