/**
 * segment — what a page or a script needs around a trained segmentation model, as pure functions:
 * one scene in, a class per pixel out (with the latency), and masks turned into RGBA pixels.
 *
 *   segment(model, pixels, height, width)   grey pixels [H·W] → mask [H·W] = argmax_c logits[c]
 *   colorizeMask(mask, palette)             mask [H·W] → RGBA bytes [H·W·4], one colour per class
 *   overlayMask(pixels, mask, palette, α)   the grey scene with each non-background class tinted
 * The model runs in eval mode under noGrad (BatchNorm uses its running statistics). Nothing here
 * touches the DOM or Node: a browser demo draws the bytes into an ImageData.
 */
import { noGrad } from '../autograd/function.js';
import { argmax } from '../autograd/ops/reduce.js';
import { Tensor } from '../autograd/tensor.js';
import type { Module } from '../layers/module.js';

/** An RGB colour per class: class 0 (background) first. */
export type Palette = readonly (readonly [number, number, number])[];

/** Black for background, then ten distinct colours (Tableau 10) for the digits 0–9. */
export const DIGIT_SCENE_PALETTE: Palette = [
  [0, 0, 0],
  [31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189],
  [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207],
];

/** What `segment` returns: the predicted mask and how long the forward pass took. */
export interface SegmentResult {
  /** The predicted class of each pixel, row-major [H·W]. */
  readonly mask: Int32Array;
  /** Wall-clock time of the forward pass and the argmax, in milliseconds. */
  readonly milliseconds: number;
}

/**
 * Segments one grey scene (values in [0, 1], row-major) with a model mapping [1, 1, H, W] to logits [1, C, H, W].
 * @example segment(unet, scene.image, 64, 64).mask.length  // 4096
 */
export function segment(model: Module<[Tensor], Tensor>, pixels: ArrayLike<number>, height: number, width: number): SegmentResult {
  if (pixels.length !== height * width) throw new RangeError(`segment: ${pixels.length} pixels do not make a ${height}×${width} image`);
  const x = new Tensor(Float32Array.from(pixels), [1, 1, height, width]);
  const wasTraining = model.training;
  model.eval();
  const started = performance.now();
  const mask = noGrad(() => {
    const logits = model.forward(x);
    if (logits.ndim !== 4 || logits.shape[0] !== 1 || logits.shape[2] !== height || logits.shape[3] !== width) {
      throw new RangeError(`segment: the model returned [${logits.shape.join(', ')}], expected logits [1, C, ${height}, ${width}]`);
    }
    return Int32Array.from(argmax(logits, 1).dataSync());
  });
  const milliseconds = performance.now() - started;
  if (wasTraining) model.train();
  return { mask, milliseconds };
}

function colorOf(palette: Palette, c: number, where: string): readonly [number, number, number] {
  const color = palette[c];
  if (!color) throw new RangeError(`${where}: class ${c} has no colour in a palette of ${palette.length}`);
  return color;
}

/**
 * The mask as opaque RGBA bytes, each pixel its class's colour.
 * @example colorizeMask(Int32Array.from([0, 1]), DIGIT_SCENE_PALETTE)  // [0, 0, 0, 255, 31, 119, 180, 255]
 */
export function colorizeMask(mask: ArrayLike<number>, palette: Palette = DIGIT_SCENE_PALETTE): Uint8ClampedArray {
  const out = new Uint8ClampedArray(4 * mask.length);
  for (let i = 0; i < mask.length; i++) {
    const [r, g, b] = colorOf(palette, mask[i]!, 'colorizeMask');
    out.set([r, g, b, 255], 4 * i);
  }
  return out;
}

/**
 * The grey scene as RGBA with every non-background pixel mixed with its class's colour:
 * (1 − α)·grey + α·colour (α = 0.6 by default); background pixels stay grey.
 * @example overlayMask([1], [0])  // [255, 255, 255, 255]
 */
export function overlayMask(pixels: ArrayLike<number>, mask: ArrayLike<number>, palette: Palette = DIGIT_SCENE_PALETTE, alpha = 0.6): Uint8ClampedArray {
  if (pixels.length !== mask.length) throw new RangeError(`overlayMask: ${pixels.length} pixels but ${mask.length} mask values`);
  if (!(alpha >= 0 && alpha <= 1)) throw new RangeError(`overlayMask: alpha must be in [0, 1], got ${alpha}`);
  const out = new Uint8ClampedArray(4 * mask.length);
  for (let i = 0; i < mask.length; i++) {
    const grey = 255 * pixels[i]!;
    const c = mask[i]!;
    const [r, g, b] = colorOf(palette, c, 'overlayMask');
    const a = c === 0 ? 0 : alpha;
    out.set([(1 - a) * grey + a * r, (1 - a) * grey + a * g, (1 - a) * grey + a * b, 255], 4 * i);
  }
  return out;
}
