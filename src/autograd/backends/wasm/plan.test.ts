/**
 * The cut and routing rules (plan.ts), checked as plain functions: no tfjs, no threads.
 */
import { describe, expect, test } from 'vitest';
import { convGeometry, type ConvGeometry } from '../../conv-geometry.js';
import {
  fewChannels, filterBlockPixels, isPointwise, patchesOnTheRight, planConvFilter, planConvForward, planConvInput, planMatmul, planRows, sharesFor,
  splitRange, tfjsCanConv, type ThreadBudget,
} from './plan.js';

const two: ThreadBudget = { threads: 2, minFlopsPerShare: 32e6 };
const anySize = (threads: number): ThreadBudget => ({ threads, minFlopsPerShare: 0 });

/** The geometry of a square conv: x [N, C, H, H], w [O, C, K, K], stride s, padding p. */
const conv = (N: number, C: number, H: number, O: number, K: number, s = 1, p = 0): ConvGeometry =>
  convGeometry([N, C, H, H], [O, C, K, K], { stride: [s, s], padding: { top: p, bottom: p, left: p, right: p }, dilation: [1, 1], groups: 1 }, 'plan.test');

describe('splitRange and sharesFor', () => {
  test('parts are contiguous, cover the range, and differ in length by at most one (the first ones longer)', () => {
    expect(splitRange(10, 3)).toEqual([[0, 4], [4, 7], [7, 10]]);
    expect(splitRange(2, 2)).toEqual([[0, 1], [1, 2]]);
    expect(splitRange(5, 1)).toEqual([[0, 5]]);
  });
  test('a kernel gets a share per thread, fewer when a share would hold too little work or the kernel has fewer natural parts', () => {
    expect(sharesFor(1e9, 100, two)).toBe(2);
    expect(sharesFor(40e6, 100, two)).toBe(1); //                      under 2 × 32 MFLOP
    expect(sharesFor(1e9, 1, two)).toBe(1);
    expect(sharesFor(1, 100, anySize(3))).toBe(3); //                  a threshold of 0 splits everything
  });
});

describe('matmul', () => {
  test('a batch by products, one product by columns of B, or by rows of A when A is much taller', () => {
    expect(planMatmul(6, 64, 64, 64, anySize(2))).toEqual({ by: 'batch', parts: [[0, 3], [3, 6]] });
    expect(planMatmul(1, 512, 512, 512, two)).toEqual({ by: 'columns', parts: [[0, 256], [256, 512]] });
    expect(planMatmul(1, 4096, 64, 8, anySize(2)).by).toBe('rows');
    expect(planMatmul(1, 128, 128, 128, two).parts).toHaveLength(1); //  4 MFLOP: one share
  });
});

describe('convolutions', () => {
  test('batch 1 (inference) splits by channels, a batch of images by images', () => {
    expect(planConvForward(conv(1, 256, 14, 256, 3, 1, 1), two).by).toBe('channel');
    expect(planConvForward(conv(32, 64, 32, 64, 3, 1, 1), two)).toEqual({ by: 'batch', parts: [[0, 16], [16, 32]] });
  });
  test('at batch 1 the calling thread gets 2/3 of a worker\'s channels, in fours, never under 8', () => {
    expect(planConvForward(conv(1, 64, 56, 64, 3, 1, 1), two).parts).toEqual([[0, 24], [24, 64]]);
    expect(planConvForward(conv(1, 512, 7, 512, 3, 1, 1), two).parts).toEqual([[0, 204], [204, 512]]);
    expect(planConvForward(conv(1, 256, 14, 256, 3, 1, 1), { ...two, threads: 3 }).parts).toEqual([[0, 64], [64, 160], [160, 256]]);
    expect(planConvForward(conv(1, 128, 56, 16, 3, 1, 1), two).parts).toEqual([[0, 8], [8, 16]]); //  6.4 rounds to 8
    expect(planConvForward(conv(4, 512, 4, 512, 3, 1, 1), two).parts).toEqual([[0, 256], [256, 512]]); // a batch: even
  });
  test('a filter larger than half the activation splits by channels even with many images (CIFAR layer4)', () => {
    expect(planConvForward(conv(32, 512, 4, 512, 3, 1, 1), two).by).toBe('channel');
    expect(planConvInput(conv(32, 512, 4, 512, 3, 1, 1), two).by).toBe('channel');
  });
  test('the filter gradient splits by channels only when the output pixels are no more than the channels', () => {
    expect(planConvFilter(conv(32, 512, 4, 512, 3, 1, 1), two).by).toBe('channel'); //   512 pixels, 512 channels
    expect(planConvFilter(conv(32, 256, 8, 256, 3, 1, 1), two).by).toBe('batch'); //     2,048 pixels
  });
  test('no channel share holds fewer than 8 channels', () => {
    const plan = planConvForward(conv(1, 64, 56, 12, 3, 1, 1), anySize(4));
    expect(plan.parts.every(([a, b]) => plan.by === 'batch' || b - a >= 8)).toBe(true);
  });
  test('routing: few input channels to the direct kernel, 1×1 without padding to the pointwise product, stride with dilation to cpu', () => {
    expect(fewChannels(conv(1, 3, 32, 64, 7, 2, 3))).toBe(true);
    expect(fewChannels(conv(1, 8, 32, 64, 3, 1, 1))).toBe(false);
    expect(isPointwise(conv(1, 64, 56, 128, 1, 2, 0))).toBe(true);
    expect(isPointwise(conv(1, 64, 56, 128, 1, 2, 1))).toBe(false);
    expect(tfjsCanConv({ stride: [2, 2], dilation: [2, 2] })).toBe(false);
    expect(tfjsCanConv({ stride: [2, 2], dilation: [1, 1] })).toBe(true);
  });
  test('the filter gradient puts the patches on the right for a stem (few taps) and for deep layers at batch 1', () => {
    expect(patchesOnTheRight(conv(32, 3, 32, 64, 3, 1, 1), 64, false)).toBe(true); //       Q = 27 < 64 channels
    expect(patchesOnTheRight(conv(1, 512, 7, 512, 3, 1, 1), 512, true)).toBe(true); //      dW far larger than the patches
    expect(patchesOnTheRight(conv(32, 64, 32, 64, 3, 1, 1), 64, false)).toBe(false);
    expect(filterBlockPixels(27)).toBe(2048);
    expect(filterBlockPixels(2 ** 20)).toBe(8); //                                          at most 2²³ floats of patches
  });
});

test('a recurrent layer splits by blocks of at least 8 batch rows', () => {
  expect(planRows(64, 1e9, two)).toEqual([[0, 32], [32, 64]]);
  expect(planRows(12, 1e9, two)).toEqual([[0, 12]]);
  expect(planRows(17, 1e9, anySize(3))).toEqual([[0, 9], [9, 17]]);
});
