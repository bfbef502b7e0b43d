/**
 * A one-line terminal progress bar: `[████████░░░░] 412/938  loss 0.3121  12.3 it/s  eta 43s`.
 * Redraws in place on a terminal; prints one line every 10% when output is piped (CI logs).
 */
export class ProgressBar {
  readonly #total: number;
  readonly #label: string;
  readonly #start = performance.now();
  readonly #tty = Boolean(process.stdout.isTTY);
  #lastDecile = -1;

  constructor(total: number, label = '') {
    this.#total = total;
    this.#label = label;
  }

  update(done: number, info = ''): void {
    const fraction = this.#total === 0 ? 1 : done / this.#total;
    const elapsed = (performance.now() - this.#start) / 1000;
    const rate = done / Math.max(elapsed, 1e-9);
    const eta = rate > 0 ? (this.#total - done) / rate : 0;
    const width = 24;
    const filled = Math.round(fraction * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    const line = `${this.#label}[${bar}] ${done}/${this.#total}  ${info}  ${rate.toFixed(1)} it/s  eta ${eta.toFixed(0)}s`;
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
