/**
 * math — the WGSL functions our elementwise kernels need beyond the built-ins, written to match
 * the cpu oracle at float32 precision (parity.ts: rtol 1e-4 scaled):
 *   - where WGSL leaves a result undefined (log and sqrt of negatives, log(0), pow of a
 *     negative base), we return what JavaScript's Math does: NaN, −∞, ±|x|^y for integer y;
 *   - tanh and erf are our own: the built-in tanh is (eˣ − e⁻ˣ)/(eˣ + e⁻ˣ) in the spec's accuracy
 *     rule, NaN for large |x|; erf is not built in. Both use a short series near 0, so the
 *     relative error stays small there (GELU's gradient lives there);
 *   - log1p avoids the cancellation of log(1 + u) for small u (softplus of negative x);
 *   - sin and cos are our own too: WGSL only promises an absolute error of 2⁻¹¹ on [−π, π]
 *     (SwiftShader's is about 2·10⁻⁴). We reduce x by multiples of π/2 (Cody–Waite, π/2 split
 *     in two) and evaluate Cephes' sinf/cosf polynomials on [−π/4, π/4], good to about 1 ulp for
 *     |x| up to 10⁴ or so;
 *   - exp, and everything built on it, returns NaN for NaN (SwiftShader's exp(NaN) is not NaN).
 * NaN tests go by bits (gpu.ts's isNan), since a shader compiler may assume x == x.
 */
export const MATH = /* wgsl */ `
fn expf(x: f32) -> f32 { if (isNan(x)) { return x; } return exp(x); }
/** x = k·π/2 + r with |r| ≤ π/4: returns (r, k mod 4). */
fn quadrant(x: f32) -> vec2<f32> {
  let k = round(x * 0.63661977236758134);
  let r = (x - k * 1.5707963705062866) - k * -4.3711388286737929e-8;
  return vec2<f32>(r, f32(i32(k) & 3));
}
fn sinPoly(r: f32) -> f32 { let z = r * r; return r + r * z * (-1.6666654611e-1 + z * (8.3321608736e-3 - z * 1.9515295891e-4)); }
fn cosPoly(r: f32) -> f32 { let z = r * r; return 1.0 - 0.5 * z + z * z * (4.166664568298827e-2 + z * (-1.388731625493765e-3 + z * 2.443315711809948e-5)); }
fn sinf(x: f32) -> f32 {
  if (isNan(x) || isInf(x)) { return nan(); }
  let q = quadrant(x); let s = sinPoly(q.x); let c = cosPoly(q.x);
  if (q.y == 0.0) { return s; } if (q.y == 1.0) { return c; } if (q.y == 2.0) { return -s; } return -c;
}
fn cosf(x: f32) -> f32 {
  if (isNan(x) || isInf(x)) { return nan(); }
  let q = quadrant(x); let s = sinPoly(q.x); let c = cosPoly(q.x);
  if (q.y == 0.0) { return c; } if (q.y == 1.0) { return -s; } if (q.y == 2.0) { return -c; } return s;
}
fn logf(x: f32) -> f32 { if (x == 0.0) { return -inf(); } if (x < 0.0 || isNan(x)) { return nan(); } return log(x); }
fn sqrtf(x: f32) -> f32 { if (x < 0.0 || isNan(x)) { return nan(); } return sqrt(x); }
fn rsqrtf(x: f32) -> f32 { if (x == 0.0) { return inf(); } if (x < 0.0 || isNan(x)) { return nan(); } if (isInf(x)) { return 0.0; } return inverseSqrt(x); }
fn log1pf(u: f32) -> f32 { let w = 1.0 + u; if (w == 1.0) { return u; } return logf(w) * u / (w - 1.0); }
fn tanhf(x: f32) -> f32 {
  let z = abs(x);
  if (isNan(x)) { return x; }
  if (z < 0.0625) { let t = x * x; return x * (1.0 + t * (-0.33333333333 + t * (0.13333333333 - t * 0.05396825397))); }
  let e = expf(-2.0 * z);
  let r = (1.0 - e) / (1.0 + e);
  return select(r, -r, x < 0.0);
}
fn sigmoidf(x: f32) -> f32 { return 1.0 / (1.0 + expf(-x)); }
fn reluf(x: f32) -> f32 { return select(0.0, x, x > 0.0 || isNan(x)); }
fn signf(x: f32) -> f32 { return select(select(x, -1.0, x < 0.0), 1.0, x > 0.0); }
fn erff(x: f32) -> f32 {
  let z = abs(x);
  if (z < 0.5) {
    let t = x * x; // Taylor series of erf: 2/√π Σ (−1)ⁿ x^(2n+1) / (n!(2n+1)), six terms
    return x * (1.1283791671 + t * (-0.3761263890 + t * (0.1128379167 + t * (-0.0268661706 + t * (0.0052239776 - t * 0.0008548327)))));
  }
  // Abramowitz & Stegun 7.1.26: absolute error below 1.5e-7
  let t = 1.0 / (1.0 + 0.3275911 * z);
  let y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * expf(-z * z);
  return select(y, -y, x < 0.0);
}
fn softplusf(x: f32) -> f32 { if (x > 20.0) { return x; } return log1pf(expf(x)); }
fn powf(x: f32, y: f32) -> f32 {
  if (y == 0.0) { return 1.0; }
  if (isNan(x) || isNan(y)) { return nan(); }
  let ax = abs(x);
  var r: f32;
  if (ax == 0.0) { r = select(inf(), 0.0, y > 0.0); } else { r = exp2(y * log2(ax)); }
  if (x < 0.0) {
    if (floor(y) != y) { return nan(); }
    if (floor(y * 0.5) != y * 0.5) { r = -r; } // an odd integer power keeps the sign
  }
  return r;
}
fn maxf(x: f32, y: f32) -> f32 { return select(y, x, x > y || isNan(x)); }
fn minf(x: f32, y: f32) -> f32 { return select(y, x, x < y || isNan(x)); }
`;
