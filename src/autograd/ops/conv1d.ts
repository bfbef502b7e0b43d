/**
 * conv1d — PyTorch's `F.conv1d`: a 1-D convolution is a 2-D one over an image of height 1.
 *
 * Shapes: x [N, C, L], w [O, C/groups, K], b [O] → y [N, O, OL] with
 *   OL = ⌊(L + 2·padding − dilation·(K − 1) − 1) / stride⌋ + 1
 *   y[n, o, i] = b[o] + Σ_{c,k} w[o, c, k] · x[n, g·C/groups + c, i·stride − padding + k·dilation]
 * We insert a height axis of size 1 into x ([N, C, 1, L]) and w ([O, C/groups, 1, K]), convolve
 * with stride, padding and dilation acting on the width only, and drop the axis again. No new
 * maths, so no new backward: the gradients are conv2d's (conv.ts), carried back through the two
 * reshapes (whose adjoints are reshapes).
 */
import type { Padding2d } from '../backends/types.js';
import { fmt } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { conv2d } from './conv.js';
import { checkTensor } from './helpers.js';
import { squeeze, unsqueeze } from './shape.js';

/** Options of `conv1d`: stride, padding, dilation and groups, as PyTorch's `F.conv1d`. */
export interface Conv1dOptions {
  /** Step between windows (default 1). */
  readonly stride?: number;
  /** Zero padding on both ends, 'valid' (none) or 'same' (stride 1 only) (default 0). */
  readonly padding?: number | 'valid' | 'same';
  /** Spacing between kernel taps (default 1). */
  readonly dilation?: number;
  /** Channels split into this many independent groups (default 1). */
  readonly groups?: number;
}

function scalarOption(op: string, name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) throw new RangeError(`${op}: ${name} must be an integer ≥ ${min}, got ${JSON.stringify(value)}`);
  return value;
}

/**
 * 1-D convolution over [N, C, L] input, as PyTorch's `F.conv1d`.
 * @example conv1d(ones([1, 1, 4]), ones([1, 1, 2])).toArray()  // [[[2, 2, 2]]]
 */
export function conv1d(x: Tensor, w: Tensor, bias: Tensor | null = null, options: Conv1dOptions = {}): Tensor {
  const op = 'conv1d';
  checkTensor(x, op, 'input');
  checkTensor(w, op, 'weight');
  if (x.ndim !== 3) throw new RangeError(`${op}: input must be 3-D [N, C, L], got ${fmt(x.shape)}`);
  if (w.ndim !== 3) throw new RangeError(`${op}: weight must be 3-D [O, C/groups, K], got ${fmt(w.shape)}`);
  const stride = scalarOption(op, 'stride', options.stride ?? 1, 1);
  const dilation = scalarOption(op, 'dilation', options.dilation ?? 1, 1);
  const { padding = 0, groups = 1 } = options;
  const groupsChecked = scalarOption(op, 'groups', groups, 1);
  if (x.shape[1] !== w.shape[1]! * groupsChecked) {
    throw new RangeError(`${op}: input ${fmt(x.shape)} has ${x.shape[1]} channels but weight ${fmt(w.shape)} expects ${w.shape[1]! * groupsChecked} (groups=${groupsChecked})`);
  }
  let padding2d: Padding2d | 'valid' | 'same';
  if (padding === 'valid' || padding === 'same') padding2d = padding;
  else {
    const p = scalarOption(op, 'padding', padding, 0);
    padding2d = { top: 0, bottom: 0, left: p, right: p };
  }
  const y = conv2d(unsqueeze(x, 2), unsqueeze(w, 2), bias, { stride: [1, stride], dilation: [1, dilation], padding: padding2d, groups: groupsChecked }); // [N, O, 1, OL]
  return squeeze(y, 2);
}
