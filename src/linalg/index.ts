/**
 * linalg — dense float64 linear algebra written from scratch: QR, LU, Cholesky, SVD, the
 * symmetric eigendecomposition, and the solvers and norms built on them. See README.md for the
 * reading order and the measurements.
 */
export { Matrix, multiply, type NestedRows } from './matrix.js';
export type { MatrixInput, TensorLike } from './checks.js';
export { SingularMatrixError, ConvergenceError } from './errors.js';
export { qr, type QrOptions, type QrResult } from './qr.js';
export { lu, type LuResult } from './lu.js';
export { cholesky, choleskySolve, type CholeskyOptions } from './cholesky.js';
export { svd, singularValues, type SvdOptions, type SvdResult } from './svd.js';
export { eigh, eigvalsh, type EighOptions, type EighResult } from './eig.js';
export { solve, inv, det, slogdet, lstsq, pinv, type Vector, type LstsqOptions, type LstsqResult, type PinvOptions } from './solve.js';
export { norm, cond, matrixRank, type NormOrder, type RankOptions } from './norms.js';
export { lowRankApprox, truncate, type LowRank } from './low-rank.js';
export { toTensor, fromTensor, fromNdarray, toNdarray, type NdArrayLike, type NdarrayFactory } from './convert.js';
export { makeReflector, applyReflectorLeft, applyReflectorRight } from './householder.js';
export { givens, type Givens } from './rotations.js';
