;; layer-norm — layer normalisation's forward and backward over rows of m float32 values: the
;; loops of src/autograd/backends/cpu/layer-norm.ts (layerNorm, layerNormBackward), computing
;; exactly what they compute, bit for bit:
;;
;; - every sum a row's values feed (the mean, the variance, Σ g and Σ g·x̂ of the backward) in
;;   float64, one value after the other in the TypeScript's order (scalar adds);
;; - the elementwise parts in float64 two at a time (f64x2), each operation in the TypeScript's
;;   order, narrowed with f32x4.demote_f64x2_zero where the TypeScript stores into a Float32Array;
;; - dγ and dβ accumulated over the rows in float64 arrays (j by j, the rows in order).
;;
;; A missing γ is passed as an array of ones and a missing β as zeros (y = x̂·1 + 0, as the
;; TypeScript's h + 0). The text here is the source: scripts/build-wasm.ts assembles it into
;; layer-norm.wasm.ts. Arrays live in the module's one memory (imported; modules.ts owns it),
;; pointers in bytes; m is even and every array 8-byte aligned.
(module
  (import "env" "memory" (memory 1))

  ;; y, x̂ (rows × m) and s = 1/√(σ² + ε) (rows) from x, γ and β.
  (func (export "forward") (param $rows i32) (param $m i32) (param $x i32) (param $w i32) (param $b i32) (param $eps f64)
    (param $y i32) (param $xHat i32) (param $invStd i32)
    (local $r i32) (local $row i32) (local $j i32) (local $len i32) (local $p i32)
    (local $sum f64) (local $mean f64) (local $sq f64) (local $d f64) (local $s f64) (local $h v128)
    (local.set $len (i32.shl (local.get $m) (i32.const 2)))
    (block $rowsDone
      (loop $eachRow
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $row (i32.mul (local.get $r) (local.get $len)))
        ;; the mean and the biased variance, in order
        (local.set $sum (f64.const 0))
        (local.set $j (i32.const 0))
        (block $sumDone
          (loop $sumLoop
            (br_if $sumDone (i32.ge_u (local.get $j) (local.get $len)))
            (local.set $sum (f64.add (local.get $sum) (f64.promote_f32 (f32.load (i32.add (local.get $x) (i32.add (local.get $row) (local.get $j)))))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $sumLoop)))
        (local.set $mean (f64.div (local.get $sum) (f64.convert_i32_u (local.get $m))))
        (local.set $sq (f64.const 0))
        (local.set $j (i32.const 0))
        (block $sqDone
          (loop $sqLoop
            (br_if $sqDone (i32.ge_u (local.get $j) (local.get $len)))
            (local.set $d (f64.sub (f64.promote_f32 (f32.load (i32.add (local.get $x) (i32.add (local.get $row) (local.get $j))))) (local.get $mean)))
            (local.set $sq (f64.add (local.get $sq) (f64.mul (local.get $d) (local.get $d))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $sqLoop)))
        (local.set $s (f64.div (f64.const 1) (f64.sqrt (f64.add (f64.div (local.get $sq) (f64.convert_i32_u (local.get $m))) (local.get $eps)))))
        (f32.store (i32.add (local.get $invStd) (i32.shl (local.get $r) (i32.const 2))) (f32.demote_f64 (local.get $s)))
        ;; x̂ = (x − μ)·s and y = x̂·γ + β, two at a time
        (local.set $j (i32.const 0))
        (block $rowDone
          (loop $pair
            (br_if $rowDone (i32.ge_u (local.get $j) (local.get $len)))
            (local.set $p (i32.add (local.get $row) (local.get $j)))
            (local.set $h (f64x2.mul
              (f64x2.sub (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $x) (local.get $p)))) (f64x2.splat (local.get $mean)))
              (f64x2.splat (local.get $s))))
            (v128.store64_lane 0 (i32.add (local.get $xHat) (local.get $p)) (f32x4.demote_f64x2_zero (local.get $h)))
            (v128.store64_lane 0 (i32.add (local.get $y) (local.get $p)) (f32x4.demote_f64x2_zero (f64x2.add
              (f64x2.mul (local.get $h) (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $w) (local.get $j)))))
              (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $b) (local.get $j)))))))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $pair)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $eachRow))))

  ;; dX (rows × m) from dY, x̂, s and γ; dγ += Σ_rows dY·x̂ and dβ += Σ_rows dY into the float64
  ;; arrays dW and dB (m each, zero on entry).
  (func (export "backward") (param $rows i32) (param $m i32) (param $g i32) (param $xHat i32) (param $invStd i32) (param $w i32)
    (param $dX i32) (param $dW i32) (param $dB i32)
    (local $r i32) (local $row i32) (local $j i32) (local $len i32) (local $p i32) (local $q i32)
    (local $dy f64) (local $gj f64) (local $sumG f64) (local $sumGH f64) (local $meanG v128) (local $meanGH v128) (local $sr v128)
    (local $dyv v128) (local $hv v128)
    (local.set $len (i32.shl (local.get $m) (i32.const 2)))
    (block $rowsDone
      (loop $eachRow
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $row (i32.mul (local.get $r) (local.get $len)))
        ;; Σ g and Σ g·x̂ with g = dY·γ, in order
        (local.set $sumG (f64.const 0))
        (local.set $sumGH (f64.const 0))
        (local.set $j (i32.const 0))
        (block $sumDone
          (loop $sumLoop
            (br_if $sumDone (i32.ge_u (local.get $j) (local.get $len)))
            (local.set $p (i32.add (local.get $row) (local.get $j)))
            (local.set $gj (f64.mul (f64.promote_f32 (f32.load (i32.add (local.get $g) (local.get $p)))) (f64.promote_f32 (f32.load (i32.add (local.get $w) (local.get $j))))))
            (local.set $sumG (f64.add (local.get $sumG) (local.get $gj)))
            (local.set $sumGH (f64.add (local.get $sumGH) (f64.mul (local.get $gj) (f64.promote_f32 (f32.load (i32.add (local.get $xHat) (local.get $p)))))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $sumLoop)))
        (local.set $meanG (f64x2.splat (f64.div (local.get $sumG) (f64.convert_i32_u (local.get $m)))))
        (local.set $meanGH (f64x2.splat (f64.div (local.get $sumGH) (f64.convert_i32_u (local.get $m)))))
        (local.set $sr (f64x2.splat (f64.promote_f32 (f32.load (i32.add (local.get $invStd) (i32.shl (local.get $r) (i32.const 2)))))))
        ;; dX = s·(g − mean g − x̂·mean g·x̂); dγ += dY·x̂; dβ += dY; two at a time
        (local.set $j (i32.const 0))
        (block $rowDone
          (loop $pair
            (br_if $rowDone (i32.ge_u (local.get $j) (local.get $len)))
            (local.set $p (i32.add (local.get $row) (local.get $j)))
            (local.set $q (i32.shl (local.get $j) (i32.const 1))) ;;            the float64 arrays' offset
            (local.set $dyv (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $g) (local.get $p)))))
            (local.set $hv (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $xHat) (local.get $p)))))
            (v128.store (i32.add (local.get $dW) (local.get $q)) (f64x2.add (v128.load (i32.add (local.get $dW) (local.get $q))) (f64x2.mul (local.get $dyv) (local.get $hv))))
            (v128.store (i32.add (local.get $dB) (local.get $q)) (f64x2.add (v128.load (i32.add (local.get $dB) (local.get $q))) (local.get $dyv)))
            (v128.store64_lane 0 (i32.add (local.get $dX) (local.get $p)) (f32x4.demote_f64x2_zero (f64x2.mul (local.get $sr)
              (f64x2.sub
                (f64x2.sub (f64x2.mul (local.get $dyv) (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $w) (local.get $j))))) (local.get $meanG))
                (f64x2.mul (local.get $hv) (local.get $meanGH))))))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $pair)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $eachRow))))
)
