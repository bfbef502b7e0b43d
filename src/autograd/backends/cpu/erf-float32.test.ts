import { expect, test } from 'vitest';
import { erf } from './elementwise.js';
import { erfFloat32, normalCdfFloat32 } from './erf-float32.js';

/** erfc z for z ≥ 0 without cancellation: 1 − erf below 2, Laplace's continued fraction (depth 400) above. */
function erfcReference(z: number): number {
  if (z < 2) return 1 - erf(z);
  let f = z;
  for (let k = 400; k >= 1; k--) f = z + k / 2 / f;
  return Math.exp(-z * z) / (Math.sqrt(Math.PI) * f);
}
const cdfReference = (x: number): number => (x >= 0 ? 0.5 * (1 + erf(x * Math.SQRT1_2)) : 0.5 * erfcReference(-x * Math.SQRT1_2));

/** The largest relative difference between f and the reference, both rounded to float32, over n points of [lo, hi]. */
function worstFloat32(f: (x: number) => number, reference: (x: number) => number, lo: number, hi: number, n: number): number {
  let worst = 0;
  for (let i = 0; i <= n; i++) {
    const x = lo + ((hi - lo) * i) / n;
    const want = Math.fround(reference(x));
    if (Math.abs(want) < 1e-37) continue; //                           below float32's normal range
    worst = Math.max(worst, Math.abs(Math.fround(f(x)) - want) / Math.abs(want));
  }
  return worst;
}

test('erfFloat32 is within 2 float32 ulp (1.4e-7 relative) of the exact erf on [−8, 8], odd, and keeps NaN and ±Inf', () => {
  expect(worstFloat32(erfFloat32, erf, -8, 8, 400_000)).toBeLessThan(1.4e-7);
  for (const x of [1e-30, 1e-5, 0.3, 1.7, 3.9]) expect(erfFloat32(-x)).toBe(-erfFloat32(x));
  expect(erfFloat32(NaN)).toBeNaN();
  expect([erfFloat32(Infinity), erfFloat32(-Infinity)].map(Math.fround)).toEqual([1, -1]);
});

test('normalCdfFloat32 is within 2.2e-7 relative of Φ on [−12, 12], the far left tail included, and x·Φ(x) too', () => {
  expect(worstFloat32(normalCdfFloat32, cdfReference, -12, 12, 400_000)).toBeLessThan(2.2e-7);
  expect(worstFloat32((x) => x * normalCdfFloat32(x), (x) => x * cdfReference(x), -12, 12, 400_000)).toBeLessThan(2.2e-7);
  expect([normalCdfFloat32(-Infinity), normalCdfFloat32(0), normalCdfFloat32(Infinity)].map(Math.fround)).toEqual([0, 0.5, 1]);
  expect(normalCdfFloat32(NaN)).toBeNaN();
});
