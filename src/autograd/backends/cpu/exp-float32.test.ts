import { expect, test } from 'vitest';
import { expFloat32, expScalarFloat32 } from './exp-float32.js';

const worst = (got: ArrayLike<number>, xs: ArrayLike<number>): number => {
  let w = 0;
  for (let i = 0; i < xs.length; i++) {
    const want = Math.fround(Math.exp(xs[i]!));
    if (want === 0 || !Number.isFinite(want)) continue;
    w = Math.max(w, Math.abs(Math.fround(got[i]!) - want) / want);
  }
  return w;
};

test('expFloat32 and expScalarFloat32 are within 2 ulp (1.8e-7 relative) of Math.exp on [−87, 88], and agree at the edges', () => {
  const xs = Float32Array.from({ length: 200_001 }, (_, i) => -87 + (175 * i) / 200_000);
  const out = new Float32Array(xs.length);
  expFloat32(xs, out);
  expect(worst(out, xs)).toBeLessThan(1.8e-7);
  expect(worst(Array.from(xs, expScalarFloat32), xs)).toBeLessThan(1.8e-7);
  for (const x of [-Infinity, -1000, -90, 0, 89, 1000, Infinity]) expect(Math.fround(expScalarFloat32(x))).toBe(Math.fround(Math.exp(x)));
  expect(expScalarFloat32(NaN)).toBeNaN();
});
