;; conv-nchw — convolutions on NCHW planes in WebAssembly's 128-bit SIMD, for the convs that
;; leave XNNPACK (../plan.ts: few input channels, and 1×1 convs without padding):
;;   conv       a direct convolution: 4 output channels × 8 neighbouring output pixels of one row
;;              per block, 8 accumulators, so every input vector loaded serves 4 channels and
;;              every weight broadcast 8 pixels (also the stride-1 input gradient, on dY);
;;   filter     its filter gradient, 4 output channels × 3 taps a block;
;;   pointwise  a matrix product with the same blocks, for 1×1 convs and both their gradients;
;;   pad, compact, expand   the layouts around them;
;;   transpose  NCHW ↔ NHWC around the convs that stay on XNNPACK, and the filter gradient's
;;              operands.
;; Unlike tfjs's XNNPACK conv (NHWC only) they read and write Sapling's layout as it is, so no
;; transposes; modules.ts loads the module on the same memory as the other modules, and a
;; second time on tfjs's own memory, where `transpose` runs between tfjs tensors.
;;
;; The text here is the source: scripts/build-wasm.ts assembles it (with the `wabt` package) into
;; conv-nchw.wasm.ts, and a test checks that the committed bytes are this text's.
;;
;; Layout of one image's input in the module's memory, as `pad` writes it: C planes of Hp rows,
;; each row split into sw column phases of Wq floats (phase φ holds the padded columns φ, φ + sw,
;; …). Then tap (a, b) of output pixel (i, j) is phase b mod sw, column j + floor(b / sw) of row
;; i·sh + a, and eight neighbouring pixels read eight neighbouring floats at any stride.
(module
  (import "env" "memory" (memory 1))

  ;; dst[c][pt + h][(pl + w) mod sw][floor((pl + w) / sw)] = src[c][h][w] for c < C, h < H, w < W.
  ;; dst is zeroed by the caller (the padding).
  (func (export "pad")
    (param $src i32) (param $dst i32) (param $C i32) (param $H i32) (param $W i32) (param $pt i32) (param $pl i32)
    (param $Hp i32) (param $sw i32) (param $Wq i32)
    (local $c i32) (local $h i32) (local $w i32) (local $phase i32) (local $col i32) (local $row i32) (local $rowFloats i32)
    (local.set $rowFloats (i32.mul (local.get $sw) (local.get $Wq)))
    (block $cDone (loop $cLoop
      (br_if $cDone (i32.ge_u (local.get $c) (local.get $C)))
      (local.set $h (i32.const 0))
      (block $hDone (loop $hLoop
        (br_if $hDone (i32.ge_u (local.get $h) (local.get $H)))
        ;; &dst[c][pt + h][0][0]
        (local.set $row (i32.add (local.get $dst) (i32.shl
          (i32.mul (i32.add (i32.mul (local.get $c) (local.get $Hp)) (i32.add (local.get $pt) (local.get $h))) (local.get $rowFloats))
          (i32.const 2))))
        (if (i32.eq (local.get $sw) (i32.const 1))
          (then
            ;; one phase: the row is a shifted copy, four floats at a time, then the rest
            (local.set $row (i32.add (local.get $row) (i32.shl (local.get $pl) (i32.const 2))))
            (local.set $w (i32.const 0))
            (block $quadsDone (loop $quads
              (br_if $quadsDone (i32.gt_u (i32.add (local.get $w) (i32.const 4)) (local.get $W)))
              (v128.store (local.get $row) (v128.load (local.get $src)))
              (local.set $row (i32.add (local.get $row) (i32.const 16)))
              (local.set $src (i32.add (local.get $src) (i32.const 16)))
              (local.set $w (i32.add (local.get $w) (i32.const 4)))
              (br $quads)))
            (block $restDone (loop $rest
              (br_if $restDone (i32.ge_u (local.get $w) (local.get $W)))
              (f32.store (local.get $row) (f32.load (local.get $src)))
              (local.set $row (i32.add (local.get $row) (i32.const 4)))
              (local.set $src (i32.add (local.get $src) (i32.const 4)))
              (local.set $w (i32.add (local.get $w) (i32.const 1)))
              (br $rest))))
          (else
            ;; padded column q = pl + w goes to phase q mod sw, column floor(q / sw) (counters, no division per float)
            (local.set $phase (i32.rem_u (local.get $pl) (local.get $sw)))
            (local.set $col (i32.div_u (local.get $pl) (local.get $sw)))
            (local.set $w (i32.const 0))
            (block $wDone (loop $wLoop
              (br_if $wDone (i32.ge_u (local.get $w) (local.get $W)))
              (f32.store
                (i32.add (local.get $row) (i32.shl (i32.add (i32.mul (local.get $phase) (local.get $Wq)) (local.get $col)) (i32.const 2)))
                (f32.load (local.get $src)))
              (local.set $src (i32.add (local.get $src) (i32.const 4)))
              (local.set $phase (i32.add (local.get $phase) (i32.const 1)))
              (if (i32.eq (local.get $phase) (local.get $sw))
                (then (local.set $phase (i32.const 0)) (local.set $col (i32.add (local.get $col) (i32.const 1)))))
              (local.set $w (i32.add (local.get $w) (i32.const 1)))
              (br $wLoop)))))
        (local.set $h (i32.add (local.get $h) (i32.const 1)))
        (br $hLoop)))
      (local.set $c (i32.add (local.get $c) (i32.const 1)))
      (br $cLoop)))
  )

  ;; y[o][i][j] = relu?(bias[o] + Σ_c Σ_a Σ_b w[o][c][a][b] · x[c][i·sh + a][b mod sw][j + floor(b / sw)])
  ;; for o < O (a multiple of 4), i < OH, j < OWp (a multiple of 8: y's rows are OWp floats; the
  ;; columns from OW on are computed from the row's slack and dropped by the caller). x as `pad`
  ;; lays it out (Hp rows of sw·Wq floats a plane), w [O][C][KH][KW], bias [O] or 0 for none.
  (func (export "conv")
    (param $x i32) (param $w i32) (param $bias i32) (param $y i32)
    (param $C i32) (param $KH i32) (param $KW i32) (param $O i32) (param $OH i32) (param $OWp i32)
    (param $Hp i32) (param $sh i32) (param $sw i32) (param $Wq i32) (param $relu i32)
    (local $o i32) (local $i i32) (local $j i32) (local $c i32) (local $a i32) (local $phase i32) (local $b i32)
    (local $wo i32) (local $wStride i32) (local $wc i32) (local $wt i32) (local $xs i32) (local $xrow i32)
    (local $plane i32) (local $rowBytes i32) (local $yp i32) (local $P i32)
    (local $a00 v128) (local $a01 v128) (local $a10 v128) (local $a11 v128) (local $a20 v128) (local $a21 v128) (local $a30 v128) (local $a31 v128)
    (local $x0 v128) (local $x1 v128) (local $wv v128)
    (local.set $wStride (i32.shl (i32.mul (i32.mul (local.get $C) (local.get $KH)) (local.get $KW)) (i32.const 2))) ;; bytes from w[o] to w[o + 1]
    (local.set $rowBytes (i32.shl (i32.mul (local.get $sw) (local.get $Wq)) (i32.const 2)))
    (local.set $plane (i32.mul (local.get $Hp) (local.get $rowBytes)))
    (local.set $P (i32.mul (local.get $OH) (local.get $OWp)))
    (block $oDone (loop $oLoop
      (br_if $oDone (i32.ge_u (local.get $o) (local.get $O)))
      (local.set $wo (i32.add (local.get $w) (i32.mul (local.get $o) (local.get $wStride))))
      (local.set $i (i32.const 0))
      (block $iDone (loop $iLoop
        (br_if $iDone (i32.ge_u (local.get $i) (local.get $OH)))
        (local.set $j (i32.const 0))
        (block $jDone (loop $jLoop
          (br_if $jDone (i32.ge_u (local.get $j) (local.get $OWp)))
          (if (local.get $bias)
            (then
              (local.set $b (i32.add (local.get $bias) (i32.shl (local.get $o) (i32.const 2))))
              (local.set $a00 (v128.load32_splat (local.get $b)))
              (local.set $a10 (v128.load32_splat offset=4 (local.get $b)))
              (local.set $a20 (v128.load32_splat offset=8 (local.get $b)))
              (local.set $a30 (v128.load32_splat offset=12 (local.get $b))))
            (else
              (local.set $a00 (v128.const i32x4 0 0 0 0)) (local.set $a10 (v128.const i32x4 0 0 0 0))
              (local.set $a20 (v128.const i32x4 0 0 0 0)) (local.set $a30 (v128.const i32x4 0 0 0 0))))
          (local.set $a01 (local.get $a00)) (local.set $a11 (local.get $a10)) (local.set $a21 (local.get $a20)) (local.set $a31 (local.get $a30))
          (local.set $wc (local.get $wo)) ;; &w[o][c][0][0]
          (local.set $c (i32.const 0))
          (block $cDone (loop $cLoop
            (br_if $cDone (i32.ge_u (local.get $c) (local.get $C)))
            (local.set $a (i32.const 0))
            (block $aDone (loop $aLoop
              (br_if $aDone (i32.ge_u (local.get $a) (local.get $KH)))
              ;; &x[c][i·sh + a][0][j]
              (local.set $xrow (i32.add
                (i32.add (local.get $x) (i32.mul (local.get $c) (local.get $plane)))
                (i32.add (i32.mul (i32.add (i32.mul (local.get $i) (local.get $sh)) (local.get $a)) (local.get $rowBytes)) (i32.shl (local.get $j) (i32.const 2)))))
              ;; the taps b of this row, phase by phase: b = φ, φ + sw, …
              (local.set $phase (i32.const 0))
              (block $phasesDone (loop $phases
                (br_if $phasesDone (i32.ge_u (local.get $phase) (local.get $sw)))
                (local.set $xs (i32.add (local.get $xrow) (i32.shl (i32.mul (local.get $phase) (local.get $Wq)) (i32.const 2))))
                (local.set $wt (i32.add (local.get $wc) (i32.shl (i32.add (i32.mul (local.get $a) (local.get $KW)) (local.get $phase)) (i32.const 2))))
                (local.set $b (local.get $phase))
                (block $tapsDone (loop $taps
                  (br_if $tapsDone (i32.ge_u (local.get $b) (local.get $KW)))
                  (local.set $x0 (v128.load (local.get $xs)))
                  (local.set $x1 (v128.load offset=16 (local.get $xs)))
                  (local.set $wv (v128.load32_splat (local.get $wt)))
                  (local.set $a00 (f32x4.add (local.get $a00) (f32x4.mul (local.get $wv) (local.get $x0))))
                  (local.set $a01 (f32x4.add (local.get $a01) (f32x4.mul (local.get $wv) (local.get $x1))))
                  (local.set $wv (v128.load32_splat (i32.add (local.get $wt) (local.get $wStride))))
                  (local.set $a10 (f32x4.add (local.get $a10) (f32x4.mul (local.get $wv) (local.get $x0))))
                  (local.set $a11 (f32x4.add (local.get $a11) (f32x4.mul (local.get $wv) (local.get $x1))))
                  (local.set $wv (v128.load32_splat (i32.add (local.get $wt) (i32.shl (local.get $wStride) (i32.const 1)))))
                  (local.set $a20 (f32x4.add (local.get $a20) (f32x4.mul (local.get $wv) (local.get $x0))))
                  (local.set $a21 (f32x4.add (local.get $a21) (f32x4.mul (local.get $wv) (local.get $x1))))
                  (local.set $wv (v128.load32_splat (i32.add (local.get $wt) (i32.mul (local.get $wStride) (i32.const 3)))))
                  (local.set $a30 (f32x4.add (local.get $a30) (f32x4.mul (local.get $wv) (local.get $x0))))
                  (local.set $a31 (f32x4.add (local.get $a31) (f32x4.mul (local.get $wv) (local.get $x1))))
                  (local.set $xs (i32.add (local.get $xs) (i32.const 4)))
                  (local.set $wt (i32.add (local.get $wt) (i32.shl (local.get $sw) (i32.const 2))))
                  (local.set $b (i32.add (local.get $b) (local.get $sw)))
                  (br $taps)))
                (local.set $phase (i32.add (local.get $phase) (i32.const 1)))
                (br $phases)))
              (local.set $a (i32.add (local.get $a) (i32.const 1)))
              (br $aLoop)))
            (local.set $wc (i32.add (local.get $wc) (i32.shl (i32.mul (local.get $KH) (local.get $KW)) (i32.const 2))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $cLoop)))
          (if (local.get $relu)
            (then
              (local.set $a00 (f32x4.max (local.get $a00) (v128.const i32x4 0 0 0 0))) (local.set $a01 (f32x4.max (local.get $a01) (v128.const i32x4 0 0 0 0)))
              (local.set $a10 (f32x4.max (local.get $a10) (v128.const i32x4 0 0 0 0))) (local.set $a11 (f32x4.max (local.get $a11) (v128.const i32x4 0 0 0 0)))
              (local.set $a20 (f32x4.max (local.get $a20) (v128.const i32x4 0 0 0 0))) (local.set $a21 (f32x4.max (local.get $a21) (v128.const i32x4 0 0 0 0)))
              (local.set $a30 (f32x4.max (local.get $a30) (v128.const i32x4 0 0 0 0))) (local.set $a31 (f32x4.max (local.get $a31) (v128.const i32x4 0 0 0 0)))))
          ;; y[o + k][i][j … j + 7], k < 4
          (local.set $yp (i32.add (local.get $y) (i32.shl (i32.add (i32.mul (local.get $o) (local.get $P)) (i32.add (i32.mul (local.get $i) (local.get $OWp)) (local.get $j))) (i32.const 2))))
          (v128.store (local.get $yp) (local.get $a00)) (v128.store offset=16 (local.get $yp) (local.get $a01))
          (local.set $yp (i32.add (local.get $yp) (i32.shl (local.get $P) (i32.const 2))))
          (v128.store (local.get $yp) (local.get $a10)) (v128.store offset=16 (local.get $yp) (local.get $a11))
          (local.set $yp (i32.add (local.get $yp) (i32.shl (local.get $P) (i32.const 2))))
          (v128.store (local.get $yp) (local.get $a20)) (v128.store offset=16 (local.get $yp) (local.get $a21))
          (local.set $yp (i32.add (local.get $yp) (i32.shl (local.get $P) (i32.const 2))))
          (v128.store (local.get $yp) (local.get $a30)) (v128.store offset=16 (local.get $yp) (local.get $a31))
          (local.set $j (i32.add (local.get $j) (i32.const 8)))
          (br $jLoop)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $iLoop)))
      (local.set $o (i32.add (local.get $o) (i32.const 4)))
      (br $oLoop)))
  )

;; *at += the sum of v's four lanes
  (func $addLanes (param $at i32) (param $v v128)
    (f32.store (local.get $at) (f32.add (f32.load (local.get $at))
      (f32.add (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
               (f32.add (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))))

  ;; the lanes of s0, s1, s2 added to at[0], at[1], at[2], for the first `taps` of them
  (func $addTaps (param $at i32) (param $taps i32) (param $s0 v128) (param $s1 v128) (param $s2 v128)
    (call $addLanes (local.get $at) (local.get $s0))
    (if (i32.gt_u (local.get $taps) (i32.const 1)) (then (call $addLanes (i32.add (local.get $at) (i32.const 4)) (local.get $s1))))
    (if (i32.gt_u (local.get $taps) (i32.const 2)) (then (call $addLanes (i32.add (local.get $at) (i32.const 8)) (local.get $s2)))))

  ;; dW[o][c][a][b] += Σ_i Σ_j dy[o][i][j] · x[c][i·sh + a][b mod sw][j + floor(b / sw)]: the filter
  ;; gradient of `conv` for one image, for o < O (a multiple of 4), dy's rows OWp floats (a multiple
  ;; of 4, zero from OW on), x as `pad` lays it out, dW [O][C][KH][KW] summed into. A block is
  ;; 4 output channels × 3 taps of a window row: 12 accumulators, each dy vector loaded serving 3
  ;; taps and each x vector 4 channels; the 4 lanes of each are added at the end of the block.
  (func (export "filter")
    (param $x i32) (param $dy i32) (param $dw i32)
    (param $C i32) (param $KH i32) (param $KW i32) (param $O i32) (param $OH i32) (param $OWp i32)
    (param $Hp i32) (param $sh i32) (param $sw i32) (param $Wq i32)
    (local $o i32) (local $c i32) (local $a i32) (local $b0 i32) (local $i i32) (local $j i32) (local $t i32)
    (local $off0 i32) (local $off1 i32) (local $off2 i32) (local $taps i32)
    (local $rowBytes i32) (local $plane i32) (local $dyPlane i32) (local $xrow i32) (local $d i32) (local $out i32) (local $wStride i32)
    (local $s00 v128) (local $s01 v128) (local $s02 v128) (local $s10 v128) (local $s11 v128) (local $s12 v128)
    (local $s20 v128) (local $s21 v128) (local $s22 v128) (local $s30 v128) (local $s31 v128) (local $s32 v128)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $g v128)
    (local.set $rowBytes (i32.shl (i32.mul (local.get $sw) (local.get $Wq)) (i32.const 2)))
    (local.set $plane (i32.mul (local.get $Hp) (local.get $rowBytes)))
    (local.set $wStride (i32.shl (i32.mul (i32.mul (local.get $C) (local.get $KH)) (local.get $KW)) (i32.const 2))) ;; bytes from dW[o] to dW[o + 1]
    (local.set $dyPlane (i32.shl (i32.mul (local.get $OH) (local.get $OWp)) (i32.const 2)))
    (block $oDone (loop $oLoop
      (br_if $oDone (i32.ge_u (local.get $o) (local.get $O)))
      (local.set $c (i32.const 0))
      (block $cDone (loop $cLoop
        (br_if $cDone (i32.ge_u (local.get $c) (local.get $C)))
        (local.set $a (i32.const 0))
        (block $aDone (loop $aLoop
          (br_if $aDone (i32.ge_u (local.get $a) (local.get $KH)))
          (local.set $b0 (i32.const 0))
          (block $bDone (loop $bLoop
            (br_if $bDone (i32.ge_u (local.get $b0) (local.get $KW)))
            ;; the taps b0, b0 + 1, b0 + 2 (those past KW repeat b0's reads; their sums are dropped)
            (local.set $taps (i32.sub (local.get $KW) (local.get $b0)))
            (if (i32.gt_u (local.get $taps) (i32.const 3)) (then (local.set $taps (i32.const 3))))
            (local.set $off0 (i32.shl (i32.add (i32.mul (i32.rem_u (local.get $b0) (local.get $sw)) (local.get $Wq)) (i32.div_u (local.get $b0) (local.get $sw))) (i32.const 2)))
            (local.set $off1 (local.get $off0))
            (local.set $off2 (local.get $off0))
            (if (i32.gt_u (local.get $taps) (i32.const 1)) (then
              (local.set $t (i32.add (local.get $b0) (i32.const 1)))
              (local.set $off1 (i32.shl (i32.add (i32.mul (i32.rem_u (local.get $t) (local.get $sw)) (local.get $Wq)) (i32.div_u (local.get $t) (local.get $sw))) (i32.const 2)))))
            (if (i32.gt_u (local.get $taps) (i32.const 2)) (then
              (local.set $t (i32.add (local.get $b0) (i32.const 2)))
              (local.set $off2 (i32.shl (i32.add (i32.mul (i32.rem_u (local.get $t) (local.get $sw)) (local.get $Wq)) (i32.div_u (local.get $t) (local.get $sw))) (i32.const 2)))))
            (local.set $s00 (v128.const i32x4 0 0 0 0)) (local.set $s01 (v128.const i32x4 0 0 0 0)) (local.set $s02 (v128.const i32x4 0 0 0 0))
            (local.set $s10 (v128.const i32x4 0 0 0 0)) (local.set $s11 (v128.const i32x4 0 0 0 0)) (local.set $s12 (v128.const i32x4 0 0 0 0))
            (local.set $s20 (v128.const i32x4 0 0 0 0)) (local.set $s21 (v128.const i32x4 0 0 0 0)) (local.set $s22 (v128.const i32x4 0 0 0 0))
            (local.set $s30 (v128.const i32x4 0 0 0 0)) (local.set $s31 (v128.const i32x4 0 0 0 0)) (local.set $s32 (v128.const i32x4 0 0 0 0))
            (local.set $i (i32.const 0))
            (block $iDone (loop $iLoop
              (br_if $iDone (i32.ge_u (local.get $i) (local.get $OH)))
              ;; &x[c][i·sh + a][0][0] and &dy[o][i][0]
              (local.set $xrow (i32.add (i32.add (local.get $x) (i32.mul (local.get $c) (local.get $plane)))
                (i32.mul (i32.add (i32.mul (local.get $i) (local.get $sh)) (local.get $a)) (local.get $rowBytes))))
              (local.set $d (i32.add (local.get $dy) (i32.add (i32.mul (local.get $o) (local.get $dyPlane)) (i32.shl (i32.mul (local.get $i) (local.get $OWp)) (i32.const 2)))))
              (local.set $j (i32.const 0))
              (if (i32.eq (local.get $taps) (i32.const 1)) (then
                ;; one tap left in the row (7 = 3 + 3 + 1): 4 sums, not 12
                (block $oneDone (loop $oneLoop
                  (br_if $oneDone (i32.ge_u (local.get $j) (local.get $OWp)))
                  (local.set $v0 (v128.load (i32.add (local.get $xrow) (local.get $off0))))
                  (local.set $s00 (f32x4.add (local.get $s00) (f32x4.mul (v128.load (local.get $d)) (local.get $v0))))
                  (local.set $s10 (f32x4.add (local.get $s10) (f32x4.mul (v128.load (i32.add (local.get $d) (local.get $dyPlane))) (local.get $v0))))
                  (local.set $s20 (f32x4.add (local.get $s20) (f32x4.mul (v128.load (i32.add (local.get $d) (i32.shl (local.get $dyPlane) (i32.const 1)))) (local.get $v0))))
                  (local.set $s30 (f32x4.add (local.get $s30) (f32x4.mul (v128.load (i32.add (local.get $d) (i32.mul (local.get $dyPlane) (i32.const 3)))) (local.get $v0))))
                  (local.set $xrow (i32.add (local.get $xrow) (i32.const 16)))
                  (local.set $d (i32.add (local.get $d) (i32.const 16)))
                  (local.set $j (i32.add (local.get $j) (i32.const 4)))
                  (br $oneLoop)))))
              (block $jDone (loop $jLoop
                (br_if $jDone (i32.ge_u (local.get $j) (local.get $OWp)))
                (local.set $v0 (v128.load (i32.add (local.get $xrow) (local.get $off0))))
                (local.set $v1 (v128.load (i32.add (local.get $xrow) (local.get $off1))))
                (local.set $v2 (v128.load (i32.add (local.get $xrow) (local.get $off2))))
                (local.set $g (v128.load (local.get $d)))
                (local.set $s00 (f32x4.add (local.get $s00) (f32x4.mul (local.get $g) (local.get $v0))))
                (local.set $s01 (f32x4.add (local.get $s01) (f32x4.mul (local.get $g) (local.get $v1))))
                (local.set $s02 (f32x4.add (local.get $s02) (f32x4.mul (local.get $g) (local.get $v2))))
                (local.set $g (v128.load (i32.add (local.get $d) (local.get $dyPlane))))
                (local.set $s10 (f32x4.add (local.get $s10) (f32x4.mul (local.get $g) (local.get $v0))))
                (local.set $s11 (f32x4.add (local.get $s11) (f32x4.mul (local.get $g) (local.get $v1))))
                (local.set $s12 (f32x4.add (local.get $s12) (f32x4.mul (local.get $g) (local.get $v2))))
                (local.set $g (v128.load (i32.add (local.get $d) (i32.shl (local.get $dyPlane) (i32.const 1)))))
                (local.set $s20 (f32x4.add (local.get $s20) (f32x4.mul (local.get $g) (local.get $v0))))
                (local.set $s21 (f32x4.add (local.get $s21) (f32x4.mul (local.get $g) (local.get $v1))))
                (local.set $s22 (f32x4.add (local.get $s22) (f32x4.mul (local.get $g) (local.get $v2))))
                (local.set $g (v128.load (i32.add (local.get $d) (i32.mul (local.get $dyPlane) (i32.const 3)))))
                (local.set $s30 (f32x4.add (local.get $s30) (f32x4.mul (local.get $g) (local.get $v0))))
                (local.set $s31 (f32x4.add (local.get $s31) (f32x4.mul (local.get $g) (local.get $v1))))
                (local.set $s32 (f32x4.add (local.get $s32) (f32x4.mul (local.get $g) (local.get $v2))))
                (local.set $xrow (i32.add (local.get $xrow) (i32.const 16)))
                (local.set $d (i32.add (local.get $d) (i32.const 16)))
                (local.set $j (i32.add (local.get $j) (i32.const 4)))
                (br $jLoop)))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br $iLoop)))
            ;; dW[o + k][c][a][b0 + t] += the lanes of s_kt, for t < taps
            (local.set $out (i32.add (local.get $dw) (i32.shl
              (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $o) (local.get $C)) (local.get $c)) (local.get $KH)) (local.get $a)) (local.get $KW)) (local.get $b0))
              (i32.const 2))))
            (call $addTaps (local.get $out) (local.get $taps) (local.get $s00) (local.get $s01) (local.get $s02))
            (local.set $out (i32.add (local.get $out) (local.get $wStride)))
            (call $addTaps (local.get $out) (local.get $taps) (local.get $s10) (local.get $s11) (local.get $s12))
            (local.set $out (i32.add (local.get $out) (local.get $wStride)))
            (call $addTaps (local.get $out) (local.get $taps) (local.get $s20) (local.get $s21) (local.get $s22))
            (local.set $out (i32.add (local.get $out) (local.get $wStride)))
            (call $addTaps (local.get $out) (local.get $taps) (local.get $s30) (local.get $s31) (local.get $s32))
            (local.set $b0 (i32.add (local.get $b0) (i32.const 3)))
            (br $bLoop)))
          (local.set $a (i32.add (local.get $a) (i32.const 1)))
          (br $aLoop)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $cLoop)))
      (local.set $o (i32.add (local.get $o) (i32.const 4)))
      (br $oLoop)))
  )

  ;; Rows of OWp floats → rows of OW (OW ≤ OWp), in place: y's first `rows` rows packed.
  (func (export "compact") (param $y i32) (param $rows i32) (param $OW i32) (param $OWp i32)
    (local $r i32)
    (local.set $r (i32.const 1))
    (block $done (loop $rowLoop
      (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
      (memory.copy
        (i32.add (local.get $y) (i32.shl (i32.mul (local.get $r) (local.get $OW)) (i32.const 2)))
        (i32.add (local.get $y) (i32.shl (i32.mul (local.get $r) (local.get $OWp)) (i32.const 2)))
        (i32.shl (local.get $OW) (i32.const 2)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rowLoop)))
  )
  ;; Rows of OW floats → rows of OWp (OW ≤ OWp), in place, the OWp − OW floats after each row
  ;; zeroed: the first `rows` rows of y spread out (the last row first, so none is overwritten).
  (func (export "expand") (param $y i32) (param $rows i32) (param $OW i32) (param $OWp i32)
    (local $r i32)
    (local.set $r (local.get $rows))
    (block $done (loop $rowLoop
      (br_if $done (i32.eqz (local.get $r)))
      (local.set $r (i32.sub (local.get $r) (i32.const 1)))
      (memory.copy
        (i32.add (local.get $y) (i32.shl (i32.mul (local.get $r) (local.get $OWp)) (i32.const 2)))
        (i32.add (local.get $y) (i32.shl (i32.mul (local.get $r) (local.get $OW)) (i32.const 2)))
        (i32.shl (local.get $OW) (i32.const 2)))
      (memory.fill
        (i32.add (local.get $y) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $OWp)) (local.get $OW)) (i32.const 2)))
        (i32.const 0)
        (i32.shl (i32.sub (local.get $OWp) (local.get $OW)) (i32.const 2)))
      (br $rowLoop)))
  )

  ;; y[o][p] = relu?(bias[o] + Σ_c w[o][c] · x[c][p]), or with `accumulate` y[o][p] += Σ_c …:
  ;; a matrix product [O, C] · [C, P8] — a 1×1 convolution of one image whose pixels are one row
  ;; of P8 floats (a multiple of 8), for o < O (a multiple of 4); or either gradient of one. The
  ;; blocks are the direct conv's, 4 rows × 8 columns, with the taps' loops gone: one c a step.
  (func (export "pointwise")
    (param $x i32) (param $w i32) (param $bias i32) (param $y i32) (param $C i32) (param $O i32) (param $P8 i32) (param $relu i32) (param $accumulate i32)
    (local $o i32) (local $j i32) (local $c i32) (local $xs i32) (local $wt i32) (local $yp i32) (local $b i32)
    (local $wStride i32) (local $plane i32)
    (local $a00 v128) (local $a01 v128) (local $a10 v128) (local $a11 v128) (local $a20 v128) (local $a21 v128) (local $a30 v128) (local $a31 v128)
    (local $x0 v128) (local $x1 v128) (local $wv v128)
    (local.set $wStride (i32.shl (local.get $C) (i32.const 2)))
    (local.set $plane (i32.shl (local.get $P8) (i32.const 2)))
    (block $oDone (loop $oLoop
      (br_if $oDone (i32.ge_u (local.get $o) (local.get $O)))
      (local.set $j (i32.const 0))
      (block $jDone (loop $jLoop
        (br_if $jDone (i32.ge_u (local.get $j) (local.get $P8)))
        (if (local.get $bias)
          (then
            (local.set $b (i32.add (local.get $bias) (i32.shl (local.get $o) (i32.const 2))))
            (local.set $a00 (v128.load32_splat (local.get $b)))
            (local.set $a10 (v128.load32_splat offset=4 (local.get $b)))
            (local.set $a20 (v128.load32_splat offset=8 (local.get $b)))
            (local.set $a30 (v128.load32_splat offset=12 (local.get $b))))
          (else
            (local.set $a00 (v128.const i32x4 0 0 0 0)) (local.set $a10 (v128.const i32x4 0 0 0 0))
            (local.set $a20 (v128.const i32x4 0 0 0 0)) (local.set $a30 (v128.const i32x4 0 0 0 0))))
        (local.set $a01 (local.get $a00)) (local.set $a11 (local.get $a10)) (local.set $a21 (local.get $a20)) (local.set $a31 (local.get $a30))
        (if (local.get $accumulate) (then
          (local.set $yp (i32.add (local.get $y) (i32.shl (i32.add (i32.mul (local.get $o) (local.get $P8)) (local.get $j)) (i32.const 2))))
          (local.set $a00 (v128.load (local.get $yp))) (local.set $a01 (v128.load offset=16 (local.get $yp)))
          (local.set $yp (i32.add (local.get $yp) (local.get $plane)))
          (local.set $a10 (v128.load (local.get $yp))) (local.set $a11 (v128.load offset=16 (local.get $yp)))
          (local.set $yp (i32.add (local.get $yp) (local.get $plane)))
          (local.set $a20 (v128.load (local.get $yp))) (local.set $a21 (v128.load offset=16 (local.get $yp)))
          (local.set $yp (i32.add (local.get $yp) (local.get $plane)))
          (local.set $a30 (v128.load (local.get $yp))) (local.set $a31 (v128.load offset=16 (local.get $yp)))))
        (local.set $xs (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $wt (i32.add (local.get $w) (i32.mul (local.get $o) (local.get $wStride))))
        (local.set $c (i32.const 0))
        (block $cDone (loop $cLoop
          (br_if $cDone (i32.ge_u (local.get $c) (local.get $C)))
          (local.set $x0 (v128.load (local.get $xs)))
          (local.set $x1 (v128.load offset=16 (local.get $xs)))
          (local.set $wv (v128.load32_splat (local.get $wt)))
          (local.set $a00 (f32x4.add (local.get $a00) (f32x4.mul (local.get $wv) (local.get $x0))))
          (local.set $a01 (f32x4.add (local.get $a01) (f32x4.mul (local.get $wv) (local.get $x1))))
          (local.set $wv (v128.load32_splat (i32.add (local.get $wt) (local.get $wStride))))
          (local.set $a10 (f32x4.add (local.get $a10) (f32x4.mul (local.get $wv) (local.get $x0))))
          (local.set $a11 (f32x4.add (local.get $a11) (f32x4.mul (local.get $wv) (local.get $x1))))
          (local.set $wv (v128.load32_splat (i32.add (local.get $wt) (i32.shl (local.get $wStride) (i32.const 1)))))
          (local.set $a20 (f32x4.add (local.get $a20) (f32x4.mul (local.get $wv) (local.get $x0))))
          (local.set $a21 (f32x4.add (local.get $a21) (f32x4.mul (local.get $wv) (local.get $x1))))
          (local.set $wv (v128.load32_splat (i32.add (local.get $wt) (i32.mul (local.get $wStride) (i32.const 3)))))
          (local.set $a30 (f32x4.add (local.get $a30) (f32x4.mul (local.get $wv) (local.get $x0))))
          (local.set $a31 (f32x4.add (local.get $a31) (f32x4.mul (local.get $wv) (local.get $x1))))
          (local.set $xs (i32.add (local.get $xs) (local.get $plane)))
          (local.set $wt (i32.add (local.get $wt) (i32.const 4)))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br $cLoop)))
        (if (local.get $relu)
          (then
            (local.set $a00 (f32x4.max (local.get $a00) (v128.const i32x4 0 0 0 0))) (local.set $a01 (f32x4.max (local.get $a01) (v128.const i32x4 0 0 0 0)))
            (local.set $a10 (f32x4.max (local.get $a10) (v128.const i32x4 0 0 0 0))) (local.set $a11 (f32x4.max (local.get $a11) (v128.const i32x4 0 0 0 0)))
            (local.set $a20 (f32x4.max (local.get $a20) (v128.const i32x4 0 0 0 0))) (local.set $a21 (f32x4.max (local.get $a21) (v128.const i32x4 0 0 0 0)))
            (local.set $a30 (f32x4.max (local.get $a30) (v128.const i32x4 0 0 0 0))) (local.set $a31 (f32x4.max (local.get $a31) (v128.const i32x4 0 0 0 0)))))
        (local.set $yp (i32.add (local.get $y) (i32.shl (i32.add (i32.mul (local.get $o) (local.get $P8)) (local.get $j)) (i32.const 2))))
        (v128.store (local.get $yp) (local.get $a00)) (v128.store offset=16 (local.get $yp) (local.get $a01))
        (local.set $yp (i32.add (local.get $yp) (local.get $plane)))
        (v128.store (local.get $yp) (local.get $a10)) (v128.store offset=16 (local.get $yp) (local.get $a11))
        (local.set $yp (i32.add (local.get $yp) (local.get $plane)))
        (v128.store (local.get $yp) (local.get $a20)) (v128.store offset=16 (local.get $yp) (local.get $a21))
        (local.set $yp (i32.add (local.get $yp) (local.get $plane)))
        (v128.store (local.get $yp) (local.get $a30)) (v128.store offset=16 (local.get $yp) (local.get $a31))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $jLoop)))
      (local.set $o (i32.add (local.get $o) (i32.const 4)))
      (br $oLoop)))
  )


  ;; dst[c·dstStride + r] = src[r·srcStride + c] for r < R, c < C: NCHW ↔ NHWC around the convs
  ;; that stay on tfjs, and the filter gradient's operands and result (../shares/). modules.ts
  ;; loads this module a second time on tfjs's own memory, so that these run inside its heap.
  ;; 4 × 4 blocks through registers (four rows loaded, four columns stored, shuffles between), in
  ;; tiles of 16 columns: a tile's 16 destination rows are filled 4 floats at a time by the tile's
  ;; row blocks while they are in cache. Columns past the last whole tile go 4 at a time, and rows
  ;; past the last block of 4 (and columns past the last group of 4) one float at a time.
  ;; [64, 3136] (ImageNet layer1's input) with two copies around it: 0.055 ms, against 0.19 for
  ;; the TypeScript transpose.
  (func (export "transpose") (param $src i32) (param $dst i32) (param $R i32) (param $C i32) (param $srcStride i32) (param $dstStride i32)
    (local $R4 i32) (local $C16 i32) (local $C4 i32) (local $c0 i32) (local $r i32) (local $c i32)
    (local $rowBytes i32) (local $colBytes i32) (local $s i32) (local $d i32)
    (local $a v128) (local $b v128) (local $e v128) (local $f v128) (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $R4 (i32.and (local.get $R) (i32.const -4)))
    (local.set $C16 (i32.and (local.get $C) (i32.const -16)))
    (local.set $C4 (i32.and (local.get $C) (i32.const -4)))
    (local.set $rowBytes (i32.shl (local.get $srcStride) (i32.const 2)))
    (local.set $colBytes (i32.shl (local.get $dstStride) (i32.const 2)))
    ;; whole tiles of 16 columns
    (block $c0Done (loop $c0Loop
      (br_if $c0Done (i32.ge_u (local.get $c0) (local.get $C16)))
      (local.set $r (i32.const 0))
      (block $rDone (loop $rLoop
        (br_if $rDone (i32.ge_u (local.get $r) (local.get $R4)))
        (local.set $c (local.get $c0))
        (block $cDone (loop $cLoop
          (br_if $cDone (i32.ge_u (local.get $c) (i32.add (local.get $c0) (i32.const 16))))
          ;; $block4's body, written out: a call per block costs as much as the block
          (local.set $s (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $srcStride)) (local.get $c)) (i32.const 2))))
          (local.set $a (v128.load (local.get $s)))
          (local.set $b (v128.load (i32.add (local.get $s) (local.get $rowBytes))))
          (local.set $e (v128.load (i32.add (local.get $s) (i32.shl (local.get $rowBytes) (i32.const 1)))))
          (local.set $f (v128.load (i32.add (local.get $s) (i32.mul (local.get $rowBytes) (i32.const 3)))))
          (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a) (local.get $b)))
          (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a) (local.get $b)))
          (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $e) (local.get $f)))
          (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $e) (local.get $f)))
          (local.set $d (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $dstStride)) (local.get $r)) (i32.const 2))))
          (v128.store (local.get $d) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
          (v128.store (i32.add (local.get $d) (local.get $colBytes)) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
          (v128.store (i32.add (local.get $d) (i32.shl (local.get $colBytes) (i32.const 1))) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
          (v128.store (i32.add (local.get $d) (i32.mul (local.get $colBytes) (i32.const 3))) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
          (local.set $c (i32.add (local.get $c) (i32.const 4)))
          (br $cLoop)))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $rLoop)))
      (local.set $c0 (i32.add (local.get $c0) (i32.const 16)))
      (br $c0Loop)))
    ;; the columns [C16, C4), in blocks of 4 × 4
    (local.set $r (i32.const 0))
    (block $rDone (loop $rLoop
      (br_if $rDone (i32.ge_u (local.get $r) (local.get $R4)))
      (local.set $c (local.get $C16))
      (block $cDone (loop $cLoop
        (br_if $cDone (i32.ge_u (local.get $c) (local.get $C4)))
        (call $block4 (local.get $src) (local.get $dst) (local.get $r) (local.get $c) (local.get $srcStride) (local.get $dstStride) (local.get $rowBytes) (local.get $colBytes))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $cLoop)))
      (local.set $r (i32.add (local.get $r) (i32.const 4)))
      (br $rLoop)))
    ;; one float at a time: the columns [C4, C) of the rows [0, R4), then the rows [R4, R)
    (call $scalar (local.get $src) (local.get $dst) (i32.const 0) (local.get $R4) (local.get $C4) (local.get $C) (local.get $srcStride) (local.get $dstStride))
    (call $scalar (local.get $src) (local.get $dst) (local.get $R4) (local.get $R) (i32.const 0) (local.get $C) (local.get $srcStride) (local.get $dstStride))
  )

  ;; The 4 × 4 block of rows [r, r + 4) and columns [c, c + 4) of `transpose`.
  (func $block4 (param $src i32) (param $dst i32) (param $r i32) (param $c i32) (param $srcStride i32) (param $dstStride i32) (param $rowBytes i32) (param $colBytes i32)
    (local $s i32) (local $d i32) (local $a v128) (local $b v128) (local $e v128) (local $f v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $s (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $srcStride)) (local.get $c)) (i32.const 2))))
    (local.set $a (v128.load (local.get $s)))
    (local.set $b (v128.load (i32.add (local.get $s) (local.get $rowBytes))))
    (local.set $e (v128.load (i32.add (local.get $s) (i32.shl (local.get $rowBytes) (i32.const 1)))))
    (local.set $f (v128.load (i32.add (local.get $s) (i32.mul (local.get $rowBytes) (i32.const 3)))))
    (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a) (local.get $b)))
    (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a) (local.get $b)))
    (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $e) (local.get $f)))
    (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $e) (local.get $f)))
    (local.set $d (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $dstStride)) (local.get $r)) (i32.const 2))))
    (v128.store (local.get $d) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
    (v128.store (i32.add (local.get $d) (local.get $colBytes)) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
    (v128.store (i32.add (local.get $d) (i32.shl (local.get $colBytes) (i32.const 1))) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
    (v128.store (i32.add (local.get $d) (i32.mul (local.get $colBytes) (i32.const 3))) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
  )

  ;; dst[c·dstStride + r] = src[r·srcStride + c] for r in [r0, r1), c in [c0, c1), one float at a time.
  (func $scalar (param $src i32) (param $dst i32) (param $r0 i32) (param $r1 i32) (param $c0 i32) (param $c1 i32) (param $srcStride i32) (param $dstStride i32)
    (local $r i32) (local $c i32)
    (local.set $r (local.get $r0))
    (block $rDone (loop $rLoop
      (br_if $rDone (i32.ge_u (local.get $r) (local.get $r1)))
      (local.set $c (local.get $c0))
      (block $cDone (loop $cLoop
        (br_if $cDone (i32.ge_u (local.get $c) (local.get $c1)))
        (f32.store
          (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $dstStride)) (local.get $r)) (i32.const 2)))
          (f32.load (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $srcStride)) (local.get $c)) (i32.const 2)))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $cLoop)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rLoop)))
  )
)
