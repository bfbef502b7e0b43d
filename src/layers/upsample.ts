/**
 * Upsample — resizes the spatial axes of [N, C, *] by nearest-neighbour or (bi/tri)linear
 * interpolation, PyTorch's nn.Upsample; UpsamplingNearest2d and UpsamplingBilinear2d are its
 * older fixed-mode spellings (the bilinear one with alignCorners true, as in PyTorch).
 *
 * Shapes: [N, C, *in] → [N, C, *out] with out = size, or ⌊in · scaleFactor⌋. No parameters, and
 * training and eval behave the same. The sampling rules (PyTorch 1.13's, both alignCorners
 * conventions) and the backward passes are in src/autograd/ops/interpolate.ts.
 */
import { interpolate, type InterpolateMode, type InterpolateOptions } from '../autograd/ops/interpolate.js';
import type { Tensor } from '../autograd/tensor.js';
import { Module } from './module.js';

/** Options of `Upsample`: those of `interpolate` (size or scale factor, mode, align corners). */
export type UpsampleOptions = InterpolateOptions;

/**
 * Resizing as a layer, e.g. the up path of a U-Net without learnt weights.
 * @example new Upsample({ scaleFactor: 2, mode: 'bilinear' }).forward(zeros([1, 3, 8, 8])).shape  // [1, 3, 16, 16]
 */
export class Upsample extends Module {
  readonly options: UpsampleOptions;

  constructor(options: UpsampleOptions) {
    super();
    const { size, scaleFactor } = options;
    if ((size === undefined) === (scaleFactor === undefined)) throw new RangeError(`${this.constructor.name}: give exactly one of size and scaleFactor`);
    this.options = { ...options };
  }

  forward(x: Tensor): Tensor {
    return interpolate(x, this.options);
  }

  protected override extraRepr(): string {
    const { size, scaleFactor, mode = 'nearest', alignCorners } = this.options;
    const parts = [size !== undefined ? `size=${JSON.stringify(size)}` : `scaleFactor=${JSON.stringify(scaleFactor)}`, `mode='${mode}'`];
    if (alignCorners !== undefined) parts.push(`alignCorners=${alignCorners}`);
    return parts.join(', ');
  }
}

type FixedModeOptions = Pick<InterpolateOptions, 'size' | 'scaleFactor'>;

const fixed = (options: FixedModeOptions, mode: InterpolateMode, alignCorners?: boolean): UpsampleOptions =>
  ({ ...(options.size !== undefined ? { size: options.size } : {}), ...(options.scaleFactor !== undefined ? { scaleFactor: options.scaleFactor } : {}), mode, ...(alignCorners === undefined ? {} : { alignCorners }) });

/** Upsample with mode 'nearest'. @example new UpsamplingNearest2d({ scaleFactor: 2 }).forward(zeros([1, 1, 2, 2])).shape  // [1, 1, 4, 4] */
export class UpsamplingNearest2d extends Upsample {
  constructor(options: FixedModeOptions) {
    super(fixed(options, 'nearest'));
  }
}

/** Upsample with mode 'bilinear' and alignCorners true. @example new UpsamplingBilinear2d({ size: 3 }).forward(zeros([1, 1, 2, 2])).shape  // [1, 1, 3, 3] */
export class UpsamplingBilinear2d extends Upsample {
  constructor(options: FixedModeOptions) {
    super(fixed(options, 'bilinear', true));
  }
}
