;; softmax — the softmax along the last axis over the kept entries of each row, four float32
;; values per instruction: the loops of src/autograd/backends/cpu/softmax.ts (softmaxLastAxis) and
;; exp-float32.ts (expFloat32), computing exactly what they compute, bit for bit:
;;
;; - m = the max of the row's kept entries (NaN if one is NaN; 0 when none is kept or all are −∞),
;;   then x − m at kept entries and −∞ elsewhere: float32 subtraction gives the float32 rounding of
;;   the exact difference, as JavaScript's double subtraction stored into a Float32Array does;
;; - eˣ as expFloat32: t = x·log₂e, k its nearest integer, the Taylor polynomial of e^((t − k)·ln 2)
;;   in float64 (f64x2), narrowed to float32, then k added to the float32 exponent field;
;; - the row's sum in float64, one value after the other in the TypeScript's order (scalar adds),
;;   and each value divided by it in float64 and narrowed (by 1 when the sum is 0).
;;
;; Where expFloat32 calls Math.exp instead (t < −126: x − m below about −87.3) this module writes
;; 0, exact for −∞ (a dropped entry); a finite one is counted and the caller (wasm/softmax.ts)
;; reruns the whole tensor in TypeScript. The text here is the source: scripts/build-wasm.ts
;; assembles it into softmax.wasm.ts. Arrays live in the module's one memory (imported; modules.ts
;; owns it); pointers are in bytes; every row is n floats, n a multiple of 4.
(module
  (import "env" "memory" (memory 1))

  ;; eˣ of four float32 values (x ≤ 0 or NaN here) as expFloat32 computes it; lanes with
  ;; t < −126 are 0, and $far counts those that are finite.
  (global $far (mut i32) (i32.const 0))
  (func $exp4 (param $x v128) (result v128)
    (local $t v128) (local $lo v128) (local $hi v128) (local $klo v128) (local $khi v128) (local $out v128) (local $low v128)
    (local.set $lo (f64x2.mul (f64x2.promote_low_f32x4 (local.get $x)) (f64x2.splat (f64.const 1.4426950408889634))))
    (local.set $hi (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $x) (local.get $x)))
      (f64x2.splat (f64.const 1.4426950408889634))))
    ;; the lanes below −126 (comparisons are false for NaN), as a float32 lane mask
    (local.set $low (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
      (f64x2.lt (local.get $lo) (f64x2.splat (f64.const -126))) (f64x2.lt (local.get $hi) (f64x2.splat (f64.const -126)))))
    (global.set $far (i32.add (global.get $far) (i32.popcnt (i32x4.bitmask
      (v128.and (local.get $low) (f32x4.ne (local.get $x) (f32x4.splat (f32.const -inf))))))))
    (local.set $klo (f64x2.sub (f64x2.add (local.get $lo) (f64x2.splat (f64.const 6755399441055744))) (f64x2.splat (f64.const 6755399441055744))))
    (local.set $khi (f64x2.sub (f64x2.add (local.get $hi) (f64x2.splat (f64.const 6755399441055744))) (f64x2.splat (f64.const 6755399441055744))))
    (local.set $lo (call $poly (f64x2.mul (f64x2.sub (local.get $lo) (local.get $klo)) (f64x2.splat (f64.const 0.6931471805599453)))))
    (local.set $hi (call $poly (f64x2.mul (f64x2.sub (local.get $hi) (local.get $khi)) (f64x2.splat (f64.const 0.6931471805599453)))))
    ;; narrowed, side by side, and k added to each exponent field
    (local.set $out (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
      (f32x4.demote_f64x2_zero (local.get $lo)) (f32x4.demote_f64x2_zero (local.get $hi))))
    (local.set $out (i32x4.add (local.get $out) (i32x4.shl
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
        (i32x4.trunc_sat_f64x2_s_zero (local.get $klo)) (i32x4.trunc_sat_f64x2_s_zero (local.get $khi)))
      (i32.const 23))))
    (v128.andnot (local.get $out) (local.get $low)))

  ;; e^f for f in [−0.347, 0.347]: its Taylor polynomial to degree 7, innermost term first.
  (func $poly (param $f v128) (result v128)
    (local $e v128)
    (local.set $e (f64x2.mul (local.get $f) (f64x2.splat (f64.const 0.00019841269841269841))))
    (local.set $e (f64x2.mul (local.get $f) (f64x2.add (f64x2.splat (f64.const 0.0013888888888888889)) (local.get $e))))
    (local.set $e (f64x2.mul (local.get $f) (f64x2.add (f64x2.splat (f64.const 0.0083333333333333332)) (local.get $e))))
    (local.set $e (f64x2.mul (local.get $f) (f64x2.add (f64x2.splat (f64.const 0.041666666666666664)) (local.get $e))))
    (local.set $e (f64x2.mul (local.get $f) (f64x2.add (f64x2.splat (f64.const 0.16666666666666666)) (local.get $e))))
    (local.set $e (f64x2.mul (local.get $f) (f64x2.add (f64x2.splat (f64.const 0.5)) (local.get $e))))
    (local.set $e (f64x2.mul (local.get $f) (f64x2.add (f64x2.splat (f64.const 1)) (local.get $e))))
    (f64x2.add (f64x2.splat (f64.const 1)) (local.get $e)))

  ;; out[r][j] for `rows` rows of n floats from x. keep = 0: every entry is kept; else row r keeps
  ;; entry j where the int32 keep[offsets[r] + j·step] is not 0 (step 0 or 1). Returns how many
  ;; finite values left eˣ's fast path (the caller then redoes the tensor).
  (func (export "softmaxRows") (param $rows i32) (param $n i32) (param $x i32) (param $out i32)
    (param $keep i32) (param $offsets i32) (param $step i32) (result i32)
    (local $r i32) (local $row i32) (local $end i32) (local $p i32) (local $q i32) (local $kr i32)
    (local $mv v128) (local $v v128) (local $mask v128) (local $m f32) (local $s f64) (local $d v128)
    (global.set $far (i32.const 0))
    (block $rowsDone
      (loop $eachRow
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $row (i32.mul (i32.mul (local.get $r) (local.get $n)) (i32.const 4)))
        (local.set $end (i32.add (local.get $row) (i32.shl (local.get $n) (i32.const 2))))
        (local.set $kr (if (result i32) (local.get $keep)
          (then (i32.add (local.get $keep) (i32.shl (i32.load (i32.add (local.get $offsets) (i32.shl (local.get $r) (i32.const 2)))) (i32.const 2))))
          (else (i32.const 0))))
        ;; a broadcast keep (step 0) keeps the whole row or none of it
        (if (i32.and (i32.ne (local.get $kr) (i32.const 0)) (i32.eqz (local.get $step)))
          (then (if (i32.eqz (i32.load (local.get $kr))) (then (local.set $kr (i32.const -1))) (else (local.set $kr (i32.const 0))))))
        ;; m: the max of the kept entries; a row that keeps nothing, or only −∞, gets 0
        (local.set $mv (f32x4.splat (f32.const -inf)))
        (if (i32.ne (local.get $kr) (i32.const -1))
          (then
            (local.set $p (local.get $row))
            (local.set $q (local.get $kr))
            (block $maxDone
              (loop $max
                (br_if $maxDone (i32.ge_u (local.get $p) (local.get $end)))
                (local.set $v (v128.load (i32.add (local.get $x) (local.get $p))))
                (if (local.get $q)
                  (then
                    (local.set $v (v128.bitselect (local.get $v) (f32x4.splat (f32.const -inf)) (i32x4.ne (v128.load (local.get $q)) (v128.const i32x4 0 0 0 0))))
                    (local.set $q (i32.add (local.get $q) (i32.const 16)))))
                (local.set $mv (f32x4.max (local.get $mv) (local.get $v)))
                (local.set $p (i32.add (local.get $p) (i32.const 16)))
                (br $max)))))
        (local.set $m (f32.max (f32.max (f32x4.extract_lane 0 (local.get $mv)) (f32x4.extract_lane 1 (local.get $mv)))
          (f32.max (f32x4.extract_lane 2 (local.get $mv)) (f32x4.extract_lane 3 (local.get $mv)))))
        (if (f32.eq (local.get $m) (f32.const -inf)) (then (local.set $m (f32.const 0))))
        ;; e^(x − m) at kept entries, 0 elsewhere, and the row's sum in float64, in order
        (local.set $s (f64.const 0))
        (local.set $p (local.get $row))
        (local.set $q (local.get $kr))
        (block $expDone
          (loop $exp
            (br_if $expDone (i32.ge_u (local.get $p) (local.get $end)))
            (local.set $v (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $p))) (f32x4.splat (local.get $m))))
            (if (i32.eq (local.get $q) (i32.const -1))
              (then (local.set $v (f32x4.splat (f32.const -inf))))
              (else (if (local.get $q)
                (then
                  (local.set $v (v128.bitselect (local.get $v) (f32x4.splat (f32.const -inf)) (i32x4.ne (v128.load (local.get $q)) (v128.const i32x4 0 0 0 0))))
                  (local.set $q (i32.add (local.get $q) (i32.const 16)))))))
            (local.set $v (call $exp4 (local.get $v)))
            (v128.store (i32.add (local.get $out) (local.get $p)) (local.get $v))
            (local.set $s (f64.add (local.get $s) (f64.promote_f32 (f32x4.extract_lane 0 (local.get $v)))))
            (local.set $s (f64.add (local.get $s) (f64.promote_f32 (f32x4.extract_lane 1 (local.get $v)))))
            (local.set $s (f64.add (local.get $s) (f64.promote_f32 (f32x4.extract_lane 2 (local.get $v)))))
            (local.set $s (f64.add (local.get $s) (f64.promote_f32 (f32x4.extract_lane 3 (local.get $v)))))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (br $exp)))
        ;; divided by the sum (by 1 when it is 0), in float64, and narrowed
        (local.set $d (f64x2.splat (if (result f64) (f64.eq (local.get $s) (f64.const 0)) (then (f64.const 1)) (else (local.get $s)))))
        (local.set $p (i32.add (local.get $out) (local.get $row)))
        (local.set $end (i32.add (local.get $out) (local.get $end)))
        (block $divDone
          (loop $div
            (br_if $divDone (i32.ge_u (local.get $p) (local.get $end)))
            (v128.store64_lane 0 (local.get $p)
              (f32x4.demote_f64x2_zero (f64x2.div (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $p))) (local.get $d))))
            (local.set $p (i32.add (local.get $p) (i32.const 8)))
            (br $div)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $eachRow)))
    (global.get $far))
)
