/**
 * wasm — the hot kernels (matmul, conv2d and both of its gradients) on TensorFlow.js's
 * WebAssembly backend (`@tensorflow/tfjs-backend-wasm`, XNNPACK inside); everything else is
 * inherited from `cpu`.
 *
 * Each kernel copies its inputs into the wasm heap, runs one or a few tfjs kernels, copies the
 * result out, and disposes every tfjs tensor before it returns (inside `tf.tidy`), so Sapling's
 * users never see `dispose()`. What we lose at the boundary:
 *   - float32 only. A float64 (or int32) tensor is computed by the cpu kernels instead, in full
 *     precision: nothing is silently rounded.
 *   - layout. tfjs convolves channels-last (NHWC, filters [KH, KW, C, O]) while Sapling's API is
 *     NCHW, so we transpose on the way in and out (tiled copies, measured in the `kernels` suite).
 *
 * Two gaps in tfjs-wasm decide how the gradients are computed:
 *   - it has no Conv2DBackpropFilter kernel at all. The filter gradient is itself a correlation:
 *       dW[o, c, a, b] = Σ_n Σ_i Σ_j x[n, c, i·sh − pt + a·dh, j·sw − pl + b·dw] · dY[n, o, i, j]
 *     Read c as the batch, n as the input channel and (i, j) as the kernel window: that is a
 *     forward conv of x viewed as [C, H, W, N] with dY viewed as a filter [OH, OW, N, O], whose
 *     stride is the forward dilation and whose dilation is the forward stride. Its output
 *     [C, KH, KW, O] is dW up to a transpose.
 *   - its Conv2DBackpropInput kernel is about ten times slower than its forward conv. The input
 *     gradient is the "transposed convolution": spread dY back over the windows it came from,
 *       dX[n, c, h, w] = Σ_o Σ_a Σ_b W[o, c, a, b] · dY[n, o, (h + pt − a·dh)/sh, (w + pl − b·dw)/sw]
 *     (terms with a non-integer or out-of-range index vanish). Insert sh − 1 zeros between rows
 *     of dY (and sw − 1 between columns), pad it by (dilated kernel − 1 − pt) on top, and this
 *     is a forward conv with the kernel flipped in both spatial axes and its in/out channels
 *     swapped. We use the fast forward conv for it.
 * tfjs refuses a conv whose stride and dilation both exceed 1; those rare cases (and grouped
 * convolutions that are not one of tfjs's shapes) run per group or on the cpu, as noted below.
 *
 * Threads. tfjs-wasm uses one thread in Node; this file cuts each kernel into shares — blocks of
 * rows, images or channels, as each kernel below explains — and `parallel/pool.ts` runs share 0
 * here and the others on worker threads with their own tfjs-wasm, synchronously (Atomics.wait).
 * The arithmetic of a share lives in `parallel/shares.ts`, the same code on every thread; with
 * one thread (or a kernel too small to split) a kernel is a single share on this thread.
 */
import { Tensor } from '../../tensor.js';
import { fmt, sizeOf, type Shape } from '../../shape.js';
import { cpuKernels } from '../cpu/index.js';
import type { Conv2dAttrs, ConvEpilogue, GruForward, GruGradients, GruNeed, GruSaved, Kernels, LstmForward, LstmGradients, LstmNeed, LstmSaved, Pool2dAttrs } from '../types.js';
import { applyEpilogue } from '../cpu/conv.js';
import { gradient } from '../cpu/rnn.js';
import { convFlops, outSize, type ConvGeometry } from './conv-geometry.js';
import { channelsFirst, scratchFloats, splitRange } from './layout.js';
import { ownShare, runParallel, sharesFor, workerShare, type OwnShare, type WorkerShare } from './pool.js';
import type { Tf } from './shares.js';
import { loadTfWasm } from './tf-load.js';

export { loadTfWasm };

const isF32 = (...ts: Tensor[]): boolean => ts.every((t) => t.dtype === 'float32');

/** The fewest channels a channel share of a conv may get (see `planConv`). */
const MIN_CHANNELS_PER_SHARE = 8;

/**
 * The forward conv and the input gradient are split by channels rather than images when the
 * activation (x; dY for the input gradient) is at most this many times the size of the filter.
 * Image shares each handle the whole filter — transpose it and have XNNPACK pack it (redone on
 * every call, ~9 ns a weight) — while channel shares each handle the whole activation. At CIFAR
 * ResNet-18 layer4 ([32,512,4,4] by [512,512,3,3]) packing a new filter costs 21 ms of the
 * forward's 86. (The filter gradient has its own rule: see conv2dBackpropFilter.)
 */
const CHANNEL_SPLIT_RATIO = 2;

/**
 * Fewest batch rows per share of an LSTM sequence: each step's product has that many rows, and
 * XNNPACK's matmul works on tiles of several rows.
 */
const MIN_ROWS_PER_SHARE = 8;

/** A number for each storage array the kernels have named (see `operandKey`). */
const storageIds = new WeakMap<object, number>();
let nextStorageId = 0;

/**
 * The name under which a share may keep an operand resident in the wasm heap (shares.ts,
 * `operand`): which storage array (by identity — Sapling never writes into a tensor's storage
 * after making it, `assign` swaps in a new array), where in it, and every size the share uses
 * to lay it out. Equal names mean equal heap contents.
 */
function operandKey(t: Tensor, offset: number, ...sizes: number[]): string {
  let id = storageIds.get(t.storage);
  if (id === undefined) {
    id = nextStorageId++;
    storageIds.set(t.storage, id);
  }
  return `${id}@${offset}:${sizes.join('x')}`;
}

/** The wasm kernels, built once tfjs is loaded. */
export async function createWasmKernels(): Promise<Kernels> {
  const tf: Tf = await loadTfWasm();
  const cpu = cpuKernels;
  /** Share 0 runs on this thread, the others on workers (`parallel/pool.ts`). */
  const run = (shares: readonly (OwnShare | WorkerShare)[]): void =>
    runParallel(tf, shares[0] as OwnShare, shares.slice(1) as WorkerShare[]);

  /**
   * matmul. A batch of products is split by blocks of the batch. One product is split by
   * blocks of columns of B (and of C): every share then packs only its columns of B into
   * XNNPACK's layout — packing costs about as much per weight as ~10 multiply-adds per row of A
   * and is redone on every call, since every call brings new tensors — and reads all of A; when
   * A has many more rows than B has columns, by blocks of rows of A instead (each share packs
   * all of B). Shares never exchange partial sums.
   */
  function matmul(a: Tensor, b: Tensor): Tensor {
    if (!isF32(a, b) || a.size === 0 || b.size === 0) return cpu.matmul(a, b);
    const batchShape = broadcast(a.shape.slice(0, -2), b.shape.slice(0, -2));
    const [m, k] = a.shape.slice(-2) as [number, number];
    const n = b.shape[b.ndim - 1]!;
    const batch = sizeOf(batchShape);
    // tfjs multiplies [batchA, m, k] by [batchB, k, n] when the batch sizes agree or one is 1;
    // any other broadcast of the batch axes is materialised first.
    const flat = (t: Tensor, rows: number, cols: number): { tensor: Tensor; data: Float32Array; batch: number } => {
      const own = sizeOf(t.shape.slice(0, -2));
      const full = own === 1 || fmt(t.shape.slice(0, -2)) === fmt(batchShape) ? t : cpu.broadcastTo(t, [...batchShape, rows, cols]);
      return { tensor: full, data: full.storage as Float32Array, batch: full.size / (rows * cols) };
    };
    const A = flat(a, m, k);
    const B = flat(b, k, n);
    const out = new Float32Array(batch * m * n);
    const flops = 2 * batch * m * k * n;
    const byBatch = batch > 1;
    const byColumns = !byBatch && n >= MIN_CHANNELS_PER_SHARE * 2 && m <= 4 * n;
    const total = byBatch ? batch : byColumns ? Math.floor(n / MIN_CHANNELS_PER_SHARE) : m;
    const parts = splitRange(byBatch ? batch : byColumns ? n : m, sharesFor(flops, total));
    run(parts.map(([s0, s1], i) => {
      const size = s1 - s0;
      if (byColumns) {
        // columns [s0, s1) of B and C: all of A
        const params = { batch: 1, aBatch: 1, bBatch: 1, m, k, n: size, col: s0, bStride: n, bKey: operandKey(B.tensor, s0, k, n, size) };
        return i === 0
          ? ownShare({ kind: 'matmul', params: { ...params, outStride: n }, views: { a: A.data, b: B.data, out: out.subarray(s0) } })
          : workerShare({
            kind: 'matmul', params: { ...params, outStride: size }, views: { a: A.data, b: B.data, out: { output: m * size } },
            collect: (v) => { for (let r = 0; r < m; r++) out.set(v.out.subarray(r * size, (r + 1) * size), r * n + s0); },
          });
      }
      // rows [s0, s1) of A and C, or products [s0, s1) of the batch
      const bKey = operandKey(B.tensor, B.batch === 1 ? 0 : s0 * k * n, byBatch && B.batch !== 1 ? size : 1, k, n);
      const params = byBatch
        ? { batch: size, aBatch: A.batch === 1 ? 1 : size, bBatch: B.batch === 1 ? 1 : size, m, k, n, col: 0, bStride: n, outStride: n, bKey }
        : { batch: 1, aBatch: 1, bBatch: 1, m: size, k, n, col: 0, bStride: n, outStride: n, bKey };
      const aPart = !byBatch ? A.data.subarray(s0 * k, s1 * k) : A.batch === 1 ? A.data : A.data.subarray(s0 * m * k, s1 * m * k);
      const bPart = !byBatch || B.batch === 1 ? B.data : B.data.subarray(s0 * k * n, s1 * k * n);
      const at = (byBatch ? s0 * m : s0) * n;
      const length = size * (byBatch ? m : 1) * n;
      return i === 0
        ? ownShare({ kind: 'matmul', params, views: { a: aPart, b: bPart, out: out.subarray(at, at + length) } })
        : workerShare({ kind: 'matmul', params, views: { a: aPart, b: bPart, out: { output: length } }, collect: (v) => out.set(v.out, at), destination: out.subarray(at, at + length) });
    }));
    return new Tensor(out, [...batchShape, m, n]);
  }

  /**
   * How a conv's work is cut: by images when there are enough of them to share evenly, else by
   * channels (output channels for the forward conv and the filter gradient, input channels for
   * the input gradient), which is what batch 1 — inference — needs, as long as each share keeps
   * MIN_CHANNELS_PER_SHARE channels (XNNPACK vectorises over channels: a share of 1 or 2 runs
   * several times slower per multiply-add); failing both, by uneven blocks of images. Channels
   * also win over images when the filter is large (`preferChannels`, see CHANNEL_SPLIT_RATIO).
   * (Bands of output rows were measured for batch 1 as well: within 6% of channel blocks on the
   * early ResNet-18 layers, up to 1.8× slower on the deep ones, where every band packs the whole
   * filter; so they are not used.)
   */
  const planConv = (g: ConvGeometry, channels: number, preferChannels = false): { by: 'batch' | 'channel'; parts: [number, number][] } => {
    const want = sharesFor(convFlops(g), Math.max(g.N, channels));
    if (want === 1) return { by: 'batch', parts: [[0, g.N]] };
    const byChannel = Math.min(want, Math.floor(channels / MIN_CHANNELS_PER_SHARE));
    if (preferChannels && byChannel === want) return { by: 'channel', parts: splitRange(channels, byChannel) };
    if (g.N >= want && (g.N % want === 0 || g.N >= 4 * want)) return { by: 'batch', parts: splitRange(g.N, want) };
    if (byChannel >= 2) return { by: 'channel', parts: splitRange(channels, byChannel) };
    return { by: 'batch', parts: splitRange(g.N, Math.min(want, g.N)) };
  };

  function conv2d(x: Tensor, w: Tensor, attrs: Conv2dAttrs, epilogue: ConvEpilogue = {}): Tensor {
    const bias = epilogue.bias ?? null;
    const residual = epilogue.residual ?? null;
    if (!isF32(x, w, ...(bias ? [bias] : []), ...(residual ? [residual] : [])) || !tfjsCanConv(attrs)) return cpu.conv2d(x, w, attrs, epilogue);
    if (attrs.groups > 1) {
      const y = perGroup(x, w, attrs, 'forward', (xg, wg) => conv2d(xg, wg, { ...attrs, groups: 1 }));
      applyEpilogue(y.storage, y.shape[0]!, y.shape[1]!, y.shape[2]! * y.shape[3]!, epilogue);
      return y;
    }
    const relu = epilogue.relu ?? false;
    const bs = bias?.storage as Float32Array | undefined;
    const g = geometry(x.shape, w.shape, attrs);
    const { N, C, H, W, O, KH, KW, OH, OW } = g;
    const P = OH * OW;
    const image = C * H * W;
    const filter = C * KH * KW;
    const out = new Float32Array(N * O * P);
    const xs = x.storage as Float32Array;
    const ws = w.storage as Float32Array;
    const plan = planConv(g, O, x.size <= CHANNEL_SPLIT_RATIO * w.size);
    /** The epilogue's params for output channels [o0, o1). */
    const rs = residual?.storage as Float32Array | undefined;
    const epilogueOf = (o0: number, o1: number): { bias: boolean; biasKey?: string; relu: boolean; residual: boolean } =>
      bias === null ? { bias: false, relu, residual: rs !== undefined } : { bias: true, biasKey: operandKey(bias, o0, o1 - o0), relu, residual: rs !== undefined };
    run(plan.parts.map(([s0, s1], i) => {
      if (plan.by === 'batch') {
        // images [s0, s1): their slice of x, all of w, their slice of y
        const params = { g: { ...g, N: s1 - s0 }, outBatchStride: O * P, outChannel: 0, wKey: operandKey(w, 0, O, C, KH, KW), ...epilogueOf(0, O) };
        const xPart = xs.subarray(s0 * image, s1 * image);
        const at = s0 * O * P;
        const b = bs === undefined ? {} : { bias: bs };
        const r = rs === undefined ? {} : { residual: rs.subarray(at, s1 * O * P) };
        return i === 0
          ? ownShare({ kind: 'convForward', params, views: { x: xPart, w: ws, ...b, ...r, out: out.subarray(at, s1 * O * P) } })
          : workerShare({ kind: 'convForward', params, views: { x: xPart, w: ws, ...b, ...r, out: { output: (s1 - s0) * O * P } }, collect: (v) => out.set(v.out, at), destination: out.subarray(at, s1 * O * P) });
      }
      // output channels [s0, s1): all of x, their rows of w, their channels of y
      const Ot = s1 - s0;
      const wPart = ws.subarray(s0 * filter, s1 * filter);
      const wKey = operandKey(w, s0 * filter, Ot, C, KH, KW);
      const b = bs === undefined ? {} : { bias: bs.subarray(s0, s1) };
      // the residual laid out as the share's output: all of it (own share), or its channels packed
      const rOwn = rs === undefined ? {} : { residual: rs };
      const rWorker = rs === undefined ? {} : { residual: N === 1 ? rs.subarray(s0 * P, s1 * P) : gatherChannels(rs, N, O, s0, s1, P) };
      return i === 0
        ? ownShare({ kind: 'convForward', params: { g: { ...g, O: Ot }, outBatchStride: O * P, outChannel: s0, wKey, ...epilogueOf(s0, s1) }, views: { x: xs, w: wPart, ...b, ...rOwn, out } })
        : workerShare({
          kind: 'convForward', params: { g: { ...g, O: Ot }, outBatchStride: Ot * P, outChannel: 0, wKey, ...epilogueOf(s0, s1) },
          views: { x: xs, w: wPart, ...b, ...rWorker, out: { output: N * Ot * P } },
          collect: (v) => scatterChannels(v.out, out, N, Ot, O, s0, P),
          destination: channelViews(out, N, O, s0, s1, P),
        });
    }));
    return new Tensor(out, [N, O, OH, OW]);
  }

  function conv2dBackpropInput(dy: Tensor, w: Tensor, xShape: Shape, attrs: Conv2dAttrs): Tensor {
    if (!isF32(dy, w) || !tfjsCanConv(attrs)) return cpu.conv2dBackpropInput(dy, w, xShape, attrs);
    if (attrs.groups > 1) return perGroup(dy, w, attrs, 'input', (dyg, wg, xg) => conv2dBackpropInput(dyg, wg, xg, { ...attrs, groups: 1 }), xShape);
    const g = geometry(xShape, w.shape, attrs);
    const { N, C, H, W, O, OH, OW } = g;
    const P = H * W;
    const dyImage = O * OH * OW;
    const out = new Float32Array(N * C * P); //                                zeros: this thread's share writes only what it must
    const dys = dy.storage as Float32Array;
    const ws = w.storage as Float32Array;
    const plan = planConv(g, C, dy.size <= CHANNEL_SPLIT_RATIO * w.size);
    const wKey = operandKey(w, 0, ...w.shape, ...g.stride, ...g.dilation, ...g.pads); // the phases depend on all of these
    run(plan.parts.map(([s0, s1], i) => {
      if (plan.by === 'batch') {
        // images [s0, s1): their slice of dY, all of w, their slice of dX
        const params = { g: { ...g, N: s1 - s0 }, c0: 0, c1: C, outBatchStride: C * P, outChannel: 0, wKey };
        const dyPart = dys.subarray(s0 * dyImage, s1 * dyImage);
        const at = s0 * C * P;
        return i === 0
          ? ownShare({ kind: 'convInput', params: { ...params, outZeroed: true }, views: { dy: dyPart, w: ws, out: out.subarray(at, s1 * C * P) } })
          : workerShare({ kind: 'convInput', params, views: { dy: dyPart, w: ws, out: { output: (s1 - s0) * C * P } }, collect: (v) => out.set(v.out, at), destination: out.subarray(at, s1 * C * P) });
      }
      // input channels [s0, s1): all of dY and w, their channels of dX
      const Ct = s1 - s0;
      return i === 0
        ? ownShare({ kind: 'convInput', params: { g, c0: s0, c1: s1, outBatchStride: C * P, outChannel: s0, wKey, outZeroed: true }, views: { dy: dys, w: ws, out } })
        : workerShare({
          kind: 'convInput', params: { g, c0: s0, c1: s1, outBatchStride: Ct * P, outChannel: 0, wKey },
          views: { dy: dys, w: ws, out: { output: N * Ct * P } },
          collect: (v) => scatterChannels(v.out, out, N, Ct, C, s0, P),
          destination: channelViews(out, N, C, s0, s1, P),
        });
    }));
    return new Tensor(out, [...xShape]);
  }

  /**
   * The filter gradient sums over the batch. Split by images, each share computes a partial dW
   * over its images and the partials are added on this thread in share order, ((p0 + p1) + p2)…,
   * so the result is bit-identical from run to run for a given thread count (and differs from
   * another count's only by float32 rounding). Split by output channels (batch 1), each share
   * computes its rows of dW outright.
   */
  function conv2dBackpropFilter(x: Tensor, dy: Tensor, wShape: Shape, attrs: Conv2dAttrs): Tensor {
    if (!isF32(x, dy) || !tfjsCanConv(attrs)) return cpu.conv2dBackpropFilter(x, dy, wShape, attrs);
    if (attrs.groups > 1) return perGroup(x, dy, attrs, 'filter', (xg, dyg, wg) => conv2dBackpropFilter(xg, dyg, wg, { ...attrs, groups: 1 }), wShape);
    const g = geometry(x.shape, wShape, attrs);
    const { C, H, W, O, KH, KW, OH, OW } = g;
    const image = C * H * W;
    const dyImage = O * OH * OW;
    const Q = C * KH * KW;
    const out = new Float32Array(O * Q);
    const xs = x.storage as Float32Array;
    const dys = dy.storage as Float32Array;
    // Image shares cost a serial reduction and transpose of T partial dW [Q, O] on this thread;
    // channel shares cost every thread the patches of all the pixels, [Q, N·OH·OW]. So: channels
    // only when the pixels are no more than the output channels (the deep layers: 512 channels,
    // 4×4 or strided 8×8 images at batch 32), images otherwise. Measured on CIFAR ResNet-18
    // (batch 32, 2 threads, medians of 11, the two alternated, three runs): layer3's 3×3 (2,048
    // pixels, 256 channels) 60–65 ms by channels, 51–63 by images; layer4's 3×3 and
    // layer4.0.conv1 (512 pixels, 512 channels) within 5 % either way. (Before the im2col
    // products, the rule compared x with dW: |x| ≤ 2·|dW| → channels.)
    const plan = planConv(g, O, g.N * OH * OW <= O);
    if (plan.by === 'batch' && plan.parts.length > 1) {
      const sum = scratchOf(Q * O); // [C, KH, KW, O]: share 0's partial, then the running sum
      run(plan.parts.map(([s0, s1], i) => {
        const params = { g: { ...g, N: s1 - s0 }, o0: 0, o1: O, transposed: false };
        const xPart = xs.subarray(s0 * image, s1 * image);
        const dyPart = dys.subarray(s0 * dyImage, s1 * dyImage);
        return i === 0
          ? ownShare({ kind: 'convFilter', params, views: { x: xPart, dy: dyPart, out: sum } })
          : workerShare({
            kind: 'convFilter', params, views: { x: xPart, dy: dyPart, out: { output: Q * O } },
            collect: (v) => { for (let j = 0; j < sum.length; j++) sum[j]! += v.out[j]!; }, // called in share order
          });
      }));
      transposeQO(sum, out, Q, O);
    } else {
      // output channels (one share: all of them, its rows of dW written in place, no reduction)
      const parts = plan.by === 'channel' ? plan.parts : [[0, O] as [number, number]];
      run(parts.map(([s0, s1], i) => {
        const params = { g, o0: s0, o1: s1, transposed: true };
        return i === 0
          ? ownShare({ kind: 'convFilter', params, views: { x: xs, dy: dys, out: out.subarray(s0 * Q, s1 * Q) } })
          : workerShare({ kind: 'convFilter', params, views: { x: xs, dy: dys, out: { output: (s1 - s0) * Q } }, collect: (v) => out.set(v.out, s0 * Q), destination: out.subarray(s0 * Q, s1 * Q) });
      }));
    }
    return new Tensor(out, [...wShape]);
  }

  /**
   * Max pooling forward through tfjs (about 10× the JS loop on a ResNet-18 stem, transposes
   * included). Dilated windows, windows that can hold only padding, and NaN inputs (XNNPACK's max
   * does not propagate NaN; PyTorch's does) stay on the cpu kernel. The backward stays there too.
   */
  function maxPool2d(x: Tensor, attrs: Pool2dAttrs): Tensor {
    const { kernel: [KH, KW], stride, dilation, padding: p } = attrs;
    if (!isF32(x) || x.ndim !== 4 || dilation[0] !== 1 || dilation[1] !== 1 || 2 * Math.max(p.top, p.bottom) > KH || 2 * Math.max(p.left, p.right) > KW) return cpu.maxPool2d(x, attrs);
    const [N, C, H, W] = x.shape as [number, number, number, number];
    const OH = outSize(H, p.top + p.bottom, KH, stride[0], 1);
    const OW = outSize(W, p.left + p.right, KW, stride[1], 1);
    const xs = x.storage as Float32Array;
    if (OH < 1 || OW < 1 || hasNaN(xs)) return cpu.maxPool2d(x, attrs);
    const out = new Float32Array(N * C * OH * OW);
    run([ownShare({ kind: 'maxPool', params: { N, C, H, W, OH, OW, kernel: [KH, KW], stride, pads: [p.top, p.bottom, p.left, p.right] }, views: { x: xs, out } })]);
    return new Tensor(out, [N, C, OH, OW]);
  }

  /**
   * A recurrent layer over a sequence (LSTM or GRU, forward or backward), split by blocks of batch
   * rows `parts`: each share runs all T steps for its rows (parallel/lstm-share.ts,
   * gru-share.ts), with no exchange between threads until the end. Share i reads
   * `inputs(i, n0, n1)` and writes
   *   blocks: [array, width] — its rows for all T steps, [T, n1 − n0, width], at T·n0·width (the
   *           blocks of all shares end to end: the layout the saved activations keep);
   *   rows:   [array, width] — one value per row, at n0·width (the initial state's gradient);
   *   sums:   arrays every share adds its partial into, in share order (the weight gradients), so
   *           the result is bit-identical from run to run for a given thread count.
   */
  function runRowShares(
    kind: 'lstmForward' | 'lstmBackward' | 'gruForward' | 'gruBackward', T: number, parts: readonly (readonly [number, number])[], params: (n0: number, n1: number) => object,
    inputs: (i: number, n0: number, n1: number) => Record<string, Float32Array>,
    blocks: Record<string, readonly [Float32Array, number]>, rows: Record<string, readonly [Float32Array, number]> = {}, sums: Record<string, Float32Array> = {},
  ): void {
    run(parts.map(([n0, n1], i) => {
      const mine: Record<string, Float32Array> = {};
      for (const [name, [a, width]] of Object.entries(blocks)) mine[name] = a.subarray(T * n0 * width, T * n1 * width);
      for (const [name, [a, width]] of Object.entries(rows)) mine[name] = a.subarray(n0 * width, n1 * width);
      if (i === 0) return ownShare({ kind, params: params(n0, n1), views: { ...inputs(i, n0, n1), ...mine, ...sums } } as never);
      const outputs = Object.fromEntries([...Object.entries(mine), ...Object.entries(sums)].map(([name, a]) => [name, { output: a.length }]));
      return workerShare({
        kind, params: params(n0, n1), views: { ...inputs(i, n0, n1), ...outputs }, destination: Object.values(mine),
        collect: (v: Record<string, Float32Array>) => {
          for (const [name, a] of Object.entries(mine)) a.set(v[name]!);
          for (const [name, sum] of Object.entries(sums)) {
            const part = v[name]!;
            for (let j = 0; j < sum.length; j++) sum[j]! += part[j]!;
          }
        },
      } as never);
    }));
  }

  /** How a recurrent layer's batch rows are cut: blocks of at least MIN_ROWS_PER_SHARE rows, one per thread as the work allows. */
  const rowParts = (N: number, flops: number): [number, number][] => splitRange(N, sharesFor(flops, Math.floor(N / MIN_ROWS_PER_SHARE)));
  const partsOf = (bounds: readonly number[]): [number, number][] => bounds.slice(1).map((n1, i) => [bounds[i]!, n1]);
  const boundsOf = (parts: readonly (readonly [number, number])[]): number[] => [0, ...parts.map(([, n1]) => n1)];
  const flat = (a: Float32Array): Tensor => new Tensor(a, [a.length]);
  const f32 = (t: Tensor): Float32Array => t.storage as Float32Array;
  const transposed = (w: Tensor): Float32Array => f32(cpu.permute(w, [1, 0]));
  /** Rows [n0, n1) of saved activations kept in row-block layout: T·(n1 − n0)·width values at T·n0·width. */
  const blockOf = (t: Tensor, T: number, n0: number, n1: number, width: number): Float32Array => f32(t).subarray(T * n0 * width, T * n1 * width);

  function lstmForward(x: Tensor, state0: Tensor, wIh: Tensor, wHh: Tensor, bias: Tensor, reverse: boolean): LstmForward {
    if (!isF32(x, state0, wIh, wHh, bias)) return cpu.lstmForward(x, state0, wIh, wHh, bias, reverse);
    const [T, N, I] = x.shape as [number, number, number];
    const H = wHh.shape[1]!;
    const G = 4 * H;
    const parts = rowParts(N, 2 * T * N * G * (I + H));
    const [gates, tanhC, hPrev, s] = [G, H, H, 2 * H].map((width) => new Float32Array(T * N * width)) as [Float32Array, Float32Array, Float32Array, Float32Array];
    const [wIhT, wHhT] = [transposed(wIh), transposed(wHh)];
    const xParts = rowBlocks(f32(x), T, N, I, parts, scratchOf(x.size));
    runRowShares('lstmForward', T, parts, (n0, n1) => ({ T, N: n1 - n0, I, H, reverse }),
      (i, n0, n1) => ({ x: xParts[i]!, state0: f32(state0).subarray(n0 * 2 * H, n1 * 2 * H), wIhT, wHhT, b: f32(bias) }),
      { gates: [gates, G], tanhC: [tanhC, H], hPrev: [hPrev, H], s: [s, 2 * H] });
    const out = parts.length === 1 ? s : joinRowBlocks(s, T, N, 2 * H, parts);
    return { out: new Tensor(out, [T, N, 2 * H]), saved: { bounds: boundsOf(parts), gates: flat(gates), tanhC: flat(tanhC), hPrev: flat(hPrev), s: flat(s) } };
  }

  function lstmBackward(saved: LstmSaved, x: Tensor, state0: Tensor, wIh: Tensor, wHh: Tensor, dS: Tensor, reverse: boolean, need: LstmNeed): LstmGradients {
    if (!isF32(x, state0, wIh, wHh, dS, saved.gates)) return cpu.lstmBackward(saved, x, state0, wIh, wHh, dS, reverse, need);
    const [T, N, I] = x.shape as [number, number, number];
    const H = wHh.shape[1]!;
    const G = 4 * H;
    const parts = partsOf(saved.bounds);
    const [dX, dState0, dWIh, dWHh, dB] = [T * N * I, N * 2 * H, G * I, G * H, G].map((size, i) => new Float32Array(need[i] ? size : 0)) as Float32Array[];
    const both = scratchOf(x.size + dS.size);
    const xParts = rowBlocks(f32(x), T, N, I, parts, both.subarray(0, x.size));
    const dSParts = rowBlocks(f32(dS), T, N, 2 * H, parts, both.subarray(x.size));
    const dXBlocks = parts.length === 1 ? dX! : new Float32Array(dX!.length);
    runRowShares('lstmBackward', T, parts, (n0, n1) => ({ T, N: n1 - n0, I, H, reverse, need }),
      (i, n0, n1) => ({
        x: xParts[i]!, state0: f32(state0).subarray(n0 * 2 * H, n1 * 2 * H), wIh: f32(wIh), wHh: f32(wHh), dS: dSParts[i]!,
        gates: blockOf(saved.gates, T, n0, n1, G), tanhC: blockOf(saved.tanhC, T, n0, n1, H), hPrev: blockOf(saved.hPrev, T, n0, n1, H), s: blockOf(saved.s, T, n0, n1, 2 * H),
      }),
      { dX: [dXBlocks, need[0] ? I : 0] }, { dState0: [dState0!, need[1] ? 2 * H : 0] }, { dWIh: dWIh!, dWHh: dWHh!, dB: dB! });
    if (need[0] && parts.length > 1) joinRowBlocks(dXBlocks, T, N, I, parts, dX);
    return {
      dX: gradient(need, 0, dX!, [T, N, I]), dState0: gradient(need, 1, dState0!, [N, 2 * H]), dWIh: gradient(need, 2, dWIh!, [G, I]),
      dWHh: gradient(need, 3, dWHh!, [G, H]), dBias: gradient(need, 4, dB!, [G]),
    };
  }

  function gruForward(x: Tensor, h0: Tensor, wIh: Tensor, wHh: Tensor, biases: Tensor, reverse: boolean): GruForward {
    if (!isF32(x, h0, wIh, wHh, biases)) return cpu.gruForward(x, h0, wIh, wHh, biases, reverse);
    const [T, N, I] = x.shape as [number, number, number];
    const H = wHh.shape[1]!;
    const G = 3 * H;
    const parts = rowParts(N, 2 * T * N * G * (I + H));
    const [gates, vN, hPrev, y] = [G, H, H, H].map((width) => new Float32Array(T * N * width)) as [Float32Array, Float32Array, Float32Array, Float32Array];
    const [wIhT, wHhT] = [transposed(wIh), transposed(wHh)];
    const xParts = rowBlocks(f32(x), T, N, I, parts, scratchOf(x.size));
    runRowShares('gruForward', T, parts, (n0, n1) => ({ T, N: n1 - n0, I, H, reverse }),
      (i, n0, n1) => ({ x: xParts[i]!, h0: f32(h0).subarray(n0 * H, n1 * H), wIhT, wHhT, b: f32(biases) }),
      { gates: [gates, G], vN: [vN, H], hPrev: [hPrev, H], y: [y, H] });
    const out = parts.length === 1 ? y : joinRowBlocks(y, T, N, H, parts);
    return { out: new Tensor(out, [T, N, H]), saved: { bounds: boundsOf(parts), gates: flat(gates), vN: flat(vN), hPrev: flat(hPrev) } };
  }

  function gruBackward(saved: GruSaved, x: Tensor, wIh: Tensor, wHh: Tensor, dY: Tensor, reverse: boolean, need: GruNeed): GruGradients {
    if (!isF32(x, wIh, wHh, dY, saved.gates)) return cpu.gruBackward(saved, x, wIh, wHh, dY, reverse, need);
    const [T, N, I] = x.shape as [number, number, number];
    const H = wHh.shape[1]!;
    const G = 3 * H;
    const parts = partsOf(saved.bounds);
    const [dX, dH0, dWIh, dWHh, dBIh, dBHh] = [T * N * I, N * H, G * I, G * H, G, G].map((size, i) => new Float32Array(need[i] ? size : 0)) as Float32Array[];
    const both = scratchOf(x.size + dY.size);
    const xParts = rowBlocks(f32(x), T, N, I, parts, both.subarray(0, x.size));
    const dYParts = rowBlocks(f32(dY), T, N, H, parts, both.subarray(x.size));
    const dXBlocks = parts.length === 1 ? dX! : new Float32Array(dX!.length);
    runRowShares('gruBackward', T, parts, (n0, n1) => ({ T, N: n1 - n0, I, H, reverse, need }),
      (i, n0, n1) => ({
        x: xParts[i]!, wIh: f32(wIh), wHh: f32(wHh), dY: dYParts[i]!,
        gates: blockOf(saved.gates, T, n0, n1, G), vN: blockOf(saved.vN, T, n0, n1, H), hPrev: blockOf(saved.hPrev, T, n0, n1, H),
      }),
      { dX: [dXBlocks, need[0] ? I : 0] }, { dH0: [dH0!, need[1] ? H : 0] }, { dWIh: dWIh!, dWHh: dWHh!, dBIh: dBIh!, dBHh: dBHh! });
    if (need[0] && parts.length > 1) joinRowBlocks(dXBlocks, T, N, I, parts, dX);
    return {
      dX: gradient(need, 0, dX!, [T, N, I]), dH0: gradient(need, 1, dH0!, [N, H]), dWIh: gradient(need, 2, dWIh!, [G, I]),
      dWHh: gradient(need, 3, dWHh!, [G, H]), dBIh: gradient(need, 4, dBIh!, [G]), dBHh: gradient(need, 5, dBHh!, [G]),
    };
  }

  return { ...cpu, name: 'wasm', matmul, conv2d, conv2dBackpropInput, conv2dBackpropFilter, maxPool2d, lstmForward, lstmBackward, gruForward, gruBackward };
}

/** Rows of a time-major [T, N, width] array per share: share i's rows [n0, n1) as [T, n1 − n0, width] (the array itself for one share). */
function rowBlocks(src: Float32Array, T: number, N: number, width: number, parts: readonly (readonly [number, number])[], into: Float32Array): Float32Array[] {
  if (parts.length === 1) return [src];
  return parts.map(([n0, n1]) => {
    const block = into.subarray(T * n0 * width, T * n1 * width);
    for (let t = 0; t < T; t++) block.set(src.subarray((t * N + n0) * width, (t * N + n1) * width), t * (n1 - n0) * width);
    return block;
  });
}

/** The inverse of rowBlocks: share-major blocks back to one time-major [T, N, width] array. */
function joinRowBlocks(blocks: Float32Array, T: number, N: number, width: number, parts: readonly (readonly [number, number])[], out: Float32Array = new Float32Array(T * N * width)): Float32Array {
  for (const [n0, n1] of parts) {
    const Nt = n1 - n0;
    for (let t = 0; t < T; t++) out.set(blocks.subarray((T * n0 + t * Nt) * width, (T * n0 + (t + 1) * Nt) * width), (t * N + n0) * width);
  }
  return out;
}

/** This thread's scratch for the filter gradient's partial sums and the recurrent kernels' row blocks (one call uses it at a time). */
const scratchOf = scratchFloats();

/** Every size of the conv y = conv2d(x, w) with x of `xShape` and w of `wShape`. */
function geometry(xShape: Shape, wShape: Shape, attrs: Conv2dAttrs): ConvGeometry {
  const [N, C, H, W] = xShape as [number, number, number, number];
  const [O, , KH, KW] = wShape as [number, number, number, number];
  const { padding: p, stride, dilation } = attrs;
  return {
    N, C, H, W, O, KH, KW,
    OH: outSize(H, p.top + p.bottom, KH, stride[0], dilation[0]),
    OW: outSize(W, p.left + p.right, KW, stride[1], dilation[1]),
    stride, dilation, pads: [p.top, p.bottom, p.left, p.right],
  };
}

/** The views of channels [c0, c1) of every image of an [N, C, P] array: where scatterChannels writes. */
function channelViews(out: Float32Array, N: number, C: number, c0: number, c1: number, P: number): Float32Array[] {
  return Array.from({ length: N }, (_, n) => out.subarray((n * C + c0) * P, (n * C + c1) * P));
}

/** A channel share's output [N, Ct, P] into channels [c0, c0 + Ct) of the full [N, C, P]. */
function scatterChannels(part: Float32Array, out: Float32Array, N: number, Ct: number, C: number, c0: number, P: number): void {
  for (let n = 0; n < N; n++) out.set(part.subarray(n * Ct * P, (n + 1) * Ct * P), (n * C + c0) * P);
}

/** [Q, O] → [O, Q]. */
/** Channels [c0, c1) of every image of x [N, C, P], packed as [N, c1 − c0, P]. */
function gatherChannels(x: Float32Array, N: number, C: number, c0: number, c1: number, P: number): Float32Array {
  const out = new Float32Array(N * (c1 - c0) * P);
  for (let n = 0; n < N; n++) out.set(x.subarray((n * C + c0) * P, (n * C + c1) * P), n * (c1 - c0) * P);
  return out;
}

function transposeQO(src: Float32Array, dst: Float32Array, Q: number, O: number): void {
  channelsFirst(src, dst, Q, O);
}

function hasNaN(xs: Float32Array): boolean {
  for (let i = 0; i < xs.length; i++) if (xs[i] !== xs[i]) return true;
  return false;
}

/** tfjs refuses stride > 1 together with dilation > 1 on the same conv. */
function tfjsCanConv({ stride, dilation }: Conv2dAttrs): boolean {
  return (stride[0] === 1 && stride[1] === 1) || (dilation[0] === 1 && dilation[1] === 1);
}

function broadcast(a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  return Array.from({ length: n }, (_, i) => Math.max(a[a.length - n + i] ?? 1, b[b.length - n + i] ?? 1));
}

/**
 * A grouped convolution as `groups` ordinary ones: group g owns input channels
 * [g·C/groups, (g+1)·C/groups) and output channels [g·O/groups, (g+1)·O/groups). The three
 * kernels split different operands, so `kind` says which axis of which tensor is split.
 */
function perGroup(
  a: Tensor, b: Tensor, attrs: Conv2dAttrs, kind: 'forward' | 'input' | 'filter',
  conv: (a: Tensor, b: Tensor, shape: Shape) => Tensor, shape: Shape = [],
): Tensor {
  const G = attrs.groups;
  const cpu = cpuKernels;
  const channelSlice = (t: Tensor, axis: number, g: number): Tensor => {
    const size = t.shape[axis]! / G;
    const starts = t.shape.map((_, i) => (i === axis ? g * size : 0));
    const sizes = t.shape.map((d, i) => (i === axis ? size : d));
    return cpu.slice(t, starts, t.shape.map(() => 1), sizes);
  };
  const parts: Tensor[] = [];
  for (let g = 0; g < G; g++) {
    if (kind === 'forward') parts.push(conv(channelSlice(a, 1, g), channelSlice(b, 0, g), []));
    else if (kind === 'input') parts.push(conv(channelSlice(a, 1, g), channelSlice(b, 0, g), shape.map((d, i) => (i === 1 ? d / G : d))));
    else parts.push(conv(channelSlice(a, 1, g), channelSlice(b, 1, g), shape.map((d, i) => (i === 0 ? d / G : d))));
  }
  // forward and input gradients stack groups along channels (axis 1); filter gradients along O (axis 0)
  return cpu.concat(parts, kind === 'filter' ? 0 : 1);
}

