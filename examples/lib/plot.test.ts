import { describe, expect, test } from 'vitest';
import { chartRow, lineChart, logTicks, niceTicks } from './plot.js';

describe('plot', () => {
  test('nice ticks are round and cover the range', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.93, 0.99)).toEqual([0.94, 0.96, 0.98]);
    expect(niceTicks(3, 3)).toEqual([3]);
  });

  test('a chart has one polyline per series, a legend entry each, and escapes text', () => {
    const svg = lineChart({ title: 'loss < 1 & falling', series: [{ name: 'train', y: [2, 1, 0.5] }, { name: 'val', y: [2.1, 1.2, 0.7] }] });
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg).toContain('loss &lt; 1 &amp; falling');
    expect(svg).toContain('>val</text>');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(chartRow([{ title: 'a', series: [] }, { title: 'b', series: [] }])).toContain('width="1280"');
  });
});

test('log ticks are 1, 2, 5 × 10^k', () => {
  expect(logTicks(Math.log10(0.015), Math.log10(0.6)).map((t) => Number((10 ** t).toPrecision(3)))).toEqual([0.02, 0.05, 0.1, 0.2, 0.5]);
});
