;; col2im — the last step of a convolution's input gradient computed as a matrix product, in
;; WebAssembly's 128-bit SIMD: every window's column of the product is added back onto the pixels
;; that window read. shares/conv-input.ts (`columnsInputGradient`) uses it for convolutions with few input
;; channels, where it replaces the per-phase convs whose outputs (the input channels) are too
;; narrow for XNNPACK; modules.ts loads it on the same memory as rnn-cells.wat.
;; And its mirror, im2colTap: the patches of the filter gradient's matrix product, which
;; modules.ts runs inside tfjs's heap (the module loaded a second time, on tfjs's memory).
;;
;; The text here is the source: scripts/build-wasm.ts assembles it (with the `wabt` package) into
;; col2im.wasm.ts, and a test checks that the committed bytes are this text's.
(module
  (import "env" "memory" (memory 1))

  ;; For one image, with pointers in bytes to float32 arrays:
  ;;   dst[c][i·sh + a][j·sw + b] += cols[((i·OW + j)·C + c)·KH·KW + a·KW + b]
  ;; for every output pixel (i, j) < (OH, OW), input channel c < C and tap (a, b) < (KH, KW).
  ;; dst is the image's input gradient padded so that every window lies inside it: C planes of
  ;; Hp rows of Wp floats, (Hp, Wp) ≥ ((OH − 1)·sh + KH, (OW − 1)·sw + KW). The KW taps of one
  ;; window row are neighbours in both arrays, so they are added four at a time.
  (func (export "col2im")
    (param $cols i32) (param $OH i32) (param $OW i32) (param $C i32) (param $KH i32) (param $KW i32)
    (param $sh i32) (param $sw i32) (param $dst i32) (param $Hp i32) (param $Wp i32)
    (local $i i32) (local $j i32) (local $c i32) (local $a i32) (local $b i32)
    (local $src i32) (local $d i32) (local $kw4 i32)
    (local.set $kw4 (i32.and (local.get $KW) (i32.const -4)))
    (local.set $src (local.get $cols)) ;; cols is read once, in order: pixel, channel, tap row, tap
    (block $rowsDone (loop $rows
      (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $OH)))
      (local.set $j (i32.const 0))
      (block $pixelsDone (loop $pixels
        (br_if $pixelsDone (i32.ge_u (local.get $j) (local.get $OW)))
        (local.set $c (i32.const 0))
        (block $channelsDone (loop $channels
          (br_if $channelsDone (i32.ge_u (local.get $c) (local.get $C)))
          (local.set $a (i32.const 0))
          (block $tapRowsDone (loop $tapRows
            (br_if $tapRowsDone (i32.ge_u (local.get $a) (local.get $KH)))
            ;; d = &dst[c][i·sh + a][j·sw]
            (local.set $d (i32.add (local.get $dst) (i32.shl
              (i32.add
                (i32.mul (i32.add (i32.mul (local.get $c) (local.get $Hp)) (i32.add (i32.mul (local.get $i) (local.get $sh)) (local.get $a))) (local.get $Wp))
                (i32.mul (local.get $j) (local.get $sw)))
              (i32.const 2))))
            (local.set $b (i32.const 0))
            (block $quadsDone (loop $quads
              (br_if $quadsDone (i32.ge_u (local.get $b) (local.get $kw4)))
              (v128.store (local.get $d) (f32x4.add (v128.load (local.get $d)) (v128.load (local.get $src))))
              (local.set $d (i32.add (local.get $d) (i32.const 16)))
              (local.set $src (i32.add (local.get $src) (i32.const 16)))
              (local.set $b (i32.add (local.get $b) (i32.const 4)))
              (br $quads)))
            (block $tapsDone (loop $taps
              (br_if $tapsDone (i32.ge_u (local.get $b) (local.get $KW)))
              (f32.store (local.get $d) (f32.add (f32.load (local.get $d)) (f32.load (local.get $src))))
              (local.set $d (i32.add (local.get $d) (i32.const 4)))
              (local.set $src (i32.add (local.get $src) (i32.const 4)))
              (local.set $b (i32.add (local.get $b) (i32.const 1)))
              (br $taps)))
            (local.set $a (i32.add (local.get $a) (i32.const 1)))
            (br $tapRows)))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br $channels)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $pixels)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows)))
  )

  ;; The rows of one tap (a, b) of im2colT, the filter gradient's patches (../layout.ts): for every
  ;; input channel c < C, image n < images and output row r < rows (the rows i0 + r of a block),
  ;;   dst[c·cStride + (n·rows + r)·OW + j] = x[(n·C + c)·HW + base + r·rowStep + j·sw]
  ;; for the columns j in [jlo, jhi) of the rows r in [rlo, rhi), and 0 elsewhere (the padding).
  ;; base = (i0·sh + a·dh − pt)·W + b·dw − pl, rowStep = sh·W: the caller (../layout.ts's
  ;; im2colTSimd) works out the ranges, in which every index is inside the plane. Runs of stride 1 are copied 4 floats
  ;; at a time. In TypeScript, a subarray and a copy per row made this 7 ns a float on CIFAR's
  ;; 4 × 4 planes.
  (func (export "im2colTap")
    (param $x i32) (param $dst i32) (param $C i32) (param $HW i32) (param $images i32) (param $rows i32) (param $OW i32)
    (param $rlo i32) (param $rhi i32) (param $jlo i32) (param $jhi i32) (param $base i32) (param $rowStep i32) (param $sw i32)
    (param $cStride i32)
    (local $c i32) (local $n i32) (local $r i32) (local $j i32) (local $d i32) (local $s i32) (local $plane i32)
    (block $cDone (loop $cLoop
      (br_if $cDone (i32.ge_u (local.get $c) (local.get $C)))
      (local.set $d (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $c) (local.get $cStride)) (i32.const 2))))
      (local.set $n (i32.const 0))
      (block $nDone (loop $nLoop
        (br_if $nDone (i32.ge_u (local.get $n) (local.get $images)))
        (local.set $plane (i32.add (local.get $x) (i32.shl
          (i32.add (i32.mul (i32.add (i32.mul (local.get $n) (local.get $C)) (local.get $c)) (local.get $HW)) (local.get $base))
          (i32.const 2))))
        (local.set $r (i32.const 0))
        (block $rDone (loop $rLoop
          (br_if $rDone (i32.ge_u (local.get $r) (local.get $rows)))
          (if (i32.or (i32.lt_u (local.get $r) (local.get $rlo)) (i32.ge_u (local.get $r) (local.get $rhi)))
            (then (call $zero (local.get $d) (local.get $OW)))
            (else
              (call $zero (local.get $d) (local.get $jlo))
              (local.set $s (i32.add (local.get $plane) (i32.shl
                (i32.add (i32.mul (local.get $r) (local.get $rowStep)) (i32.mul (local.get $jlo) (local.get $sw)))
                (i32.const 2))))
              (local.set $j (local.get $jlo))
              (if (i32.eq (local.get $sw) (i32.const 1))
                (then
                  (block $quadsDone (loop $quads
                    (br_if $quadsDone (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $jhi)))
                    (v128.store (i32.add (local.get $d) (i32.shl (local.get $j) (i32.const 2))) (v128.load (local.get $s)))
                    (local.set $s (i32.add (local.get $s) (i32.const 16)))
                    (local.set $j (i32.add (local.get $j) (i32.const 4)))
                    (br $quads)))))
              (block $floatsDone (loop $floats
                (br_if $floatsDone (i32.ge_u (local.get $j) (local.get $jhi)))
                (f32.store (i32.add (local.get $d) (i32.shl (local.get $j) (i32.const 2))) (f32.load (local.get $s)))
                (local.set $s (i32.add (local.get $s) (i32.shl (local.get $sw) (i32.const 2))))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $floats)))
              (call $zero
                (i32.add (local.get $d) (i32.shl (local.get $jhi) (i32.const 2)))
                (i32.sub (local.get $OW) (local.get $jhi)))))
          (local.set $d (i32.add (local.get $d) (i32.shl (local.get $OW) (i32.const 2))))
          (local.set $r (i32.add (local.get $r) (i32.const 1)))
          (br $rLoop)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $nLoop)))
      (local.set $c (i32.add (local.get $c) (i32.const 1)))
      (br $cLoop)))
  )

  ;; count floats of 0 from d: 4 at a time, then one at a time.
  (func $zero (param $d i32) (param $count i32)
    (block $quadsDone (loop $quads
      (br_if $quadsDone (i32.lt_u (local.get $count) (i32.const 4)))
      (v128.store (local.get $d) (v128.const i32x4 0 0 0 0))
      (local.set $d (i32.add (local.get $d) (i32.const 16)))
      (local.set $count (i32.sub (local.get $count) (i32.const 4)))
      (br $quads)))
    (block $done (loop $floats
      (br_if $done (i32.eqz (local.get $count)))
      (f32.store (local.get $d) (f32.const 0))
      (local.set $d (i32.add (local.get $d) (i32.const 4)))
      (local.set $count (i32.sub (local.get $count) (i32.const 1)))
      (br $floats)))
  )
)
