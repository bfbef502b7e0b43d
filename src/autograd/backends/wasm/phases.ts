/**
 * phases — the transposed convolution (the input gradient) as stride-1 convolutions of dY, one
 * per stride phase, on plain numbers and Float32Arrays (no tensors, no tfjs): which taps and
 * rows each phase has, its flipped filter, and where its output goes in dX.
 */
import type { ConvGeometry, Pads } from '../../conv-geometry.js';

/**
 * One phase of the transposed convolution along one axis. Forward: y[i] = Σ_a w[a] · x[i·s − p + a·d]
 * (d > 1 only with s = 1). So dX[h] = Σ w[a] · dY[i] over i·s + a·d = h + p. With s = 1 there is one
 * phase: every tap a. With s > 1 (then d = 1) input rows with (h + p) mod s = φ meet only taps
 * a = φ + s·m, m < M = ⌈(K − φ)/s⌉; writing h = t·s + φ − p gives dX[h] = Σ_m w[φ + s·m] · dY[t − m]:
 * a stride-1 correlation of dY, padded by M − 1 − t_min on top, with those taps reversed.
 */
export interface Phase {
  /** Taps of this phase (M). */
  readonly taps: number;
  /** Rows of dX in this phase (T), the first one, and the padding of dY (negative: crop). */
  readonly count: number;
  readonly first: number;
  readonly top: number;
  readonly bottom: number;
}

/** The phase φ along one axis, or null when it has no taps or no rows. */
export function phase(size: number, pad: number, kernel: number, stride: number, dilation: number, phi: number, outSize: number): Phase | null {
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

/** One stride-1 sub-convolution of the input gradient: phase (fh, fw) and the padding of dY it needs. */
export interface PhaseStep {
  readonly fh: number;
  readonly fw: number;
  readonly rows: Phase;
  readonly cols: Phase;
  readonly pads: Pads;
}

/** The s_h·s_w phases of the input gradient, in a fixed order (rows of phases, then columns). */
export function phaseSteps(g: ConvGeometry): PhaseStep[] {
  const [sh, sw] = g.stride;
  const [dh, dw] = g.dilation;
  const [pt, , pl] = g.pads;
  const steps: PhaseStep[] = [];
  for (let fh = 0; fh < sh; fh++) {
    const rows = phase(g.H, pt, g.KH, sh, dh, fh, g.OH);
    if (rows === null) continue;
    for (let fw = 0; fw < sw; fw++) {
      const cols = phase(g.W, pl, g.KW, sw, dw, fw, g.OW);
      if (cols === null) continue;
      const pads: Pads = [Math.max(rows.top, 0), Math.max(rows.bottom, 0), Math.max(cols.top, 0), Math.max(cols.bottom, 0)];
      steps.push({ fh, fw, rows, cols, pads });
    }
  }
  return steps;
}

/**
 * The filter of one phase, for the input channels [c0, c0 + Ct): W [O, C, KH, KW] →
 * W' [Mh, Mw, O, Ct] with W'[j, k, o, c] = W[o, c0 + c, φh + sh·(Mh−1−j), φw + sw·(Mw−1−k)]:
 * the phase's taps, flipped in both spatial axes, in and out channels swapped.
 */
export function flippedTransposed(w: Float32Array, g: ConvGeometry, step: PhaseStep, c0: number, Ct: number, out: Float32Array): void {
  const { O, C, KH, KW } = g;
  const [sh, sw] = g.stride;
  const mh = step.rows.taps;
  const mw = step.cols.taps;
  for (let j = 0; j < mh; j++) {
    const a = step.fh + sh * (mh - 1 - j);
    for (let k = 0; k < mw; k++) {
      const b = step.fw + sw * (mw - 1 - k);
      for (let o = 0; o < O; o++) {
        const to = ((j * mw + k) * O + o) * Ct;
        const from = ((o * C + c0) * KH + a) * KW + b;
        for (let c = 0; c < Ct; c++) out[to + c] = w[from + c * KH * KW]!;
      }
    }
  }
}

/**
 * Writes one phase's rows (its conv output [N, PH, PW, Ct], cropped where the padding was
 * negative) into dX, NHWC [N, H, W, Ct].
 */
export function scatterPhase(part: Float32Array, PH: number, PW: number, step: PhaseStep, dx: Float32Array, N: number, H: number, W: number, Ct: number, stride: readonly [number, number]): void {
  const { rows, cols } = step;
  const [sh, sw] = stride;
  const r0 = Math.max(-rows.top, 0);
  const c0 = Math.max(-cols.top, 0);
  for (let n = 0; n < N; n++) {
    for (let t = 0; t < rows.count; t++) {
      const from = ((n * PH + r0 + t) * PW + c0) * Ct;
      const to = ((n * H + rows.first + t * sh) * W + cols.first) * Ct;
      if (sw === 1) {
        dx.set(part.subarray(from, from + cols.count * Ct), to); // one run of whole pixels
        continue;
      }
      for (let u = 0; u < cols.count; u++) {
        const s = from + u * Ct;
        const d = to + u * sw * Ct;
        for (let c = 0; c < Ct; c++) dx[d + c] = part[s + c]!;
      }
    }
  }
}
