;; winograd — the two SIMD passes around Winograd's F(2×2, 3×3) convolution (Lavin & Gray 2016),
;; which computes each 2 × 2 block of a 3×3 stride-1 conv's output from a 4 × 4 input tile with 16
;; products in place of 36: Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A, summed over input channels. Summing
;; over channels makes each of the 16 elementwise products a matrix product, M_ξ [tiles, O] =
;; V_ξ [tiles, C] · U_ξ [C, O], which tfjs's MatMul (XNNPACK) runs (../shares/winograd.ts):
;;   input   V_ξ = Bᵀ d B for every tile d of one padded NHWC image, 4 channels per vector,
;;           written to the 16 matrices whose addresses a table holds;
;;   output  Y = Aᵀ m A (+ bias, residual, ReLU) for every tile, from the 16 product matrices,
;;           into NCHW planes.
;;   Bᵀ = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1],   Aᵀ = [1 1 1 0; 0 1 -1 -1]
;; Only additions and subtractions: G's halves are applied once, to the filter (TypeScript).
;; A NaN or ±Inf in a tile would reach all four outputs of its block, not only those whose window
;; holds it, so `input` reports whether every value was finite and the caller falls back.
;; The text here is the source: scripts/build-wasm.ts assembles it into winograd.wasm.ts.
(module
  (import "env" "memory" (memory 1))

  ;; V_ξ[row + ty·TW + tx][c … c + 3] = (Bᵀ d B)[i][j], ξ = 4i + j, d the 4 × 4 tile of src whose
  ;; top-left pixel is (2·ty, 2·tx), for ty < TH, tx < TW, c < C4 (a multiple of 4). src is one
  ;; image, [Hp][Wp][C4] floats with Hp ≥ 2·TH + 2 and Wp ≥ 2·TW + 2 (zero padding included);
  ;; `table` holds the 16 byte addresses of V_0 … V_15, each [rows][C4]. Returns 1 when every value
  ;; read was finite, else 0 (each tile adds its e's, times 0, into $bad: 0 stays 0, NaN and ±Inf
  ;; give NaN; a sum that overflows gives a needless 0, which only costs the fallback).
  (func (export "input")
    (param $src i32) (param $C4 i32) (param $Wp i32) (param $TH i32) (param $TW i32) (param $table i32) (param $row i32) (result i32)
    (local $ty i32) (local $tx i32) (local $c i32) (local $px i32) (local $rowBytes i32) (local $tile i32) (local $p i32) (local $q i32) (local $out i32)
    (local $v0 i32) (local $v1 i32) (local $v2 i32) (local $v3 i32) (local $v4 i32) (local $v5 i32) (local $v6 i32) (local $v7 i32) (local $v8 i32) (local $v9 i32) (local $v10 i32) (local $v11 i32) (local $v12 i32) (local $v13 i32) (local $v14 i32) (local $v15 i32)
    (local $e00 v128) (local $e01 v128) (local $e02 v128) (local $e03 v128) (local $e10 v128) (local $e11 v128) (local $e12 v128) (local $e13 v128) (local $e20 v128) (local $e21 v128) (local $e22 v128) (local $e23 v128) (local $e30 v128) (local $e31 v128) (local $e32 v128) (local $e33 v128)
    (local $d0 v128) (local $d1 v128) (local $d2 v128) (local $d3 v128) (local $bad v128)
    (local.set $v0 (i32.load offset=0 (local.get $table)))
    (local.set $v1 (i32.load offset=4 (local.get $table)))
    (local.set $v2 (i32.load offset=8 (local.get $table)))
    (local.set $v3 (i32.load offset=12 (local.get $table)))
    (local.set $v4 (i32.load offset=16 (local.get $table)))
    (local.set $v5 (i32.load offset=20 (local.get $table)))
    (local.set $v6 (i32.load offset=24 (local.get $table)))
    (local.set $v7 (i32.load offset=28 (local.get $table)))
    (local.set $v8 (i32.load offset=32 (local.get $table)))
    (local.set $v9 (i32.load offset=36 (local.get $table)))
    (local.set $v10 (i32.load offset=40 (local.get $table)))
    (local.set $v11 (i32.load offset=44 (local.get $table)))
    (local.set $v12 (i32.load offset=48 (local.get $table)))
    (local.set $v13 (i32.load offset=52 (local.get $table)))
    (local.set $v14 (i32.load offset=56 (local.get $table)))
    (local.set $v15 (i32.load offset=60 (local.get $table)))
    (local.set $px (i32.shl (local.get $C4) (i32.const 2)))                     ;; bytes from a pixel to the next
    (local.set $rowBytes (i32.mul (local.get $Wp) (local.get $px)))
    (local.set $out (i32.mul (local.get $row) (local.get $px)))                    ;; byte offset of V_ξ[row][0]
    (block $tyDone (loop $tyLoop
      (br_if $tyDone (i32.ge_u (local.get $ty) (local.get $TH)))
      (local.set $tx (i32.const 0))
      (block $txDone (loop $txLoop
        (br_if $txDone (i32.ge_u (local.get $tx) (local.get $TW)))
        ;; &src[2·ty][2·tx][0]
        (local.set $tile (i32.add (local.get $src) (i32.add
          (i32.mul (i32.shl (local.get $ty) (i32.const 1)) (local.get $rowBytes))
          (i32.mul (i32.shl (local.get $tx) (i32.const 1)) (local.get $px)))))
        (local.set $c (i32.const 0))
        (block $cDone (loop $cLoop
          (br_if $cDone (i32.ge_u (local.get $c) (local.get $C4)))
          ;; e = Bᵀ d, column by column: e0 = d0 - d2, e1 = d1 + d2, e2 = d2 - d1, e3 = d1 - d3
          (local.set $p (local.get $tile))
          (local.set $q (local.get $p))
          (local.set $d0 (v128.load (local.get $q)))
          (local.set $q (i32.add (local.get $q) (local.get $rowBytes)))
          (local.set $d1 (v128.load (local.get $q)))
          (local.set $q (i32.add (local.get $q) (local.get $rowBytes)))
          (local.set $d2 (v128.load (local.get $q)))
          (local.set $q (i32.add (local.get $q) (local.get $rowBytes)))
          (local.set $d3 (v128.load (local.get $q)))
          (local.set $e00 (f32x4.sub (local.get $d0) (local.get $d2)))
          (local.set $e10 (f32x4.add (local.get $d1) (local.get $d2)))
          (local.set $e20 (f32x4.sub (local.get $d2) (local.get $d1)))
          (local.set $e30 (f32x4.sub (local.get $d1) (local.get $d3)))
          (local.set $p (i32.add (local.get $p) (local.get $px)))
          (local.set $q (local.get $p))
          (local.set $d0 (v128.load (local.get $q)))
          (local.set $q (i32.add (local.get $q) (local.get $rowBytes)))
          (local.set $d1 (v128.load (local.get $q)))
          (local.set $q (i32.add (local.get $q) (local.get $rowBytes)))
          (local.set $d2 (v128.load (local.get $q)))
          (local.set $q (i32.add (local.get $q) (local.get $rowBytes)))
          (local.set $d3 (v128.load (local.get $q)))
          (local.set $e01 (f32x4.sub (local.get $d0) (local.get $d2)))
          (local.set $e11 (f32x4.add (local.get $d1) (local.get $d2)))
          (local.set $e21 (f32x4.sub (local.get $d2) (local.get $d1)))
          (local.set $e31 (f32x4.sub (local.get $d1) (local.get $d3)))
          (local.set $p (i32.add (local.get $p) (local.get $px)))
          (local.set $q (local.get $p))
          (local.set $d0 (v128.load (local.get $q)))
          (local.set $q (i32.add (local.get $q) (local.get $rowBytes)))
          (local.set $d1 (v128.load (local.get $q)))
          (local.set $q (i32.add (local.get $q) (local.get $rowBytes)))
          (local.set $d2 (v128.load (local.get $q)))
          (local.set $q (i32.add (local.get $q) (local.get $rowBytes)))
          (local.set $d3 (v128.load (local.get $q)))
          (local.set $e02 (f32x4.sub (local.get $d0) (local.get $d2)))
          (local.set $e12 (f32x4.add (local.get $d1) (local.get $d2)))
          (local.set $e22 (f32x4.sub (local.get $d2) (local.get $d1)))
          (local.set $e32 (f32x4.sub (local.get $d1) (local.get $d3)))
          (local.set $p (i32.add (local.get $p) (local.get $px)))
          (local.set $q (local.get $p))
          (local.set $d0 (v128.load (local.get $q)))
          (local.set $q (i32.add (local.get $q) (local.get $rowBytes)))
          (local.set $d1 (v128.load (local.get $q)))
          (local.set $q (i32.add (local.get $q) (local.get $rowBytes)))
          (local.set $d2 (v128.load (local.get $q)))
          (local.set $q (i32.add (local.get $q) (local.get $rowBytes)))
          (local.set $d3 (v128.load (local.get $q)))
          (local.set $e03 (f32x4.sub (local.get $d0) (local.get $d2)))
          (local.set $e13 (f32x4.add (local.get $d1) (local.get $d2)))
          (local.set $e23 (f32x4.sub (local.get $d2) (local.get $d1)))
          (local.set $e33 (f32x4.sub (local.get $d1) (local.get $d3)))
          (local.set $bad (f32x4.add (local.get $bad) (f32x4.mul (v128.const i32x4 0 0 0 0)
            (f32x4.add
            (f32x4.add (f32x4.add (f32x4.add (local.get $e00) (local.get $e01)) (f32x4.add (local.get $e02) (local.get $e03))) (f32x4.add (f32x4.add (local.get $e10) (local.get $e11)) (f32x4.add (local.get $e12) (local.get $e13))))
            (f32x4.add (f32x4.add (f32x4.add (local.get $e20) (local.get $e21)) (f32x4.add (local.get $e22) (local.get $e23))) (f32x4.add (f32x4.add (local.get $e30) (local.get $e31)) (f32x4.add (local.get $e32) (local.get $e33))))))))
          ;; V = e B, row by row: V[i] = (e_i0 - e_i2, e_i1 + e_i2, e_i2 - e_i1, e_i1 - e_i3)
          (v128.store (i32.add (local.get $v0) (local.get $out)) (f32x4.sub (local.get $e00) (local.get $e02)))
          (v128.store (i32.add (local.get $v1) (local.get $out)) (f32x4.add (local.get $e01) (local.get $e02)))
          (v128.store (i32.add (local.get $v2) (local.get $out)) (f32x4.sub (local.get $e02) (local.get $e01)))
          (v128.store (i32.add (local.get $v3) (local.get $out)) (f32x4.sub (local.get $e01) (local.get $e03)))
          (v128.store (i32.add (local.get $v4) (local.get $out)) (f32x4.sub (local.get $e10) (local.get $e12)))
          (v128.store (i32.add (local.get $v5) (local.get $out)) (f32x4.add (local.get $e11) (local.get $e12)))
          (v128.store (i32.add (local.get $v6) (local.get $out)) (f32x4.sub (local.get $e12) (local.get $e11)))
          (v128.store (i32.add (local.get $v7) (local.get $out)) (f32x4.sub (local.get $e11) (local.get $e13)))
          (v128.store (i32.add (local.get $v8) (local.get $out)) (f32x4.sub (local.get $e20) (local.get $e22)))
          (v128.store (i32.add (local.get $v9) (local.get $out)) (f32x4.add (local.get $e21) (local.get $e22)))
          (v128.store (i32.add (local.get $v10) (local.get $out)) (f32x4.sub (local.get $e22) (local.get $e21)))
          (v128.store (i32.add (local.get $v11) (local.get $out)) (f32x4.sub (local.get $e21) (local.get $e23)))
          (v128.store (i32.add (local.get $v12) (local.get $out)) (f32x4.sub (local.get $e30) (local.get $e32)))
          (v128.store (i32.add (local.get $v13) (local.get $out)) (f32x4.add (local.get $e31) (local.get $e32)))
          (v128.store (i32.add (local.get $v14) (local.get $out)) (f32x4.sub (local.get $e32) (local.get $e31)))
          (v128.store (i32.add (local.get $v15) (local.get $out)) (f32x4.sub (local.get $e31) (local.get $e33)))
          (local.set $tile (i32.add (local.get $tile) (i32.const 16)))
          (local.set $out (i32.add (local.get $out) (i32.const 16)))
          (local.set $c (i32.add (local.get $c) (i32.const 4)))
          (br $cLoop)))
        (local.set $tx (i32.add (local.get $tx) (i32.const 1)))
        (br $txLoop)))
      (local.set $ty (i32.add (local.get $ty) (i32.const 1)))
      (br $tyLoop)))
    (i32.eqz (v128.any_true (f32x4.ne (local.get $bad) (local.get $bad))))
  )

  ;; dst[o][2·ty + r][2·tx + s] = relu?(bias[o] + (Aᵀ m A)[r][s] + residual[o][2·ty + r][2·tx + s]) with
  ;; m[i][j] = M_4i+j[row + ty·TW + tx][o], for ty < TH, tx < TW, o < O4 (a multiple of 4), r, s < 2
  ;; where the pixel is inside OH × OW. `table` holds the 16 byte addresses of M_0 … M_15, each
  ;; [rows][O4]; dst is one image in NCHW, [O4][OH][OW]; bias [O4] or 0 for none; residual laid out
  ;; as dst, or 0 for none, readable OW + 4 floats past its end (a tile's second row and column are
  ;; read before they are known to be inside). Four channels a vector while the tile is
  ;; transformed, then a 4 × 4 transpose turns them into four pixels a vector, one per channel.
  (func (export "output")
    (param $table i32) (param $bias i32) (param $residual i32) (param $dst i32) (param $O4 i32) (param $OH i32) (param $OW i32)
    (param $TH i32) (param $TW i32) (param $row i32) (param $relu i32)
    (local $ty i32) (local $tx i32) (local $o i32) (local $px i32) (local $plane i32) (local $rowBytes i32) (local $in i32)
    (local $at i32) (local $p i32) (local $right i32) (local $below i32)
    (local $m0 i32) (local $m1 i32) (local $m2 i32) (local $m3 i32) (local $m4 i32) (local $m5 i32) (local $m6 i32) (local $m7 i32) (local $m8 i32) (local $m9 i32) (local $m10 i32) (local $m11 i32) (local $m12 i32) (local $m13 i32) (local $m14 i32) (local $m15 i32)
    (local $f00 v128) (local $f01 v128) (local $f02 v128) (local $f03 v128) (local $f10 v128) (local $f11 v128) (local $f12 v128) (local $f13 v128)
    (local $y00 v128) (local $y01 v128) (local $y10 v128) (local $y11 v128) (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128) (local $z v128)
    (local.set $m0 (i32.load offset=0 (local.get $table)))
    (local.set $m1 (i32.load offset=4 (local.get $table)))
    (local.set $m2 (i32.load offset=8 (local.get $table)))
    (local.set $m3 (i32.load offset=12 (local.get $table)))
    (local.set $m4 (i32.load offset=16 (local.get $table)))
    (local.set $m5 (i32.load offset=20 (local.get $table)))
    (local.set $m6 (i32.load offset=24 (local.get $table)))
    (local.set $m7 (i32.load offset=28 (local.get $table)))
    (local.set $m8 (i32.load offset=32 (local.get $table)))
    (local.set $m9 (i32.load offset=36 (local.get $table)))
    (local.set $m10 (i32.load offset=40 (local.get $table)))
    (local.set $m11 (i32.load offset=44 (local.get $table)))
    (local.set $m12 (i32.load offset=48 (local.get $table)))
    (local.set $m13 (i32.load offset=52 (local.get $table)))
    (local.set $m14 (i32.load offset=56 (local.get $table)))
    (local.set $m15 (i32.load offset=60 (local.get $table)))
    (local.set $px (i32.shl (local.get $O4) (i32.const 2)))
    (local.set $rowBytes (i32.shl (local.get $OW) (i32.const 2)))
    (local.set $plane (i32.mul (local.get $OH) (local.get $rowBytes)))                 ;; bytes from a channel to the next
    (local.set $in (i32.mul (local.get $row) (local.get $px)))                     ;; byte offset of M_ξ[row][0]
    (block $tyDone (loop $tyLoop
      (br_if $tyDone (i32.ge_u (local.get $ty) (local.get $TH)))
      (local.set $below (i32.lt_u (i32.add (i32.shl (local.get $ty) (i32.const 1)) (i32.const 1)) (local.get $OH)))
      (local.set $tx (i32.const 0))
      (block $txDone (loop $txLoop
        (br_if $txDone (i32.ge_u (local.get $tx) (local.get $TW)))
        (local.set $right (i32.lt_u (i32.add (i32.shl (local.get $tx) (i32.const 1)) (i32.const 1)) (local.get $OW)))
        ;; byte offset of [0][2·ty][2·tx] in dst and residual
        (local.set $at (i32.add
          (i32.mul (i32.shl (local.get $ty) (i32.const 1)) (local.get $rowBytes))
          (i32.shl (i32.shl (local.get $tx) (i32.const 1)) (i32.const 2))))
        (local.set $o (i32.const 0))
        (block $oDone (loop $oLoop
          (br_if $oDone (i32.ge_u (local.get $o) (local.get $O4)))
          ;; f = Aᵀ m: f0j = m0j + m1j + m2j, f1j = m1j - m2j - m3j
          (local.set $f00 (f32x4.add (f32x4.add (v128.load (i32.add (local.get $m0) (local.get $in))) (v128.load (i32.add (local.get $m4) (local.get $in)))) (v128.load (i32.add (local.get $m8) (local.get $in)))))
          (local.set $f01 (f32x4.add (f32x4.add (v128.load (i32.add (local.get $m1) (local.get $in))) (v128.load (i32.add (local.get $m5) (local.get $in)))) (v128.load (i32.add (local.get $m9) (local.get $in)))))
          (local.set $f02 (f32x4.add (f32x4.add (v128.load (i32.add (local.get $m2) (local.get $in))) (v128.load (i32.add (local.get $m6) (local.get $in)))) (v128.load (i32.add (local.get $m10) (local.get $in)))))
          (local.set $f03 (f32x4.add (f32x4.add (v128.load (i32.add (local.get $m3) (local.get $in))) (v128.load (i32.add (local.get $m7) (local.get $in)))) (v128.load (i32.add (local.get $m11) (local.get $in)))))
          (local.set $f10 (f32x4.sub (f32x4.sub (v128.load (i32.add (local.get $m4) (local.get $in))) (v128.load (i32.add (local.get $m8) (local.get $in)))) (v128.load (i32.add (local.get $m12) (local.get $in)))))
          (local.set $f11 (f32x4.sub (f32x4.sub (v128.load (i32.add (local.get $m5) (local.get $in))) (v128.load (i32.add (local.get $m9) (local.get $in)))) (v128.load (i32.add (local.get $m13) (local.get $in)))))
          (local.set $f12 (f32x4.sub (f32x4.sub (v128.load (i32.add (local.get $m6) (local.get $in))) (v128.load (i32.add (local.get $m10) (local.get $in)))) (v128.load (i32.add (local.get $m14) (local.get $in)))))
          (local.set $f13 (f32x4.sub (f32x4.sub (v128.load (i32.add (local.get $m7) (local.get $in))) (v128.load (i32.add (local.get $m11) (local.get $in)))) (v128.load (i32.add (local.get $m15) (local.get $in)))))
          ;; Y = f A: y_r0 = f_r0 + f_r1 + f_r2, y_r1 = f_r1 - f_r2 - f_r3 (lanes: channels o … o + 3)
          (local.set $y00 (f32x4.add (f32x4.add (local.get $f00) (local.get $f01)) (local.get $f02)))
          (local.set $y01 (f32x4.sub (f32x4.sub (local.get $f01) (local.get $f02)) (local.get $f03)))
          (local.set $y10 (f32x4.add (f32x4.add (local.get $f10) (local.get $f11)) (local.get $f12)))
          (local.set $y11 (f32x4.sub (f32x4.sub (local.get $f11) (local.get $f12)) (local.get $f13)))
          (if (local.get $bias)
            (then
              (local.set $z (v128.load (i32.add (local.get $bias) (i32.shl (local.get $o) (i32.const 2)))))
              (local.set $y00 (f32x4.add (local.get $y00) (local.get $z)))
              (local.set $y01 (f32x4.add (local.get $y01) (local.get $z)))
              (local.set $y10 (f32x4.add (local.get $y10) (local.get $z)))
              (local.set $y11 (f32x4.add (local.get $y11) (local.get $z)))
))
          ;; transpose: t0 = (y00[0], y01[0], y00[1], y01[1]), t1 the same of lanes 2 and 3, t2 and t3 of y10, y11;
          ;; then channel o + k's vector (y00[k], y01[k], y10[k], y11[k]) is half of t0 or t1 and half of t2 or t3
          (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $y00) (local.get $y01)))
          (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $y00) (local.get $y01)))
          (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $y10) (local.get $y11)))
          (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $y10) (local.get $y11)))
          (local.set $p (i32.add (i32.mul (local.get $o) (local.get $plane)) (local.get $at)))  ;; byte offset of [o][2·ty][2·tx]
          ;; channel o + 0: (y00, y01, y10, y11)[0], + residual, ReLU, pixels (0, 0) (0, 1) to its row 2·ty, (1, 0) (1, 1) to row 2·ty + 1
          (local.set $z (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
          (if (local.get $residual)
            (then
              (local.set $z (f32x4.add (local.get $z) (v128.load64_lane 1
                (i32.add (i32.add (local.get $residual) (local.get $p)) (local.get $rowBytes))
                (v128.load64_zero (i32.add (local.get $residual) (local.get $p))))))))
          (if (local.get $relu) (then (local.set $z (f32x4.max (local.get $z) (v128.const i32x4 0 0 0 0)))))
          (if (local.get $right)
            (then
              (v128.store64_lane 0 (i32.add (local.get $dst) (local.get $p)) (local.get $z))
              (if (local.get $below) (then (v128.store64_lane 1 (i32.add (i32.add (local.get $dst) (local.get $p)) (local.get $rowBytes)) (local.get $z)))))
            (else
              (v128.store32_lane 0 (i32.add (local.get $dst) (local.get $p)) (local.get $z))
              (if (local.get $below) (then (v128.store32_lane 2 (i32.add (i32.add (local.get $dst) (local.get $p)) (local.get $rowBytes)) (local.get $z))))))
          (local.set $p (i32.add (local.get $p) (local.get $plane)))
          ;; channel o + 1: (y00, y01, y10, y11)[1], + residual, ReLU, pixels (0, 0) (0, 1) to its row 2·ty, (1, 0) (1, 1) to row 2·ty + 1
          (local.set $z (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
          (if (local.get $residual)
            (then
              (local.set $z (f32x4.add (local.get $z) (v128.load64_lane 1
                (i32.add (i32.add (local.get $residual) (local.get $p)) (local.get $rowBytes))
                (v128.load64_zero (i32.add (local.get $residual) (local.get $p))))))))
          (if (local.get $relu) (then (local.set $z (f32x4.max (local.get $z) (v128.const i32x4 0 0 0 0)))))
          (if (local.get $right)
            (then
              (v128.store64_lane 0 (i32.add (local.get $dst) (local.get $p)) (local.get $z))
              (if (local.get $below) (then (v128.store64_lane 1 (i32.add (i32.add (local.get $dst) (local.get $p)) (local.get $rowBytes)) (local.get $z)))))
            (else
              (v128.store32_lane 0 (i32.add (local.get $dst) (local.get $p)) (local.get $z))
              (if (local.get $below) (then (v128.store32_lane 2 (i32.add (i32.add (local.get $dst) (local.get $p)) (local.get $rowBytes)) (local.get $z))))))
          (local.set $p (i32.add (local.get $p) (local.get $plane)))
          ;; channel o + 2: (y00, y01, y10, y11)[2], + residual, ReLU, pixels (0, 0) (0, 1) to its row 2·ty, (1, 0) (1, 1) to row 2·ty + 1
          (local.set $z (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
          (if (local.get $residual)
            (then
              (local.set $z (f32x4.add (local.get $z) (v128.load64_lane 1
                (i32.add (i32.add (local.get $residual) (local.get $p)) (local.get $rowBytes))
                (v128.load64_zero (i32.add (local.get $residual) (local.get $p))))))))
          (if (local.get $relu) (then (local.set $z (f32x4.max (local.get $z) (v128.const i32x4 0 0 0 0)))))
          (if (local.get $right)
            (then
              (v128.store64_lane 0 (i32.add (local.get $dst) (local.get $p)) (local.get $z))
              (if (local.get $below) (then (v128.store64_lane 1 (i32.add (i32.add (local.get $dst) (local.get $p)) (local.get $rowBytes)) (local.get $z)))))
            (else
              (v128.store32_lane 0 (i32.add (local.get $dst) (local.get $p)) (local.get $z))
              (if (local.get $below) (then (v128.store32_lane 2 (i32.add (i32.add (local.get $dst) (local.get $p)) (local.get $rowBytes)) (local.get $z))))))
          (local.set $p (i32.add (local.get $p) (local.get $plane)))
          ;; channel o + 3: (y00, y01, y10, y11)[3], + residual, ReLU, pixels (0, 0) (0, 1) to its row 2·ty, (1, 0) (1, 1) to row 2·ty + 1
          (local.set $z (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
          (if (local.get $residual)
            (then
              (local.set $z (f32x4.add (local.get $z) (v128.load64_lane 1
                (i32.add (i32.add (local.get $residual) (local.get $p)) (local.get $rowBytes))
                (v128.load64_zero (i32.add (local.get $residual) (local.get $p))))))))
          (if (local.get $relu) (then (local.set $z (f32x4.max (local.get $z) (v128.const i32x4 0 0 0 0)))))
          (if (local.get $right)
            (then
              (v128.store64_lane 0 (i32.add (local.get $dst) (local.get $p)) (local.get $z))
              (if (local.get $below) (then (v128.store64_lane 1 (i32.add (i32.add (local.get $dst) (local.get $p)) (local.get $rowBytes)) (local.get $z)))))
            (else
              (v128.store32_lane 0 (i32.add (local.get $dst) (local.get $p)) (local.get $z))
              (if (local.get $below) (then (v128.store32_lane 2 (i32.add (i32.add (local.get $dst) (local.get $p)) (local.get $rowBytes)) (local.get $z))))))
          (local.set $in (i32.add (local.get $in) (i32.const 16)))
          (local.set $o (i32.add (local.get $o) (i32.const 4)))
          (br $oLoop)))
        (local.set $tx (i32.add (local.get $tx) (i32.const 1)))
        (br $txLoop)))
      (local.set $ty (i32.add (local.get $ty) (i32.const 1)))
      (br $tyLoop)))
  )
)
