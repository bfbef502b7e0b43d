/**
 * Digit scenes — a segmentation data set made from real MNIST digits, generated on the fly.
 *
 * Scene i is a 64×64 grey image of 1–3 MNIST digits, each scaled by s ~ U(0.8, 1.5) (bilinear
 * resampling to round(28·s) px) and placed wholly inside the canvas; digits may overlap. They are
 * painted in order as white ink with their intensity a as coverage, v ← a + (1 − a)·v, so a later
 * digit hides an earlier one. The label map [64, 64] holds 0 for background and 1 + class where a
 * digit's resampled intensity a ≥ `strokeThreshold` (0.5): a later digit's strokes win an overlap,
 * as in the image. Optional clutter (short strokes, painted first) stays background. Pixels are
 * quantised to 8 bits (round(255·v)/255), so a scene is exactly a grey PNG.
 * Scene i depends only on (seed, split, i): any scene can be made alone, in any order. Training
 * scenes use only MNIST's official training digits (narrowed by `digitRange`), test scenes only
 * its test digits: the caller passes that split (`loadMnist` in Node, `decodeMnist` on fetched
 * bytes in a browser), so this file runs anywhere. Nothing is stored or downloaded. */
import { seededRandom, type Random } from '../autograd/random.js';
import { Tensor } from '../autograd/tensor.js';
import { checkIndex, type Dataset } from './dataset.js';
import type { ImageSet } from './mnist-format.js';

/** 11 classes: background, then the digits 0–9. */
export const DIGIT_SCENE_CLASSES = ['background', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

/** Options of `DigitScenes`: how many scenes, from which MNIST digits, and how they are drawn. */
export interface DigitScenesOptions {
  /** Number of scenes (the dataset's length). */
  readonly count: number;
  /** Which MNIST split the digits come from (default 'train'). */
  readonly split?: 'train' | 'test';
  /** Scene i is made from a generator seeded by (seed, i) (default 0). */
  readonly seed?: number;
  /** Draw digits only from examples [start, stop) of the split (default: the whole split). */
  readonly digitRange?: readonly [number, number];
  /** Side of the square canvas in pixels (default 64). */
  readonly size?: number;
  /** Fewest and most digits in a scene (default [1, 3]). */
  readonly digits?: readonly [number, number];
  /** Range of the scale factor s (default [0.8, 1.5]): a digit is resampled to round(28·s) px. */
  readonly scale?: readonly [number, number];
  /** Clutter strokes per scene (default 0): straight segments of 3–8 px, labelled background. */
  readonly clutter?: number;
  /** A pixel is a digit's stroke where its intensity is at least this (default 0.5). */
  readonly strokeThreshold?: number;
  /** The MNIST split named by `split` (images in [0, 1], not standardised), e.g. `loadMnist({ split })`. */
  readonly mnist: ImageSet;
}

/** One scene: pixels in [0, 1] and the label of each pixel, both row-major [size, size]. */
export interface SceneArrays {
  readonly image: Float32Array;
  readonly mask: Int32Array;
  /** The digits painted, in paint order. */
  readonly digits: readonly { readonly label: number; readonly mnistIndex: number; readonly scale: number; readonly top: number; readonly left: number }[];
}

const MNIST_SIDE = 28;

/**
 * Scenes of MNIST digits with per-pixel labels: `get(i)` is [image [1, S, S] float32, mask [S, S] int32].
 * @example new DigitScenes({ count: 10, split: 'test', mnist: loadMnist({ split: 'test' }) }).get(0)[1].shape  // [64, 64]
 */
export class DigitScenes implements Dataset<[Tensor, Tensor]> {
  readonly length: number;
  readonly size: number;
  readonly split: 'train' | 'test';
  readonly seed: number;
  readonly options: Required<Omit<DigitScenesOptions, 'mnist' | 'count' | 'split' | 'seed' | 'size'>>;
  readonly #pixels: Float32Array;
  readonly #labels: Int32Array;

  constructor(options: DigitScenesOptions) {
    const where = 'DigitScenes';
    const { count, split = 'train', seed = 0, size = 64, digits = [1, 3], scale = [0.8, 1.5], clutter = 0, strokeThreshold = 0.5 } = options;
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`${where}: count must be a non-negative integer, got ${count}`);
    if (split !== 'train' && split !== 'test') throw new RangeError(`${where}: split must be 'train' or 'test', got '${String(split)}'`);
    if (!Number.isInteger(seed)) throw new RangeError(`${where}: seed must be an integer, got ${seed}`);
    if (!Number.isInteger(digits[0]) || digits[0] < 0 || !Number.isInteger(digits[1]) || digits[1] < digits[0]) {
      throw new RangeError(`${where}: digits must be integers [min, max] with 0 ≤ min ≤ max, got [${digits.join(', ')}]`);
    }
    if (!(scale[0] > 0 && scale[1] >= scale[0])) throw new RangeError(`${where}: scale must be [min, max] with 0 < min ≤ max, got [${scale.join(', ')}]`);
    const largest = Math.round(MNIST_SIDE * scale[1]);
    if (!Number.isInteger(size) || size < largest) throw new RangeError(`${where}: size must be an integer of at least ${largest} (a digit at scale ${scale[1]}), got ${size}`);
    if (!Number.isInteger(clutter) || clutter < 0) throw new RangeError(`${where}: clutter must be a non-negative integer, got ${clutter}`);
    if (!(strokeThreshold > 0 && strokeThreshold <= 1)) throw new RangeError(`${where}: strokeThreshold must be in (0, 1], got ${strokeThreshold}`);
    const { mnist } = options;
    const [n = 0, c, h, w] = mnist.images.shape;
    if (mnist.images.ndim !== 4 || c !== 1 || h !== MNIST_SIDE || w !== MNIST_SIDE || mnist.labels.shape[0] !== n) {
      throw new RangeError(`${where}: mnist must hold images [N, 1, 28, 28] and labels [N], got [${mnist.images.shape.join(', ')}] and [${mnist.labels.shape.join(', ')}]`);
    }
    const digitRange = options.digitRange ?? [0, n];
    if (!(Number.isInteger(digitRange[0]) && Number.isInteger(digitRange[1]) && digitRange[0] >= 0 && digitRange[1] <= n && digitRange[0] < digitRange[1])) {
      throw new RangeError(`${where}: digitRange must be [start, stop) within the ${n} digits of the ${split} split, got [${digitRange.join(', ')}]`);
    }
    this.length = count;
    this.size = size;
    this.split = split;
    this.seed = seed;
    this.options = { digitRange, digits, scale, clutter, strokeThreshold };
    this.#pixels = mnist.images.dataSync() as Float32Array;
    this.#labels = mnist.labels.dataSync() as Int32Array;
  }

  /** Scene `index` as tensors: image [1, S, S] in [0, 1] and mask [S, S] of class indices 0–10. */
  get(index: number): [Tensor, Tensor] {
    const { image, mask } = this.scene(index);
    return [new Tensor(image, [1, this.size, this.size]), new Tensor(mask, [this.size, this.size])];
  }

  /** Scenes [start, stop) stacked: images [n, 1, S, S] and masks [n, S, S]. */
  batch(start = 0, stop = this.length): { images: Tensor; masks: Tensor } {
    if (!(Number.isInteger(start) && Number.isInteger(stop) && start >= 0 && start <= stop && stop <= this.length)) {
      throw new RangeError(`DigitScenes.batch: [${start}, ${stop}) is not a range within the ${this.length} scenes`);
    }
    const area = this.size * this.size;
    const images = new Float32Array((stop - start) * area);
    const masks = new Int32Array((stop - start) * area);
    for (let i = start; i < stop; i++) {
      const { image, mask } = this.scene(i);
      images.set(image, (i - start) * area);
      masks.set(mask, (i - start) * area);
    }
    return { images: new Tensor(images, [stop - start, 1, this.size, this.size]), masks: new Tensor(masks, [stop - start, this.size, this.size]) };
  }

  /** Scene `index` as plain arrays, with the list of digits painted. */
  scene(index: number): SceneArrays {
    checkIndex(index, this.length, 'DigitScenes');
    const { digitRange: [first, last], digits: [fewest, most], scale: [smallest, largest], clutter, strokeThreshold } = this.options;
    const S = this.size;
    const random = seededRandom(sceneSeed(this.seed, this.split, index));
    const image = new Float32Array(S * S);
    const mask = new Int32Array(S * S);
    for (let k = 0; k < clutter; k++) paintClutterStroke(image, S, random);
    const count = fewest + Math.floor(random() * (most - fewest + 1));
    const painted: SceneArrays['digits'][number][] = [];
    for (let k = 0; k < count; k++) {
      const mnistIndex = first + Math.floor(random() * (last - first));
      const scale = smallest + random() * (largest - smallest);
      const side = Math.round(MNIST_SIDE * scale);
      const top = Math.floor(random() * (S - side + 1));
      const left = Math.floor(random() * (S - side + 1));
      const label = this.#labels[mnistIndex]!;
      const ink = resample(this.#pixels.subarray(mnistIndex * MNIST_SIDE * MNIST_SIDE, (mnistIndex + 1) * MNIST_SIDE * MNIST_SIDE), side);
      for (let y = 0; y < side; y++) {
        for (let x = 0; x < side; x++) {
          const a = ink[y * side + x]!;
          if (a <= 0) continue;
          const p = (top + y) * S + left + x;
          image[p] = a + (1 - a) * image[p]!;
          if (a >= strokeThreshold) mask[p] = 1 + label;
        }
      }
      painted.push({ label, mnistIndex, scale, top, left });
    }
    for (let p = 0; p < image.length; p++) image[p] = Math.round(255 * image[p]!) / 255;
    return { image, mask, digits: painted };
  }
}

/** A 32-bit seed from (seed, split, index), mixed so that neighbouring scenes are unrelated. */
function sceneSeed(seed: number, split: 'train' | 'test', index: number): number {
  let h = Math.imul(seed ^ (split === 'train' ? 0x2545f491 : 0x6a09e667), 0x9e3779b1) ^ index;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/**
 * A 28×28 digit resampled to side×side by bilinear interpolation with pixel centres aligned as
 * PyTorch's align_corners=false: output pixel u reads source position (u + ½)·28/side − ½.
 */
function resample(src: Float32Array, side: number): Float32Array {
  const out = new Float32Array(side * side);
  const ratio = MNIST_SIDE / side;
  const tap = (u: number): [number, number, number] => {
    const s = Math.min(Math.max((u + 0.5) * ratio - 0.5, 0), MNIST_SIDE - 1);
    const i0 = Math.floor(s);
    return [i0, Math.min(i0 + 1, MNIST_SIDE - 1), s - i0];
  };
  const taps = Array.from({ length: side }, (_, u) => tap(u));
  for (let y = 0; y < side; y++) {
    const [y0, y1, wy] = taps[y]!;
    for (let x = 0; x < side; x++) {
      const [x0, x1, wx] = taps[x]!;
      const top = (1 - wx) * src[y0 * MNIST_SIDE + x0]! + wx * src[y0 * MNIST_SIDE + x1]!;
      const bottom = (1 - wx) * src[y1 * MNIST_SIDE + x0]! + wx * src[y1 * MNIST_SIDE + x1]!;
      out[y * side + x] = (1 - wy) * top + wy * bottom;
    }
  }
  return out;
}

/** A straight stroke of 3–8 px in a random direction, one pixel wide, intensity 0.3–1 (kept by max). */
function paintClutterStroke(image: Float32Array, S: number, random: Random): void {
  const length = 3 + random() * 5;
  const angle = random() * Math.PI;
  const intensity = 0.3 + 0.7 * random();
  const y0 = random() * S;
  const x0 = random() * S;
  for (let t = 0; t <= length; t += 0.5) {
    const y = Math.floor(y0 + t * Math.sin(angle));
    const x = Math.floor(x0 + t * Math.cos(angle));
    if (y >= 0 && y < S && x >= 0 && x < S) image[y * S + x] = Math.max(image[y * S + x]!, intensity);
  }
}
