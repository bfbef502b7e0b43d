import { describe, expect, test } from 'vitest';
import { ProgressBar, type ProgressStream } from './progress-bar.js';

/** A stream that records what is written. */
function recorder(isTTY: boolean): ProgressStream & { readonly written: string[] } {
  const written: string[] = [];
  return { isTTY, written, write: (text: string) => written.push(text) };
}

describe('ProgressBar', () => {
  test('piped: a first line, then one plain line per tenth, each with the label, the count, the info and the speed', () => {
    const stream = recorder(false);
    const bar = new ProgressBar(100, { label: 'epoch 1/3 ', samplesPerStep: 64, stream });
    for (let i = 1; i <= 100; i++) bar.update(i, `loss ${(1 / i).toFixed(4)}`);
    expect(stream.written).toHaveLength(11); // steps 1, 10, 20, …, 100
    expect(stream.written.every((l) => l.endsWith('\n') && !l.includes('\r'))).toBe(true);
    expect(stream.written[1]).toMatch(/^epoch 1\/3 \[█{2}░{22}\] 10\/100  00:00 < 00:00  loss 0\.1000  \d+ samples\/s\n$/);
    expect(stream.written[10]).toMatch(/^epoch 1\/3 \[█{24}\] 100\/100  .*  loss 0\.0100  \d+ samples\/s\n$/);
  });

  test('terminal: redraws in place with a carriage return, at most 20 times a second, and ends the line when done', () => {
    const stream = recorder(true);
    const bar = new ProgressBar(1000, { stream });
    for (let i = 1; i <= 1000; i++) bar.update(i);
    expect(stream.written.length).toBeGreaterThanOrEqual(2); // the first frame and the last
    expect(stream.written.length).toBeLessThan(1000);
    expect(stream.written.every((l) => l.startsWith('\r') && l.includes('\x1b[K'))).toBe(true);
    expect(stream.written.at(-1)).toMatch(/1000\/1000.*\n$/);
  });

  test('a string option is the label; a bad total is refused', () => {
    expect(new ProgressBar(4, 'fit ').line(2)).toMatch(/^fit \[█{12}░{12}\] 2\/4 /);
    expect(() => new ProgressBar(-1)).toThrow('ProgressBar: total must be a non-negative integer, got -1');
  });
});
