import { describe, test } from 'vitest';
import { linalg, seededRandom } from '../src/index.js';
import { expectClose, expectEqual } from './lib/check.js';
import { pca } from './08-3-pca.js';

/** 200 points: spread 4 along (1, 1, 0)/√2, 1 along (0, 0, 1), noise 0.01, centred at (5, −2, 3). */
function planted(): linalg.Matrix {
  const random = seededRandom(31);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const X = new linalg.Matrix(200, 3);
  for (let i = 0; i < 200; i++) {
    const [a, b] = [4 * normal(), normal()];
    [5 + a / Math.SQRT2, -2 + a / Math.SQRT2, 3 + b].forEach((v, j) => X.set(i, j, v + 0.01 * normal()));
  }
  return X;
}

describe('exercise 8.3 — PCA', () => {
  const X = planted();

  test('the mean is the column means', () => {
    const expected = [0, 1, 2].map((j) => X.column(j).reduce((s, v) => s + v, 0) / 200);
    expectClose(pca(X, 2).mean, expected, { what: 'pca(X, 2).mean', hint: 'the mean of each column (feature) over the 200 rows (points)', atol: 1e-12 });
  });

  test('the components find the planted directions', () => {
    const { components } = pca(X, 2);
    expectEqual([components.length, components[0]?.length], [2, 3], { what: 'the shape of components', hint: 'k rows of d numbers: the first k columns of V, transposed' });
    const along = (u: readonly number[], w: readonly number[]): number => Math.abs(u.reduce((s, ui, i) => s + ui * w[i]!, 0));
    expectClose(along(components[0]!, [Math.SQRT1_2, Math.SQRT1_2, 0]), 1, { what: '|cos| between component 1 and the planted direction (1, 1, 0)/√2', hint: 'the first principal direction carries the most variance: V\'s first column, after CENTRING the data', atol: 1e-3 });
    expectClose(along(components[1]!, [0, 0, 1]), 1, { what: '|cos| between component 2 and (0, 0, 1)', hint: 'the second column of V', atol: 1e-3 });
  });

  test('explained variance and its ratio', () => {
    const result = pca(X, 3);
    const centred = linalg.Matrix.build(200, 3, (i, j) => X.get(i, j) - result.mean[j]!);
    const total = linalg.norm(centred) ** 2 / 199;
    expectClose(result.explainedVariance.reduce((a, b) => a + b, 0), total, { what: 'the sum of all explained variances', hint: 'σ_i² / (n − 1): together they are the total variance ‖X_c‖²_F / (n − 1)', atol: 1e-9 });
    expectClose(result.explainedVarianceRatio.reduce((a, b) => a + b, 0), 1, { what: 'the sum of all explained variance ratios', hint: 'σ_i² / Σ_j σ_j² over ALL singular values', atol: 1e-12 });
    expectEqual(result.explainedVarianceRatio[0]! > 0.9, true, { what: `the first ratio (${result.explainedVarianceRatio[0]})`, hint: 'the planted spread is 4 against 1: about 16/17 of the variance is along the first direction' });
  });

  test('scores are the centred data in the components\' coordinates', () => {
    const result = pca(X, 2);
    const centred = linalg.Matrix.build(200, 3, (i, j) => X.get(i, j) - result.mean[j]!);
    const projected = centred.matmul(linalg.Matrix.from(result.components).transpose());
    expectClose(result.scores.data, projected.data, { what: 'pca(X, 2).scores', hint: 'scores = X_c · V_k (n × k), with X_c the CENTRED data', atol: 1e-10 });
  });
});
