import { describe, expect, test } from 'vitest';
import { argmax, noGrad, seededRandom, Tensor } from '../index.js';
import { DIGIT_SCENE_PALETTE, colorizeMask, overlayMask, segment } from './segment.js';
import { UNet } from './unet.js';

describe('segment, colorizeMask, overlayMask', () => {
  test('segment returns the argmax of the logits in eval mode and restores training mode', () => {
    const model = new UNet({ numClasses: 4, depth: 2, width: 4, random: seededRandom(1) });
    const random = seededRandom(2);
    const pixels = Float32Array.from({ length: 16 * 12 }, () => random());
    const { mask, milliseconds } = segment(model, pixels, 16, 12);
    expect(model.training).toBe(true);
    expect(milliseconds).toBeGreaterThanOrEqual(0);
    model.eval();
    const expected = noGrad(() => argmax(model.forward(new Tensor(pixels, [1, 1, 16, 12])), 1)).storage;
    expect(Array.from(mask)).toEqual(Array.from(expected));
  });

  test('colours: the JSDoc examples, every class of the palette, and the overlay mix', () => {
    expect(Array.from(colorizeMask(Int32Array.from([0, 1]), DIGIT_SCENE_PALETTE))).toEqual([0, 0, 0, 255, 31, 119, 180, 255]);
    expect(DIGIT_SCENE_PALETTE.length).toBe(11);
    expect(new Set(DIGIT_SCENE_PALETTE.map((c) => c.join())).size).toBe(11);
    expect(Array.from(overlayMask([1], [0]))).toEqual([255, 255, 255, 255]);
    // Grey 0.5 (127.5) under class 1 (31, 119, 180) at α = 0.6: 0.4·127.5 + 0.6·c.
    expect(Array.from(overlayMask([0.5], [1]))).toEqual([Math.round(51 + 18.6), Math.round(51 + 71.4), Math.round(51 + 108), 255]);
  });

  test('errors name the function and the sizes', () => {
    const model = new UNet({ numClasses: 2, depth: 1, width: 2 });
    expect(() => segment(model, new Float32Array(10), 4, 4)).toThrow('segment: 10 pixels do not make a 4×4 image');
    expect(() => colorizeMask([11])).toThrow('colorizeMask: class 11 has no colour in a palette of 11');
    expect(() => overlayMask([0, 0], [0])).toThrow('overlayMask: 2 pixels but 1 mask values');
    expect(() => overlayMask([0], [0], DIGIT_SCENE_PALETTE, 2)).toThrow('overlayMask: alpha must be in [0, 1], got 2');
  });
});
