import { PNG } from 'pngjs';
import { describe, expect, test } from 'vitest';
import { FASHION_MNIST_MEAN, FASHION_MNIST_STD } from '../src/index.js';
import { decodeImage, modelFromCheckpoint, prepare } from './classify.js';

/** A grey RGBA image whose pixel (x, y) is value(x, y). */
function grey(width: number, height: number, value: (x: number, y: number) => number): { width: number; height: number; data: Uint8Array } {
  const data = new Uint8Array(4 * width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([value(x, y), value(x, y), value(x, y), 255], 4 * (y * width + x));
  return { width, height, data };
}
const standardised = (v: number): number => Math.fround((v / 255 - FASHION_MNIST_MEAN) / FASHION_MNIST_STD);

describe('classify: preparing an image as in training', () => {
  test('decodes a PNG by its signature and refuses what is not a PNG or JPEG', () => {
    const png = new PNG({ width: 2, height: 1 });
    png.data.set([10, 20, 30, 255, 1, 2, 3, 255]);
    const decoded = decodeImage(PNG.sync.write(png), 'a.png');
    expect([decoded.width, decoded.height, ...decoded.data]).toEqual([2, 1, 10, 20, 30, 255, 1, 2, 3, 255]);
    expect(() => decodeImage(new TextEncoder().encode('hello'), 'notes.txt')).toThrow('notes.txt: not a PNG or JPEG image (its first bytes are 68 65 6c 6c)');
    expect(() => decodeImage(PNG.sync.write(png).subarray(0, 40), 'cut.png')).toThrow(/cut.png: the PNG decoder rejected it/);
  });

  test('a 2× enlarged dark-background picture shrinks back exactly (box filter), centre-cropped, standardised', () => {
    const pattern = (x: number, y: number): number => (x * 7 + y * 13) % 256;
    // 56 wide + 20 extra columns on each side: the centre square is the enlarged pattern.
    const big = grey(96, 56, (x, y) => (x < 20 || x >= 76 ? 0 : pattern(Math.floor((x - 20) / 2), Math.floor(y / 2))));
    const { input, inverted } = prepare(big, 'big.png');
    expect(inverted).toBe(false);
    expect(input.shape).toEqual([1, 1, 28, 28]);
    expect(input.storage[0]).toBeCloseTo(standardised(pattern(0, 0)), 6);
    expect(input.storage[5 * 28 + 9]).toBeCloseTo(standardised(pattern(9, 5)), 5);
  });

  test('a light background is inverted (Fashion-MNIST shows light clothes on black), unless told not to', () => {
    const light = grey(28, 28, () => 255);
    expect(prepare(light, 'white.png').inverted).toBe(true);
    expect(prepare(light, 'white.png').input.storage[0]).toBeCloseTo(standardised(0), 6);
    expect(prepare(light, 'white.png', false).input.storage[0]).toBeCloseTo(standardised(255), 6);
  });

  test('refuses images under 28 px and a missing checkpoint, naming the file and the fix', () => {
    expect(() => prepare(grey(27, 100, () => 0), 'small.png')).toThrow('small.png: the image is 27×100; at least 28×28 is needed');
    expect(() => modelFromCheckpoint('/nonexistent/best.safetensors')).toThrow(/no checkpoint at \/nonexistent\/best.safetensors; train one first: npx tsx examples\/resnet18-fashion-mnist.ts --preset quick/);
  });
});
