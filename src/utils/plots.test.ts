import { describe, expect, test } from 'vitest';
import { confusionMatrixPlot, heatmap } from './heatmap.js';
import { chartRow, lineChart } from './line-chart.js';
import { scatterPlot } from './scatter-plot.js';
import { logTicks, niceTicks, paddedRange, sideBySide, tickLabel } from './svg.js';

/** The numbers printed as tick labels on the y axis (text-anchor="end" marks them). */
const yTickLabels = (svg: string): number[] => [...svg.matchAll(/text-anchor="end">([^<]+)</g)].map((m) => Number(m[1]));

describe('ticks', () => {
  test('nice ticks are round and cover the range', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.93, 0.99)).toEqual([0.94, 0.96, 0.98]);
    expect(niceTicks(3, 3)).toEqual([3]);
  });

  test('log ticks are 1, 2, 5 × 10^k, thinned to powers of ten over wide ranges', () => {
    expect(logTicks(Math.log10(0.015), Math.log10(0.6)).map((t) => Number((10 ** t).toPrecision(3)))).toEqual([0.02, 0.05, 0.1, 0.2, 0.5]);
    expect(logTicks(-4.5, 0.5)).toEqual([-4, -3, -2, -1, 0]);
    expect(logTicks(-12, 0.3)).toEqual([-12, -10, -8, -6, -4, -2, 0]);
  });

  test('tick labels: four significant digits, exponents when tiny or huge', () => {
    expect([tickLabel(0.1 + 0.2), tickLabel(25000), tickLabel(1e-4), tickLabel(0)]).toEqual(['0.3', '2.5e+4', '1.0e-4', '0']);
  });

  test('one value is padded by 5% of itself, not by ±1', () => {
    const [lo, hi] = paddedRange([0.97]);
    expect(lo).toBeCloseTo(0.9215, 12);
    expect(hi).toBeCloseTo(1.0185, 12);
    expect(paddedRange([0])).toEqual([-0.5, 0.5]);
    expect(paddedRange([])).toEqual([0, 1]);
  });
});

describe('lineChart', () => {
  test('one polyline per series, a legend entry each, labelled axes, escaped text', () => {
    const svg = lineChart({ title: 'loss < 1 & falling', xLabel: 'epoch', yLabel: 'loss', series: [{ name: 'train', y: [2, 1, 0.5] }, { name: 'val', y: [2.1, 1.2, 0.7] }] });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg).toContain('loss &lt; 1 &amp; falling');
    expect(svg).toContain('>val</text>');
    expect(svg).toContain('>epoch</text>');
    expect(svg).toMatch(/rotate\(-90\)[^>]*>loss<\/text>/);
  });

  test('a one-epoch accuracy curve sits on an axis around its value, not on one from 0 to 2', () => {
    const svg = lineChart({ title: 'validation accuracy', yLabel: 'accuracy', series: [{ name: 'validation', y: [0.9731] }] });
    const ticks = yTickLabels(svg);
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    expect(Math.min(...ticks)).toBeGreaterThan(0.9);
    expect(Math.max(...ticks)).toBeLessThan(1.05);
    expect(svg).not.toContain('<polyline'); // one point: a dot, not a line
    expect(svg.match(/<circle/g)).toHaveLength(1);
  });

  test('yRange fixes the axis; logY labels the axis and drops values ≤ 0', () => {
    expect(yTickLabels(lineChart({ title: 'acc', yRange: [0, 1], series: [{ name: 'a', y: [0.5, 0.6] }] }))).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    const log = lineChart({ title: 'σ', yLabel: 'σ_k', logY: true, series: [{ name: 's', y: [100, 10, 1, 0] }] });
    expect(log).toContain('σ_k (log scale)');
    expect(log.match(/<circle/g)).toHaveLength(3);
  });

  test('chartRow and sideBySide put documents next to each other', () => {
    expect(chartRow([{ title: 'a', series: [] }, { title: 'b', series: [] }])).toMatch(/^<svg[^>]* width="1280" height="400"/);
    expect(sideBySide([lineChart({ title: 'a', series: [], width: 300 }), scatterPlot({ title: 'b', groups: [], height: 500 })])).toMatch(/^<svg[^>]* width="1020" height="500"/);
  });
});

describe('scatterPlot', () => {
  test('one group element per group, one circle per finite point, a legend dot each', () => {
    const svg = scatterPlot({ title: 'pca', xLabel: 'PC 1', yLabel: 'PC 2', groups: [{ name: '0', x: [1, 2, NaN], y: [3, 4, 5] }, { name: '1', x: [0], y: [0] }] });
    expect(svg.match(/<g fill=/g)).toHaveLength(2);
    expect(svg.match(/<circle/g)).toHaveLength(3 + 2);
    expect(svg).toContain('>PC 1</text>');
    expect(() => scatterPlot({ title: 't', groups: [{ name: 'a', x: [1], y: [] }] })).toThrow("scatterPlot: group 'a' has 1 x values but 0 y values");
  });
});

describe('heatmap and confusionMatrixPlot', () => {
  test('a cell per value, labelled rows and columns, values printed in large cells', () => {
    const svg = heatmap({ title: 'h', values: [[1, 2, 3], [4, 5, 6]], rowLabels: ['a', 'b'], columnLabels: ['x', 'y', 'z'], xLabel: 'cols', yLabel: 'rows' });
    expect(svg.match(/<rect [^>]*><title>/g)).toHaveLength(6);
    expect(svg).toContain('>b</text>');
    expect(svg).toContain('>z</text>');
    expect(svg).toContain('>6</text>');
    expect(svg).toContain('fill="rgb(255,255,255)"><title>a, x: 1</title>'); // the minimum is white
    expect(svg).toContain('fill="rgb(8,48,107)"><title>b, z: 6</title>'); // the maximum dark blue
    expect(() => heatmap({ title: 'h', values: [[1, 2], [3]] })).toThrow('heatmap: row 1 has 1 values, row 0 has 2');
  });

  test('diverging colours: negative blue, zero white, positive red', () => {
    const svg = heatmap({ title: 'w', values: [[-2, 0, 2]], colors: 'diverging' });
    expect(svg).toContain('fill="rgb(33,102,172)"><title>0, 0: -2</title>');
    expect(svg).toContain('fill="rgb(255,255,255)"><title>0, 1: 0</title>');
    expect(svg).toContain('fill="rgb(178,24,43)"><title>0, 2: 2</title>');
  });

  test('a confusion matrix: true classes down, predictions across, accuracy in the title, rows normalised on request', () => {
    const matrix = [[8, 2], [1, 9]];
    const svg = confusionMatrixPlot({ matrix, classNames: ['cat', 'dog'] });
    expect(svg).toContain('confusion matrix (accuracy 85.00%)');
    expect(svg).toContain('>true class</text>');
    expect(svg).toContain('>predicted class</text>');
    expect(svg).toContain('<title>dog, cat: 1</title>');
    expect(confusionMatrixPlot({ matrix, normalize: true })).toContain('<title>0, 1: 0.20</title>');
    expect(() => confusionMatrixPlot({ matrix, classNames: ['a'] })).toThrow('confusionMatrixPlot: 1 class names for a 2-class matrix');
  });
});
