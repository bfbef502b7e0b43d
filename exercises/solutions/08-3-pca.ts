/** Reference solution of exercise 8.3 (exercises/08-3-pca.ts). */
import { linalg } from '../../src/index.js';

export interface Pca {
  readonly mean: number[];
  readonly components: number[][];
  readonly explainedVariance: number[];
  readonly explainedVarianceRatio: number[];
  readonly scores: linalg.Matrix;
}

export function pca(X: linalg.Matrix, k: number): Pca {
  const [n, d] = X.shape;
  const mean = Array.from({ length: d }, (_, j) => X.column(j).reduce((s, v) => s + v, 0) / n);
  const centred = linalg.Matrix.build(n, d, (i, j) => X.get(i, j) - mean[j]!);
  const { S, V } = linalg.svd(centred);
  const squares = Array.from(S, (s) => s * s);
  const total = squares.reduce((a, b) => a + b, 0);
  const Vk = V.slice(0, d, 0, k); // d × k
  return {
    mean,
    components: Vk.transpose().toArray(),
    explainedVariance: squares.slice(0, k).map((s) => s / (n - 1)),
    explainedVarianceRatio: squares.slice(0, k).map((s) => s / total),
    scores: centred.matmul(Vk),
  };
}
