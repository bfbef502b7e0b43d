import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { givens, RotationLog } from './rotations.js';
import { seededMatrix, mulberry32 } from './fixtures/seeded.js';

describe('givens', () => {
  test('(3, 4) → c = 0.6, s = 0.8, r = 5', () => {
    const g = givens(3, 4, { c: 0, s: 0, r: 0 });
    expect(g.c).toBeCloseTo(0.6, 15);
    expect(g.s).toBeCloseTo(0.8, 15);
    expect(g.r).toBe(5);
  });

  test('zeroes g, keeps c ≥ 0, and survives 1e±300 (fast-check)', () => {
    // Subnormal inputs are left out: r = √(f² + g²) itself is then not representable.
    const normal = (x: number): boolean => x === 0 || Math.abs(x) >= 2 ** -1022;
    const big = fc.oneof(fc.double({ min: -1e300, max: 1e300, noNaN: true }), fc.double({ min: -1e-300, max: 1e-300, noNaN: true })).filter(normal);
    fc.assert(
      fc.property(big, big, (f, g) => {
        const { c, s, r } = givens(f, g, { c: 0, s: 0, r: 0 });
        const scale = Math.max(Math.abs(f), Math.abs(g));
        if (scale === 0) return c === 1 && s === 0 && r === 0;
        // Measure on (f, g)/scale so that products of subnormal inputs do not underflow.
        const fn = f / scale;
        const gn = g / scale;
        const zero = -s * fn + c * gn;
        const rr = c * fn + s * gn;
        return c >= 0 && Math.abs(c * c + s * s - 1) < 1e-15 && Math.abs(zero) < 1e-15 && Math.abs(rr - r / scale) < 1e-15 && Number.isFinite(r);
      }),
      { seed: 42, numRuns: 500 },
    );
  });
});

describe('RotationLog', () => {
  test('applies logged sequences exactly as one rotation at a time would (forward and backward, any row count)', () => {
    const random = mulberry32(9);
    for (const rows of [1, 3, 4, 7, 13]) {
      const cols = 11;
      const w = seededMatrix(rows, cols + 2, rows); // ld = cols + 2: rotations touch only the first columns
      const naive = w.data.slice();
      const log = new RotationLog(w.data, rows, cols + 2, 20); // small capacity: forces flushes mid-way
      for (let q = 0; q < 15; q++) {
        const lo = Math.floor(random() * (cols - 1));
        const hi = lo + 1 + Math.floor(random() * (cols - 1 - lo));
        const forward = random() < 0.5;
        const at = log.begin(lo, hi, forward);
        const c = new Float64Array(hi - lo);
        const s = new Float64Array(hi - lo);
        for (let k = 0; k < hi - lo; k++) {
          const angle = random() * 2 * Math.PI;
          c[k] = Math.cos(angle);
          s[k] = Math.sin(angle);
          log.cosines[at + k] = c[k]!;
          log.sines[at + k] = s[k]!;
        }
        // Naive: rotation k acts on columns (k, k+1) of every row.
        const order = Array.from({ length: hi - lo }, (_, k) => (forward ? lo + k : hi - 1 - k));
        for (const k of order) {
          for (let i = 0; i < rows; i++) {
            const p = i * (cols + 2) + k;
            const x = naive[p]!;
            const y = naive[p + 1]!;
            naive[p] = c[k - lo]! * x + s[k - lo]! * y;
            naive[p + 1] = c[k - lo]! * y - s[k - lo]! * x;
          }
        }
      }
      log.flush();
      expect(Array.from(w.data)).toEqual(Array.from(naive));
    }
  });
});
