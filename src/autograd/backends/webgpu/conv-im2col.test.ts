/**
 * The forward convolution's routes on webgpu (linalg.ts, conv-im2col.ts) against the cpu kernel:
 * a stride-1 spatial conv as the input gradient of its adjoint (conv-input-gemm.ts with the
 * flipped, transposed filter), the NCHW im2col route (small strided outputs), its plain matmul
 * case (1 × 1, stride 1, no padding: no unfolding), and the NHWC route tfjs's fused program takes
 * for larger strided outputs; and the input gradient on the same shapes. Skipped without an adapter.
 */
import { describe, expect, test } from 'vitest';
import { randn } from '../../creation.js';
import { manualSeed } from '../../random.js';
import { backendKernels } from '../index.js';
import { parityError } from '../parity.js';
import type { Conv2dAttrs } from '../types.js';
import { im2colRoute } from './conv-im2col.js';
import { adjointRoute } from './linalg.js';
import { adapter, webgpuKernels } from './test-adapter.js';

const attrs = (s: number, p: number, d = 1): Conv2dAttrs => ({ stride: [s, s], padding: { top: p, bottom: p, left: p, right: p }, dilation: [d, d], groups: 1 });

describe.skipIf(adapter === null)('webgpu conv2d routes', () => {
  test.each([
    ['1x1 stride 1 (the plain matmul)', [2, 6, 5, 7], [4, 6, 1, 1], attrs(1, 0), 'nchw'],
    ['3x3 stride 2 pad 1 (im2col)', [2, 5, 9, 8], [7, 5, 3, 3], attrs(2, 1), 'nchw'],
    ['3x3 dilation 2 pad 2 (the adjoint)', [1, 3, 10, 10], [4, 3, 3, 3], attrs(1, 2, 2), 'adjoint'],
    ['3x3 pad 0, batch 2 (the adjoint)', [2, 6, 9, 7], [5, 6, 3, 3], attrs(1, 0), 'adjoint'],
    ['5x5 pad 3, past the filter\'s reach (im2col)', [1, 3, 10, 10], [4, 3, 5, 5], attrs(1, 5), 'nchw'],
    ['1x1 stride 2 (im2col)', [1, 8, 8, 8], [16, 8, 1, 1], attrs(2, 0), 'nchw'],
    ['3x3 on 32x32, 40 channels out (the adjoint)', [1, 4, 32, 32], [40, 4, 3, 3], attrs(1, 1), 'adjoint'],
    ['3x3 stride 2 on 64x64, 40 channels out (the NHWC route)', [1, 4, 64, 64], [40, 4, 3, 3], attrs(2, 1), 'nhwc'],
  ] as const)('%s matches the cpu kernel', async (_, xShape, wShape, a, route) => {
    manualSeed(7);
    const [x, w] = [randn([...xShape]), randn([...wShape])];
    const want = (await backendKernels('cpu')).conv2d(x, w, a);
    const gpu = await webgpuKernels();
    const got = gpu.conv2d(await x.to('webgpu'), await w.to('webgpu'), a);
    expect(got.device).toBe('webgpu');
    const nchw = im2colRoute(got.shape) || (wShape[2] === 1 && a.stride[0] === 1 && a.padding.top === 0);
    expect(adjointRoute(a, wShape[2], wShape[3]) ? 'adjoint' : nchw ? 'nchw' : 'nhwc').toBe(route);
    const { ratio, detail } = parityError(await got.to('cpu'), want);
    expect(ratio, detail).toBeLessThanOrEqual(1);
    const dy = randn([...want.shape]);
    const wantDx = (await backendKernels('cpu')).conv2dBackpropInput(dy, w, xShape, a);
    const gotDx = gpu.conv2dBackpropInput(await dy.to('webgpu'), await w.to('webgpu'), xShape, a);
    const dx = parityError(await gotDx.to('cpu'), wantDx);
    expect(dx.ratio, `input gradient: ${dx.detail}`).toBeLessThanOrEqual(1);
  });
});
