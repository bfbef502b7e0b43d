/**
 * The input gradient's implicit GEMM (conv-input-gemm.ts) against the cpu kernel, through the
 * backend's routing (linalg.ts): tiles filled in part (odd sizes, 3 channels), more than one tile
 * along channels and pixels, strides 2–4 (whose phases take some taps, none, or have no pixel),
 * padding (uneven too), 1 × 1, dilation, batches, and the tile sizes tileFor picks. Skipped
 * without an adapter.
 */
import { describe, expect, test } from 'vitest';
import { randn } from '../../creation.js';
import { manualSeed } from '../../random.js';
import { backendKernels } from '../index.js';
import { parityError } from '../parity.js';
import type { Conv2dAttrs } from '../types.js';
import { conv2dInputGemm, tileFor } from './conv-input-gemm.js';
import { adapter, webgpuKernels } from './test-adapter.js';

const attrs = (s: [number, number], p: [number, number, number, number], d = 1): Conv2dAttrs => ({ stride: s, padding: { top: p[0], bottom: p[1], left: p[2], right: p[3] }, dilation: [d, d], groups: 1 });
const outSize = (x: number, k: number, s: number, p: number, d: number) => Math.floor((x + p - d * (k - 1) - 1) / s) + 1;

describe.skipIf(adapter === null)('webgpu conv2d input gradient (implicit GEMM)', () => {
  test.each([
    ['3x3 stride 1 pad 1, 3 channels in, odd sizes', [2, 3, 7, 9], [5, 3, 3, 3], attrs([1, 1], [1, 1, 1, 1])],
    ['3x3 stride 2 pad 1, odd sizes', [1, 5, 9, 7], [6, 5, 3, 3], attrs([2, 2], [1, 1, 1, 1])],
    ['1x1 stride 2', [1, 8, 8, 8], [16, 8, 1, 1], attrs([2, 2], [0, 0, 0, 0])],
    ['1x1 stride 1', [2, 6, 5, 7], [4, 6, 1, 1], attrs([1, 1], [0, 0, 0, 0])],
    ['3x3 on 12x12, 40 channels in and 36 out (several tiles each way)', [1, 40, 12, 12], [36, 40, 3, 3], attrs([1, 1], [1, 1, 1, 1])],
    ['5x3 kernel, strides 2 and 3, uneven padding', [2, 4, 11, 10], [3, 4, 5, 3], attrs([2, 3], [2, 1, 0, 1])],
    ['3x3 dilation 2 pad 2', [1, 3, 10, 10], [4, 3, 3, 3], attrs([1, 1], [2, 2, 2, 2], 2)],
    ['4x4 stride 2 with the last row and column unread', [1, 7, 10, 11], [9, 7, 4, 4], attrs([2, 2], [0, 0, 0, 0])],
    ['3x3 stride 2 on 12x12, batch 2, 40 channels in and 36 out (several tiles in each phase)', [2, 40, 12, 12], [36, 40, 3, 3], attrs([2, 2], [1, 1, 1, 1])],
    ['3x3 stride 2 dilation 2, batch 3, 5 channels in (the odd phases take no tap)', [3, 5, 9, 10], [7, 5, 3, 3], attrs([2, 2], [2, 2, 2, 2], 2)],
    ['3x2 kernel, strides 2 and 3, dilation 3, uneven padding', [2, 6, 8, 7], [3, 6, 3, 2], attrs([2, 3], [1, 2, 0, 1], 3)],
    ['1x1 stride 4 on 3x5 (phases with no pixel)', [2, 3, 3, 5], [5, 3, 1, 1], attrs([4, 4], [0, 0, 0, 0])],
  ] as const)('%s matches the cpu kernel', async (_, xShape, wShape, a) => {
    manualSeed(9);
    const [N, , H, W] = xShape;
    const [O, , KH, KW] = wShape;
    const dyShape = [N, O, outSize(H, KH, a.stride[0], a.padding.top + a.padding.bottom, a.dilation[0]), outSize(W, KW, a.stride[1], a.padding.left + a.padding.right, a.dilation[1])];
    const [dy, w] = [randn(dyShape), randn([...wShape])];
    const want = (await backendKernels('cpu')).conv2dBackpropInput(dy, w, xShape, a);
    const gpu = await webgpuKernels();
    const [gdy, gw] = [await dy.to('webgpu'), await w.to('webgpu')];
    const routed = gpu.conv2dBackpropInput(gdy, gw, xShape, a);
    expect(routed.device).toBe('webgpu');
    const { ratio, detail } = parityError(await routed.to('cpu'), want);
    expect(ratio, detail).toBeLessThanOrEqual(1);
    // the smallest tile, whatever the shape: every tile edge is crossed
    const small = parityError(await conv2dInputGemm(gdy, gw, xShape, a, { TM: 4, TN: 4, TK: 4, RM: 1 }).to('cpu'), want);
    expect(small.ratio, `4 x 4 x 4 tiles: ${small.detail}`).toBeLessThanOrEqual(1);
  });

  test('tileFor fits the tile to the shape, within 32 x 32 x 32, with at least TN threads', () => {
    expect(tileFor(3, 1024, 8)).toEqual({ TM: 4, TN: 32, TK: 8, RM: 1, U: 4 });
    expect(tileFor(64, 16, 64)).toEqual({ TM: 32, TN: 16, TK: 32, RM: 4, U: 4 });
    expect(tileFor(16, 256, 32)).toEqual({ TM: 16, TN: 32, TK: 32, RM: 4, U: 4 });
    for (const C of [1, 3, 8, 17, 64]) for (const P of [1, 5, 16, 1024]) {
      const t = tileFor(C, P, 8);
      expect((t.TM / t.RM) * (t.TN / 4)).toBeGreaterThanOrEqual(t.TN);
    }
  });
});
