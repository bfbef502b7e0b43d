;; optim — the optimizer steps (SGD with momentum, dampening, weight decay and Nesterov; Adam and
;; AdamW, with amsgrad; RMSprop, centred and with momentum; Adagrad) for float32 parameters, one
;; pass over each parameter tensor, two elements per instruction. The formulas are derived in
;; src/optim/sgd.ts, adam.ts, rmsprop.ts and adagrad.ts; cpu/optim.ts holds the same loops in
;; TypeScript, and these compute exactly what those compute, bit for bit:
;;
;; - arithmetic in float64 (f64x2), as JavaScript's numbers are: each float32 input is widened
;;   with f64x2.promote_low_f32x4, and every operation is done in the order the TypeScript
;;   writes it (wasm has no fused multiply-add, so nothing is contracted);
;; - a value the TypeScript stores into a Float32Array and reads back (b, m, v, v̂max, s, ḡ) is
;;   narrowed with f32x4.demote_f64x2_zero (round to nearest even, as the store does), stored,
;;   and widened again before the next formula reads it.
;;
;; The text here is the source: scripts/build-wasm.ts assembles it into optim.wasm.ts, and a test
;; checks that the committed bytes are this text's. Every array is float32 in the module's one
;; memory (imported; modules.ts owns it), padded to an even length; pointers are in bytes, and a
;; pointer of 0 means "none" (no array starts there).
(module
  (import "env" "memory" (memory 1))

  ;; θ' = θ − lr·d over n floats, with d = ±g (+ λθ), and with momentum (b ≠ 0):
  ;;   b' = g-term at the first step (b0 = 0), else μ·b0 + (1 − τ)·d;  d = d + μ·b' (Nesterov) or b'.
  (func (export "sgd")
    (param $n i32) (param $theta i32) (param $g i32) (param $b0 i32) (param $b i32) (param $next i32)
    (param $lr f64) (param $momentum f64) (param $damp1 f64) (param $wd f64) (param $nesterov i32) (param $maximize i32)
    (local $i i32) (local $end i32) (local $t v128) (local $d v128) (local $bv v128) (local $b32 v128)
    (local $LR v128) (local $MU v128) (local $D1 v128) (local $WD v128)
    (local.set $LR (f64x2.splat (local.get $lr)))
    (local.set $MU (f64x2.splat (local.get $momentum)))
    (local.set $D1 (f64x2.splat (local.get $damp1)))
    (local.set $WD (f64x2.splat (local.get $wd)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $next2
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $t (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $theta) (local.get $i)))))
        (local.set $d (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $g) (local.get $i)))))
        (if (local.get $maximize) (then (local.set $d (f64x2.neg (local.get $d)))))
        (if (f64.ne (local.get $wd) (f64.const 0))
          (then (local.set $d (f64x2.add (local.get $d) (f64x2.mul (local.get $WD) (local.get $t))))))
        (if (local.get $b)
          (then
            (if (local.get $b0)
              (then
                (local.set $bv (f64x2.add
                  (f64x2.mul (local.get $MU) (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $b0) (local.get $i)))))
                  (f64x2.mul (local.get $D1) (local.get $d)))))
              (else (local.set $bv (local.get $d))))
            (local.set $b32 (f32x4.demote_f64x2_zero (local.get $bv)))
            (v128.store64_lane 0 (i32.add (local.get $b) (local.get $i)) (local.get $b32))
            (local.set $bv (f64x2.promote_low_f32x4 (local.get $b32)))
            (local.set $d (if (result v128) (local.get $nesterov)
              (then (f64x2.add (local.get $d) (f64x2.mul (local.get $MU) (local.get $bv))))
              (else (local.get $bv))))))
        (v128.store64_lane 0 (i32.add (local.get $next) (local.get $i))
          (f32x4.demote_f64x2_zero (f64x2.sub (local.get $t) (f64x2.mul (local.get $LR) (local.get $d)))))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $next2))))

  ;; Adam over n floats: g = ±g (+ λθ for Adam's L2 decay); m' = β₁m + (1 − β₁)g;
  ;; v' = β₂v + (1 − β₂)·g·g; with amsgrad (vmax ≠ 0) v̂' = max(v̂, v'), else v̂' = v';
  ;; θ' = θ·shrink − stepSize·(m' / (√v̂' / √(1 − β₂ᵗ) + ε)).
  (func (export "adam")
    (param $n i32) (param $theta i32) (param $g i32) (param $m0 i32) (param $v0 i32) (param $vmax0 i32)
    (param $m i32) (param $v i32) (param $vmax i32) (param $next i32)
    (param $beta1 f64) (param $c1 f64) (param $beta2 f64) (param $c2 f64) (param $eps f64)
    (param $stepSize f64) (param $sqrtBias2 f64) (param $shrink f64) (param $l2 f64) (param $maximize i32)
    (local $i i32) (local $end i32) (local $t v128) (local $gv v128) (local $mv v128) (local $vv v128) (local $x32 v128)
    (local $B1 v128) (local $C1 v128) (local $B2 v128) (local $C2 v128) (local $EPS v128)
    (local $STEP v128) (local $SB2 v128) (local $SHRINK v128) (local $L2 v128)
    (local.set $B1 (f64x2.splat (local.get $beta1)))
    (local.set $C1 (f64x2.splat (local.get $c1)))
    (local.set $B2 (f64x2.splat (local.get $beta2)))
    (local.set $C2 (f64x2.splat (local.get $c2)))
    (local.set $EPS (f64x2.splat (local.get $eps)))
    (local.set $STEP (f64x2.splat (local.get $stepSize)))
    (local.set $SB2 (f64x2.splat (local.get $sqrtBias2)))
    (local.set $SHRINK (f64x2.splat (local.get $shrink)))
    (local.set $L2 (f64x2.splat (local.get $l2)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $next2
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $t (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $theta) (local.get $i)))))
        (local.set $gv (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $g) (local.get $i)))))
        (if (local.get $maximize) (then (local.set $gv (f64x2.neg (local.get $gv)))))
        (if (f64.ne (local.get $l2) (f64.const 0))
          (then (local.set $gv (f64x2.add (local.get $gv) (f64x2.mul (local.get $L2) (local.get $t))))))
        ;; m' = β₁·m + (1 − β₁)·g, stored and read back
        (local.set $x32 (f32x4.demote_f64x2_zero (f64x2.add
          (f64x2.mul (local.get $B1) (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $m0) (local.get $i)))))
          (f64x2.mul (local.get $C1) (local.get $gv)))))
        (v128.store64_lane 0 (i32.add (local.get $m) (local.get $i)) (local.get $x32))
        (local.set $mv (f64x2.promote_low_f32x4 (local.get $x32)))
        ;; v' = β₂·v + ((1 − β₂)·g)·g, stored and read back
        (local.set $x32 (f32x4.demote_f64x2_zero (f64x2.add
          (f64x2.mul (local.get $B2) (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $v0) (local.get $i)))))
          (f64x2.mul (f64x2.mul (local.get $C2) (local.get $gv)) (local.get $gv)))))
        (v128.store64_lane 0 (i32.add (local.get $v) (local.get $i)) (local.get $x32))
        (local.set $vv (f64x2.promote_low_f32x4 (local.get $x32)))
        ;; amsgrad: v̂' = max(v̂, v'), both float32 values, so the maximum needs no rounding
        (if (local.get $vmax)
          (then
            (local.set $vv (f64x2.max (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $vmax0) (local.get $i)))) (local.get $vv)))
            (v128.store64_lane 0 (i32.add (local.get $vmax) (local.get $i)) (f32x4.demote_f64x2_zero (local.get $vv)))))
        (v128.store64_lane 0 (i32.add (local.get $next) (local.get $i))
          (f32x4.demote_f64x2_zero (f64x2.sub
            (f64x2.mul (local.get $t) (local.get $SHRINK))
            (f64x2.mul (local.get $STEP)
              (f64x2.div (local.get $mv)
                (f64x2.add (f64x2.div (f64x2.sqrt (local.get $vv)) (local.get $SB2)) (local.get $EPS)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $next2))))

  ;; RMSprop over n floats: g = ±g (+ λθ); s' = α·s + ((1 − α)·g)·g; centred (ga ≠ 0):
  ;; ḡ' = α·ḡ + (1 − α)·g and a = √(s' − ḡ'·ḡ') + ε, else a = √s' + ε; with momentum (b ≠ 0)
  ;; b' = μ·b + g / a and θ' = θ − η·b', else θ' = θ − η·(g / a).
  (func (export "rmsprop")
    (param $n i32) (param $theta i32) (param $g i32) (param $s0 i32) (param $ga0 i32) (param $b0 i32)
    (param $s i32) (param $ga i32) (param $b i32) (param $next i32)
    (param $lr f64) (param $alpha f64) (param $c f64) (param $eps f64) (param $wd f64) (param $momentum f64) (param $maximize i32)
    (local $i i32) (local $end i32) (local $t v128) (local $gv v128) (local $sv v128) (local $av v128) (local $r v128) (local $x32 v128)
    (local $LR v128) (local $ALPHA v128) (local $C v128) (local $EPS v128) (local $WD v128) (local $MU v128)
    (local.set $LR (f64x2.splat (local.get $lr)))
    (local.set $ALPHA (f64x2.splat (local.get $alpha)))
    (local.set $C (f64x2.splat (local.get $c)))
    (local.set $EPS (f64x2.splat (local.get $eps)))
    (local.set $WD (f64x2.splat (local.get $wd)))
    (local.set $MU (f64x2.splat (local.get $momentum)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $next2
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $t (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $theta) (local.get $i)))))
        (local.set $gv (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $g) (local.get $i)))))
        (if (local.get $maximize) (then (local.set $gv (f64x2.neg (local.get $gv)))))
        (if (f64.ne (local.get $wd) (f64.const 0))
          (then (local.set $gv (f64x2.add (local.get $gv) (f64x2.mul (local.get $WD) (local.get $t))))))
        ;; s' = α·s + ((1 − α)·g)·g, stored and read back
        (local.set $x32 (f32x4.demote_f64x2_zero (f64x2.add
          (f64x2.mul (local.get $ALPHA) (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $s0) (local.get $i)))))
          (f64x2.mul (f64x2.mul (local.get $C) (local.get $gv)) (local.get $gv)))))
        (v128.store64_lane 0 (i32.add (local.get $s) (local.get $i)) (local.get $x32))
        (local.set $sv (f64x2.promote_low_f32x4 (local.get $x32)))
        ;; the denominator a: centred, ḡ' = α·ḡ + (1 − α)·g is stored and read back first
        (local.set $av (if (result v128) (local.get $ga)
          (then
            (local.set $x32 (f32x4.demote_f64x2_zero (f64x2.add
              (f64x2.mul (local.get $ALPHA) (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $ga0) (local.get $i)))))
              (f64x2.mul (local.get $C) (local.get $gv)))))
            (v128.store64_lane 0 (i32.add (local.get $ga) (local.get $i)) (local.get $x32))
            (local.set $x32 (f64x2.promote_low_f32x4 (local.get $x32)))
            (f64x2.sqrt (f64x2.sub (local.get $sv) (f64x2.mul (local.get $x32) (local.get $x32)))))
          (else (f64x2.sqrt (local.get $sv)))))
        (local.set $r (f64x2.div (local.get $gv) (f64x2.add (local.get $av) (local.get $EPS))))
        ;; with momentum, b' = μ·b + g / a, stored and read back, is the step's direction
        (if (local.get $b)
          (then
            (local.set $x32 (f32x4.demote_f64x2_zero (f64x2.add
              (f64x2.mul (local.get $MU) (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $b0) (local.get $i)))))
              (local.get $r))))
            (v128.store64_lane 0 (i32.add (local.get $b) (local.get $i)) (local.get $x32))
            (local.set $r (f64x2.promote_low_f32x4 (local.get $x32)))))
        (v128.store64_lane 0 (i32.add (local.get $next) (local.get $i))
          (f32x4.demote_f64x2_zero (f64x2.sub (local.get $t) (f64x2.mul (local.get $LR) (local.get $r)))))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $next2))))

  ;; Adagrad over n floats: g = ±g (+ λθ); s' = s + g·g; θ' = θ − η̃·(g / (√s' + ε)).
  (func (export "adagrad")
    (param $n i32) (param $theta i32) (param $g i32) (param $s0 i32) (param $s i32) (param $next i32)
    (param $clr f64) (param $wd f64) (param $eps f64) (param $maximize i32)
    (local $i i32) (local $end i32) (local $t v128) (local $gv v128) (local $x32 v128)
    (local $CLR v128) (local $WD v128) (local $EPS v128)
    (local.set $CLR (f64x2.splat (local.get $clr)))
    (local.set $WD (f64x2.splat (local.get $wd)))
    (local.set $EPS (f64x2.splat (local.get $eps)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $next2
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $t (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $theta) (local.get $i)))))
        (local.set $gv (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $g) (local.get $i)))))
        (if (local.get $maximize) (then (local.set $gv (f64x2.neg (local.get $gv)))))
        (if (f64.ne (local.get $wd) (f64.const 0))
          (then (local.set $gv (f64x2.add (local.get $gv) (f64x2.mul (local.get $WD) (local.get $t))))))
        ;; s' = s + g·g, stored and read back
        (local.set $x32 (f32x4.demote_f64x2_zero (f64x2.add
          (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $s0) (local.get $i))))
          (f64x2.mul (local.get $gv) (local.get $gv)))))
        (v128.store64_lane 0 (i32.add (local.get $s) (local.get $i)) (local.get $x32))
        (v128.store64_lane 0 (i32.add (local.get $next) (local.get $i))
          (f32x4.demote_f64x2_zero (f64x2.sub (local.get $t) (f64x2.mul (local.get $CLR)
            (f64x2.div (local.get $gv) (f64x2.add (f64x2.sqrt (f64x2.promote_low_f32x4 (local.get $x32))) (local.get $EPS)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $next2)))))
