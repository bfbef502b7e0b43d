;; gelu — the exact GELU and its derivative for float32 values, two per instruction:
;;   y = x·Phi(x),  y' = Phi(x) + x·phi(x),  phi(x) = e^(-x*x/2)/sqrt(2 pi)
;; the loop of src/autograd/backends/cpu/gelu.ts (geluWithDerivative, float32, approximate 'none')
;; and of the functions it calls (exp-float32.ts's expScalarFloat32, erf-float32.ts's
;; erfcScaledFloat32), computing exactly what they compute, bit for bit:
;;
;; - arithmetic in float64 (f64x2), as JavaScript's numbers are, every operation in the order the
;;   TypeScript writes it (wasm has no fused multiply-add, so nothing is contracted);
;; - expScalarFloat32's 2^k (a table of doubles there) is built here from its bits, (k + 1023)
;;   shifted into the exponent field, the same double for every k in [-126, 127];
;; - y and y' are narrowed with f32x4.demote_f64x2_zero (round to nearest even, as a store into a
;;   Float32Array does).
;;
;; Where the TypeScript's eˣ leaves its fast path (t = -z*z*log2(e) below -126, |x| above about
;; 13.2, or NaN) it calls Math.exp, which this module cannot: those lanes are counted, and the
;; caller (wasm/gelu.ts) recomputes them with the TypeScript. The text here is the source:
;; scripts/build-wasm.ts assembles it into gelu.wasm.ts. Arrays are float32 in the module's one
;; memory (imported; modules.ts owns it), of a length divisible by 4; pointers are in bytes.
(module
  (import "env" "memory" (memory 1))

  ;; y[i], dydx[i] for i < n (n a multiple of 4: two pairs an iteration), from x[i]; returns how
  ;; many lanes left eˣ's fast path.
  (func (export "geluExact") (param $n i32) (param $x i32) (param $y i32) (param $d i32) (result i32)
    (local $i i32) (local $end i32) (local $outside i32)
    (local $v v128) (local $z v128) (local $t v128) (local $k v128) (local $f v128) (local $e v128)
    (local $s v128) (local $tail v128) (local $cdf v128) (local $i2 i32)
    (local $v2 v128) (local $z2 v128) (local $t2 v128) (local $k2 v128) (local $f2 v128) (local $e2 v128)
    (local $s2 v128) (local $tail2 v128) (local $cdf2 v128)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $quad
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $i2 (i32.add (local.get $i) (i32.const 8)))
        (local.set $v (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $x) (local.get $i)))))
        ;; z = |x|·√½;  t = (−z·z)·log₂e
        (local.set $z (f64x2.mul (f64x2.abs (local.get $v)) (f64x2.splat (f64.const 0.7071067811865476))))
        (local.set $t (f64x2.mul (f64x2.neg (f64x2.mul (local.get $z) (local.get $z))) (f64x2.splat (f64.const 1.4426950408889634))))
        ;; lanes where !(t >= −126) (t ≤ 0 here): the caller redoes them
        (local.set $outside (i32.add (local.get $outside)
          (i32.popcnt (i32.xor (i64x2.bitmask (f64x2.ge (local.get $t) (f64x2.splat (f64.const -126)))) (i32.const 3)))))
        ;; k = the nearest integer to t (1.5·2⁵² added and taken away), f = (t − k)·ln 2
        (local.set $k (f64x2.sub (f64x2.add (local.get $t) (f64x2.splat (f64.const 6755399441055744))) (f64x2.splat (f64.const 6755399441055744))))
        (local.set $f (f64x2.mul (f64x2.sub (local.get $t) (local.get $k)) (f64x2.splat (f64.const 0.6931471805599453))))
        ;; e^f by its Taylor polynomial to degree 7, innermost term first
        (local.set $e (f64x2.mul (local.get $f) (f64x2.splat (f64.const 0.00019841269841269841))))
        (local.set $e (f64x2.mul (local.get $f) (f64x2.add (f64x2.splat (f64.const 0.0013888888888888889)) (local.get $e))))
        (local.set $e (f64x2.mul (local.get $f) (f64x2.add (f64x2.splat (f64.const 0.0083333333333333332)) (local.get $e))))
        (local.set $e (f64x2.mul (local.get $f) (f64x2.add (f64x2.splat (f64.const 0.041666666666666664)) (local.get $e))))
        (local.set $e (f64x2.mul (local.get $f) (f64x2.add (f64x2.splat (f64.const 0.16666666666666666)) (local.get $e))))
        (local.set $e (f64x2.mul (local.get $f) (f64x2.add (f64x2.splat (f64.const 0.5)) (local.get $e))))
        (local.set $e (f64x2.mul (local.get $f) (f64x2.add (f64x2.splat (f64.const 1)) (local.get $e))))
        (local.set $e (f64x2.add (f64x2.splat (f64.const 1)) (local.get $e)))
        ;; · 2^k, the double whose exponent field is k + 1023: e = e^(−x²/2)
        (local.set $e (f64x2.mul (local.get $e)
          (i64x2.shl (i64x2.add (i64x2.extend_low_i32x4_s (i32x4.trunc_sat_f64x2_s_zero (local.get $k))) (i64x2.splat (i64.const 1023))) (i32.const 52))))
        ;; s = e^(z²)·erfc z = t'·Q(t') with t' = 1/(1 + z/2), Q by Horner from its last coefficient
        (local.set $t (f64x2.div (f64x2.splat (f64.const 1)) (f64x2.add (f64x2.splat (f64.const 1)) (f64x2.mul (f64x2.splat (f64.const 0.5)) (local.get $z)))))
        (local.set $s (f64x2.mul (local.get $t) (f64x2.splat (f64.const 0.04319543335569045))))
        (local.set $s (f64x2.mul (local.get $t) (f64x2.add (f64x2.splat (f64.const -0.2347335932777276)) (local.get $s))))
        (local.set $s (f64x2.mul (local.get $t) (f64x2.add (f64x2.splat (f64.const 0.49369493277175897)) (local.get $s))))
        (local.set $s (f64x2.mul (local.get $t) (f64x2.add (f64x2.splat (f64.const -0.45497398933534433)) (local.get $s))))
        (local.set $s (f64x2.mul (local.get $t) (f64x2.add (f64x2.splat (f64.const 0.13217704522475915)) (local.get $s))))
        (local.set $s (f64x2.mul (local.get $t) (f64x2.add (f64x2.splat (f64.const -0.05921135812929096)) (local.get $s))))
        (local.set $s (f64x2.mul (local.get $t) (f64x2.add (f64x2.splat (f64.const 0.09346243445360802)) (local.get $s))))
        (local.set $s (f64x2.mul (local.get $t) (f64x2.add (f64x2.splat (f64.const 0.1753159758125793)) (local.get $s))))
        (local.set $s (f64x2.mul (local.get $t) (f64x2.add (f64x2.splat (f64.const 0.24688457471651487)) (local.get $s))))
        (local.set $s (f64x2.mul (local.get $t) (f64x2.add (f64x2.splat (f64.const 0.28209375380830587)) (local.get $s))))
        (local.set $s (f64x2.mul (local.get $t) (f64x2.add (f64x2.splat (f64.const 0.28209479518888503)) (local.get $s))))
        ;; Φ(−|x|) = (½·e)·s; Φ(x) is that for x < 0, 1 − that for x ≥ 0, and x itself (NaN) else
        (local.set $tail (f64x2.mul (f64x2.mul (f64x2.splat (f64.const 0.5)) (local.get $e)) (local.get $s)))
        (local.set $cdf (v128.bitselect
          (local.get $tail)
          (v128.bitselect (f64x2.sub (f64x2.splat (f64.const 1)) (local.get $tail)) (local.get $v)
            (f64x2.ge (local.get $v) (f64x2.splat (f64.const 0))))
          (f64x2.lt (local.get $v) (f64x2.splat (f64.const 0)))))
        ;; y = x·Φ(x);  y′ = Φ(x) + (x·(2π)^−½)·e
        (v128.store64_lane 0 (i32.add (local.get $y) (local.get $i))
          (f32x4.demote_f64x2_zero (f64x2.mul (local.get $v) (local.get $cdf))))
        (v128.store64_lane 0 (i32.add (local.get $d) (local.get $i))
          (f32x4.demote_f64x2_zero (f64x2.add (local.get $cdf)
            (f64x2.mul (f64x2.mul (local.get $v) (f64x2.splat (f64.const 0.3989422804014327))) (local.get $e)))))
        ;; the second pair, the same computation (two independent chains per iteration)
        (local.set $v2 (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $x) (local.get $i2)))))
        (local.set $z2 (f64x2.mul (f64x2.abs (local.get $v2)) (f64x2.splat (f64.const 0.7071067811865476))))
        (local.set $t2 (f64x2.mul (f64x2.neg (f64x2.mul (local.get $z2) (local.get $z2))) (f64x2.splat (f64.const 1.4426950408889634))))
        (local.set $outside (i32.add (local.get $outside)
          (i32.popcnt (i32.xor (i64x2.bitmask (f64x2.ge (local.get $t2) (f64x2.splat (f64.const -126)))) (i32.const 3)))))
        (local.set $k2 (f64x2.sub (f64x2.add (local.get $t2) (f64x2.splat (f64.const 6755399441055744))) (f64x2.splat (f64.const 6755399441055744))))
        (local.set $f2 (f64x2.mul (f64x2.sub (local.get $t2) (local.get $k2)) (f64x2.splat (f64.const 0.6931471805599453))))
        (local.set $e2 (f64x2.mul (local.get $f2) (f64x2.splat (f64.const 0.00019841269841269841))))
        (local.set $e2 (f64x2.mul (local.get $f2) (f64x2.add (f64x2.splat (f64.const 0.0013888888888888889)) (local.get $e2))))
        (local.set $e2 (f64x2.mul (local.get $f2) (f64x2.add (f64x2.splat (f64.const 0.0083333333333333332)) (local.get $e2))))
        (local.set $e2 (f64x2.mul (local.get $f2) (f64x2.add (f64x2.splat (f64.const 0.041666666666666664)) (local.get $e2))))
        (local.set $e2 (f64x2.mul (local.get $f2) (f64x2.add (f64x2.splat (f64.const 0.16666666666666666)) (local.get $e2))))
        (local.set $e2 (f64x2.mul (local.get $f2) (f64x2.add (f64x2.splat (f64.const 0.5)) (local.get $e2))))
        (local.set $e2 (f64x2.mul (local.get $f2) (f64x2.add (f64x2.splat (f64.const 1)) (local.get $e2))))
        (local.set $e2 (f64x2.add (f64x2.splat (f64.const 1)) (local.get $e2)))
        (local.set $e2 (f64x2.mul (local.get $e2)
          (i64x2.shl (i64x2.add (i64x2.extend_low_i32x4_s (i32x4.trunc_sat_f64x2_s_zero (local.get $k2))) (i64x2.splat (i64.const 1023))) (i32.const 52))))
        (local.set $t2 (f64x2.div (f64x2.splat (f64.const 1)) (f64x2.add (f64x2.splat (f64.const 1)) (f64x2.mul (f64x2.splat (f64.const 0.5)) (local.get $z2)))))
        (local.set $s2 (f64x2.mul (local.get $t2) (f64x2.splat (f64.const 0.04319543335569045))))
        (local.set $s2 (f64x2.mul (local.get $t2) (f64x2.add (f64x2.splat (f64.const -0.2347335932777276)) (local.get $s2))))
        (local.set $s2 (f64x2.mul (local.get $t2) (f64x2.add (f64x2.splat (f64.const 0.49369493277175897)) (local.get $s2))))
        (local.set $s2 (f64x2.mul (local.get $t2) (f64x2.add (f64x2.splat (f64.const -0.45497398933534433)) (local.get $s2))))
        (local.set $s2 (f64x2.mul (local.get $t2) (f64x2.add (f64x2.splat (f64.const 0.13217704522475915)) (local.get $s2))))
        (local.set $s2 (f64x2.mul (local.get $t2) (f64x2.add (f64x2.splat (f64.const -0.05921135812929096)) (local.get $s2))))
        (local.set $s2 (f64x2.mul (local.get $t2) (f64x2.add (f64x2.splat (f64.const 0.09346243445360802)) (local.get $s2))))
        (local.set $s2 (f64x2.mul (local.get $t2) (f64x2.add (f64x2.splat (f64.const 0.1753159758125793)) (local.get $s2))))
        (local.set $s2 (f64x2.mul (local.get $t2) (f64x2.add (f64x2.splat (f64.const 0.24688457471651487)) (local.get $s2))))
        (local.set $s2 (f64x2.mul (local.get $t2) (f64x2.add (f64x2.splat (f64.const 0.28209375380830587)) (local.get $s2))))
        (local.set $s2 (f64x2.mul (local.get $t2) (f64x2.add (f64x2.splat (f64.const 0.28209479518888503)) (local.get $s2))))
        (local.set $tail2 (f64x2.mul (f64x2.mul (f64x2.splat (f64.const 0.5)) (local.get $e2)) (local.get $s2)))
        (local.set $cdf2 (v128.bitselect
          (local.get $tail2)
          (v128.bitselect (f64x2.sub (f64x2.splat (f64.const 1)) (local.get $tail2)) (local.get $v2)
            (f64x2.ge (local.get $v2) (f64x2.splat (f64.const 0))))
          (f64x2.lt (local.get $v2) (f64x2.splat (f64.const 0)))))
        (v128.store64_lane 0 (i32.add (local.get $y) (local.get $i2))
          (f32x4.demote_f64x2_zero (f64x2.mul (local.get $v2) (local.get $cdf2))))
        (v128.store64_lane 0 (i32.add (local.get $d) (local.get $i2))
          (f32x4.demote_f64x2_zero (f64x2.add (local.get $cdf2)
            (f64x2.mul (f64x2.mul (local.get $v2) (f64x2.splat (f64.const 0.3989422804014327))) (local.get $e2)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $quad)))
    (local.get $outside))
)
