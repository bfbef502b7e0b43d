/**
 * errors — the two failures a caller may want to catch by type. Everything else (bad shapes,
 * NaN, empty input) is a plain RangeError whose message names the function and the culprit.
 */

/** A square system has no unique solution: a zero pivot, or a reciprocal condition number below ε. */
export class SingularMatrixError extends RangeError {
  override name = 'SingularMatrixError';
}

/** An iteration exceeded LAPACK's step limit. Not expected for finite input; please report one. */
export class ConvergenceError extends Error {
  override name = 'ConvergenceError';
}
