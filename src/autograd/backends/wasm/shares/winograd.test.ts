/**
 * The Winograd F(2×2, 3×3) and F(4×4, 3×3) paths of the wasm forward conv against the cpu
 * kernels: many shapes (odd and even sizes, 1-pixel images, asymmetric and wide padding, channels
 * not in fours, batches), every epilogue, one and two threads, each block size forced on the
 * calling thread; ResNet-18's four shapes at 224 px with the error bound of each; which convs take
 * it (a reused filter of a 3×3 stride-1 conv), and that a filter written between calls, as in
 * training, never does.
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
import { forceWinogradTile, winogradFits, winogradTile } from '../plan.js';
import { winogradFilter, winogradFilter4, winogradShares } from './winograd.js';

/**
 * |got − want| ≤ rtol·max(1, max|want|) + 1e-4·|want| elementwise (float32 sums of up to 4,608
 * products); a NaN or an infinity only where want has the same. rtol is 1e-5 for the direct conv
 * and F(2×2, 3×3), whose transforms only add and subtract; F(4×4, 3×3)'s multiply by 1/8 … 4 and
 * sum more terms, and its error reaches 1.3e-5 of the output's scale at 512 channels (the
 * ResNet-18 test below), so its calls get 3e-5.
 */
function expectClose(got: Tensor, want: Tensor, rtol = 1e-5): void {
  expect(got.shape).toEqual(want.shape);
  const [g, w] = [got.storage, want.storage];
  let scale = 1;
  for (const v of w) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < w.length; i++) {
    if (!Number.isFinite(w[i]!)) {
      if (!Object.is(g[i], w[i])) throw new Error(`element ${i}: got ${g[i]}, want ${w[i]}`);
      continue;
    }
    const tol = rtol * scale + 1e-4 * Math.abs(w[i]!);
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
  forceWinogradTile(null);
  clearResidentOperands();
});

describe('wasm conv2d as Winograd F(2x2, 3x3) and F(4x4, 3x3)', () => {
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

  test('the filter transform of F(4x4, 3x3) is G g Gᵀ with the points 0, ±1, ±1/2', () => {
    const random = seededRandom(2);
    const w = randn([3, 2, 3, 3], { random });
    const u = winogradFilter4(w.storage as Float32Array, 3, 2, 4);
    const G = [[4, 0, 0], [2 / 3, 2 / 3, 2 / 3], [2 / 3, -2 / 3, 2 / 3], [-8 / 3, -4 / 3, -2 / 3], [-8 / 3, 4 / 3, -2 / 3], [0, 0, 1]];
    for (let o = 0; o < 3; o++) {
      for (let c = 0; c < 4; c++) {
        for (let i = 0; i < 6; i++) {
          for (let j = 0; j < 6; j++) {
            let want = 0;
            for (let a = 0; a < 3 && c < 2; a++) for (let b = 0; b < 3; b++) want += G[i]![a]! * w.storage[((o * 2 + c) * 3 + a) * 3 + b]! * G[j]![b]!;
            expect(u[((6 * i + j) * 4 + c) * 3 + o]).toBeCloseTo(want, 5); // channels 2 and 3 are the padding: zero
          }
        }
      }
    }
  });

  test('F(4x4, 3x3) on maps of 14 pixels a side and more, F(2x2, 3x3) below', () => {
    const tile = (x: readonly [number, number, number, number]): number => winogradTile(convGeometry(x, [8, x[1]!, 3, 3], attrsOf({ name: '', x, w: [8, x[1]!, 3, 3], pad: [1, 1, 1, 1] }), 'test'));
    expect([tile([1, 64, 56, 56]), tile([1, 256, 14, 14]), tile([1, 512, 7, 7]), tile([1, 8, 13, 40])]).toEqual([4, 4, 2, 2]);
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

  // threads 2 follows winogradTile on both threads; 1 forces each block size on every shape
  for (const [threads, forced] of [[1, 2], [1, 4], [2, null]] as const) {
    for (const c of CASES) {
      test(`${threads} thread(s), F(${forced ?? 'm'}x${forced ?? 'm'}), ${c.name}: x ${c.x}, w ${c.w}, every epilogue, equal to cpu from the second call on`, () => {
        setNumThreads(threads);
        forceWinogradTile(forced);
        const random = seededRandom(c.x[1] + c.w[0]);
        const attrs: Conv2dAttrs = attrsOf(c);
        const x = randn(c.x, { random });
        const w = randn(c.w, { random });
        const bias = randn([c.w[0]], { random });
        const plain = cpuKernels.conv2d(x, w, attrs);
        const residual = randn(plain.shape, { random });
        const epilogues = [{}, { bias }, { bias, relu: true }, { residual, relu: true }, { bias, residual }];
        const rtol = forced === 2 ? 1e-5 : 3e-5;
        for (const epilogue of epilogues) {
          const want = cpuKernels.fusedConv2d(x, w, attrs, epilogue);
          const before = winogradShares();
          expectClose(wasm.fusedConv2d(x, w, attrs, epilogue), want, rtol); // the first sighting of w (or not, after the first epilogue)
          expectClose(wasm.fusedConv2d(x, w, attrs, epilogue), want, rtol);
          expectClose(wasm.fusedConv2d(x, w, attrs, epilogue), want, rtol);
          if (threads === 1) expect(winogradShares() - before).toBeGreaterThanOrEqual(2); // 2 or 3 of the 3 calls
        }
        forceWinogradTile(null);
        clearResidentOperands();
      });
    }
  }

  test('ResNet-18 at 224 px, its four 3x3 stride-1 shapes: F(4x4, 3x3) within 1.5e-5 of the output scale, F(2x2, 3x3) within 1e-6', () => {
    setNumThreads(1);
    const errors: string[] = [];
    for (const [C, S] of [[64, 56], [128, 28], [256, 14], [512, 7]] as const) {
      const random = seededRandom(C);
      const c: ConvCase = { name: '', x: [1, C, S, S], w: [C, C, 3, 3], pad: [1, 1, 1, 1] };
      const x = randn(c.x, { random });
      const w = randn(c.w, { random }).mutate((v) => { for (let i = 0; i < v.length; i++) v[i]! /= Math.sqrt(9 * C); }); // outputs of order 1, as in a trained net
      const bias = randn([C], { random });
      const want = cpuKernels.fusedConv2d(x, w, attrsOf(c), { bias });
      let scale = 0;
      for (const v of want.storage) scale = Math.max(scale, Math.abs(v));
      for (const [m, bound] of [[4, 1.5e-5], [2, 1e-6]] as const) {
        forceWinogradTile(m);
        wasm.fusedConv2d(x, w, attrsOf(c), { bias });
        const before = winogradShares();
        const got = wasm.fusedConv2d(x, w, attrsOf(c), { bias });
        expect(winogradShares()).toBe(before + 1);
        let err = 0;
        for (let i = 0; i < want.storage.length; i++) err = Math.max(err, Math.abs(got.storage[i]! - want.storage[i]!));
        errors.push(`F(${m}x${m}) ${C}x${S}x${S}: ${(err / scale).toExponential(1)}`);
        expect(err / scale).toBeLessThan(bound);
      }
      forceWinogradTile(null);
      clearResidentOperands();
    }
    console.log(`max |error| / max |y| against cpu: ${errors.join(', ')}`);
  });

  test.each([2, 4] as const)('F(m×m, 3×3), m = %i: a NaN or an infinity in x or w reaches only the outputs whose window holds it: such a call runs the direct conv', (m) => {
    setNumThreads(1);
    forceWinogradTile(m);
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
    forceWinogradTile(null);
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
