import { describe, expect, test } from 'vitest';
import { Tensor } from '../autograd/tensor.js';
import { DIGIT_SCENE_CLASSES, DigitScenes } from './digit-scenes.js';
import { loadMnist } from './mnist.js';

/** A fake MNIST: digit k is a solid 28×28 square of intensity `ink[k]`, labelled k. */
function squares(ink: readonly number[]): { images: Tensor; labels: Tensor } {
  const images = new Float32Array(ink.length * 28 * 28);
  ink.forEach((v, k) => images.fill(v, k * 784, (k + 1) * 784));
  return { images: new Tensor(images, [ink.length, 1, 28, 28]), labels: new Tensor(Int32Array.from(ink.keys()), [ink.length]) };
}

const test10k = loadMnist({ split: 'test' });

describe('DigitScenes', () => {
  test('a scene depends only on (seed, index): the same in any order, different for another index or seed', () => {
    const a = new DigitScenes({ count: 20, split: 'test', seed: 4, mnist: test10k });
    const b = new DigitScenes({ count: 20, split: 'test', seed: 4, mnist: test10k });
    expect(b.scene(13)).toEqual(a.scene(13));
    expect(Array.from(a.batch(10, 14).masks.storage)).toEqual(Array.from(b.batch(0, 20).masks.storage.subarray(10 * 4096, 14 * 4096)));
    expect(a.scene(3).image).not.toEqual(a.scene(4).image);
    expect(new DigitScenes({ count: 20, split: 'test', seed: 5, mnist: test10k }).scene(3).image).not.toEqual(a.scene(3).image);
  });

  test('shapes, dtypes, classes and 8-bit pixels', () => {
    const scenes = new DigitScenes({ count: 50, split: 'test', mnist: test10k });
    const [image, mask] = scenes.get(0);
    expect(image.shape).toEqual([1, 64, 64]);
    expect(mask.shape).toEqual([64, 64]);
    expect(mask.dtype).toBe('int32');
    const { images, masks } = scenes.batch();
    expect(images.shape).toEqual([50, 1, 64, 64]);
    expect(masks.shape).toEqual([50, 64, 64]);
    expect(images.storage.every((v) => v >= 0 && v <= 1 && Math.abs(v * 255 - Math.round(v * 255)) < 1e-4)).toBe(true);
    expect(masks.storage.every((v) => Number.isInteger(v) && v >= 0 && v < DIGIT_SCENE_CLASSES.length)).toBe(true);
    for (let i = 0; i < 50; i++) {
      const { digits, mask: m } = scenes.scene(i);
      expect(digits.length).toBeGreaterThanOrEqual(1);
      expect(digits.length).toBeLessThanOrEqual(3);
      for (const d of digits) {
        expect(d.scale).toBeGreaterThanOrEqual(0.8);
        expect(d.scale).toBeLessThan(1.5);
        expect(d.top + Math.round(28 * d.scale)).toBeLessThanOrEqual(64);
        expect(d.left + Math.round(28 * d.scale)).toBeLessThanOrEqual(64);
        expect(d.label).toBe(test10k.labels.storage[d.mnistIndex]);
      }
      // Every class in the mask is one of the digits painted (background aside).
      const painted = new Set(digits.map((d) => 1 + d.label));
      expect([...new Set(m)].every((c) => c === 0 || painted.has(c))).toBe(true);
    }
  });

  test('digits come only from the chosen split and range', () => {
    const scenes = new DigitScenes({ count: 200, split: 'test', digitRange: [100, 120], mnist: test10k });
    for (let i = 0; i < 200; i++) for (const d of scenes.scene(i).digits) expect(d.mnistIndex >= 100 && d.mnistIndex < 120).toBe(true);
    expect(new DigitScenes({ count: 1, split: 'test', mnist: test10k }).split).toBe('test');
  });

  test('stroke pixels are those at or above the threshold; later digits win overlaps', () => {
    // Ink 0.6 ≥ 0.5: a square of class 0 → label 1. Ink 0.4: painted but background.
    const solid = new DigitScenes({ count: 30, digits: [3, 3], scale: [1, 1], mnist: squares([0.6, 0.4]) });
    for (let i = 0; i < 30; i++) {
      const { image, mask, digits } = solid.scene(i);
      const expected = new Int32Array(64 * 64);
      for (const d of digits) {
        if (d.label !== 0) continue;
        for (let y = d.top; y < d.top + 28; y++) expected.fill(1, y * 64 + d.left, y * 64 + d.left + 28);
      }
      expect(mask).toEqual(expected);
      // Painted area is the union of the squares; a pixel under k coats of ink a has 1 − Π(1 − a).
      const coats = new Float64Array(64 * 64).fill(1);
      for (const d of digits) {
        const a = d.label === 0 ? 0.6 : 0.4;
        for (let y = d.top; y < d.top + 28; y++) for (let x = d.left; x < d.left + 28; x++) coats[y * 64 + x]! *= 1 - a;
      }
      expect(image.reduce((m, v, p) => Math.max(m, Math.abs(v - Math.round(255 * (1 - coats[p]!)) / 255)), 0)).toBeLessThan(1e-6);
    }
    // Two classes of full ink: each pixel takes the label of the last square that covers it.
    const layered = new DigitScenes({ count: 30, digits: [2, 3], scale: [1, 1], mnist: squares([1, 1]) });
    for (let i = 0; i < 30; i++) {
      const { mask, digits } = layered.scene(i);
      const expected = new Int32Array(64 * 64);
      for (const d of digits) for (let y = d.top; y < d.top + 28; y++) expected.fill(1 + d.label, y * 64 + d.left, y * 64 + d.left + 28);
      expect(mask).toEqual(expected);
    }
  });

  test('scaling resizes a digit to round(28·s) pixels; clutter is drawn but labelled background', () => {
    const big = new DigitScenes({ count: 1, digits: [1, 1], scale: [1.5, 1.5], mnist: squares([1]) }).scene(0);
    expect(big.mask.filter((v) => v === 1).length).toBe(42 * 42);
    const small = new DigitScenes({ count: 1, digits: [1, 1], scale: [0.8, 0.8], mnist: squares([1]) }).scene(0);
    expect(small.mask.filter((v) => v === 1).length).toBe(22 * 22);
    const clutterOnly = new DigitScenes({ count: 5, digits: [0, 0], clutter: 4, mnist: squares([1]) });
    for (let i = 0; i < 5; i++) {
      const { image, mask } = clutterOnly.scene(i);
      expect(image.some((v) => v > 0)).toBe(true);
      expect(mask.every((v) => v === 0)).toBe(true);
    }
  });

  test('real digits: about 93% background, every digit class present in 300 scenes', () => {
    const { masks } = new DigitScenes({ count: 300, split: 'test', mnist: test10k }).batch();
    const counts = new Array<number>(11).fill(0);
    for (const v of masks.storage) counts[v]!++;
    expect(counts[0]! / masks.numel()).toBeGreaterThan(0.88);
    expect(counts[0]! / masks.numel()).toBeLessThan(0.97);
    expect(counts.every((c) => c > 0)).toBe(true);
  });

  test('errors name the dataset and the bad option', () => {
    expect(() => new DigitScenes({ count: -1, mnist: test10k })).toThrow('DigitScenes: count must be a non-negative integer, got -1');
    expect(() => new DigitScenes({ count: 1, size: 40, mnist: test10k })).toThrow('DigitScenes: size must be an integer of at least 42 (a digit at scale 1.5), got 40');
    expect(() => new DigitScenes({ count: 1, digitRange: [0, 20_000], mnist: test10k })).toThrow('DigitScenes: digitRange must be [start, stop) within the 10000 digits of the train split, got [0, 20000]');
    expect(() => new DigitScenes({ count: 1, digits: [2, 1], mnist: test10k })).toThrow(RangeError);
    expect(() => new DigitScenes({ count: 1, strokeThreshold: 0, mnist: test10k })).toThrow('DigitScenes: strokeThreshold must be in (0, 1], got 0');
    expect(() => new DigitScenes({ count: 3, mnist: test10k }).get(3)).toThrow('DigitScenes: index 3 is out of range for a dataset of length 3');
    expect(() => new DigitScenes({ count: 3, mnist: test10k }).batch(2, 5)).toThrow('DigitScenes.batch: [2, 5) is not a range within the 3 scenes');
  });
});
