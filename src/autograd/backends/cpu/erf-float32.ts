/**
 * erf-float32 — erf and the normal cdf Φ for values that will be stored in float32, about seven
 * times faster than the float64-exact series of elementwise.ts (which a float32 result throws
 * most of away): the exact GELU and its derivative on float32 tensors use them.
 *
 * A rational function in x, odd, fitted on [−4, 4] (Eigen's `generic_fast_erf_float`, the fit
 * XLA uses too): erf x ≈ x·P(x²)/Q(x²) with P of degree 6 and Q of degree 4 in x², and x clamped
 * to [−4, 4] first (erf 4 = 1 − 1.5e-8 rounds to 1 in float32). Near 0 it is x·α₁/β₀ = 2x/√π.
 * Its error after rounding to float32 is at most 1.3e-7 relative (2 ulp), tested against the
 * exact erf on 2·10⁶ points of [−8, 8]. NaN gives NaN (the clamps' comparisons are false).
 * Φ(x) = ½(1 + erf(x/√2)) cancels for x < 0 (1 + erf → 0), so Φ is computed from erfc instead
 * (normalCdfFloat32 below): after rounding, Φ and x·Φ(x) stay within 2.2e-7 relative of the exact
 * values on [−12, 12], deep in the tail too. Its eˣ is exp-float32.ts's.
 */
import { expScalarFloat32 } from './exp-float32.js';

/** erf x to float32 accuracy, computed in double and meant to be rounded to float32 by the caller. */
export function erfFloat32(x: number): number {
  const c = x < -4 ? -4 : x > 4 ? 4 : x;
  const x2 = c * c;
  let p = -2.72614225801306e-10;
  p = p * x2 + 2.77068142495902e-8;
  p = p * x2 - 2.10102402082508e-6;
  p = p * x2 - 5.69250639462346e-5;
  p = p * x2 - 7.34990630326855e-4;
  p = p * x2 - 2.95459980854025e-3;
  p = p * x2 - 1.60960333262415e-2;
  let q = -1.45660718464996e-5;
  q = q * x2 - 2.13374055278905e-4;
  q = q * x2 - 1.68282697438203e-3;
  q = q * x2 - 7.37332916720468e-3;
  q = q * x2 - 1.42647390514189e-2;
  return (c * p) / q;
}

/**
 * Φ(x), the standard normal cdf, to float32 accuracy also where it is tiny (x ≪ 0). With
 * z = |x|/√2 and t = 1/(1 + z/2), the tail is ½ erfc z = ½ e^(−z²) · t · Q(t), and Q, smooth on
 * (0, 1], is a degree-10 polynomial fitted (weighted least squares on 4,000 Chebyshev nodes
 * against double-precision erfc, relative error 1.2e-8; scripts/fit-normal-tail.py) — one
 * division, no branch between the series and the tail. Φ(x) = tail for x < 0, 1 − tail else.
 */
export function normalCdfFloat32(x: number): number {
  const z = Math.abs(x) * Math.SQRT1_2;
  const tail = 0.5 * expScalarFloat32(-z * z) * erfcScaledFloat32(z);
  return x < 0 ? tail : x >= 0 ? 1 - tail : x; //                                   NaN stays NaN
}

/** e^(z²)·erfc z = t·Q(t) for z ≥ 0 (see normalCdfFloat32): erfc z without its Gaussian factor. */
export function erfcScaledFloat32(z: number): number {
  const t = 1 / (1 + 0.5 * z);
  return t * (0.28209479518888503 + t * (0.28209375380830587 + t * (0.24688457471651487 + t * (0.1753159758125793 + t * (0.09346243445360802 +
    t * (-0.05921135812929096 + t * (0.13217704522475915 + t * (-0.45497398933534433 + t * (0.49369493277175897 + t * (-0.2347335932777276 + t * 0.04319543335569045))))))))));
}
