/**
 * Fashion-MNIST on the real package files. Reading them takes a second or two, so this file
 * reads them once (beforeAll) and checks the raw data, the parser, and the split from that.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  duplicateGroups, FASHION_MNIST_CLASSES, FASHION_MNIST_MEAN, FASHION_MNIST_STD, fashionMnistSplit, loadFashionMnist, loadFashionMnistSplits,
  parseClothesFile, readFashionMnist, type FashionMnistRaw,
} from './fashion-mnist.js';
import { packageDir } from './package-dir.js';

const clothes = join(packageDir('fashion-mnist', 'test'), 'src', 'clothes');
let raw: FashionMnistRaw;
let split: { train: Int32Array; test: Int32Array };

beforeAll(() => {
  raw = readFashionMnist();
  split = fashionMnistSplit(raw);
});

describe('Fashion-MNIST: the package files', () => {
  test('70,000 images, 7,000 per class, 10 class names', () => {
    expect(raw.pixels.length).toBe(70000 * 784);
    expect(raw.labels.length).toBe(70000);
    const counts = new Array<number>(10).fill(0);
    for (const l of raw.labels) counts[l]!++;
    expect(counts).toEqual(new Array(10).fill(7000));
    expect(FASHION_MNIST_CLASSES).toHaveLength(10);
    expect(FASHION_MNIST_CLASSES[9]).toBe('Ankle boot');
  });

  test('class 0 has two empty rows (1000 and 7001), which are dropped; other classes none', () => {
    const zero = parseClothesFile(readFileSync(join(clothes, '0.json')), '0.json');
    expect(zero.emptyRows).toEqual([1000, 7001]);
    expect(zero.count).toBe(7000);
    expect(parseClothesFile(readFileSync(join(clothes, '5.json')), '5.json').emptyRows).toEqual([]);
  });

  test('the fast scanner reads exactly what JSON.parse reads', () => {
    const text = readFileSync(join(clothes, '1.json'));
    const rows = (JSON.parse(text.toString('utf8')) as { data: number[][] }).data;
    const parsed = parseClothesFile(text, '1.json');
    expect(parsed.count).toBe(rows.length);
    expect(Buffer.from(parsed.pixels).equals(Buffer.from(rows.flat()))).toBe(true);
    // The same images sit in the raw array as class 1, in file order.
    expect(Buffer.from(raw.pixels.subarray(7000 * 784, 14000 * 784)).equals(Buffer.from(parsed.pixels))).toBe(true);
  });

  test('54 pairs of identical images: 53 within a class, 1 across classes 0 and 6', () => {
    const groups = duplicateGroups(raw.pixels, 70000);
    expect(groups).toHaveLength(54);
    expect(groups.every((g) => g.length === 2)).toBe(true);
    const across = groups.filter((g) => raw.labels[g[0]!] !== raw.labels[g[1]!]);
    expect(across.map((g) => g.map((i) => raw.labels[i]))).toEqual([[0, 6]]);
  });
});

describe("Fashion-MNIST: Sapling's split", () => {
  test('60,000 / 10,000: 6,000 / 1,000 per class, disjoint, covering every image', () => {
    expect([split.train.length, split.test.length]).toEqual([60000, 10000]);
    const trainCounts = new Array<number>(10).fill(0);
    const testCounts = new Array<number>(10).fill(0);
    for (const i of split.train) trainCounts[raw.labels[i]!]!++;
    for (const i of split.test) testCounts[raw.labels[i]!]!++;
    expect(trainCounts).toEqual(new Array(10).fill(6000));
    expect(testCounts).toEqual(new Array(10).fill(1000));
    expect(new Set([...split.train, ...split.test]).size).toBe(70000);
  });

  test('no test image also appears in train (duplicates stay on one side)', () => {
    const inTest = new Set(split.test);
    for (const group of duplicateGroups(raw.pixels, 70000)) {
      const sides = new Set(group.map((i) => inTest.has(i)));
      expect(sides.size).toBe(1);
    }
  });

  test('the split is fixed: the same indices on every run and machine', () => {
    // Recorded when the split was defined (FASHION_MNIST_SPLIT_SEED = 20170825); a change here
    // means every published Fashion-MNIST number from Sapling would silently change.
    expect([...split.train.subarray(0, 8)]).toEqual([69458, 64605, 111, 14370, 64809, 22073, 61, 43275]);
    expect([...split.test.subarray(0, 8)]).toEqual([3686, 17488, 47683, 26250, 58621, 63253, 55251, 4994]);
    // Both splits are shuffled, so their first examples mix the classes.
    expect([...split.train.subarray(0, 10)].map((i) => raw.labels[i])).toEqual([9, 9, 0, 2, 9, 3, 0, 6, 5, 3]);
  });

  test('loaders: tensors of the split, in its order, standardised on request', () => {
    // One read of the files for both splits (the [0, 1] scaling shares its code with MNIST's, tested there).
    const { train, test } = loadFashionMnistSplits({ limit: 4, normalize: true });
    expect(train.images.shape).toEqual([4, 1, 28, 28]);
    expect(train.images.dtype).toBe('float32');
    expect([...train.labels.storage]).toEqual([9, 9, 0, 2]);
    expect(test.labels.dtype).toBe('int32');
    const first = split.test[0]! * 784;
    for (let p = 0; p < 784; p += 13) {
      expect(test.images.storage[p]).toBe(Math.fround((raw.pixels[first + p]! / 255 - FASHION_MNIST_MEAN) / FASHION_MNIST_STD));
    }
    expect(() => loadFashionMnist({ split: 'val' as never })).toThrow(/split must be 'train' or 'test'/);
    expect(() => loadFashionMnist({ limit: 1.5 })).toThrow(/limit must be a non-negative integer/);
  });

  test('FASHION_MNIST_MEAN and FASHION_MNIST_STD are the statistics of the data (to 3 decimals)', () => {
    let sum = 0;
    let squares = 0;
    for (const v of raw.pixels) {
      sum += v;
      squares += v * v;
    }
    const n = raw.pixels.length;
    const mean = sum / n / 255;
    const std = Math.sqrt(squares / n / 255 ** 2 - mean * mean);
    expect(Math.abs(mean - FASHION_MNIST_MEAN)).toBeLessThan(5e-4);
    expect(Math.abs(std - FASHION_MNIST_STD)).toBeLessThan(5e-4);
  });
});

describe('Fashion-MNIST: broken files are refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sapling-fashion-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const row = (v: number, length = 784) => `[${new Array(length).fill(v).join(',')}]`;
  const parse = (text: string) => parseClothesFile(Buffer.from(text), 'x.json');

  test('other JSON layouts (whitespace) go through JSON.parse and give the same images', () => {
    const compact = parse(`{"data":[${row(1)},[],${row(2)}]}\n`);
    const spaced = parse(`{ "data": [ ${row(1)}, [ ], ${row(2).replaceAll(',', ', ')} ] }`);
    expect(compact.count).toBe(2);
    expect(compact.emptyRows).toEqual([1]);
    expect(spaced).toEqual(compact);
    expect(parse('{"data":[]}').count).toBe(0);
  });

  test('out-of-range pixels, wrong row lengths, bad JSON and a wrong shape are named', () => {
    expect(() => parse(`{"data":[${row(256)}]}`)).toThrow('loadFashionMnist: x.json: row 0, pixel 0 is 256, expected an integer 0…255');
    expect(() => parse(`{"data":[${row(0)},${row(0, 783)}]}`)).toThrow('loadFashionMnist: x.json: row 1 has 783 values, expected 784');
    expect(() => parse(`{"data":[${row(0, 785)}]}`)).toThrow(/row 0 has more than 784 values/);
    expect(() => parse(`{ "data": [ [-1${',0'.repeat(783)}] ] }`)).toThrow(/row 0, pixel 0 is -1/);
    expect(() => parse(`{"data":[${row(0)}`)).toThrow(/x.json is not valid JSON/);
    expect(() => parse('{"rows":[]}')).toThrow(/must hold \{"data": \[\[784 pixel values\], ...\]\}/);
  });

  test('missing files and wrong image counts are refused', () => {
    expect(() => readFashionMnist(join(dir, 'nowhere'))).toThrow(/loadFashionMnist: cannot read .*nowhere[/\\]0\.json/);
    const small = join(dir, 'small');
    mkdirSync(small);
    for (let c = 0; c < 10; c++) writeFileSync(join(small, `${c}.json`), `{"data":[${row(c)},[]]}`);
    expect(() => readFashionMnist(small)).toThrow(/0\.json holds 1 images \(after dropping 1 empty rows\), expected 7000/);
  });
});
