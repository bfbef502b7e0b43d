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
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as TF from '@tensorflow/tfjs-core';
import { Tensor } from '../tensor.js';
import { fmt, sizeOf, type Shape } from '../shape.js';
import { cpuKernels } from './cpu/index.js';
import type { Conv2dAttrs, Kernels } from './types.js';

type Tf = typeof TF;

/** Where the package's .wasm binaries live: its own dist/ folder, found through Node's resolver. */
function wasmDirectory(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
}

let loaded: Promise<Tf> | null = null;

/** Loads tfjs-core and its wasm backend once (no network: the binaries come from node_modules). */
export function loadTfWasm(): Promise<Tf> {
  loaded ??= (async () => {
    const tf = await import('@tensorflow/tfjs-core');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(wasmDirectory());
    if (!(await tf.setBackend('wasm'))) throw new Error('setBackend: the tfjs wasm backend failed to initialise');
    await tf.ready();
    return tf;
  })();
  return loaded;
}

const isF32 = (...ts: Tensor[]): boolean => ts.every((t) => t.dtype === 'float32');

/** The wasm kernels, built once tfjs is loaded. */
export async function createWasmKernels(): Promise<Kernels> {
  const tf = await loadTfWasm();
  const cpu = cpuKernels;

  /** Runs `fn` on tfjs tensors made from ours and returns the result as a Sapling tensor. */
  const run = (shape: Shape, fn: () => TF.Tensor): Tensor => {
    let data: Float32Array | null = null;
    // The values leave tidy through a variable, not as its return value: tidy walks whatever
    // it returns looking for tensors, key by key, which for a large typed array costs seconds.
    tf.tidy(() => {
      data = fn().dataSync() as Float32Array;
    });
    return new Tensor(data!, shape);
  };
  const input = (t: Tensor): TF.Tensor => tf.tensor(t.storage as Float32Array, [...t.shape], 'float32');

  function matmul(a: Tensor, b: Tensor): Tensor {
    if (!isF32(a, b) || a.size === 0 || b.size === 0) return cpu.matmul(a, b);
    const batch = broadcast(a.shape.slice(0, -2), b.shape.slice(0, -2));
    const [m, k] = a.shape.slice(-2) as [number, number];
    const n = b.shape[b.ndim - 1]!;
    // tfjs multiplies [batchA, m, k] by [batchB, k, n] when the batch sizes agree or one is 1;
    // any other broadcast of the batch axes is materialised first.
    const flat = (t: Tensor, rows: number, cols: number): TF.Tensor => {
      const own = sizeOf(t.shape.slice(0, -2));
      const full = own === 1 || fmt(t.shape.slice(0, -2)) === fmt(batch) ? t : cpu.broadcastTo(t, [...batch, rows, cols]);
      return tf.tensor(full.storage as Float32Array, [full.size / (rows * cols), rows, cols], 'float32');
    };
    return run([...batch, m, n], () => tf.matMul(flat(a, m, k), flat(b, k, n)));
  }

  /** The forward conv on NHWC tensors already in tfjs; returns NHWC. */
  const convNhwc = (x: TF.Tensor4D, f: TF.Tensor4D, stride: readonly [number, number], pads: Pads, dilation: readonly [number, number]): TF.Tensor4D =>
    tf.conv2d(x, f, [stride[0], stride[1]], [[0, 0], [pads[0], pads[1]], [pads[2], pads[3]], [0, 0]], 'NHWC', [dilation[0], dilation[1]]);

  function conv2d(x: Tensor, w: Tensor, attrs: Conv2dAttrs): Tensor {
    if (!isF32(x, w) || !tfjsCanConv(attrs)) return cpu.conv2d(x, w, attrs);
    if (attrs.groups > 1) return perGroup(x, w, attrs, 'forward', (xg, wg) => conv2d(xg, wg, { ...attrs, groups: 1 }));
    const [N, , H, W] = x.shape as [number, number, number, number];
    const [O, , KH, KW] = w.shape as [number, number, number, number];
    const { padding: p, stride, dilation } = attrs;
    const OH = outSize(H, p.top + p.bottom, KH, stride[0], dilation[0]);
    const OW = outSize(W, p.left + p.right, KW, stride[1], dilation[1]);
    const xNhwc = cpu.permute(x, [0, 2, 3, 1]);
    const filter = cpu.permute(w, [2, 3, 1, 0]); // [KH, KW, C, O]
    const y = run([N, OH, OW, O], () => convNhwc(input(xNhwc) as TF.Tensor4D, input(filter) as TF.Tensor4D, stride, [p.top, p.bottom, p.left, p.right], dilation));
    return cpu.permute(y, [0, 3, 1, 2]);
  }

  function conv2dBackpropInput(dy: Tensor, w: Tensor, xShape: Shape, attrs: Conv2dAttrs): Tensor {
    if (!isF32(dy, w) || !tfjsCanConv(attrs)) return cpu.conv2dBackpropInput(dy, w, xShape, attrs);
    if (attrs.groups > 1) return perGroup(dy, w, attrs, 'input', (dyg, wg, xg) => conv2dBackpropInput(dyg, wg, xg, { ...attrs, groups: 1 }), xShape);
    const [N, C, H, W] = xShape as [number, number, number, number];
    const [, , KH, KW] = w.shape as [number, number, number, number];
    const [, , OH, OW] = dy.shape as [number, number, number, number];
    const { padding: p, stride: [sh, sw], dilation: [dh, dw] } = attrs;
    const dyNhwc = cpu.permute(dy, [0, 2, 3, 1]);
    const dx = new Float32Array(N * H * W * C); // NHWC
    tf.tidy(() => {
      const dyT = input(dyNhwc) as TF.Tensor4D;
      // With stride s, input row h only meets kernel taps a ≡ h + pt (mod s): split dX into s_h·s_w
      // interleaved phases, each a stride-1 conv of dY with that phase's taps (see `phase`).
      // Every multiply-add of the forward conv is done exactly once, none on inserted zeros.
      for (let fh = 0; fh < sh; fh++) {
        const rows = phase(H, p.top, KH, sh, dh, fh, OH);
        if (rows === null) continue;
        for (let fw = 0; fw < sw; fw++) {
          const cols = phase(W, p.left, KW, sw, dw, fw, OW);
          if (cols === null) continue;
          const filter = flippedTransposed(w, fh, sh, rows.taps, fw, sw, cols.taps); // [taps_h, taps_w, O, C]
          const pads: Pads = [Math.max(rows.top, 0), Math.max(rows.bottom, 0), Math.max(cols.top, 0), Math.max(cols.bottom, 0)];
          const part = convNhwc(dyT, input(filter) as TF.Tensor4D, [1, 1], pads, [dh, dw]);
          scatterPhase(part.dataSync() as Float32Array, part.shape, rows, cols, dx, [N, H, W, C], sh, sw);
        }
      }
    });
    return cpu.permute(new Tensor(dx, [N, H, W, C]), [0, 3, 1, 2]);
  }

  function conv2dBackpropFilter(x: Tensor, dy: Tensor, wShape: Shape, attrs: Conv2dAttrs): Tensor {
    if (!isF32(x, dy) || !tfjsCanConv(attrs)) return cpu.conv2dBackpropFilter(x, dy, wShape, attrs);
    if (attrs.groups > 1) return perGroup(x, dy, attrs, 'filter', (xg, dyg, wg) => conv2dBackpropFilter(xg, dyg, wg, { ...attrs, groups: 1 }), wShape);
    const [, C, H, W] = x.shape as [number, number, number, number];
    const [O, , KH, KW] = wShape as [number, number, number, number];
    const [, , OH, OW] = dy.shape as [number, number, number, number];
    const { padding: p, stride: [sh, sw], dilation: [dh, dw] } = attrs;
    const xT = cpu.permute(x, [1, 2, 3, 0]); //   [C, H, W, N]: channels as the batch, the batch as channels
    const dyT = cpu.permute(dy, [2, 3, 0, 1]); // [OH, OW, N, O]: dY as the filter
    // Rows past the last window never reach dW: pad the bottom only as far as needed, then crop.
    const bottom = Math.max(0, dh * (KH - 1) + sh * (OH - 1) + 1 - H - p.top);
    const right = Math.max(0, dw * (KW - 1) + sw * (OW - 1) + 1 - W - p.left);
    const rows = outSize(H, p.top + bottom, OH, dh, sh);
    const cols = outSize(W, p.left + right, OW, dw, sw);
    let dW = run([C, rows, cols, O], () =>
      convNhwc(input(xT) as TF.Tensor4D, input(dyT) as TF.Tensor4D, [dh, dw], [p.top, bottom, p.left, right], [sh, sw]));
    if (rows !== KH || cols !== KW) dW = cpu.slice(dW, [0, 0, 0, 0], [1, 1, 1, 1], [C, KH, KW, O]);
    return cpu.permute(dW, [3, 0, 1, 2]);
  }

  return { ...cpu, name: 'wasm', matmul, conv2d, conv2dBackpropInput, conv2dBackpropFilter };
}

/** [top, bottom, left, right] */
type Pads = readonly [number, number, number, number];

/** tfjs refuses stride > 1 together with dilation > 1 on the same conv. */
function tfjsCanConv({ stride, dilation }: Conv2dAttrs): boolean {
  return (stride[0] === 1 && stride[1] === 1) || (dilation[0] === 1 && dilation[1] === 1);
}

function outSize(size: number, pad: number, kernel: number, stride: number, dilation: number): number {
  return Math.floor((size + pad - dilation * (kernel - 1) - 1) / stride) + 1;
}

function broadcast(a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  return Array.from({ length: n }, (_, i) => Math.max(a[a.length - n + i] ?? 1, b[b.length - n + i] ?? 1));
}

/**
 * One phase of the transposed convolution along one axis. Forward: y[i] = Σ_a w[a] · x[i·s − p + a·d]
 * (d > 1 only with s = 1). So dX[h] = Σ w[a] · dY[i] over i·s + a·d = h + p. With s = 1 there is one
 * phase: every tap a. With s > 1 (then d = 1) input rows with (h + p) mod s = φ meet only taps
 * a = φ + s·m, m < M = ⌈(K − φ)/s⌉; writing h = t·s + φ − p gives dX[h] = Σ_m w[φ + s·m] · dY[t − m]:
 * a stride-1 correlation of dY, padded by M − 1 − t_min on top, with those taps reversed.
 * Returns null when the phase has no taps or no rows.
 */
interface Phase {
  /** Taps of this phase (M). */
  readonly taps: number;
  /** Rows of dX in this phase (T), the first one, and the padding of dY (negative: crop). */
  readonly count: number;
  readonly first: number;
  readonly top: number;
  readonly bottom: number;
}

function phase(size: number, pad: number, kernel: number, stride: number, dilation: number, phi: number, outSize: number): Phase | null {
  const span = dilation * (kernel - 1) + 1; // s = 1: one phase holding all K taps, spaced d apart
  const taps = stride === 1 ? kernel : Math.ceil((kernel - phi) / stride);
  const tMin = Math.ceil((pad - phi) / stride);
  const tMax = Math.floor((size - 1 + pad - phi) / stride);
  const count = tMax - tMin + 1;
  if (taps <= 0 || count <= 0) return null;
  const reach = stride === 1 ? span : taps; // rows of dY one output row reads
  const top = reach - 1 - tMin;
  return { taps, count, first: tMin * stride + phi - pad, top, bottom: count + reach - 1 - outSize - top };
}

/** W [O, C, KH, KW] → W' [Mh, Mw, O, C] with W'[j, k, o, c] = W[o, c, φh + sh·(Mh−1−j), φw + sw·(Mw−1−k)]:
 *  the taps of one phase, flipped in both spatial axes, in and out channels swapped. */
function flippedTransposed(w: Tensor, fh: number, sh: number, mh: number, fw: number, sw: number, mw: number): Tensor {
  const [O, C, KH, KW] = w.shape as [number, number, number, number];
  const src = w.storage;
  const out = new Float32Array(mh * mw * O * C);
  for (let j = 0; j < mh; j++) {
    const a = fh + sh * (mh - 1 - j);
    for (let k = 0; k < mw; k++) {
      const b = fw + sw * (mw - 1 - k);
      for (let o = 0; o < O; o++) {
        const to = ((j * mw + k) * O + o) * C;
        for (let c = 0; c < C; c++) out[to + c] = src[((o * C + c) * KH + a) * KW + b]!;
      }
    }
  }
  return new Tensor(out, [mh, mw, O, C]);
}

/** Writes one phase's rows (its conv output, cropped where padding was negative) into dX (NHWC). */
function scatterPhase(
  part: Float32Array, partShape: readonly number[], rows: Phase, cols: Phase,
  dx: Float32Array, [N, H, W, C]: readonly [number, number, number, number], sh: number, sw: number,
): void {
  const [, PH, PW] = partShape as [number, number, number, number];
  const r0 = Math.max(-rows.top, 0);
  const c0 = Math.max(-cols.top, 0);
  for (let n = 0; n < N; n++) {
    for (let t = 0; t < rows.count; t++) {
      const h = rows.first + t * sh;
      for (let u = 0; u < cols.count; u++) {
        const from = ((n * PH + r0 + t) * PW + c0 + u) * C;
        dx.set(part.subarray(from, from + C), ((n * H + h) * W + cols.first + u * sw) * C);
      }
    }
  }
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

