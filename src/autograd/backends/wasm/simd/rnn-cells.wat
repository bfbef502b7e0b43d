;; rnn-cells — the per-step loops of the LSTM and the GRU (forward and backward) for float32, four
;; cells at a time with WebAssembly's 128-bit SIMD. cpu/lstm-loops.ts and cpu/gru-loops.ts hold the same
;; loops in TypeScript, one cell at a time (the reference, and what the cpu backend and float64
;; run); the maths is derived in ops/lstm-sequence.ts and ops/gru-sequence.ts. modules.ts loads
;; this module and calls it from the wasm backend's shares.
;;
;; The text here is the source: scripts/build-wasm.ts assembles it (with the `wabt` package) into
;; rnn-cells.wasm.ts, and a test checks that the committed bytes are this text's.
;;
;; Every array is float32 in the module's one memory, which its caller owns (it is imported);
;; pointers and strides are in bytes, and a pointer of 0 means "none" (no array starts there). A
;; row of a step's gates holds [i | f | g | o] (LSTM) or [r | z | n] (GRU), H each.
;; H must be a multiple of 4 (the caller runs the TypeScript loops otherwise).
;;
;; σ(a) is computed as ½ + ½·tanh(a/2), which is the same function, so one approximation serves
;; both: Eigen's rational tanh for float (an odd polynomial over an even one, on |x| ≤ 7.9053,
;; beyond which tanh(x) rounds to ±1 in float32) — the one `tanhFloat32` in cpu/lstm-loops.ts uses.
;; It needs no exp, only multiplies, adds and one division, all of which SIMD has.
(module
  (import "env" "memory" (memory 1))

  ;; tanh(x), four lanes: p(v)/q(v), v = x clamped to ±7.9053.
  (func $tanh (param $x v128) (result v128)
    (local $v v128) (local $v2 v128) (local $p v128) (local $q v128)
    (local.set $v (f32x4.min (f32x4.max (local.get $x) (v128.const f32x4 -7.90531110763549805 -7.90531110763549805 -7.90531110763549805 -7.90531110763549805))
                             (v128.const f32x4 7.90531110763549805 7.90531110763549805 7.90531110763549805 7.90531110763549805)))
    (local.set $v2 (f32x4.mul (local.get $v) (local.get $v)))
    ;; p = v·(α₁ + v²(α₃ + v²(α₅ + v²(α₇ + v²(α₉ + v²(α₁₁ + v²·α₁₃))))))
    (local.set $p (f32x4.mul (local.get $v2) (v128.const f32x4 -2.76076847742355e-16 -2.76076847742355e-16 -2.76076847742355e-16 -2.76076847742355e-16)))
    (local.set $p (f32x4.mul (local.get $v2) (f32x4.add (local.get $p) (v128.const f32x4 2.00018790482477e-13 2.00018790482477e-13 2.00018790482477e-13 2.00018790482477e-13))))
    (local.set $p (f32x4.mul (local.get $v2) (f32x4.add (local.get $p) (v128.const f32x4 -8.60467152213735e-11 -8.60467152213735e-11 -8.60467152213735e-11 -8.60467152213735e-11))))
    (local.set $p (f32x4.mul (local.get $v2) (f32x4.add (local.get $p) (v128.const f32x4 5.12229709037114e-8 5.12229709037114e-8 5.12229709037114e-8 5.12229709037114e-8))))
    (local.set $p (f32x4.mul (local.get $v2) (f32x4.add (local.get $p) (v128.const f32x4 1.48572235717979e-5 1.48572235717979e-5 1.48572235717979e-5 1.48572235717979e-5))))
    (local.set $p (f32x4.mul (local.get $v2) (f32x4.add (local.get $p) (v128.const f32x4 6.37261928875436e-4 6.37261928875436e-4 6.37261928875436e-4 6.37261928875436e-4))))
    (local.set $p (f32x4.mul (local.get $v) (f32x4.add (local.get $p) (v128.const f32x4 4.89352455891786e-3 4.89352455891786e-3 4.89352455891786e-3 4.89352455891786e-3))))
    ;; q = β₀ + v²(β₂ + v²(β₄ + v²·β₆))
    (local.set $q (f32x4.mul (local.get $v2) (v128.const f32x4 1.19825839466702e-6 1.19825839466702e-6 1.19825839466702e-6 1.19825839466702e-6)))
    (local.set $q (f32x4.mul (local.get $v2) (f32x4.add (local.get $q) (v128.const f32x4 1.18534705686654e-4 1.18534705686654e-4 1.18534705686654e-4 1.18534705686654e-4))))
    (local.set $q (f32x4.mul (local.get $v2) (f32x4.add (local.get $q) (v128.const f32x4 2.268434632439e-3 2.268434632439e-3 2.268434632439e-3 2.268434632439e-3))))
    (local.set $q (f32x4.add (local.get $q) (v128.const f32x4 4.89352518554385e-3 4.89352518554385e-3 4.89352518554385e-3 4.89352518554385e-3)))
    (f32x4.div (local.get $p) (local.get $q)))

  ;; tanh of four vectors at once, as $tanh does one: the four Horner chains interleaved step by
  ;; step, so that the processor overlaps them (one chain alone waits on each multiply and add).
  (func $tanh4 (param $x0 v128) (param $x1 v128) (param $x2 v128) (param $x3 v128) (result v128 v128 v128 v128)
    (local $v0 v128) (local $w0 v128) (local $p0 v128) (local $q0 v128) (local $v1 v128) (local $w1 v128) (local $p1 v128) (local $q1 v128) (local $v2 v128) (local $w2 v128) (local $p2 v128) (local $q2 v128) (local $v3 v128) (local $w3 v128) (local $p3 v128) (local $q3 v128)
    (local.set $v0 (f32x4.min (f32x4.max (local.get $x0) (v128.const f32x4 -7.90531110763549805 -7.90531110763549805 -7.90531110763549805 -7.90531110763549805)) (v128.const f32x4 7.90531110763549805 7.90531110763549805 7.90531110763549805 7.90531110763549805)))
    (local.set $v1 (f32x4.min (f32x4.max (local.get $x1) (v128.const f32x4 -7.90531110763549805 -7.90531110763549805 -7.90531110763549805 -7.90531110763549805)) (v128.const f32x4 7.90531110763549805 7.90531110763549805 7.90531110763549805 7.90531110763549805)))
    (local.set $v2 (f32x4.min (f32x4.max (local.get $x2) (v128.const f32x4 -7.90531110763549805 -7.90531110763549805 -7.90531110763549805 -7.90531110763549805)) (v128.const f32x4 7.90531110763549805 7.90531110763549805 7.90531110763549805 7.90531110763549805)))
    (local.set $v3 (f32x4.min (f32x4.max (local.get $x3) (v128.const f32x4 -7.90531110763549805 -7.90531110763549805 -7.90531110763549805 -7.90531110763549805)) (v128.const f32x4 7.90531110763549805 7.90531110763549805 7.90531110763549805 7.90531110763549805)))
    (local.set $w0 (f32x4.mul (local.get $v0) (local.get $v0)))
    (local.set $w1 (f32x4.mul (local.get $v1) (local.get $v1)))
    (local.set $w2 (f32x4.mul (local.get $v2) (local.get $v2)))
    (local.set $w3 (f32x4.mul (local.get $v3) (local.get $v3)))
    (local.set $p0 (f32x4.mul (local.get $w0) (v128.const f32x4 -2.76076847742355e-16 -2.76076847742355e-16 -2.76076847742355e-16 -2.76076847742355e-16)))
    (local.set $q0 (f32x4.mul (local.get $w0) (v128.const f32x4 1.19825839466702e-6 1.19825839466702e-6 1.19825839466702e-6 1.19825839466702e-6)))
    (local.set $p1 (f32x4.mul (local.get $w1) (v128.const f32x4 -2.76076847742355e-16 -2.76076847742355e-16 -2.76076847742355e-16 -2.76076847742355e-16)))
    (local.set $q1 (f32x4.mul (local.get $w1) (v128.const f32x4 1.19825839466702e-6 1.19825839466702e-6 1.19825839466702e-6 1.19825839466702e-6)))
    (local.set $p2 (f32x4.mul (local.get $w2) (v128.const f32x4 -2.76076847742355e-16 -2.76076847742355e-16 -2.76076847742355e-16 -2.76076847742355e-16)))
    (local.set $q2 (f32x4.mul (local.get $w2) (v128.const f32x4 1.19825839466702e-6 1.19825839466702e-6 1.19825839466702e-6 1.19825839466702e-6)))
    (local.set $p3 (f32x4.mul (local.get $w3) (v128.const f32x4 -2.76076847742355e-16 -2.76076847742355e-16 -2.76076847742355e-16 -2.76076847742355e-16)))
    (local.set $q3 (f32x4.mul (local.get $w3) (v128.const f32x4 1.19825839466702e-6 1.19825839466702e-6 1.19825839466702e-6 1.19825839466702e-6)))
    (local.set $p0 (f32x4.mul (local.get $w0) (f32x4.add (local.get $p0) (v128.const f32x4 2.00018790482477e-13 2.00018790482477e-13 2.00018790482477e-13 2.00018790482477e-13))))
    (local.set $q0 (f32x4.mul (local.get $w0) (f32x4.add (local.get $q0) (v128.const f32x4 1.18534705686654e-4 1.18534705686654e-4 1.18534705686654e-4 1.18534705686654e-4))))
    (local.set $p1 (f32x4.mul (local.get $w1) (f32x4.add (local.get $p1) (v128.const f32x4 2.00018790482477e-13 2.00018790482477e-13 2.00018790482477e-13 2.00018790482477e-13))))
    (local.set $q1 (f32x4.mul (local.get $w1) (f32x4.add (local.get $q1) (v128.const f32x4 1.18534705686654e-4 1.18534705686654e-4 1.18534705686654e-4 1.18534705686654e-4))))
    (local.set $p2 (f32x4.mul (local.get $w2) (f32x4.add (local.get $p2) (v128.const f32x4 2.00018790482477e-13 2.00018790482477e-13 2.00018790482477e-13 2.00018790482477e-13))))
    (local.set $q2 (f32x4.mul (local.get $w2) (f32x4.add (local.get $q2) (v128.const f32x4 1.18534705686654e-4 1.18534705686654e-4 1.18534705686654e-4 1.18534705686654e-4))))
    (local.set $p3 (f32x4.mul (local.get $w3) (f32x4.add (local.get $p3) (v128.const f32x4 2.00018790482477e-13 2.00018790482477e-13 2.00018790482477e-13 2.00018790482477e-13))))
    (local.set $q3 (f32x4.mul (local.get $w3) (f32x4.add (local.get $q3) (v128.const f32x4 1.18534705686654e-4 1.18534705686654e-4 1.18534705686654e-4 1.18534705686654e-4))))
    (local.set $p0 (f32x4.mul (local.get $w0) (f32x4.add (local.get $p0) (v128.const f32x4 -8.60467152213735e-11 -8.60467152213735e-11 -8.60467152213735e-11 -8.60467152213735e-11))))
    (local.set $q0 (f32x4.mul (local.get $w0) (f32x4.add (local.get $q0) (v128.const f32x4 2.268434632439e-3 2.268434632439e-3 2.268434632439e-3 2.268434632439e-3))))
    (local.set $p1 (f32x4.mul (local.get $w1) (f32x4.add (local.get $p1) (v128.const f32x4 -8.60467152213735e-11 -8.60467152213735e-11 -8.60467152213735e-11 -8.60467152213735e-11))))
    (local.set $q1 (f32x4.mul (local.get $w1) (f32x4.add (local.get $q1) (v128.const f32x4 2.268434632439e-3 2.268434632439e-3 2.268434632439e-3 2.268434632439e-3))))
    (local.set $p2 (f32x4.mul (local.get $w2) (f32x4.add (local.get $p2) (v128.const f32x4 -8.60467152213735e-11 -8.60467152213735e-11 -8.60467152213735e-11 -8.60467152213735e-11))))
    (local.set $q2 (f32x4.mul (local.get $w2) (f32x4.add (local.get $q2) (v128.const f32x4 2.268434632439e-3 2.268434632439e-3 2.268434632439e-3 2.268434632439e-3))))
    (local.set $p3 (f32x4.mul (local.get $w3) (f32x4.add (local.get $p3) (v128.const f32x4 -8.60467152213735e-11 -8.60467152213735e-11 -8.60467152213735e-11 -8.60467152213735e-11))))
    (local.set $q3 (f32x4.mul (local.get $w3) (f32x4.add (local.get $q3) (v128.const f32x4 2.268434632439e-3 2.268434632439e-3 2.268434632439e-3 2.268434632439e-3))))
    (local.set $p0 (f32x4.mul (local.get $w0) (f32x4.add (local.get $p0) (v128.const f32x4 5.12229709037114e-8 5.12229709037114e-8 5.12229709037114e-8 5.12229709037114e-8))))
    (local.set $p1 (f32x4.mul (local.get $w1) (f32x4.add (local.get $p1) (v128.const f32x4 5.12229709037114e-8 5.12229709037114e-8 5.12229709037114e-8 5.12229709037114e-8))))
    (local.set $p2 (f32x4.mul (local.get $w2) (f32x4.add (local.get $p2) (v128.const f32x4 5.12229709037114e-8 5.12229709037114e-8 5.12229709037114e-8 5.12229709037114e-8))))
    (local.set $p3 (f32x4.mul (local.get $w3) (f32x4.add (local.get $p3) (v128.const f32x4 5.12229709037114e-8 5.12229709037114e-8 5.12229709037114e-8 5.12229709037114e-8))))
    (local.set $p0 (f32x4.mul (local.get $w0) (f32x4.add (local.get $p0) (v128.const f32x4 1.48572235717979e-5 1.48572235717979e-5 1.48572235717979e-5 1.48572235717979e-5))))
    (local.set $p1 (f32x4.mul (local.get $w1) (f32x4.add (local.get $p1) (v128.const f32x4 1.48572235717979e-5 1.48572235717979e-5 1.48572235717979e-5 1.48572235717979e-5))))
    (local.set $p2 (f32x4.mul (local.get $w2) (f32x4.add (local.get $p2) (v128.const f32x4 1.48572235717979e-5 1.48572235717979e-5 1.48572235717979e-5 1.48572235717979e-5))))
    (local.set $p3 (f32x4.mul (local.get $w3) (f32x4.add (local.get $p3) (v128.const f32x4 1.48572235717979e-5 1.48572235717979e-5 1.48572235717979e-5 1.48572235717979e-5))))
    (local.set $p0 (f32x4.mul (local.get $w0) (f32x4.add (local.get $p0) (v128.const f32x4 6.37261928875436e-4 6.37261928875436e-4 6.37261928875436e-4 6.37261928875436e-4))))
    (local.set $p1 (f32x4.mul (local.get $w1) (f32x4.add (local.get $p1) (v128.const f32x4 6.37261928875436e-4 6.37261928875436e-4 6.37261928875436e-4 6.37261928875436e-4))))
    (local.set $p2 (f32x4.mul (local.get $w2) (f32x4.add (local.get $p2) (v128.const f32x4 6.37261928875436e-4 6.37261928875436e-4 6.37261928875436e-4 6.37261928875436e-4))))
    (local.set $p3 (f32x4.mul (local.get $w3) (f32x4.add (local.get $p3) (v128.const f32x4 6.37261928875436e-4 6.37261928875436e-4 6.37261928875436e-4 6.37261928875436e-4))))
    (local.set $p0 (f32x4.mul (local.get $v0) (f32x4.add (local.get $p0) (v128.const f32x4 4.89352455891786e-3 4.89352455891786e-3 4.89352455891786e-3 4.89352455891786e-3))))
    (local.set $q0 (f32x4.add (local.get $q0) (v128.const f32x4 4.89352518554385e-3 4.89352518554385e-3 4.89352518554385e-3 4.89352518554385e-3)))
    (local.set $p1 (f32x4.mul (local.get $v1) (f32x4.add (local.get $p1) (v128.const f32x4 4.89352455891786e-3 4.89352455891786e-3 4.89352455891786e-3 4.89352455891786e-3))))
    (local.set $q1 (f32x4.add (local.get $q1) (v128.const f32x4 4.89352518554385e-3 4.89352518554385e-3 4.89352518554385e-3 4.89352518554385e-3)))
    (local.set $p2 (f32x4.mul (local.get $v2) (f32x4.add (local.get $p2) (v128.const f32x4 4.89352455891786e-3 4.89352455891786e-3 4.89352455891786e-3 4.89352455891786e-3))))
    (local.set $q2 (f32x4.add (local.get $q2) (v128.const f32x4 4.89352518554385e-3 4.89352518554385e-3 4.89352518554385e-3 4.89352518554385e-3)))
    (local.set $p3 (f32x4.mul (local.get $v3) (f32x4.add (local.get $p3) (v128.const f32x4 4.89352455891786e-3 4.89352455891786e-3 4.89352455891786e-3 4.89352455891786e-3))))
    (local.set $q3 (f32x4.add (local.get $q3) (v128.const f32x4 4.89352518554385e-3 4.89352518554385e-3 4.89352518554385e-3 4.89352518554385e-3)))
    (f32x4.div (local.get $p0) (local.get $q0)) (f32x4.div (local.get $p1) (local.get $q1)) (f32x4.div (local.get $p2) (local.get $q2)) (f32x4.div (local.get $p3) (local.get $q3)))

  ;; Four lanes down a column: v[k] to address + k·rowBytes (a column of a transposed matrix).
  (func $column (param $at i32) (param $rowBytes i32) (param $v v128)
    (f32.store (local.get $at) (f32x4.extract_lane 0 (local.get $v)))
    (f32.store (i32.add (local.get $at) (local.get $rowBytes)) (f32x4.extract_lane 1 (local.get $v)))
    (f32.store (i32.add (local.get $at) (i32.shl (local.get $rowBytes) (i32.const 1))) (f32x4.extract_lane 2 (local.get $v)))
    (f32.store (i32.add (local.get $at) (i32.mul (local.get $rowBytes) (i32.const 3))) (f32x4.extract_lane 3 (local.get $v))))

  ;; One LSTM forward step over N rows. Reads the input projection xp (rows 4H apart) plus the
  ;; recurrent product r (rows 4H apart) plus the bias b [4H], and c_{t−1} (rows `cStride` apart).
  ;; Writes the gates [i, f, g, o] over xp (in place), τ = tanh(c_t) (rows H apart), the output
  ;; [h_t | c_t] (rows 2H apart) and, when `hNext` is not 0, h_t again as the next step's h_{t−1}
  ;; (rows H apart).
  (func (export "lstmForward")
    (param $N i32) (param $H i32) (param $xp i32) (param $r i32) (param $b i32) (param $cPrev i32) (param $cStride i32)
    (param $tau i32) (param $s i32) (param $hNext i32)
    (local $hb i32) (local $n i32) (local $j i32) (local $gx i32) (local $gr i32) (local $c0 i32) (local $t0 i32) (local $s0 i32) (local $h0 i32)
    (local $i v128) (local $f v128) (local $g v128) (local $o v128) (local $c v128) (local $th v128) (local $h v128) (local $half v128)
    (local.set $hb (i32.shl (local.get $H) (i32.const 2))) ;; H floats, in bytes
    (local.set $half (v128.const f32x4 0.5 0.5 0.5 0.5))
    (block $rowsDone (loop $rows
      (br_if $rowsDone (i32.ge_u (local.get $n) (local.get $N)))
      (local.set $gx (i32.add (local.get $xp) (i32.mul (local.get $n) (i32.shl (local.get $hb) (i32.const 2)))))
      (local.set $gr (i32.add (local.get $r) (i32.mul (local.get $n) (i32.shl (local.get $hb) (i32.const 2)))))
      (local.set $c0 (i32.add (local.get $cPrev) (i32.mul (local.get $n) (local.get $cStride))))
      (local.set $t0 (i32.add (local.get $tau) (i32.mul (local.get $n) (local.get $hb))))
      (local.set $s0 (i32.add (local.get $s) (i32.mul (local.get $n) (i32.shl (local.get $hb) (i32.const 1)))))
      (local.set $h0 (i32.add (local.get $hNext) (i32.mul (local.get $n) (local.get $hb))))
      (local.set $j (i32.const 0))
      (block $colsDone (loop $cols
        (br_if $colsDone (i32.ge_u (local.get $j) (local.get $hb)))
        ;; the four pre-activations a = xp + r + b of cells j..j+3, one gate block (H floats) apart
        (local.set $i (f32x4.add (f32x4.add
          (v128.load (i32.add (local.get $gx) (local.get $j)))
          (v128.load (i32.add (local.get $gr) (local.get $j))))
          (v128.load (i32.add (local.get $b) (local.get $j)))))
        (local.set $gx (i32.add (local.get $gx) (local.get $hb)))
        (local.set $gr (i32.add (local.get $gr) (local.get $hb)))
        (local.set $f (f32x4.add (f32x4.add
          (v128.load (i32.add (local.get $gx) (local.get $j)))
          (v128.load (i32.add (local.get $gr) (local.get $j))))
          (v128.load (i32.add (i32.add (local.get $b) (local.get $hb)) (local.get $j)))))
        (local.set $gx (i32.add (local.get $gx) (local.get $hb)))
        (local.set $gr (i32.add (local.get $gr) (local.get $hb)))
        (local.set $g (f32x4.add (f32x4.add
          (v128.load (i32.add (local.get $gx) (local.get $j)))
          (v128.load (i32.add (local.get $gr) (local.get $j))))
          (v128.load (i32.add (i32.add (local.get $b) (i32.shl (local.get $hb) (i32.const 1))) (local.get $j)))))
        (local.set $gx (i32.add (local.get $gx) (local.get $hb)))
        (local.set $gr (i32.add (local.get $gr) (local.get $hb)))
        (local.set $o (f32x4.add (f32x4.add
          (v128.load (i32.add (local.get $gx) (local.get $j)))
          (v128.load (i32.add (local.get $gr) (local.get $j))))
          (v128.load (i32.add (i32.add (local.get $b) (i32.mul (local.get $hb) (i32.const 3))) (local.get $j)))))
        ;; i, f, o = σ(a) = ½ + ½·tanh(a/2) and g = tanh(a_g): four tanh in one interleaved call
        (call $tanh4 (f32x4.mul (local.get $half) (local.get $i)) (f32x4.mul (local.get $half) (local.get $f)) (local.get $g) (f32x4.mul (local.get $half) (local.get $o)))
        (local.set $o) (local.set $g) (local.set $f) (local.set $i) ;; the results, last one on top
        (local.set $i (f32x4.add (local.get $half) (f32x4.mul (local.get $half) (local.get $i))))
        (local.set $f (f32x4.add (local.get $half) (f32x4.mul (local.get $half) (local.get $f))))
        (local.set $o (f32x4.add (local.get $half) (f32x4.mul (local.get $half) (local.get $o))))
        ;; c_t = f ⊙ c_{t−1} + i ⊙ g, τ = tanh(c_t), h_t = o ⊙ τ
        (local.set $c (f32x4.add
          (f32x4.mul (local.get $f) (v128.load (i32.add (local.get $c0) (local.get $j))))
          (f32x4.mul (local.get $i) (local.get $g))))
        (local.set $th (call $tanh (local.get $c)))
        (local.set $h (f32x4.mul (local.get $o) (local.get $th)))
        ;; the gates over the pre-activations, from o's block back to i's
        (v128.store (i32.add (local.get $gx) (local.get $j)) (local.get $o))
        (local.set $gx (i32.sub (local.get $gx) (local.get $hb)))
        (v128.store (i32.add (local.get $gx) (local.get $j)) (local.get $g))
        (local.set $gx (i32.sub (local.get $gx) (local.get $hb)))
        (v128.store (i32.add (local.get $gx) (local.get $j)) (local.get $f))
        (local.set $gx (i32.sub (local.get $gx) (local.get $hb)))
        (v128.store (i32.add (local.get $gx) (local.get $j)) (local.get $i))
        (local.set $gr (i32.sub (local.get $gr) (i32.mul (local.get $hb) (i32.const 3))))
        (v128.store (i32.add (local.get $t0) (local.get $j)) (local.get $th))
        (v128.store (i32.add (local.get $s0) (local.get $j)) (local.get $h))
        (v128.store (i32.add (i32.add (local.get $s0) (local.get $hb)) (local.get $j)) (local.get $c))
        (if (local.get $hNext) (then (v128.store (i32.add (local.get $h0) (local.get $j)) (local.get $h))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $cols)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $rows))))

  ;; One LSTM backward step over N rows (see backwardLoop in cpu/lstm-loops.ts for the same loop, one cell at
  ;; a time). Reads the step's gates (rows 4H apart), τ (rows H apart), c_{t−1} (rows `cStride`
  ;; apart), dS_t = [dh | dc] (rows 2H apart) and, when `carried` is not 0, the carries dh^→ and dc^→
  ;; (rows H apart). Writes dA_t (rows 4H apart) and its columns into dAᵀ (column n of the step at
  ;; `dAT`, a row of dAᵀ `rowBytes` long), dc_{t−1}^→ over dc^→, and adds dA_t's column sums into
  ;; dB [4H].
  (func (export "lstmBackward")
    (param $N i32) (param $H i32) (param $gates i32) (param $tau i32) (param $cPrev i32) (param $cStride i32)
    (param $dS i32) (param $dhCarry i32) (param $dc i32) (param $carried i32)
    (param $dA i32) (param $dAT i32) (param $rowBytes i32) (param $dB i32)
    (local $hb i32) (local $n i32) (local $j i32) (local $g0 i32) (local $a0 i32) (local $k i32) (local $col i32) (local $at i32)
    (local $i v128) (local $f v128) (local $g v128) (local $o v128) (local $th v128) (local $dh v128) (local $dcT v128)
    (local $one v128)
    (local $dai v128) (local $daf v128) (local $dag v128) (local $dao v128)
    (local.set $hb (i32.shl (local.get $H) (i32.const 2)))
    (local.set $one (v128.const f32x4 1 1 1 1))
    (block $rowsDone (loop $rows
      (br_if $rowsDone (i32.ge_u (local.get $n) (local.get $N)))
      (local.set $g0 (i32.add (local.get $gates) (i32.mul (local.get $n) (i32.shl (local.get $hb) (i32.const 2)))))
      (local.set $a0 (i32.add (local.get $dA) (i32.mul (local.get $n) (i32.shl (local.get $hb) (i32.const 2)))))
      (local.set $col (i32.add (local.get $dAT) (i32.shl (local.get $n) (i32.const 2))))
      (local.set $j (i32.const 0))
      (block $colsDone (loop $cols
        (br_if $colsDone (i32.ge_u (local.get $j) (local.get $hb)))
        (local.set $i (v128.load (i32.add (local.get $g0) (local.get $j))))
        (local.set $f (v128.load (i32.add (i32.add (local.get $g0) (local.get $hb)) (local.get $j))))
        (local.set $g (v128.load (i32.add (i32.add (local.get $g0) (i32.shl (local.get $hb) (i32.const 1))) (local.get $j))))
        (local.set $o (v128.load (i32.add (i32.add (local.get $g0) (i32.mul (local.get $hb) (i32.const 3))) (local.get $j))))
        (local.set $th (v128.load (i32.add (i32.add (local.get $tau) (i32.mul (local.get $n) (local.get $hb))) (local.get $j))))
        ;; dh = dS_h + dh^→, dc = dS_c + dc^→ (the carries only after the first step run)
        (local.set $k (i32.add (i32.add (local.get $dS) (i32.mul (local.get $n) (i32.shl (local.get $hb) (i32.const 1)))) (local.get $j)))
        (local.set $dh (v128.load (local.get $k)))
        (local.set $dcT (v128.load (i32.add (local.get $k) (local.get $hb))))
        (local.set $at (i32.add (i32.mul (local.get $n) (local.get $hb)) (local.get $j)))
        (if (local.get $carried) (then
          (local.set $dh (f32x4.add (local.get $dh) (v128.load (i32.add (local.get $dhCarry) (local.get $at)))))
          (local.set $dcT (f32x4.add (local.get $dcT) (v128.load (i32.add (local.get $dc) (local.get $at)))))))
        ;; dc_t = dc + dh ⊙ o ⊙ (1 − τ²)
        (local.set $dcT (f32x4.add (local.get $dcT)
          (f32x4.mul (f32x4.mul (local.get $dh) (local.get $o)) (f32x4.sub (local.get $one) (f32x4.mul (local.get $th) (local.get $th))))))
        ;; da_i = dc_t ⊙ g ⊙ i(1 − i), da_f = dc_t ⊙ c_{t−1} ⊙ f(1 − f), da_g = dc_t ⊙ i ⊙ (1 − g²), da_o = dh ⊙ τ ⊙ o(1 − o)
        (local.set $dai (f32x4.mul (f32x4.mul (local.get $dcT) (local.get $g)) (f32x4.mul (local.get $i) (f32x4.sub (local.get $one) (local.get $i)))))
        (local.set $daf (f32x4.mul
          (f32x4.mul (local.get $dcT) (v128.load (i32.add (i32.add (local.get $cPrev) (i32.mul (local.get $n) (local.get $cStride))) (local.get $j))))
          (f32x4.mul (local.get $f) (f32x4.sub (local.get $one) (local.get $f)))))
        (local.set $dag (f32x4.mul (f32x4.mul (local.get $dcT) (local.get $i)) (f32x4.sub (local.get $one) (f32x4.mul (local.get $g) (local.get $g)))))
        (local.set $dao (f32x4.mul (f32x4.mul (local.get $dh) (local.get $th)) (f32x4.mul (local.get $o) (f32x4.sub (local.get $one) (local.get $o)))))
        ;; dc_{t−1}^→ = dc_t ⊙ f
        (v128.store (i32.add (local.get $dc) (local.get $at)) (f32x4.mul (local.get $dcT) (local.get $f)))
        ;; dA_t's row
        (v128.store (i32.add (local.get $a0) (local.get $j)) (local.get $dai))
        (v128.store (i32.add (i32.add (local.get $a0) (local.get $hb)) (local.get $j)) (local.get $daf))
        (v128.store (i32.add (i32.add (local.get $a0) (i32.shl (local.get $hb) (i32.const 1))) (local.get $j)) (local.get $dag))
        (v128.store (i32.add (i32.add (local.get $a0) (i32.mul (local.get $hb) (i32.const 3))) (local.get $j)) (local.get $dao))
        ;; the column sums
        (local.set $k (i32.add (local.get $dB) (local.get $j)))
        (v128.store (local.get $k) (f32x4.add (v128.load (local.get $k)) (local.get $dai)))
        (local.set $k (i32.add (local.get $k) (local.get $hb)))
        (v128.store (local.get $k) (f32x4.add (v128.load (local.get $k)) (local.get $daf)))
        (local.set $k (i32.add (local.get $k) (local.get $hb)))
        (v128.store (local.get $k) (f32x4.add (v128.load (local.get $k)) (local.get $dag)))
        (local.set $k (i32.add (local.get $k) (local.get $hb)))
        (v128.store (local.get $k) (f32x4.add (v128.load (local.get $k)) (local.get $dao)))
        ;; dAᵀ: row q·H + j + lane, column n — one lane at a time (rows `rowBytes` apart)
        (local.set $k (i32.add (local.get $col) (i32.mul (i32.shr_u (local.get $j) (i32.const 2)) (local.get $rowBytes))))
        (local.set $at (i32.mul (local.get $H) (local.get $rowBytes))) ;; one gate block of rows
        (call $column (local.get $k) (local.get $rowBytes) (local.get $dai))
        (call $column (i32.add (local.get $k) (local.get $at)) (local.get $rowBytes) (local.get $daf))
        (call $column (i32.add (local.get $k) (i32.shl (local.get $at) (i32.const 1))) (local.get $rowBytes) (local.get $dag))
        (call $column (i32.add (local.get $k) (i32.mul (local.get $at) (i32.const 3))) (local.get $rowBytes) (local.get $dao))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $cols)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $rows))))

  ;; ── GRU (gate order r, z, n; see cpu/gru-loops.ts for the same loops one cell at a time) ──────────

  ;; One GRU forward step over N rows. Reads the input projection xp (rows 3H apart: [r | z | n]),
  ;; the recurrent product v = h_{t−1}·W_hhᵀ (rows 3H apart), the packed biases b [4H] =
  ;; [b_ir + b_hr | b_iz + b_hz | b_in | b_hn] and h_{t−1} (rows H apart). Writes the gates [r, z, n]
  ;; over xp, ṽ = v_n + b_hn (rows H apart), h_t into y (rows H apart) and, when `hNext` is not 0,
  ;; into hNext as the next step's h_{t−1}.
  (func (export "gruForward")
    (param $N i32) (param $H i32) (param $xp i32) (param $v i32) (param $b i32) (param $hPrev i32)
    (param $vN i32) (param $y i32) (param $hNext i32)
    (local $hb i32) (local $n i32) (local $j i32) (local $gx i32) (local $gv i32) (local $row i32)
    (local $r v128) (local $z v128) (local $vn v128) (local $nn v128) (local $h v128) (local $half v128)
    (local.set $hb (i32.shl (local.get $H) (i32.const 2)))
    (local.set $half (v128.const f32x4 0.5 0.5 0.5 0.5))
    (block $rowsDone (loop $rows
      (br_if $rowsDone (i32.ge_u (local.get $n) (local.get $N)))
      (local.set $gx (i32.add (local.get $xp) (i32.mul (local.get $n) (i32.mul (local.get $hb) (i32.const 3)))))
      (local.set $gv (i32.add (local.get $v) (i32.mul (local.get $n) (i32.mul (local.get $hb) (i32.const 3)))))
      (local.set $row (i32.mul (local.get $n) (local.get $hb)))
      (local.set $j (i32.const 0))
      (block $colsDone (loop $cols
        (br_if $colsDone (i32.ge_u (local.get $j) (local.get $hb)))
        ;; r = σ(a_r), z = σ(a_z), as ½ + ½·tanh(a/2); a = xp + v + b
        (local.set $r (f32x4.add (f32x4.add
          (v128.load (i32.add (local.get $gx) (local.get $j)))
          (v128.load (i32.add (local.get $gv) (local.get $j))))
          (v128.load (i32.add (local.get $b) (local.get $j)))))
        (local.set $z (f32x4.add (f32x4.add
          (v128.load (i32.add (i32.add (local.get $gx) (local.get $hb)) (local.get $j)))
          (v128.load (i32.add (i32.add (local.get $gv) (local.get $hb)) (local.get $j))))
          (v128.load (i32.add (i32.add (local.get $b) (local.get $hb)) (local.get $j)))))
        (local.set $r (f32x4.add (local.get $half) (f32x4.mul (local.get $half) (call $tanh (f32x4.mul (local.get $half) (local.get $r))))))
        (local.set $z (f32x4.add (local.get $half) (f32x4.mul (local.get $half) (call $tanh (f32x4.mul (local.get $half) (local.get $z))))))
        ;; ṽ = v_n + b_hn; n = tanh(xp_n + b_in + r ⊙ ṽ); h_t = n + z ⊙ (h_{t−1} − n)
        (local.set $vn (f32x4.add
          (v128.load (i32.add (i32.add (local.get $gv) (i32.shl (local.get $hb) (i32.const 1))) (local.get $j)))
          (v128.load (i32.add (i32.add (local.get $b) (i32.mul (local.get $hb) (i32.const 3))) (local.get $j)))))
        (local.set $nn (call $tanh (f32x4.add (f32x4.add
          (v128.load (i32.add (i32.add (local.get $gx) (i32.shl (local.get $hb) (i32.const 1))) (local.get $j)))
          (v128.load (i32.add (i32.add (local.get $b) (i32.shl (local.get $hb) (i32.const 1))) (local.get $j))))
          (f32x4.mul (local.get $r) (local.get $vn)))))
        (local.set $h (f32x4.add (local.get $nn)
          (f32x4.mul (local.get $z) (f32x4.sub (v128.load (i32.add (i32.add (local.get $hPrev) (local.get $row)) (local.get $j))) (local.get $nn)))))
        (v128.store (i32.add (local.get $gx) (local.get $j)) (local.get $r))
        (v128.store (i32.add (i32.add (local.get $gx) (local.get $hb)) (local.get $j)) (local.get $z))
        (v128.store (i32.add (i32.add (local.get $gx) (i32.shl (local.get $hb) (i32.const 1))) (local.get $j)) (local.get $nn))
        (v128.store (i32.add (i32.add (local.get $vN) (local.get $row)) (local.get $j)) (local.get $vn))
        (v128.store (i32.add (i32.add (local.get $y) (local.get $row)) (local.get $j)) (local.get $h))
        (if (local.get $hNext) (then (v128.store (i32.add (i32.add (local.get $hNext) (local.get $row)) (local.get $j)) (local.get $h))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $cols)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $rows))))

  ;; One GRU backward step over N rows. Reads the step's gates (rows 3H apart), ṽ, h_{t−1} and dY_t
  ;; (rows H apart) and, when `carried` is not 0, the carries dV_{t+1}·W_hh (`dhMat`) and the
  ;; direct path dh ⊙ z of the step after (`direct`), both rows H apart. Writes dU_t = [da_r | da_z |
  ;; da_n] and dV_t = [da_r | da_z | da_n ⊙ r] (rows 3H apart) and their columns into dUᵀ and dVᵀ
  ;; (column n of the step at `dUT`, `dVT`; rows `rowBytes` long), dh ⊙ z over `direct`, and adds
  ;; [Σ da_r | Σ da_z | Σ da_n | Σ da_n ⊙ r] into sums [4H].
  (func (export "gruBackward")
    (param $N i32) (param $H i32) (param $gates i32) (param $vN i32) (param $hPrev i32) (param $dY i32)
    (param $dhMat i32) (param $direct i32) (param $carried i32)
    (param $dU i32) (param $dV i32) (param $dUT i32) (param $dVT i32) (param $rowBytes i32) (param $sums i32)
    (local $hb i32) (local $n i32) (local $j i32) (local $g0 i32) (local $row i32) (local $k i32) (local $blk i32)
    (local $r v128) (local $z v128) (local $nn v128) (local $dh v128) (local $one v128)
    (local $daR v128) (local $daZ v128) (local $daN v128) (local $daNr v128)
    (local.set $hb (i32.shl (local.get $H) (i32.const 2)))
    (local.set $one (v128.const f32x4 1 1 1 1))
    (block $rowsDone (loop $rows
      (br_if $rowsDone (i32.ge_u (local.get $n) (local.get $N)))
      (local.set $g0 (i32.mul (local.get $n) (i32.mul (local.get $hb) (i32.const 3)))) ;; row offset in the 3H-wide arrays
      (local.set $row (i32.mul (local.get $n) (local.get $hb)))
      (local.set $j (i32.const 0))
      (block $colsDone (loop $cols
        (br_if $colsDone (i32.ge_u (local.get $j) (local.get $hb)))
        (local.set $k (i32.add (i32.add (local.get $gates) (local.get $g0)) (local.get $j)))
        (local.set $r (v128.load (local.get $k)))
        (local.set $z (v128.load (i32.add (local.get $k) (local.get $hb))))
        (local.set $nn (v128.load (i32.add (local.get $k) (i32.shl (local.get $hb) (i32.const 1)))))
        ;; dh = dY + dV_{t+1}·W_hh + dh_{t+1} ⊙ z_{t+1} (the carries only after the first step run)
        (local.set $k (i32.add (local.get $row) (local.get $j)))
        (local.set $dh (v128.load (i32.add (local.get $dY) (local.get $k))))
        (if (local.get $carried) (then
          (local.set $dh (f32x4.add (local.get $dh)
            (f32x4.add (v128.load (i32.add (local.get $dhMat) (local.get $k))) (v128.load (i32.add (local.get $direct) (local.get $k))))))))
        ;; da_n = dh ⊙ (1 − z) ⊙ (1 − n²), da_r = da_n ⊙ ṽ ⊙ r(1 − r), da_z = dh ⊙ (h_{t−1} − n) ⊙ z(1 − z)
        (local.set $daN (f32x4.mul (f32x4.mul (local.get $dh) (f32x4.sub (local.get $one) (local.get $z)))
          (f32x4.sub (local.get $one) (f32x4.mul (local.get $nn) (local.get $nn)))))
        (local.set $daR (f32x4.mul (f32x4.mul (local.get $daN) (v128.load (i32.add (local.get $vN) (local.get $k))))
          (f32x4.mul (local.get $r) (f32x4.sub (local.get $one) (local.get $r)))))
        (local.set $daZ (f32x4.mul (f32x4.mul (local.get $dh) (f32x4.sub (v128.load (i32.add (local.get $hPrev) (local.get $k))) (local.get $nn)))
          (f32x4.mul (local.get $z) (f32x4.sub (local.get $one) (local.get $z)))))
        (local.set $daNr (f32x4.mul (local.get $daN) (local.get $r)))
        (v128.store (i32.add (local.get $direct) (local.get $k)) (f32x4.mul (local.get $dh) (local.get $z)))
        ;; the rows of dU_t and dV_t
        (local.set $k (i32.add (i32.add (local.get $dU) (local.get $g0)) (local.get $j)))
        (v128.store (local.get $k) (local.get $daR))
        (v128.store (i32.add (local.get $k) (local.get $hb)) (local.get $daZ))
        (v128.store (i32.add (local.get $k) (i32.shl (local.get $hb) (i32.const 1))) (local.get $daN))
        (local.set $k (i32.add (i32.add (local.get $dV) (local.get $g0)) (local.get $j)))
        (v128.store (local.get $k) (local.get $daR))
        (v128.store (i32.add (local.get $k) (local.get $hb)) (local.get $daZ))
        (v128.store (i32.add (local.get $k) (i32.shl (local.get $hb) (i32.const 1))) (local.get $daNr))
        ;; the column sums
        (local.set $k (i32.add (local.get $sums) (local.get $j)))
        (v128.store (local.get $k) (f32x4.add (v128.load (local.get $k)) (local.get $daR)))
        (local.set $k (i32.add (local.get $k) (local.get $hb)))
        (v128.store (local.get $k) (f32x4.add (v128.load (local.get $k)) (local.get $daZ)))
        (local.set $k (i32.add (local.get $k) (local.get $hb)))
        (v128.store (local.get $k) (f32x4.add (v128.load (local.get $k)) (local.get $daN)))
        (local.set $k (i32.add (local.get $k) (local.get $hb)))
        (v128.store (local.get $k) (f32x4.add (v128.load (local.get $k)) (local.get $daNr)))
        ;; dUᵀ and dVᵀ: rows q·H + j + lane, column n
        (local.set $k (i32.add (i32.shl (local.get $n) (i32.const 2)) (i32.mul (i32.shr_u (local.get $j) (i32.const 2)) (local.get $rowBytes))))
        (local.set $blk (i32.mul (local.get $H) (local.get $rowBytes)))
        (call $column (i32.add (local.get $dUT) (local.get $k)) (local.get $rowBytes) (local.get $daR))
        (call $column (i32.add (i32.add (local.get $dUT) (local.get $k)) (local.get $blk)) (local.get $rowBytes) (local.get $daZ))
        (call $column (i32.add (i32.add (local.get $dUT) (local.get $k)) (i32.shl (local.get $blk) (i32.const 1))) (local.get $rowBytes) (local.get $daN))
        (call $column (i32.add (local.get $dVT) (local.get $k)) (local.get $rowBytes) (local.get $daR))
        (call $column (i32.add (i32.add (local.get $dVT) (local.get $k)) (local.get $blk)) (local.get $rowBytes) (local.get $daZ))
        (call $column (i32.add (i32.add (local.get $dVT) (local.get $k)) (i32.shl (local.get $blk) (i32.const 1))) (local.get $rowBytes) (local.get $daNr))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $cols)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $rows)))))
