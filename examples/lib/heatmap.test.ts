import { describe, expect, test } from 'vitest';
import { blues, heatmap } from './heatmap.js';

describe('heatmap', () => {
  test('one cell per value, labels escaped, darkest cell for the largest value', () => {
    const svg = heatmap({ title: 'a < b', rows: ['winter', 'summer'], columns: ['t−2', 't−1', 't'], values: [[0.1, 0.2, 0.7], [0.3, 0.3, 0.4]] });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<rect x="\d+" y="\d+" width="28" height="36" fill="rgb/g)).toHaveLength(6);
    expect(svg).toContain('a &lt; b');
    expect(svg).toContain(`fill="${blues(1)}"><title>winter, t: 0.7</title>`);
    expect(svg).toContain(`fill="${blues(0.1 / 0.7)}"><title>winter, t−2: 0.1</title>`);
    expect(svg).toContain('>.70</text>');
  });

  test('the scale can start at the smallest value; shapes are checked', () => {
    const svg = heatmap({ title: 't', rows: ['a'], columns: ['x', 'y'], values: [[2, 4]], from: 'min', decimals: null });
    expect(svg).toContain(`fill="${blues(0)}"><title>a, x: 2</title>`);
    expect(svg).not.toContain('font-size="9"');
    expect(blues(0)).toBe('rgb(255,255,255)');
    expect(() => heatmap({ title: 't', rows: ['a', 'b'], columns: ['x'], values: [[1]] })).toThrow(/heatmap: expected 2 rows of 1 values, got 1 rows of \[1\]/);
  });
});
