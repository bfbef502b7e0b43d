/**
 * conv-geometry — every size of one 2-D convolution y = conv2d(x, w), derived once from the
 * shapes and the options: x [N, C, H, W], w [O, C/groups, KH, KW], y [N, O, OH, OW] with
 *   OH = ⌊(H + pt + pb − dh·(KH − 1) − 1) / sh⌋ + 1   (OW likewise; `convOutputSize` in shape.ts)
 * The one record every conv kernel reads (cpu's loops, the wasm backend's plans and its thread
 * shares), on plain numbers: a worker thread imports it without loading a tensor.
 */
import { convOutputSize, fmt, type Shape } from './shape.js';

/** Zero padding as [top, bottom, left, right]. */
export type Pads = readonly [number, number, number, number];

export interface ConvGeometry {
  readonly N: number;
  readonly C: number;
  readonly H: number;
  readonly W: number;
  readonly O: number;
  readonly KH: number;
  readonly KW: number;
  readonly OH: number;
  readonly OW: number;
  readonly stride: readonly [number, number];
  readonly pads: Pads;
  readonly dilation: readonly [number, number];
  readonly groups: number;
}

/** The options that fix a conv's geometry (the kernels' Conv2dAttrs has this shape). */
export interface ConvOptions {
  readonly stride: readonly [number, number];
  readonly padding: { readonly top: number; readonly bottom: number; readonly left: number; readonly right: number };
  readonly dilation: readonly [number, number];
  readonly groups: number;
}

/**
 * The geometry of conv2d(x, w) for x of `xShape` and w of `wShape`, or a RangeError naming
 * `where` and the shapes when they do not make a convolution.
 */
export function convGeometry(xShape: Shape, wShape: Shape, options: ConvOptions, where: string): ConvGeometry {
  if (xShape.length !== 4 || wShape.length !== 4) {
    throw new RangeError(`${where}: expected input [N,C,H,W] and weight [O,C/groups,KH,KW], got ${fmt(xShape)} and ${fmt(wShape)}`);
  }
  const [N, C, H, W] = xShape as readonly [number, number, number, number];
  const [O, Cg, KH, KW] = wShape as readonly [number, number, number, number];
  const { groups, padding: p, stride, dilation } = options;
  if (C !== Cg * groups || O % groups !== 0) {
    throw new RangeError(`${where}: input ${fmt(xShape)} does not match weight ${fmt(wShape)} with groups=${groups}`);
  }
  const OH = convOutputSize(H, p.top, p.bottom, KH, stride[0], dilation[0]);
  const OW = convOutputSize(W, p.left, p.right, KW, stride[1], dilation[1]);
  if (OH < 1 || OW < 1) throw new RangeError(`${where}: the kernel does not fit in the padded input ${fmt(xShape)}`);
  return { N, C, H, W, O, KH, KW, OH, OW, stride, pads: [p.top, p.bottom, p.left, p.right], dilation, groups };
}

/** Multiply-adds ×2 of the forward conv (each gradient costs the same). */
export const convFlops = (g: ConvGeometry): number => 2 * g.N * (g.O / g.groups) * g.OH * g.OW * g.C * g.KH * g.KW;
