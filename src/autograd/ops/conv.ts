/**
 * conv2d — y = x ⊛ w (+ b), PyTorch's Conv2d as a function, and its two gradients as ops.
 *
 * Shapes: x [N, C, H, W], w [O, C/groups, KH, KW], b [O]  →  y [N, O, OH, OW] with
 *   OH = ⌊(H + top + bottom − dilation·(KH − 1) − 1) / stride⌋ + 1   (OW likewise)
 *   y[n, o, i, j] = b[o] + Σ_{c,a,b'} w[o, c, a, b'] · x[n, g·C/groups + c, i·sh − top + a·dh, j·sw − left + b'·dw]
 * where g is o's group. The kernels (backends/cpu/conv.ts) hold the loops and the im2col
 * derivation; here we only need that y is *bilinear*: linear in x for fixed w and in w for fixed x.
 *
 * Backward. Write y = conv(x, w). For a linear map, the gradient is its transpose applied to
 * dY, and the transpose is defined by ⟨conv(x, w), dY⟩ = ⟨x, Tx(dY, w)⟩ = ⟨w, Tw(x, dY)⟩:
 *   dX = conv2dBackpropInput(dY, w)     Tx: [N, O, OH, OW] → [N, C, H, W]
 *   dW = conv2dBackpropFilter(x, dY)    Tw: [N, O, OH, OW] → [O, C/groups, KH, KW]
 * The bias is added with the broadcasting `add`, whose backward sums dY over N, OH and OW.
 *
 * Double backward. The two gradient functions are ops too, and the same identity, read with
 * the roles swapped, gives their backward passes in terms of conv2d and each other (see each
 * op below). So `createGraph: true` works through convolutions, e.g. for gradient penalties.
 */
import { apply, type OpDef } from '../function.js';
import { kernels } from '../backends/index.js';
import type { Conv2dAttrs, Padding2d } from '../backends/types.js';
import { convOutputSize, fmt, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { reluBackward } from './unary.js';
import { sum } from './reduce.js';
import { requireFloat, checkTensor } from './helpers.js';

/** One number for both spatial axes, or [height, width]. */
export type Pair = number | readonly [number, number];

/**
 * How `conv2d` pads: symmetric amounts (a number or [rows, cols]), 'valid' (none), 'same' (stride 1 only) or one amount per side.
 */
export type Conv2dPadding = Pair | 'valid' | 'same' | Padding2d;

/** Options of `conv2d`: stride, padding, dilation and groups, as PyTorch's `F.conv2d`. */
export interface Conv2dOptions {
  /** Step between windows (default 1). */
  readonly stride?: Pair;
  /** Zero padding: symmetric amounts, 'valid' (none), 'same' (stride 1 only), or one per side (default 0). */
  readonly padding?: Conv2dPadding;
  /** Spacing between kernel taps (default 1). */
  readonly dilation?: Pair;
  /** Channels split into this many independent groups (default 1). */
  readonly groups?: number;
}

/**
 * Checks `value` is a number or a pair of integers ≥ `min` and returns the pair.
 * Shared with the pooling ops.
 */
export function toPair(value: Pair, op: string, name: string, min: number): readonly [number, number] {
  const pair = typeof value === 'number' ? ([value, value] as const) : value;
  if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((v) => Number.isInteger(v) && v >= min)) {
    throw new RangeError(`${op}: ${name} must be an integer ≥ ${min} or a pair of them, got ${JSON.stringify(value)}`);
  }
  return pair;
}

export { convOutputSize }; // pool.ts reads it from here

function resolvePadding(padding: Conv2dPadding, kernel: readonly [number, number], dilation: readonly [number, number], stride: readonly [number, number], op: string): Padding2d {
  if (padding === 'valid') return { top: 0, bottom: 0, left: 0, right: 0 };
  if (padding === 'same') {
    if (stride[0] !== 1 || stride[1] !== 1) {
      throw new RangeError(`${op}: padding 'same' needs stride 1 (as in PyTorch), got stride [${stride.join(',')}]`);
    }
    // The output keeps the input size when the padding totals dilation·(kernel − 1); an odd
    // total puts the extra row and column at the bottom and right, as PyTorch does.
    const [th, tw] = [dilation[0] * (kernel[0] - 1), dilation[1] * (kernel[1] - 1)];
    return { top: Math.floor(th / 2), bottom: th - Math.floor(th / 2), left: Math.floor(tw / 2), right: tw - Math.floor(tw / 2) };
  }
  if (typeof padding === 'object' && !Array.isArray(padding)) {
    const sides = padding as Padding2d;
    const values = [sides.top, sides.bottom, sides.left, sides.right];
    if (!values.every((v) => Number.isInteger(v) && v >= 0)) {
      throw new RangeError(`${op}: padding {top,bottom,left,right} must be integers ≥ 0, got ${JSON.stringify(padding)}`);
    }
    return { top: sides.top, bottom: sides.bottom, left: sides.left, right: sides.right };
  }
  if (typeof padding === 'string') throw new RangeError(`${op}: unknown padding '${padding}' (use a number, a pair, 'valid', 'same' or {top,bottom,left,right})`);
  const [ph, pw] = toPair(padding as Pair, op, 'padding', 0);
  return { top: ph, bottom: ph, left: pw, right: pw };
}

/**
 * Validates the shapes and options of a convolution of an input of `xShape` with a weight of
 * `wShape`, and resolves the options into the kernels' attrs.
 */
function resolveConv2d(op: string, xShape: Shape, wShape: Shape, options: Conv2dOptions): Conv2dAttrs {
  if (xShape.length !== 4) throw new RangeError(`${op}: input must be 4-D [N, C, H, W], got ${fmt(xShape)}`);
  if (wShape.length !== 4) throw new RangeError(`${op}: weight must be 4-D [O, C/groups, KH, KW], got ${fmt(wShape)}`);
  const [, C, H, W] = xShape as readonly [number, number, number, number];
  const [O, Cg, KH, KW] = wShape as readonly [number, number, number, number];
  const { groups = 1 } = options;
  if (!Number.isInteger(groups) || groups < 1) throw new RangeError(`${op}: groups must be a positive integer, got ${groups}`);
  if (Cg < 1 || KH < 1 || KW < 1) throw new RangeError(`${op}: weight ${fmt(wShape)} must have at least one input channel and a kernel of at least 1x1`);
  if (C !== Cg * groups) {
    throw new RangeError(`${op}: input ${fmt(xShape)} has ${C} channels but weight ${fmt(wShape)} expects ${Cg * groups} (groups=${groups})`);
  }
  if (O % groups !== 0) {
    throw new RangeError(`${op}: weight ${fmt(wShape)} has ${O} output channels, which groups=${groups} does not divide`);
  }
  const stride = toPair(options.stride ?? 1, op, 'stride', 1);
  const dilation = toPair(options.dilation ?? 1, op, 'dilation', 1);
  const padding = resolvePadding(options.padding ?? 0, [KH, KW], dilation, stride, op);
  const spanH = dilation[0] * (KH - 1) + 1;
  const spanW = dilation[1] * (KW - 1) + 1;
  const paddedH = H + padding.top + padding.bottom;
  const paddedW = W + padding.left + padding.right;
  if (spanH > paddedH || spanW > paddedW) {
    throw new RangeError(
      `${op}: kernel ${KH}x${KW} with dilation [${dilation.join(',')}] spans ${spanH}x${spanW}, more than the padded input ${paddedH}x${paddedW} (input ${fmt(xShape)})`,
    );
  }
  return { stride, padding, dilation, groups };
}

function outputShape(xShape: Shape, wShape: Shape, attrs: Conv2dAttrs): number[] {
  const { padding: p, stride, dilation } = attrs;
  return [
    xShape[0]!,
    wShape[0]!,
    convOutputSize(xShape[2]!, p.top, p.bottom, wShape[2]!, stride[0], dilation[0]),
    convOutputSize(xShape[3]!, p.left, p.right, wShape[3]!, stride[1], dilation[1]),
  ];
}

function requireSameFloat(op: string, a: Tensor, aName: string, b: Tensor, bName: string): void {
  requireFloat(a, op, aName);
  requireFloat(b, op, bName);
  if (a.dtype !== b.dtype) {
    throw new TypeError(`${op}: ${aName} is ${a.dtype} but ${bName} is ${b.dtype}; convert one with .to('${a.dtype}')`);
  }
}

function requireShape(op: string, t: Tensor, name: string, expected: Shape): void {
  if (fmt(t.shape) !== fmt(expected)) throw new RangeError(`${op}: ${name} ${fmt(t.shape)} does not match the expected ${fmt(expected)}`);
}

function checkShapeArgument(op: string, shape: Shape, name: string): void {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new RangeError(`${op}: ${name} must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
}

// ── the three ops ──

/** y = conv(x, w). dX = Tx(dY, w), dW = Tw(x, dY), from the identity in the header. */
const Conv2d: OpDef<readonly [Tensor, Tensor], Conv2dAttrs> = {
  name: 'Conv2d',
  forward(ctx, [x, w], attrs) {
    ctx.save(x, w); // dX needs w and dW needs x
    return kernels().conv2d(x, w, attrs);
  },
  backward(ctx, dY, attrs) {
    const [x, w] = ctx.saved as [Tensor, Tensor];
    return [
      ctx.needsInputGrad[0] ? applyBackpropInput(dY, w, x.shape, attrs) : null, // [N, C, H, W]
      ctx.needsInputGrad[1] ? applyBackpropFilter(x, dY, w.shape, attrs) : null, // [O, C/groups, KH, KW]
    ];
  },
};

interface BackpropInputAttrs {
  readonly xShape: Shape;
  readonly conv: Conv2dAttrs;
}

/**
 * z = Tx(dy, w), bilinear in (dy, w). With G = ∂L/∂z (shaped like x):
 *   ⟨G, Tx(dy, w)⟩ = ⟨conv(G, w), dy⟩          ⇒  d(dy) = conv2d(G, w)                 [N, O, OH, OW]
 *   ⟨conv(G, w), dy⟩ = ⟨w, Tw(G, dy)⟩          ⇒  dW    = conv2dBackpropFilter(G, dy)  [O, C/groups, KH, KW]
 * (the first is the definition of Tx read backwards, the second the definition of Tw with G as the input).
 */
const Conv2dBackpropInput: OpDef<readonly [Tensor, Tensor], BackpropInputAttrs> = {
  name: 'Conv2dBackpropInput',
  forward(ctx, [dy, w], { xShape, conv }) {
    ctx.save(dy, w);
    return kernels().conv2dBackpropInput(dy, w, xShape, conv);
  },
  backward(ctx, dZ, { conv }) {
    const [dy, w] = ctx.saved as [Tensor, Tensor];
    return [
      ctx.needsInputGrad[0] ? apply(Conv2d, [dZ, w], conv) : null,
      ctx.needsInputGrad[1] ? applyBackpropFilter(dZ, dy, w.shape, conv) : null,
    ];
  },
};

interface BackpropFilterAttrs {
  readonly wShape: Shape;
  readonly conv: Conv2dAttrs;
}

/**
 * z = Tw(x, dy), bilinear in (x, dy). With G = ∂L/∂z (shaped like w):
 *   ⟨G, Tw(x, dy)⟩ = ⟨conv(x, G), dy⟩          ⇒  d(dy) = conv2d(x, G)                 [N, O, OH, OW]
 *   ⟨conv(x, G), dy⟩ = ⟨x, Tx(dy, G)⟩          ⇒  dX    = conv2dBackpropInput(dy, G)   [N, C, H, W]
 */
const Conv2dBackpropFilter: OpDef<readonly [Tensor, Tensor], BackpropFilterAttrs> = {
  name: 'Conv2dBackpropFilter',
  forward(ctx, [x, dy], { wShape, conv }) {
    ctx.save(x, dy);
    return kernels().conv2dBackpropFilter(x, dy, wShape, conv);
  },
  backward(ctx, dZ, { conv }) {
    const [x, dy] = ctx.saved as [Tensor, Tensor];
    return [
      ctx.needsInputGrad[0] ? applyBackpropInput(dy, dZ, x.shape, conv) : null,
      ctx.needsInputGrad[1] ? apply(Conv2d, [x, dZ], conv) : null,
    ];
  },
};

interface FusedAttrs {
  readonly conv: Conv2dAttrs;
  readonly relu: boolean;
  /** Which optional inputs follow x and w, in this order: the bias, the residual. */
  readonly bias: boolean;
  readonly residual: boolean;
}

/**
 * y = relu?(conv(x, w) + b + r) in one kernel pass (the conv kernels' epilogue), for a bias, a
 * residual r of y's shape (a ResNet block's shortcut) and/or a ReLU right after a conv — every
 * conv in a BN-folded network. Backward: the ReLU's derivative is 1 where y > 0 and 0 elsewhere
 * (y > 0 exactly where its input is), so with dZ = dY ⊙ [y > 0] (or dY without the ReLU) the
 * rest is the plain conv's backward plus the bias's and the residual's:
 *   dX = Tx(dZ, w)    dW = Tw(x, dZ)    db[o] = Σ_{n,i,j} dZ[n, o, i, j]    dR = dZ
 * The mask is a constant of the backward, so second derivatives flow through Tx and Tw as for
 * Conv2d (ReLU's own second derivative is zero almost everywhere).
 */
const FusedConv2d: OpDef<readonly Tensor[], FusedAttrs> = { // inputs [x, w, b?, r?]
  name: 'FusedConv2d',
  forward(ctx, [x, w, ...rest], { conv, relu, bias, residual }) {
    const y = kernels().fusedConv2d(x!, w!, conv, { bias: bias ? rest[0]! : null, residual: residual ? rest[bias ? 1 : 0]! : null, relu });
    ctx.save(x!, w!, ...(relu ? [y] : []));
    return y;
  },
  backward(ctx, dY, { conv, relu, bias, residual }) {
    const [x, w, y] = ctx.saved as [Tensor, Tensor, Tensor?];
    const dZ = relu ? reluBackward(dY, y!) : dY;
    const need = ctx.needsInputGrad;
    return [
      need[0] ? applyBackpropInput(dZ, w, x.shape, conv) : null,
      need[1] ? applyBackpropFilter(x, dZ, w.shape, conv) : null,
      ...(bias ? [need[2] ? sum(dZ, [0, 2, 3]) : null] : []),
      ...(residual ? [need[bias ? 3 : 2] ? dZ : null] : []),
    ];
  },
};

const applyBackpropInput = (dy: Tensor, w: Tensor, xShape: Shape, conv: Conv2dAttrs): Tensor =>
  apply(Conv2dBackpropInput, [dy, w], { xShape, conv });

const applyBackpropFilter = (x: Tensor, dy: Tensor, wShape: Shape, conv: Conv2dAttrs): Tensor =>
  apply(Conv2dBackpropFilter, [x, dy], { wShape, conv });

// ── the public functions: validate, resolve the options, apply ──

/**
 * 2-D convolution over NCHW input, as PyTorch's `F.conv2d`.
 * @example conv2d(ones([1, 1, 3, 3]), ones([1, 1, 2, 2])).toArray()  // [[[[4, 4], [4, 4]]]]
 */
export function conv2d(x: Tensor, w: Tensor, bias: Tensor | null = null, options: Conv2dOptions = {}): Tensor {
  return convWithEpilogue('conv2d', x, w, bias, null, options, false);
}

/** Options of `fusedConv2d`: those of `conv2d`, plus an activation and a residual added in the same pass. */
export interface FusedConv2dOptions extends Conv2dOptions {
  /** Applied to conv + bias (+ residual) in the same pass: 'relu' or 'linear' (none; the default). */
  readonly activation?: 'linear' | 'relu';
  /**
   * Added to conv + bias before the activation, of the output's shape: a residual block's
   * shortcut, relu(conv(h) + b + x) in one pass instead of a conv, an add and a ReLU.
   */
  readonly residual?: Tensor | null;
}

/**
 * relu(conv2d(x, w) + b) (or without the ReLU) as one op and one kernel pass, as TensorFlow.js's
 * `tf.fused.conv2d`: the bias and the activation are applied while the conv writes its output,
 * instead of two more passes over it. Same values and gradients as the unfused ops.
 * @example fusedConv2d(ones([1, 1, 2, 2]), ones([1, 1, 2, 2]), tensor([-5]), { activation: 'relu' }).toArray()  // [[[[0]]]]
 */
export function fusedConv2d(x: Tensor, w: Tensor, bias: Tensor | null = null, options: FusedConv2dOptions = {}): Tensor {
  const { activation = 'linear', residual = null, ...conv } = options;
  if (activation !== 'linear' && activation !== 'relu') throw new RangeError(`fusedConv2d: activation must be 'linear' or 'relu', got ${JSON.stringify(activation)}`);
  return convWithEpilogue('fusedConv2d', x, w, bias, residual, conv, activation === 'relu');
}

function convWithEpilogue(op: string, x: Tensor, w: Tensor, bias: Tensor | null, residual: Tensor | null, options: Conv2dOptions, relu: boolean): Tensor {
  checkTensor(x, op, 'input');
  checkTensor(w, op, 'weight');
  requireSameFloat(op, x, 'input', w, 'weight');
  const attrs = resolveConv2d(op, x.shape, w.shape, options);
  if (bias === null && residual === null && !relu) return apply(Conv2d, [x, w], attrs); // [N, O, OH, OW]
  if (bias !== null) {
    checkTensor(bias, op, 'bias');
    requireSameFloat(op, x, 'input', bias, 'bias');
    const O = w.shape[0]!;
    if (bias.shape.length !== 1 || bias.shape[0] !== O) {
      throw new RangeError(`${op}: bias must have shape [${O}] (one per output channel of weight ${fmt(w.shape)}), got ${fmt(bias.shape)}`);
    }
  }
  if (residual !== null) {
    checkTensor(residual, op, 'residual');
    requireSameFloat(op, x, 'input', residual, 'residual');
    requireShape(op, residual, 'residual', outputShape(x.shape, w.shape, attrs));
  }
  const inputs = [x, w, ...(bias === null ? [] : [bias]), ...(residual === null ? [] : [residual])];
  return apply(FusedConv2d, inputs, { conv: attrs, relu, bias: bias !== null, residual: residual !== null });
}

/**
 * The gradient of conv2d with respect to its input: given dy = ∂L/∂y, returns ∂L/∂x of
 * shape `xShape` (PyTorch's `conv_transpose2d` up to how the output size is chosen).
 * Differentiable in dy and w.
 * @example conv2dBackpropInput(ones([1, 1, 2, 2]), ones([1, 1, 2, 2]), [1, 1, 3, 3]).toArray()  // [[[[1, 2, 1], [2, 4, 2], [1, 2, 1]]]]
 */
export function conv2dBackpropInput(dy: Tensor, w: Tensor, xShape: Shape, options: Conv2dOptions = {}): Tensor {
  const op = 'conv2dBackpropInput';
  checkTensor(dy, op, 'dy');
  checkTensor(w, op, 'weight');
  checkShapeArgument(op, xShape, 'xShape');
  requireSameFloat(op, dy, 'dy', w, 'weight');
  const attrs = resolveConv2d(op, xShape, w.shape, options);
  requireShape(op, dy, 'dy', outputShape(xShape, w.shape, attrs));
  return applyBackpropInput(dy, w, [...xShape], attrs);
}

/**
 * The gradient of conv2d with respect to its weight: given the input x and dy = ∂L/∂y,
 * returns ∂L/∂w of shape `wShape`. Differentiable in x and dy.
 * @example conv2dBackpropFilter(ones([1, 1, 3, 3]), ones([1, 1, 2, 2]), [1, 1, 2, 2]).toArray()  // [[[[4, 4], [4, 4]]]]
 */
export function conv2dBackpropFilter(x: Tensor, dy: Tensor, wShape: Shape, options: Conv2dOptions = {}): Tensor {
  const op = 'conv2dBackpropFilter';
  checkTensor(x, op, 'input');
  checkTensor(dy, op, 'dy');
  checkShapeArgument(op, wShape, 'wShape');
  requireSameFloat(op, x, 'input', dy, 'dy');
  const attrs = resolveConv2d(op, x.shape, wShape, options);
  requireShape(op, dy, 'dy', outputShape(x.shape, wShape, attrs));
  return applyBackpropFilter(x, dy, [...wShape], attrs);
}
