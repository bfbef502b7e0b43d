/**
 * pool — max, average and adaptive average pooling over NCHW input, as PyTorch's
 * `F.max_pool2d`, `F.avg_pool2d` and `F.adaptive_avg_pool2d`.
 *
 * Shapes: x [N, C, H, W] → y [N, C, OH, OW], each (n, c) plane pooled on its own, with
 *   OH = ⌊(H + 2·padding − dilation·(kernel − 1) − 1) / stride⌋ + 1   (stride defaults to kernel)
 * and for adaptive pooling OH, OW given, bin i spanning [⌊i·H/OH⌋, ⌈(i+1)·H/OH⌉).
 *
 * Backward. Each pool is y = A(x) for a map A that is piecewise linear (max: it copies one
 * element per window, chosen by x) or linear (average: a fixed weighted sum per window), so
 *   dX = Aᵀ dY:  max routes each dY to its window's arg-max (ties to the first element);
 *                average adds dY / divisor to every element its window averaged.
 * These are kernels wrapped as the ops 'MaxPool2dBackward', 'AvgPool2dBackward' and
 * 'AdaptiveAvgPool2dBackward'.
 *
 * Double backward. Average pooling is linear, so its backward dX = Aᵀ dY is linear in dY with
 * transpose A: the gradient of the backward op is the forward pool of the incoming gradient.
 * For max pooling it would be a gather at the arg-max positions, which no kernel exposes, so
 * 'MaxPool2dBackward' throws a clear error when differentiated (its gradient with respect to x
 * is zero almost everywhere; the one with respect to dY is what is missing).
 */
import { apply, type OpDef } from '../function.js';
import { kernels } from '../backends/index.js';
import type { Pool2dAttrs } from '../backends/types.js';
import { fmt, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { convOutputSize, toPair, type Pair } from './conv.js';
import { checkTensor, requireFloat } from './helpers.js';

/** Options of `maxPool2d`: stride, padding and dilation. */
export interface MaxPool2dOptions {
  /** Step between windows (default: the kernel size). */
  readonly stride?: Pair;
  /** Implicit −∞ padding on both sides, at most half the kernel (default 0). */
  readonly padding?: Pair;
  /** Spacing between window taps (default 1). */
  readonly dilation?: Pair;
}

/** Options of `avgPool2d`: stride, padding and whether the padding counts in the divisor. */
export interface AvgPool2dOptions {
  /** Step between windows (default: the kernel size). */
  readonly stride?: Pair;
  /** Implicit zero padding on both sides, at most half the kernel (default 0). */
  readonly padding?: Pair;
  /** Whether padded zeros count in the divisor (default true, as in PyTorch). */
  readonly countIncludePad?: boolean;
}

function requireNchw(op: string, x: Tensor): void {
  if (x.shape.length !== 4) throw new RangeError(`${op}: input must be 4-D [N, C, H, W], got ${fmt(x.shape)}`);
}

/** Validates the window options against x and resolves them into the kernels' attrs. */
function resolvePool(op: string, x: Tensor, kernelSize: Pair, options: MaxPool2dOptions & AvgPool2dOptions): Pool2dAttrs {
  requireNchw(op, x);
  const kernel = toPair(kernelSize, op, 'kernelSize', 1);
  const stride = toPair(options.stride ?? kernel, op, 'stride', 1);
  const [ph, pw] = toPair(options.padding ?? 0, op, 'padding', 0);
  const dilation = toPair(options.dilation ?? 1, op, 'dilation', 1);
  // PyTorch's rule: a window may hang over the edge by at most half of it, so that every
  // window keeps at least one real element.
  if (2 * ph > kernel[0] || 2 * pw > kernel[1]) {
    throw new RangeError(`${op}: padding [${ph},${pw}] must be at most half the kernel [${kernel.join(',')}]`);
  }
  const [H, W] = [x.shape[2]!, x.shape[3]!];
  const OH = convOutputSize(H, ph, ph, kernel[0], stride[0], dilation[0]);
  const OW = convOutputSize(W, pw, pw, kernel[1], stride[1], dilation[1]);
  if (OH < 1 || OW < 1) {
    throw new RangeError(
      `${op}: window ${kernel.join('x')} with dilation [${dilation.join(',')}] does not fit in input ${fmt(x.shape)} padded by [${ph},${pw}]`,
    );
  }
  return { kernel, stride, padding: { top: ph, bottom: ph, left: pw, right: pw }, dilation, countIncludePad: options.countIncludePad ?? true };
}

// ── max pooling ──

const MaxPool2d: OpDef<readonly [Tensor], Pool2dAttrs> = {
  name: 'MaxPool2d',
  forward(ctx, [x], attrs) {
    ctx.save(x); // the backward finds each window's arg-max again from x
    return kernels().maxPool2d(x, attrs);
  },
  backward(ctx, dY, attrs) {
    const [x] = ctx.saved as [Tensor];
    return [apply(MaxPool2dBackward, [dY, x], attrs)]; // [N, C, H, W]
  },
};

const MaxPool2dBackward: OpDef<readonly [Tensor, Tensor], Pool2dAttrs> = {
  name: 'MaxPool2dBackward',
  forward(_ctx, [dY, x], attrs) {
    return kernels().maxPool2dBackward(dY, x, attrs);
  },
  backward() {
    throw new Error('maxPool2d: double backward is not supported (the backward of MaxPool2dBackward would need the arg-max indices)');
  },
};

/**
 * Max pooling: the largest value of each window (padding never wins).
 * @example maxPool2d(tensor([[[[1, 2], [3, 4]]]]), 2).toArray()  // [[[[4]]]]
 */
export function maxPool2d(x: Tensor, kernelSize: Pair, options: MaxPool2dOptions = {}): Tensor {
  const op = 'maxPool2d';
  checkTensor(x, op);
  // int32 is allowed (the maximum of integers is an integer); it simply cannot require a gradient.
  return apply(MaxPool2d, [x], resolvePool(op, x, kernelSize, options));
}

// ── average pooling ──

/** Both average-pooling ops carry the input shape in their attrs, so neither saves a tensor. */
interface AvgPoolAttrs {
  readonly xShape: Shape;
  readonly pool: Pool2dAttrs;
}

const AvgPool2d: OpDef<readonly [Tensor], AvgPoolAttrs> = {
  name: 'AvgPool2d',
  forward(_ctx, [x], { pool }) {
    return kernels().avgPool2d(x, pool);
  },
  backward(_ctx, dY, attrs) {
    return [apply(AvgPool2dBackward, [dY], attrs)]; // [N, C, H, W]
  },
};

/** dX = Aᵀ dY; its own gradient is A applied to the incoming gradient: avgPool2d again. */
const AvgPool2dBackward: OpDef<readonly [Tensor], AvgPoolAttrs> = {
  name: 'AvgPool2dBackward',
  forward(_ctx, [dY], { xShape, pool }) {
    return kernels().avgPool2dBackward(dY, xShape, pool);
  },
  backward(_ctx, dZ, attrs) {
    return [apply(AvgPool2d, [dZ], attrs)]; // [N, C, OH, OW]
  },
};

/**
 * Average pooling: the mean of each window; with `countIncludePad` (the default) padded zeros
 * count in the divisor.
 * @example avgPool2d(tensor([[[[1, 2], [3, 4]]]]), 2).toArray()  // [[[[2.5]]]]
 */
export function avgPool2d(x: Tensor, kernelSize: Pair, options: AvgPool2dOptions = {}): Tensor {
  const op = 'avgPool2d';
  requireFloat(x, op);
  return apply(AvgPool2d, [x], { xShape: x.shape, pool: resolvePool(op, x, kernelSize, options) });
}

// ── adaptive average pooling ──

interface AdaptiveAttrs {
  readonly xShape: Shape;
  readonly outSize: readonly [number, number];
}

const AdaptiveAvgPool2d: OpDef<readonly [Tensor], AdaptiveAttrs> = {
  name: 'AdaptiveAvgPool2d',
  forward(_ctx, [x], { outSize }) {
    return kernels().adaptiveAvgPool2d(x, outSize);
  },
  backward(_ctx, dY, attrs) {
    return [apply(AdaptiveAvgPool2dBackward, [dY], attrs)]; // [N, C, H, W]
  },
};

/** dX = Aᵀ dY; its own gradient is adaptive average pooling of the incoming gradient. */
const AdaptiveAvgPool2dBackward: OpDef<readonly [Tensor], AdaptiveAttrs> = {
  name: 'AdaptiveAvgPool2dBackward',
  forward(_ctx, [dY], { xShape }) {
    return kernels().adaptiveAvgPool2dBackward(dY, xShape);
  },
  backward(_ctx, dZ, attrs) {
    return [apply(AdaptiveAvgPool2d, [dZ], attrs)]; // [N, C, OH, OW]
  },
};

/**
 * Adaptive average pooling to a fixed output size, whatever the input size (bins as PyTorch's).
 * @example adaptiveAvgPool2d(tensor([[[[1, 2, 3], [4, 5, 6]]]]), [1, 2]).toArray()  // [[[[3, 4]]]]
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: Pair): Tensor {
  const op = 'adaptiveAvgPool2d';
  requireFloat(x, op);
  requireNchw(op, x);
  const outSize = toPair(outputSize, op, 'outputSize', 1);
  return apply(AdaptiveAvgPool2d, [x], { xShape: x.shape, outSize });
}
