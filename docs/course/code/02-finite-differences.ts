/**
 * Why gradcheck uses float64 and ε = 1e-6: the error of a central difference against the exact
 * derivative, for ε from 1e-1 down to 1e-12, in float32 and in float64.
 * Run: npx tsx docs/course/code/02-finite-differences.ts
 */
import { tensor } from '../../../src/index.js';
import { lineChart } from '../../../src/utils/index.js';

// #region sweep
const x0 = 0.5;
const exact = 1 - Math.tanh(x0) ** 2; // d tanh(x)/dx at x0
const f = (x: number, dtype: 'float32' | 'float64'): number => tensor([x], { dtype }).tanh().item();
const exponents = Array.from({ length: 12 }, (_, i) => -(i + 1)); // ε = 1e-1 … 1e-12
const errors = { float32: [] as number[], float64: [] as number[] };
for (const dtype of ['float32', 'float64'] as const) {
  for (const k of exponents) {
    const eps = 10 ** k;
    const central = (f(x0 + eps, dtype) - f(x0 - eps, dtype)) / (2 * eps);
    errors[dtype].push(Math.abs(central - exact));
  }
}
const best = (dtype: 'float32' | 'float64'): string => {
  const i = errors[dtype].indexOf(Math.min(...errors[dtype]));
  return `smallest error ${errors[dtype][i]!.toExponential(1)} at ε = 1e${exponents[i]}`;
};
console.log(`float32: ${best('float32')}`);
console.log(`float64: ${best('float64')}`);
// #endregion

export const figures = {
  '02-finite-differences.svg': lineChart({
    title: 'Central difference of tanh at 0.5: error against the exact derivative',
    series: [
      { name: 'float32', x: exponents, y: errors.float32 },
      { name: 'float64', x: exponents, y: errors.float64 },
    ],
    xLabel: 'log₁₀ ε',
    yLabel: '|error|',
    logY: true,
  }),
};
