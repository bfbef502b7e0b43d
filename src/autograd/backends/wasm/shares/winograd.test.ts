/**
 * The Winograd F(2×2, 3×3) path of the wasm forward conv against the cpu kernels: many shapes
 * (odd and even sizes, 1-pixel images, asymmetric and wide padding, channels not in fours,
 * batches), every epilogue, one and two threads; which convs take it (a reused filter of a 3×3
 * stride-1 conv), and that a filter written between calls, as in training, never does.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { backendKernels, setNumThreads } from '../../index.js';
import { cpuKernels } from '../../cpu/index.js';
import type { Conv2dAttrs, Kernels } from '../../types.js';
import { attrsOf, type ConvCase } from '../../parity.js';
import { randn } from '../../../creation.js';
import { seededRandom } from '../../../random.js';
import type { Tensor } from '../../../tensor.js';
import { convGeometry } from '../../../conv-geometry.js';
import { clearResidentOperands } from '../pool.js';
import { winogradFits } from '../plan.js';
import { winogradFilter, winogradShares } from './winograd.js';

/**
 * |got − want| ≤ 1e-5·max(1, max|want|) + 1e-4·|want| elementwise (float32 sums of up to 4,608
 * products); a NaN or an infinity only where want has the same.
 */
function expectClose(got: Tensor, want: Tensor): void {
  expect(got.shape).toEqual(want.shape);
  const [g, w] = [got.storage, want.storage];
  let scale = 1;
  for (const v of w) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < w.length; i++) {
    if (!Number.isFinite(w[i]!)) {
      if (!Object.is(g[i], w[i])) throw new Error(`element ${i}: got ${g[i]}, want ${w[i]}`);
      continue;
    }
    const tol = 1e-5 * scale + 1e-4 * Math.abs(w[i]!);
    if (!(Math.abs(g[i]! - w[i]!) <= tol)) throw new Error(`element ${i}: got ${g[i]}, want ${w[i]} (tolerance ${tol})`);
  }
}

const CASES: readonly ConvCase[] = [
  { name: 'ResNet layer1 shape, batch 1', x: [1, 64, 56, 56], w: [64, 64, 3, 3], pad: [1, 1, 1, 1] },
  { name: 'odd sizes, batch 2', x: [2, 12, 7, 9], w: [8, 12, 3, 3], pad: [1, 1, 1, 1] },
  { name: 'no padding, 5 x 4', x: [1, 8, 5, 4], w: [4, 8, 3, 3] },
  { name: 'padding 2, channels not in fours, batch 3', x: [3, 10, 11, 6], w: [20, 10, 3, 3], pad: [2, 2, 2, 2] },
  { name: 'a 1 x 1 image', x: [1, 9, 1, 1], w: [12, 9, 3, 3], pad: [1, 1, 1, 1] },
  { name: 'asymmetric padding', x: [2, 16, 6, 7], w: [8, 16, 3, 3], pad: [0, 2, 1, 0] },
  { name: 'deep and small (ResNet layer4 at 224 px)', x: [1, 512, 7, 7], w: [512, 512, 3, 3], pad: [1, 1, 1, 1] },
];

let wasm: Kernels;
beforeAll(async () => {
  wasm = await backendKernels('wasm');
});
afterAll(() => {
  setNumThreads(1);
  clearResidentOperands();
});

describe('wasm conv2d as Winograd F(2x2, 3x3)', () => {
  test('the filter transform is G g Gᵀ', () => {
    const random = seededRandom(1);
    const w = randn([2, 3, 3, 3], { random });
    const u = winogradFilter(w.storage as Float32Array, 2, 3, 4);
    const G = [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]];
    for (let o = 0; o < 2; o++) {
      for (let c = 0; c < 4; c++) {
        for (let i = 0; i < 4; i++) {
          for (let j = 0; j < 4; j++) {
            let want = 0;
            for (let a = 0; a < 3 && c < 3; a++) for (let b = 0; b < 3; b++) want += G[i]![a]! * w.storage[((o * 3 + c) * 3 + a) * 3 + b]! * G[j]![b]!;
            expect(u[((4 * i + j) * 4 + c) * 2 + o]).toBeCloseTo(want, 6); // channel 3 is the padding: zero
          }
        }
      }
    }
  });

  test('which convs fit: 3x3, stride 1, undilated, ungrouped, 8+ input channels, output channels in fours', () => {
    const fits = (c: ConvCase): boolean => winogradFits(convGeometry(c.x, c.w, attrsOf(c), 'test'));
    expect(fits({ name: '', x: [1, 8, 5, 5], w: [4, 8, 3, 3] })).toBe(true);
    expect(fits({ name: '', x: [1, 8, 5, 5], w: [4, 8, 3, 3], stride: [2, 2] })).toBe(false);
    expect(fits({ name: '', x: [1, 8, 9, 9], w: [4, 8, 3, 3], dilation: [2, 2] })).toBe(false);
    expect(fits({ name: '', x: [1, 8, 5, 5], w: [4, 4, 3, 3], groups: 2 })).toBe(false);
    expect(fits({ name: '', x: [1, 3, 5, 5], w: [4, 3, 3, 3] })).toBe(false); // the stem's kernel (few channels)
    expect(fits({ name: '', x: [1, 8, 5, 5], w: [6, 8, 3, 3] })).toBe(false);
    expect(fits({ name: '', x: [1, 8, 5, 5], w: [4, 8, 5, 5] })).toBe(false);
  });

  for (const threads of [1, 2]) {
    for (const c of CASES) {
      test(`${threads} thread(s), ${c.name}: x ${c.x}, w ${c.w}, every epilogue, equal to cpu from the second call on`, () => {
        setNumThreads(threads);
        const random = seededRandom(c.x[1] + c.w[0]);
        const attrs: Conv2dAttrs = attrsOf(c);
        const x = randn(c.x, { random });
        const w = randn(c.w, { random });
        const bias = randn([c.w[0]], { random });
        const plain = cpuKernels.conv2d(x, w, attrs);
        const residual = randn(plain.shape, { random });
        const epilogues = [{}, { bias }, { bias, relu: true }, { residual, relu: true }, { bias, residual }];
        for (const epilogue of epilogues) {
          const want = cpuKernels.fusedConv2d(x, w, attrs, epilogue);
          const before = winogradShares();
          expectClose(wasm.fusedConv2d(x, w, attrs, epilogue), want); // the first sighting of w (or not, after the first epilogue)
          expectClose(wasm.fusedConv2d(x, w, attrs, epilogue), want);
          expectClose(wasm.fusedConv2d(x, w, attrs, epilogue), want);
          if (threads === 1) expect(winogradShares() - before).toBeGreaterThanOrEqual(2); // 2 or 3 of the 3 calls
        }
        clearResidentOperands();
      });
    }
  }

  test('a NaN or an infinity in x or w reaches only the outputs whose window holds it: such a call runs the direct conv', () => {
    setNumThreads(1);
    const random = seededRandom(8);
    const c: ConvCase = { name: '', x: [1, 8, 8, 8], w: [8, 8, 3, 3], pad: [1, 1, 1, 1] };
    const x = randn(c.x, { random }).mutate((v) => { v[2 * 8 + 2] = NaN; v[64 + 5 * 8 + 6] = Infinity; }); // Winograd would spread them over 4 × 4 blocks
    const w = randn(c.w, { random });
    const clean = randn(c.x, { random });
    const want = cpuKernels.conv2d(x, w, attrsOf(c));
    const before = winogradShares();
    for (let i = 0; i < 3; i++) expectClose(wasm.conv2d(x, w, attrsOf(c)), want);
    expect(winogradShares()).toBe(before);
    expectClose(wasm.conv2d(clean, w, attrsOf(c)), cpuKernels.conv2d(clean, w, attrsOf(c))); // the same filter on a finite x: Winograd
    expect(winogradShares()).toBe(before + 1);
    const wNaN = randn(c.w, { random }).mutate((v) => { v[9 * 8 + 4] = NaN; }); // output channel 1
    const wantNaN = cpuKernels.conv2d(clean, wNaN, attrsOf(c));
    for (let i = 0; i < 3; i++) expectClose(wasm.conv2d(clean, wNaN, attrsOf(c)), wantNaN);
    expect(winogradShares()).toBe(before + 1);
    clearResidentOperands();
  });

  test('a filter written between calls (a training step) never takes the Winograd path', () => {
    setNumThreads(1);
    const random = seededRandom(7);
    const c: ConvCase = { name: '', x: [2, 16, 8, 8], w: [16, 16, 3, 3], pad: [1, 1, 1, 1] };
    const x = randn(c.x, { random });
    const w = randn(c.w, { random });
    const before = winogradShares();
    for (let step = 0; step < 4; step++) {
      expectClose(wasm.conv2d(x, w, attrsOf(c)), cpuKernels.conv2d(x, w, attrsOf(c)));
      w.assign(randn(c.w, { random })); // what an optimizer step does: a new version, a new key
    }
    expect(winogradShares()).toBe(before);
    expectClose(wasm.conv2d(x, w, attrsOf(c)), cpuKernels.conv2d(x, w, attrsOf(c))); // seen once: still direct
    expect(winogradShares()).toBe(before);
    expectClose(wasm.conv2d(x, w, attrsOf(c)), cpuKernels.conv2d(x, w, attrsOf(c))); // reused: Winograd
    expect(winogradShares()).toBe(before + 1);
    clearResidentOperands();
  });
});
