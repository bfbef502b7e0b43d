/**
 * PCA through the SVD: 300 points in 5 dimensions that lie near a tilted plane; the principal
 * components find the plane and say how much variance each direction carries.
 * Run: npx tsx docs/course/code/08-pca.ts
 */
import { linalg, seededRandom } from '../../../src/index.js';

// #region data
const random = seededRandom(3);
const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
const plane = linalg.Matrix.from([[1, 2, 0, 1, -1], [0, 1, 1, -1, 1]]); // two directions in 5-D
const X = linalg.Matrix.build(300, 5, () => 0);
for (let n = 0; n < 300; n++) {
  const [a, b] = [3 * normal(), normal()]; // spread 3 along the first direction, 1 along the second
  for (let d = 0; d < 5; d++) X.set(n, d, 10 + a * plane.get(0, d) + b * plane.get(1, d) + 0.1 * normal());
}
// #endregion

// #region pca
const mean = Array.from({ length: 5 }, (_, d) => X.column(d).reduce((s, v) => s + v, 0) / 300);
const centred = linalg.Matrix.build(300, 5, (n, d) => X.get(n, d) - mean[d]!); // PCA needs zero-mean columns
const { S, V } = linalg.svd(centred); // the columns of V are the principal directions
const variance = Array.from(S, (s) => (s * s) / (300 - 1)); //     variance along each direction
const total = variance.reduce((a, b) => a + b, 0);
console.log(`explained variance ratio: ${variance.map((v) => (v / total).toFixed(4)).join(', ')}`);
const scores = centred.matmul(V.slice(0, 5, 0, 2)); // [300, 2]: each point's coordinates in the plane
console.log(`scores: ${scores.shape.join(' × ')}; their variances ${[0, 1].map((j) => (scores.column(j).reduce((s, v) => s + v * v, 0) / 299).toFixed(2)).join(', ')}`);
// #endregion
