/**
 * fallbacks — every fused kernel (types.ts's FusedKernels) as a composition of core kernels, so
 * that a backend implementing only `CoreKernels` runs every op: `withFallbacks(core)`.
 *
 * Each fallback computes what its fused kernel does, in more passes: the conv epilogue is a conv,
 * then an add of the bias along the channels and of the residual, then a ReLU; the batch-norm
 * channel passes are float64 casts, products and sums over every axis but the channels; a scan
 * is log₂(n) shifted adds; the recurrent layers are fallback-rnn.ts, the optimizer steps
 * fallback-optim.ts, a Transformer's passes fallback-transformer.ts. Per-channel vectors [C] broadcast along the last axis
 * only (NumPy's rule), so the channel passes move the channels last (a permute), work, and move
 * them back. The values equal the fused kernels' up to float32 rounding (parity.test.ts).
 */
import { Tensor } from '../tensor.js';
import { optimizerFallbacks } from './fallback-optim.js';
import { recurrentFallbacks, scalar } from './fallback-rnn.js';
import { transformerFallbacks } from './fallback-transformer.js';
import type { BackendKernels, ChannelTerm, Conv2dAttrs, ConvEpilogue, CoreKernels, FusedKernels, Kernels, MatmulTranspose, Pool2dAttrs, ScanOp } from './types.js';

/** A backend's kernels completed with a fallback for each fused kernel it does not implement. */
export function withFallbacks(k: BackendKernels): Kernels {
  return { ...fallbacks(k), ...k };
}

/** The permutation that moves axis 1 (the channels) last, and its inverse. */
function channelsLast(rank: number): { readonly last: number[]; readonly back: number[] } {
  const last = [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1];
  const back = [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)];
  return { last, back };
}

/** Every fused kernel, composed of `k`'s core kernels. */
export function fallbacks(k: CoreKernels): FusedKernels {
  /** x [N, C, *] with channels last, in float64. */
  const lastF64 = (x: Tensor): Tensor => k.cast(k.permute(x, channelsLast(x.ndim).last), 'float64');
  /** Σ over every axis but the last (the channels): [C]. */
  const perChannel = (t: Tensor): Tensor => k.reduce('sum', t, Array.from({ length: t.ndim - 1 }, (_, i) => i), false);
  const countOf = (x: Tensor): number => (x.shape[1] === 0 ? 0 : x.numel() / x.shape[1]!);

  function fusedConv2d(x: Tensor, w: Tensor, attrs: Conv2dAttrs, { bias = null, residual = null, relu = false }: ConvEpilogue): Tensor {
    let y = k.conv2d(x, w, attrs);
    if (bias !== null) {
      const { last, back } = channelsLast(4);
      y = k.permute(k.binary('add', k.permute(y, last), bias, y.dtype), back); //      + bias[o]
    }
    if (residual !== null) return k.binary(relu ? 'addRelu' : 'add', y, residual, y.dtype);
    return relu ? k.unary('relu', y) : y;
  }

  function channelMoments(x: Tensor): { readonly mean: Tensor; readonly variance: Tensor } {
    const m = scalar(countOf(x), 'float64');
    const xl = lastF64(x);
    const mean = k.binary('div', perChannel(xl), m, 'float64');
    const centred = k.binary('sub', xl, mean, 'float64'); //                                two passes: never E[x²] − μ²
    return { mean, variance: k.binary('div', perChannel(k.binary('mul', centred, centred, 'float64')), m, 'float64') };
  }

  function channelSums(a: Tensor, b: Tensor, centre: Tensor): { readonly sum: Tensor; readonly dot: Tensor } {
    const al = lastF64(a);
    const centred = k.binary('sub', lastF64(b), k.cast(centre, 'float64'), 'float64');
    return { sum: perChannel(al), dot: perChannel(k.binary('mul', al, centred, 'float64')) };
  }

  function channelAffine(terms: readonly ChannelTerm[], shift: Tensor | null): Tensor {
    const [first] = terms[0]!;
    let acc: Tensor | null = null; //                                                       float64, channels last
    for (const [x, scale] of terms) {
      const term = k.binary('mul', lastF64(x), k.cast(scale, 'float64'), 'float64');
      acc = acc === null ? term : k.binary('add', acc, term, 'float64');
    }
    if (shift !== null) acc = k.binary('add', acc!, k.cast(shift, 'float64'), 'float64');
    return k.cast(k.permute(acc!, channelsLast(first.ndim).back), first.dtype); //          rounded once
  }

  /**
   * Hillis and Steele's scan (1986): after the step with shift s, y_i holds x_{i−2s+1} ∘ … ∘ x_i,
   * so log₂(n) steps of "y_i ∘= y_{i−s}" (the first n − s entries shifted right by s, the gap
   * filled with the identity) give every prefix: O(n log n) work in core kernels, not a loop.
   */
  function scan(op: ScanOp, x: Tensor, axis: number): Tensor {
    const n = x.shape[axis]!;
    let y = k.cast(x, x.dtype); // a copy: a kernel never returns its input
    for (let s = 1; s < n; s *= 2) {
      const head = k.slice(y, x.shape.map(() => 0), x.shape.map(() => 1), x.shape.map((d, a) => (a === axis ? n - s : d)));
      const shifted = k.pad(head, x.shape.map((_, a): readonly [number, number] => (a === axis ? [s, 0] : [0, 0])), op === 'sum' ? 0 : 1);
      y = k.binary(op === 'sum' ? 'add' : 'mul', y, shifted, x.dtype);
    }
    return y;
  }

  function matmulTransposed(a: Tensor, b: Tensor, { transposeA, transposeB }: MatmulTranspose): Tensor {
    return k.matmul(transposeA ? k.permute(a, [1, 0]) : a, transposeB ? k.permute(b, [1, 0]) : b);
  }

  /**
   * The window maxima from maxPool2d, then each window's arg-max found tap by tap: tap (a, b) of
   * every window is one strided slice of the padded x, and where it equals the maximum (first
   * tap wins) or is a NaN (last NaN wins, as the scan's `v > best || v ≠ v` keeps) its position
   * h·W + w is taken. Positions outside the input (padding) never count.
   */
  function maxPool2dWithIndices(x: Tensor, attrs: Pool2dAttrs): { readonly out: Tensor; readonly indices: Tensor } {
    const out = k.maxPool2d(x, attrs);
    const [N, C, H, W] = x.shape as [number, number, number, number];
    const [OH, OW] = [out.shape[2]!, out.shape[3]!];
    const { kernel: [KH, KW], stride: [sh, sw], dilation: [dh, dw], padding: p } = attrs;
    const padded = k.pad(x, [[0, 0], [0, 0], [p.top, p.bottom], [p.left, p.right]], 0); // padded taps are masked out below
    const ints = (values: readonly number[], shape: readonly number[]): Tensor => new Tensor(Int32Array.from(values), shape);
    const none = ints([-1], []);
    const isNan = (t: Tensor): Tensor => k.compare('ne', t, t);
    let first = none;
    let lastNan = none;
    for (let a = 0; a < KH; a++) {
      const rows = Array.from({ length: OH }, (_, i) => i * sh - p.top + a * dh); //            [OH, 1]
      for (let b = 0; b < KW; b++) {
        const cols = Array.from({ length: OW }, (_, j) => j * sw - p.left + b * dw); //          [1, OW]
        const position = k.binary('add', ints(rows.map((r) => r * W), [OH, 1]), ints(cols, [1, OW]), 'int32');
        const inside = k.binary('mul', ints(rows.map((r) => +(r >= 0 && r < H)), [OH, 1]), ints(cols.map((c) => +(c >= 0 && c < W)), [1, OW]), 'int32');
        const tap = k.slice(padded, [0, 0, a * dh, b * dw], [1, 1, sh, sw], [N, C, OH, OW]);
        const hit = k.binary('mul', k.binary('mul', k.compare('eq', tap, out), inside, 'int32'), k.compare('eq', first, none), 'int32');
        first = k.where(hit, position, first, 'int32');
        lastNan = k.where(k.binary('mul', isNan(tap), inside, 'int32'), position, lastNan, 'int32');
      }
    }
    return { out, indices: k.where(isNan(out), lastNan, first, 'int32') };
  }

  return { fusedConv2d, matmulTransposed, maxPool2dWithIndices, scan, channelMoments, channelSums, channelAffine, ...recurrentFallbacks(k), ...optimizerFallbacks(k), ...transformerFallbacks(k) };
}

/** The names of the fused kernels (the compiler checks the list against FusedKernels). */
export const FUSED_KERNELS = Object.keys({
  fusedConv2d: true, matmulTransposed: true, maxPool2dWithIndices: true, scan: true, channelMoments: true, channelSums: true, channelAffine: true, lstmForward: true, lstmBackward: true, gruForward: true, gruBackward: true,
  sgdStep: true, adamStep: true, rmspropStep: true, adagradStep: true,
  geluWithDerivative: true, softmaxLastAxis: true, softmaxBackward: true, layerNorm: true, layerNormBackward: true,
} satisfies Record<keyof FusedKernels, true>) as readonly (keyof FusedKernels)[];

/** `k`'s core kernels alone, renamed `name`: a backend that implements no fused kernel. */
export function coreOnly(k: Kernels, name: string): CoreKernels {
  const core: Record<string, unknown> = { ...k, name };
  for (const fused of FUSED_KERNELS) delete core[fused];
  return core as unknown as CoreKernels;
}
