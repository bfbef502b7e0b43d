/**
 * A Householder reflection by hand, QR built from reflections, and why the SVD is never taken
 * from AᵀA. Chapter 8 (docs/course/08-linear-algebra.md). Run: npx tsx docs/course/code/08-householder.ts
 */
import { linalg } from '../../../src/index.js';

// #region reflect
// H = I − τ v vᵀ with τ = 2 / (vᵀv) mirrors across the plane orthogonal to v. With v = x − β e₁
// and |β| = ‖x‖ it sends x to β e₁. The sign of β is chosen opposite to x₀, so that x₀ − β adds
// two numbers of the same sign instead of cancelling.
const x = [3, 4];
const beta = -Math.sign(x[0]!) * Math.hypot(...x); //   −5
const v = [x[0]! - beta, x[1]!]; //                     (8, 4)
const tau = 2 / (v[0]! ** 2 + v[1]! ** 2); //            0.025
const vx = v[0]! * x[0]! + v[1]! * x[1]!; //              vᵀx = 40
const hx = x.map((xi, i) => xi - tau * v[i]! * vx); //    x − τ v (vᵀx)
console.log(`H·(3, 4) = (${hx.join(', ')})`);
// #endregion

// #region qr
const A = linalg.Matrix.from([[2, -1, 0], [-1, 2, -1], [0, -1, 2], [1, 1, 1]]);
const { Q, R } = linalg.qr(A); // reduced: Q 4 × 3 with orthonormal columns, R 3 × 3 upper triangular
const q = Q!;
console.log(`R =\n${R.toArray().map((row) => row.map((r) => r.toFixed(4).padStart(8)).join('')).join('\n')}`);
console.log(`‖QᵀQ − I‖ = ${linalg.norm(q.transpose().matmul(q).sub(linalg.Matrix.eye(3))).toExponential(1)}, ‖QR − A‖ = ${linalg.norm(q.matmul(R).sub(A)).toExponential(1)}`);
// #endregion

// #region lauchli
const eps = 1e-8;
const L = linalg.Matrix.from([[1, 1], [eps, 0], [0, eps]]); // Läuchli's matrix
const direct = linalg.singularValues(L);
const viaGram = linalg.eigvalsh(L.transpose().matmul(L)).map(Math.sqrt).reverse(); // √ eigenvalues of AᵀA
console.log(`singular values from A:      [${Array.from(direct, (s) => s.toExponential(6)).join(', ')}]`);
console.log(`√ eigenvalues of AᵀA:        [${Array.from(viaGram, (s) => s.toExponential(6)).join(', ')}]`);
// #endregion
