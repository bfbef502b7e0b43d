;; col2im — the last step of a convolution's input gradient computed as a matrix product, in
;; WebAssembly's 128-bit SIMD: every window's column of the product is added back onto the pixels
;; that window read. shares.ts (`columnsInputGradient`) uses it for convolutions with few input
;; channels, where it replaces the per-phase convs whose outputs (the input channels) are too
;; narrow for XNNPACK; rnn-simd.ts loads it on the same memory as rnn-cells.wat.
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
)
