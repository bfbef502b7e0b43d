/**
 * convTranspose2d — PyTorch's ConvTranspose2d as a function: the adjoint (transpose) of conv2d.
 *
 * Shapes: x [N, Cin, H, W], w [Cin, Cout/groups, KH, KW] (PyTorch's layout), b [Cout] → y [N, Cout, OH, OW]
 *   OH = (H − 1)·stride − 2·padding + dilation·(KH − 1) + outputPadding + 1        (OW likewise)
 * Read w as the weight of a conv2d from Cout to Cin channels ([O, C/groups, KH, KW] with O = Cin).
 * That conv, with padding (top p, bottom p − outputPadding), maps an image z of y's shape to one
 * of x's shape, and y is its adjoint applied to x: ⟨conv(z, w), x⟩ = ⟨z, convT(x, w)⟩ for every z.
 * So the forward is the kernels' conv2dBackpropInput(x, w, yShape): each input pixel scatters a
 * w-weighted stamp into y at stride steps. (The bottom padding p − outputPadding makes the conv
 * return exactly H rows; when outputPadding > p the last rows receive no stamp, and we append
 * them as zeros with `pad`.)
 * Backward. Write y = Tx(x, w), bilinear. With dY = ∂L/∂y:
 *   ⟨dY, Tx(x, w)⟩ = ⟨conv(dY, w), x⟩       ⇒  dX = conv2d(dY, w)                       [N, Cin, H, W]
 *   ⟨conv(dY, w), x⟩ = ⟨w, Tw(dY, x)⟩        ⇒  dW = conv2dBackpropFilter(dY, x)        [Cin, Cout/groups, KH, KW]
 * The second is the filter gradient of the conv whose input is dY and whose output gradient is
 * x: conv2d's weight gradient with the roles of x and dy swapped. Both are differentiable ops.
 */
import { apply, type OpDef } from '../function.js';
import { kernels } from '../backends/index.js';
import type { Conv2dAttrs } from '../backends/types.js';
import { fmt, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { conv2d, conv2dBackpropFilter, toPair, type Pair } from './conv.js';
import { add } from './elementwise.js';
import { checkTensor, requireFloat } from './helpers.js';
import { pad } from './indexing.js';
import { reshape } from './shape.js';

/**
 * Options of `convTranspose2d`: stride, padding, output padding, dilation and groups, as PyTorch's `F.conv_transpose2d`.
 */
export interface ConvTranspose2dOptions {
  /** Step between the stamps of neighbouring input pixels (default 1). */
  readonly stride?: Pair;
  /** Rows and columns removed from each border of the full output (default 0). */
  readonly padding?: Pair;
  /** Extra rows and columns at the bottom and right, to reach an exact size (default 0; less than stride or dilation). */
  readonly outputPadding?: Pair;
  /** Spacing between kernel taps (default 1). */
  readonly dilation?: Pair;
  /** Channels split into this many independent groups (default 1). */
  readonly groups?: number;
}

interface ConvTransposeAttrs {
  /** The conv2d whose adjoint we apply (w read as [O = Cin, Cout/groups, KH, KW]). */
  readonly conv: Conv2dAttrs;
  /** y's shape before the zero rows and columns of an outputPadding larger than padding. */
  readonly yShape: Shape;
}

const ConvTranspose2d: OpDef<readonly [Tensor, Tensor], ConvTransposeAttrs> = {
  name: 'ConvTranspose2d',
  forward(ctx, [x, w], { conv, yShape }) {
    ctx.save(x, w); // dX needs w and dW needs x
    return kernels().conv2dBackpropInput(x, w, yShape, conv);
  },
  backward(ctx, dY, { conv }) {
    const [x, w] = ctx.saved as [Tensor, Tensor];
    return [
      ctx.needsInputGrad[0] ? conv2d(dY, w, null, conv) : null, //                          [N, Cin, H, W]
      ctx.needsInputGrad[1] ? conv2dBackpropFilter(dY, x, w.shape, conv) : null, //     [Cin, Cout/groups, KH, KW]
    ];
  },
};

/**
 * The output size of a transposed convolution along one axis, PyTorch's formula.
 * @example convTransposeOutputSize(4, 1, 3, 2, 1, 1)  // 8
 */
export function convTransposeOutputSize(size: number, padding: number, kernel: number, stride: number, dilation: number, outputPadding: number): number {
  return (size - 1) * stride - 2 * padding + dilation * (kernel - 1) + outputPadding + 1;
}

/**
 * 2-D transposed convolution over NCHW input, as PyTorch's `F.conv_transpose2d`: the gradient of
 * conv2d with respect to its input, used to upsample (a decoder, a U-Net's up path).
 * @example convTranspose2d(ones([1, 1, 2, 2]), ones([1, 1, 2, 2]), null, { stride: 2 }).shape  // [1, 1, 4, 4]
 */
export function convTranspose2d(x: Tensor, w: Tensor, bias: Tensor | null = null, options: ConvTranspose2dOptions = {}): Tensor {
  const op = 'convTranspose2d';
  checkTensor(x, op, 'input');
  checkTensor(w, op, 'weight');
  requireFloat(x, op, 'input');
  requireFloat(w, op, 'weight');
  if (x.dtype !== w.dtype) throw new TypeError(`${op}: input is ${x.dtype} but weight is ${w.dtype}; convert one with .to('${x.dtype}')`);
  if (x.ndim !== 4) throw new RangeError(`${op}: input must be 4-D [N, Cin, H, W], got ${fmt(x.shape)}`);
  if (w.ndim !== 4) throw new RangeError(`${op}: weight must be 4-D [Cin, Cout/groups, KH, KW], got ${fmt(w.shape)}`);
  const [N, Cin, H, W] = x.shape as readonly [number, number, number, number];
  const [Ci, Cog, KH, KW] = w.shape as readonly [number, number, number, number];
  const { groups = 1 } = options;
  if (!Number.isInteger(groups) || groups < 1) throw new RangeError(`${op}: groups must be a positive integer, got ${groups}`);
  if (Ci !== Cin) throw new RangeError(`${op}: input ${fmt(x.shape)} has ${Cin} channels but weight ${fmt(w.shape)} expects ${Ci}`);
  if (Cin % groups !== 0) throw new RangeError(`${op}: groups=${groups} does not divide the ${Cin} input channels`);
  if (Cog < 1 || KH < 1 || KW < 1) throw new RangeError(`${op}: weight ${fmt(w.shape)} must have at least one output channel and a kernel of at least 1x1`);
  const stride = toPair(options.stride ?? 1, op, 'stride', 1);
  const padding = toPair(options.padding ?? 0, op, 'padding', 0);
  const dilation = toPair(options.dilation ?? 1, op, 'dilation', 1);
  const outputPadding = toPair(options.outputPadding ?? 0, op, 'outputPadding', 0);
  for (const axis of [0, 1] as const) {
    if (outputPadding[axis] >= Math.max(stride[axis], dilation[axis])) {
      throw new RangeError(`${op}: outputPadding [${outputPadding.join(',')}] must be smaller than stride [${stride.join(',')}] or dilation [${dilation.join(',')}]`);
    }
  }
  const Cout = Cog * groups;
  const OH = convTransposeOutputSize(H, padding[0], KH, stride[0], dilation[0], outputPadding[0]);
  const OW = convTransposeOutputSize(W, padding[1], KW, stride[1], dilation[1], outputPadding[1]);
  if (OH < 1 || OW < 1) throw new RangeError(`${op}: input ${fmt(x.shape)} with weight ${fmt(w.shape)} and these options gives an empty output ${OH}x${OW}`);
  // Output padding beyond the padding: rows the stamps never reach, added as zeros afterwards.
  const extraH = Math.max(outputPadding[0] - padding[0], 0);
  const extraW = Math.max(outputPadding[1] - padding[1], 0);
  const conv: Conv2dAttrs = {
    stride,
    dilation,
    groups,
    padding: { top: padding[0], bottom: padding[0] - outputPadding[0] + extraH, left: padding[1], right: padding[1] - outputPadding[1] + extraW },
  };
  let y = apply(ConvTranspose2d, [x, w], { conv, yShape: [N, Cout, OH - extraH, OW - extraW] });
  if (extraH > 0 || extraW > 0) y = pad(y, [0, extraW, 0, extraH]);
  if (bias === null) return y;
  checkTensor(bias, op, 'bias');
  requireFloat(bias, op, 'bias');
  if (bias.dtype !== x.dtype) throw new TypeError(`${op}: bias is ${bias.dtype} but the input is ${x.dtype}; convert one with .to('${x.dtype}')`);
  if (bias.ndim !== 1 || bias.shape[0] !== Cout) throw new RangeError(`${op}: bias must have shape [${Cout}] (one per output channel), got ${fmt(bias.shape)}`);
  return add(y, reshape(bias, [Cout, 1, 1])); //                                  bias [Cout] broadcast over N, OH and OW
}
