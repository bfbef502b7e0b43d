/**
 * The wasm backend beyond the parity table (../parity.test.ts): which path each conv takes (the
 * SIMD kernels, the layout changes in tfjs's heap), the resident weights, memory discipline
 * (10,000 calls leave every heap as it was), and the worker threads (every split equal to cpu,
 * bit-identical run to run, errors surfacing from workers).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { backendKernels, getNumThreads, setBackend, setNumThreads } from '../index.js';
import { arenaBytes, clearResidentOperands, failNextWorkerShare, keptStats, shutdownWorkers, workerStats } from './pool.js';
import { getMinFlopsPerShare, setMinFlopsPerShare } from './threads.js';
import { col2imShares, directConvShares } from './simd/modules.js';
import { heapLayoutChanges } from './shares/heap.js';
import { residentStats } from './shares/resident.js';
import { cpuKernels } from '../cpu/index.js';
import type { Conv2dAttrs, Kernels } from '../types.js';
import { attrsOf, CONV_CASES, MATMUL_CASES, type ConvCase } from '../parity.js';
import { randn } from '../../creation.js';
import { seededRandom } from '../../random.js';
import { Tensor } from '../../tensor.js';
import { loadTfWasm } from './index.js';

function expectClose(got: Tensor, want: Tensor, rtol = 1e-4, atol = 1e-5): void {
  expect(got.shape).toEqual(want.shape);
  expect(got.dtype).toBe(want.dtype);
  const g = got.storage;
  const w = want.storage;
  let scale = 0;
  for (let i = 0; i < w.length; i++) scale = Math.max(scale, Math.abs(w[i]!));
  for (let i = 0; i < w.length; i++) {
    const tol = atol * Math.max(1, scale) + rtol * Math.abs(w[i]!);
    if (!(Math.abs(g[i]! - w[i]!) <= tol)) {
      throw new Error(`element ${i}: got ${g[i]}, want ${w[i]} (tolerance ${tol})`);
    }
  }
}

let backends: [string, Kernels][] = [];

beforeAll(async () => {
  backends = [['wasm', await backendKernels('wasm')]];
});

/**
 * Five kernel calls on the same small weights — conv2d, both its gradients, a matmul, and the
 * input gradient of a 3-channel conv (the matrix-product path) — for the memory tests.
 */
function kernelRound(k: Kernels): () => void {
  const random = seededRandom(1);
  const x = randn([2, 8, 6, 6], { random });
  const w = randn([4, 8, 3, 3], { random });
  const w3 = randn([4, 3, 3, 3], { random });
  const a = randn([8, 8], { random });
  const attrs = attrsOf({ name: '', x: [2, 8, 6, 6], w: [4, 8, 3, 3], stride: [2, 2], pad: [1, 1, 1, 1] });
  const dy = cpuKernels.conv2d(x, w, attrs);
  return () => {
    k.conv2d(x, w, attrs);
    k.conv2dBackpropInput(dy, w, x.shape, attrs);
    k.conv2dBackpropFilter(x, dy, w.shape, attrs);
    k.matmul(a, a);
    k.conv2dBackpropInput(dy, w3, [2, 3, 6, 6], attrs);
  };
}

describe('wasm memory discipline', () => {
  test('kernel calls leave tfjs no live tensors but the resident operands, and 10,000 calls do not grow the heap', async () => {
    const tf = await loadTfWasm();
    const round = kernelRound(backends[0]![1]);
    clearResidentOperands();
    const empty = tf.memory().numTensors;
    round();
    expect(tf.memory().numTensors).toBe(empty); // first sight of each weight: nothing kept
    round(); // second sight: w in both conv layouts (4 stride phases for the input gradient), a, and w3 as the product's [O, C·KH·KW]
    expect(residentStats().tensors).toBe(1 + 4 + 1 + 1);
    const before = tf.memory();
    const backend = tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } };
    const heapBefore = backend.wasm.HEAPU8.length;
    const hitsBefore = residentStats().hits;
    for (let i = 0; i < 2000; i++) round(); // 10,000 kernel calls
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    expect(backend.wasm.HEAPU8.length).toBe(heapBefore);
    expect(residentStats().hits - hitsBefore).toBe(2000 * 7);
    clearResidentOperands();
    expect(tf.memory().numTensors).toBe(empty);
  });

  test('a resident weight is never stale: a new value (assign) is a new operand, and results follow it', () => {
    const k = backends[0]![1];
    const random = seededRandom(2);
    const c: ConvCase = { name: '', x: [2, 5, 7, 7], w: [6, 5, 3, 3], stride: [2, 2], pad: [1, 1, 1, 1] };
    const attrs = attrsOf(c);
    const x = randn(c.x, { random });
    const w = randn(c.w, { random });
    const a = randn([6, 9], { random });
    const b = randn([9, 4], { random });
    const dy = cpuKernels.conv2d(x, w, attrs);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 3; i++) { // the third call of each round reads resident operands
        expectClose(k.conv2d(x, w, attrs), cpuKernels.conv2d(x, w, attrs));
        expectClose(k.conv2dBackpropInput(dy, w, x.shape, attrs), cpuKernels.conv2dBackpropInput(dy, w, x.shape, attrs));
        expectClose(k.matmul(a, b), cpuKernels.matmul(a, b));
      }
      w.assign(randn(c.w, { random })); // what an optimizer step does
      b.assign(randn([9, 4], { random }));
    }
    expect(residentStats().hits).toBeGreaterThan(0);
    clearResidentOperands();
  });

  test('one weight on inputs of different sizes: each size finds its own stride phases', () => {
    // 3×3 / stride 2 / padding 1: on a 1-row input only the odd row phase exists, on 5 rows both do
    const k = backends[0]![1];
    const random = seededRandom(3);
    const w = randn([4, 8, 3, 3], { random }); // 8 input channels: the phases, not the product (below)
    const attrs = attrsOf({ name: '', x: [1, 8, 1, 6], w: [4, 8, 3, 3], stride: [2, 2], pad: [1, 1, 1, 1] });
    const cases = [[2, 8, 1, 6], [2, 8, 5, 6]].map((shape) => {
      const dy = randn(cpuKernels.conv2d(randn(shape, { random }), w, attrs).shape, { random });
      return { shape, dy, want: cpuKernels.conv2dBackpropInput(dy, w, shape, attrs) };
    });
    for (let round = 0; round < 3; round++) {
      for (const { shape, dy, want } of cases) expectClose(k.conv2dBackpropInput(dy, w, shape, attrs), want);
    }
    clearResidentOperands();
  });

  test('with fewer than 8 input channels (dilation 1) the input gradient is a direct conv (stride 1) or a product and a SIMD col2im, equal to cpu', () => {
    const k = backends[0]![1];
    const random = seededRandom(4);
    const cases: readonly (readonly [ConvCase, 'direct' | 'columns' | 'tfjs'])[] = [
      [{ name: 'stem 7x7/2', x: [2, 3, 15, 13], w: [8, 3, 7, 7], stride: [2, 2], pad: [3, 3, 3, 3] }, 'columns'],
      [{ name: '5 taps a row: one quad and a tap', x: [3, 7, 9, 11], w: [6, 7, 3, 5], stride: [2, 3], pad: [0, 2, 1, 3] }, 'columns'],
      [{ name: '1x1 with padding: taps one by one', x: [2, 2, 5, 6], w: [3, 2, 1, 1], stride: [2, 2], pad: [1, 0, 0, 1] }, 'columns'],
      [{ name: 'stride 1, padding past the kernel reach', x: [1, 2, 4, 4], w: [3, 2, 2, 2], pad: [3, 1, 1, 3] }, 'columns'],
      [{ name: 'stride 1, 4x4 taps, asymmetric padding', x: [1, 1, 8, 8], w: [5, 1, 4, 4], pad: [2, 1, 1, 2] }, 'direct'],
      [{ name: 'stride 1, 3x3 (CIFAR stem), 13-pixel rows', x: [3, 3, 9, 13], w: [10, 3, 3, 3], pad: [1, 1, 1, 1] }, 'direct'],
      [{ name: 'stride 1, 5 input channels (2 zero channels added), no padding', x: [2, 5, 7, 8], w: [4, 5, 3, 2] }, 'direct'],
      [CONV_CASES.find((c) => c.name === 'dilation 2')!, 'tfjs'],
      [{ name: '8 channels', x: [1, 8, 5, 5], w: [4, 8, 3, 3], pad: [1, 1, 1, 1] }, 'tfjs'],
    ];
    for (const [c, path] of cases) {
      const attrs = attrsOf(c);
      const w = randn(c.w, { random });
      const dy = randn(cpuKernels.conv2d(randn(c.x, { random }), w, attrs).shape, { random });
      const [columns, direct] = [col2imShares(), directConvShares()];
      expectClose(k.conv2dBackpropInput(dy, w, c.x, attrs), cpuKernels.conv2dBackpropInput(dy, w, c.x, attrs));
      expect([col2imShares() - columns, directConvShares() - direct], `${c.name}: ${path}`).toEqual([path === 'columns' ? 1 : 0, path === 'direct' ? 1 : 0]);
    }
  });
});

/** A case's x and w, cpu's output y, and a bias and a residual for the epilogues, all random. */
function convOperands(c: ConvCase, random: () => number): { attrs: Conv2dAttrs; x: Tensor; w: Tensor; y: Tensor; bias: Tensor; residual: Tensor } {
  const attrs = attrsOf(c);
  const x = randn(c.x, { random });
  const w = randn(c.w, { random });
  const y = cpuKernels.conv2d(x, w, attrs);
  return { attrs, x, w, y, bias: randn([c.w[0]!], { random }), residual: randn(y.shape, { random }) };
}

describe('few input channels: the direct NCHW kernels (conv-nchw.wat)', () => {
  test('run the forward (under every epilogue) and the filter gradient of every conv with fewer than 8 input channels and dilation 1, equal to cpu', () => {
    const k = backends[0]![1];
    const random = seededRandom(5);
    const direct: readonly ConvCase[] = [
      { name: 'stem 7x7/2, 7-pixel rows (8 computed, 1 dropped)', x: [2, 3, 15, 13], w: [8, 3, 7, 7], stride: [2, 2], pad: [3, 3, 3, 3] },
      { name: 'strides 1 and 2, 6 filters (2 zero filters added)', x: [1, 3, 9, 12], w: [6, 3, 3, 5], stride: [1, 2], pad: [1, 1, 2, 2] },
      { name: 'stride 3, rows left over', x: [2, 3, 10, 11], w: [4, 3, 3, 2], stride: [3, 3] },
      { name: 'asymmetric padding', x: [2, 3, 8, 8], w: [4, 3, 4, 2], pad: [1, 2, 0, 1] },
      { name: '21-pixel rows, one filter', x: [1, 2, 5, 21], w: [1, 2, 3, 3], pad: [1, 1, 1, 1] },
      { name: '7-pixel rows padded on the right (a quad and 3 floats a row)', x: [1, 2, 6, 7], w: [3, 2, 3, 3], pad: [1, 1, 1, 1] },
      { name: '1x1, 7 channels', x: [3, 7, 6, 6], w: [5, 7, 1, 1] },
    ];
    const viaTfjs: readonly ConvCase[] = [
      CONV_CASES.find((c) => c.name === 'dilation 2')!,
      { name: '8 channels', x: [1, 8, 5, 5], w: [4, 8, 3, 3], pad: [1, 1, 1, 1] },
    ];
    for (const [cases, expected] of [[direct, 1], [viaTfjs, 0]] as const) {
      for (const c of cases) {
        const { attrs, x, w, y, bias, residual } = convOperands(c, random);
        for (const epilogue of [{}, { bias }, { relu: true }, { bias, relu: true }, { residual }, { bias, residual, relu: true }]) {
          const before = directConvShares();
          expectClose(k.fusedConv2d(x, w, attrs, epilogue), cpuKernels.fusedConv2d(x, w, attrs, epilogue));
          expect(directConvShares() - before, c.name).toBe(expected);
        }
        // the filter gradient: the same kernels' `filter`, 4 channels × 3 taps a block (7 taps = 3 + 3 + 1)
        const dy = randn(y.shape, { random });
        const before = directConvShares();
        expectClose(k.conv2dBackpropFilter(x, dy, w.shape, attrs), cpuKernels.conv2dBackpropFilter(x, dy, w.shape, attrs));
        expect(directConvShares() - before, `${c.name}: filter gradient`).toBe(expected);
      }
    }
  });
});

describe('1×1 convs without padding: conv-nchw.wat\'s pointwise product', () => {
  test('runs their forward (under every epilogue) and both gradients, at any stride, equal to cpu', () => {
    const k = backends[0]![1];
    const random = seededRandom(6);
    const cases: readonly ConvCase[] = [
      { name: 'stride 2 (ResNet downsample)', x: [3, 8, 9, 9], w: [16, 8, 1, 1], stride: [2, 2] },
      { name: 'stride [3, 2], 6 filters (2 zero rows added)', x: [2, 5, 10, 7], w: [6, 5, 1, 1], stride: [3, 2] },
      { name: 'stride 1, 25 pixels (spread to 32), 12 channels (16 columns)', x: [1, 12, 5, 5], w: [10, 12, 1, 1] },
      { name: 'dilation 2 (one tap: dilation changes nothing)', x: [2, 6, 7, 7], w: [8, 6, 1, 1], dilation: [2, 2] },
    ];
    for (const c of cases) {
      const { attrs, x, w, y, bias, residual } = convOperands(c, random);
      const dy = randn(y.shape, { random });
      const before = directConvShares();
      for (const epilogue of [{}, { bias, relu: true }, { bias, residual, relu: true }]) {
        expectClose(k.fusedConv2d(x, w, attrs, epilogue), cpuKernels.fusedConv2d(x, w, attrs, epilogue));
      }
      expectClose(k.conv2dBackpropInput(dy, w, x.shape, attrs), cpuKernels.conv2dBackpropInput(dy, w, x.shape, attrs));
      expectClose(k.conv2dBackpropFilter(x, dy, w.shape, attrs), cpuKernels.conv2dBackpropFilter(x, dy, w.shape, attrs));
      expect(directConvShares() - before, c.name).toBe(5);
    }
  });
});

describe('layout changes in SIMD inside tfjs\'s heap (conv-nchw.wat\'s transpose on tfjs\'s memory)', () => {
  test('any shape large enough gives cpu\'s forward and input gradient; a small one stays in TypeScript', () => {
    const k = backends[0]![1];
    const random = seededRandom(8);
    // the layout changes: forward x in and y out, then dY in and dX out
    for (const [c, simdLayouts] of [
      [{ name: 'channels and pixels in multiples of 4 and 16', x: [2, 16, 32, 32], w: [32, 16, 3, 3], pad: [1, 1, 1, 1] }, 4],
      [{ name: 'stride 2: 256 output pixels', x: [3, 16, 32, 32], w: [48, 16, 3, 3], stride: [2, 2], pad: [1, 1, 1, 1] }, 4],
      [{ name: '20 output channels', x: [2, 16, 32, 32], w: [20, 16, 3, 3], pad: [1, 1, 1, 1] }, 4],
      [{ name: '37 channels of 21 × 27 pixels (ragged 4 × 4 blocks): x and dX in SIMD; y and dY small', x: [3, 37, 21, 27], w: [18, 37, 3, 3], stride: [3, 3], pad: [1, 0, 2, 1] }, 2],
      [{ name: 'small: all four in TypeScript', x: [1, 8, 8, 8], w: [8, 8, 3, 3], pad: [1, 1, 1, 1] }, 0],
    ] as [ConvCase, number][]) {
      const { attrs, x, w, y, bias } = convOperands(c, random);
      const before = heapLayoutChanges();
      expectClose(k.fusedConv2d(x, w, attrs, { bias, relu: true }), cpuKernels.fusedConv2d(x, w, attrs, { bias, relu: true }));
      const dy = randn(y.shape, { random });
      expectClose(k.conv2dBackpropInput(dy, w, x.shape, attrs), cpuKernels.conv2dBackpropInput(dy, w, x.shape, attrs));
      expect(heapLayoutChanges() - before, c.name).toBe(simdLayouts);
    }
  });

  test('the filter gradient\'s patches and dY blocks, made in the heap, give cpu\'s dW in both product orientations', () => {
    const k = backends[0]![1];
    const random = seededRandom(9);
    for (const c of [
      { name: 'patches on the left (Q = 144 > 8 filters), one block of 3 images', x: [3, 16, 12, 12], w: [8, 16, 3, 3], pad: [1, 1, 1, 1] },
      { name: 'patches on the right (64 filters, 49 pixels)', x: [1, 8, 7, 7], w: [64, 8, 3, 3], pad: [1, 1, 1, 1] },
      { name: 'blocks of rows of one image (2,500 pixels)', x: [2, 8, 50, 50], w: [12, 8, 3, 3], pad: [1, 1, 1, 1] },
      { name: 'stride [2, 1], dilation 2, asymmetric padding', x: [2, 9, 11, 10], w: [5, 9, 3, 3], stride: [2, 1], dilation: [2, 2], pad: [2, 1, 0, 3] },
      { name: 'patches on the right, stride 3, 5 × 4 taps, padding wider on the right', x: [4, 10, 13, 17], w: [128, 10, 5, 4], stride: [3, 3], pad: [2, 2, 1, 3] },
    ] as ConvCase[]) {
      const { attrs, x, w, y } = convOperands(c, random);
      const dy = randn(y.shape, { random });
      expectClose(k.conv2dBackpropFilter(x, dy, w.shape, attrs), cpuKernels.conv2dBackpropFilter(x, dy, w.shape, attrs), 1e-4, 1e-5);
    }
  });
});

describe('matmulTransposed on wasm: operands transposed on their way into tfjs\'s heap', () => {
  test('every orientation, small (TypeScript transpose) and large (SIMD transpose in the heap), swapped (x · W₁ᵀ) or not, is bit-identical to matmul of transposed copies', () => {
    const k = backends[0]![1];
    const threads = getNumThreads();
    setNumThreads(1); // one share: the in-heap path
    try {
      const random = seededRandom(11);
      for (const [m, kk, n] of [[3, 5, 2], [128, 784, 256], [128, 256, 10], [256, 128, 784]] as const) {
        for (const transposeA of [false, true]) {
          for (const transposeB of [false, true]) {
            const a = randn(transposeA ? [kk, m] : [m, kk], { random });
            const b = randn(transposeB ? [n, kk] : [kk, n], { random });
            const before = heapLayoutChanges();
            const got = k.matmulTransposed(a, b, { transposeA, transposeB });
            // swapped, Cᵀ = op(B)ᵀ · op(A)ᵀ: B and A are transposed in where they were not, and C on its way out
            const swapped = kk * (n - m) > 2 * m * n;
            const big = (size: number): boolean => size >= 16384;
            const large = swapped
              ? (!transposeB && big(kk * n)) || (!transposeA && big(m * kk)) || big(m * n)
              : (transposeA && big(m * kk)) || (transposeB && big(kk * n));
            expect(heapLayoutChanges() > before).toBe(large);
            const want = k.matmul(transposeA ? cpuKernels.permute(a, [1, 0]) : a, transposeB ? cpuKernels.permute(b, [1, 0]) : b);
            expect(got.shape).toEqual([m, n]);
            expect(Array.from(got.storage)).toEqual(Array.from(want.storage));
            expectClose(got, cpuKernels.matmulTransposed(a, b, { transposeA, transposeB }));
          }
        }
      }
    } finally {
      setNumThreads(threads);
    }
  });

  test('a product in several shares with Aᵀ·B swapped to (Bᵀ·A)ᵀ (a wide weight gradient) gives the plain product\'s bits', () => {
    const k = backends[0]![1];
    const threads = getNumThreads();
    setNumThreads(2);
    try {
      const random = seededRandom(12);
      const [m, kk, n] = [64, 2048, 512]; // k·(n − m) > 2·m·n, and 134 MFLOP: more than one share
      const a = randn([kk, m], { random });
      const b = randn([kk, n], { random });
      const got = k.matmulTransposed(a, b, { transposeA: true, transposeB: false });
      const want = k.matmul(cpuKernels.permute(a, [1, 0]), b);
      expect(Array.from(got.storage)).toEqual(Array.from(want.storage));
      expectClose(got, cpuKernels.matmulTransposed(a, b, { transposeA: true, transposeB: false }));
    } finally {
      setNumThreads(threads);
    }
  });
});

describe('the conv2d op on wasm', () => {
  test('gives the same output and gradients as on cpu', async () => {
    const { conv2d } = await import('../../ops/conv.js');
    const { useKernels } = await import('../index.js');
    const wasm = backends[0]![1];
    const run = (k: Kernels): Tensor[] => {
      const previous = useKernels(k);
      try {
        const random = seededRandom(11);
        const x = randn([3, 4, 9, 8], { random }).requiresGrad_();
        const w = randn([6, 2, 3, 3], { random }).requiresGrad_();
        const b = randn([6], { random }).requiresGrad_();
        const y = conv2d(x, w, b, { stride: 2, padding: 1, groups: 2 });
        y.backward(randn(y.shape, { random }));
        return [y, x.grad!, w.grad!, b.grad!];
      } finally {
        useKernels(previous);
      }
    };
    const onCpu = run(cpuKernels);
    run(wasm).forEach((t, i) => expectClose(t, onCpu[i]!));
  });
});

// ── parallel kernels (worker threads, pool.ts) ──

describe('parallel wasm kernels on worker threads', () => {
  const wasm = (): Kernels => backends[0]![1];
  const defaultThreshold = getMinFlopsPerShare();

  beforeAll(() => {
    expect(getNumThreads()).toBe(availableParallelism()); // the default, before any test changes it
    setMinFlopsPerShare(0); // split every kernel, however small, so the small cases below run in parallel
  });
  afterAll(() => {
    setMinFlopsPerShare(defaultThreshold);
    setNumThreads(availableParallelism());
    shutdownWorkers();
  });

  /** Cases that reach every way of cutting a kernel with 2 and 3 threads: even and uneven image
   *  blocks, output/input-channel blocks (batch 1), row and batch blocks of matmul. */
  const PARALLEL_CONV_CASES: readonly ConvCase[] = [
    ...CONV_CASES,
    { name: 'batch 1, 3x3, channel blocks', x: [1, 24, 9, 8], w: [32, 24, 3, 3], pad: [1, 1, 1, 1] },
    { name: 'batch 1, 3x3 stride 2, channel blocks', x: [1, 17, 11, 10], w: [26, 17, 3, 3], stride: [2, 2], pad: [1, 1, 1, 1] },
    { name: 'batch 6, 3x3 stride 2', x: [6, 8, 10, 10], w: [16, 8, 3, 3], stride: [2, 2], pad: [1, 1, 1, 1] },
    { name: 'batch 3, filter larger than x: channel blocks of several images', x: [3, 24, 4, 4], w: [32, 24, 3, 3], pad: [1, 1, 1, 1] },
  ];

  test('setNumThreads rejects what is not a positive integer, and more than twice the cores (issue 18: 1,000 started 66 workers)', async () => {
    expect(() => setNumThreads(0)).toThrow(RangeError);
    expect(() => setNumThreads(1.5)).toThrow(RangeError);
    const limit = 2 * availableParallelism();
    expect(() => setNumThreads(limit + 1)).toThrow(new RangeError(`setNumThreads: ${limit + 1} threads is more than twice the ${availableParallelism()} cores this process may use (os.availableParallelism()); at most ${limit} (each thread is a tfjs-wasm instance of about 35 MB, and threads beyond the cores only take turns)`));
    expect(() => setNumThreads(1000)).toThrow(/at most/);
    await expect(setBackend('wasm', { threads: 1000 })).rejects.toThrow(/at most/);
    await setBackend('cpu');
    expect(getNumThreads()).toBe(availableParallelism()); // refused counts change nothing
    setNumThreads(limit); // the limit itself is accepted
    expect(getNumThreads()).toBe(limit);
    setNumThreads(availableParallelism());
  });

  test.each([2, 3])('with %i threads every conv and matmul case matches cpu', (threads) => {
    setNumThreads(threads);
    for (const c of PARALLEL_CONV_CASES) {
      const random = seededRandom(7);
      const attrs = attrsOf(c);
      const x = randn(c.x, { random });
      const w = randn(c.w, { random });
      const y = cpuKernels.conv2d(x, w, attrs);
      const dy = randn(y.shape, { random });
      const bias = randn([c.w[0]!], { random: seededRandom(8) });
      const residual = randn(y.shape, { random: seededRandom(9) });
      try {
        expectClose(wasm().conv2d(x, w, attrs), y);
        expectClose(wasm().fusedConv2d(x, w, attrs, { bias, relu: true }), cpuKernels.fusedConv2d(x, w, attrs, { bias, relu: true }));
        expectClose(wasm().fusedConv2d(x, w, attrs, { bias, residual, relu: true }), cpuKernels.fusedConv2d(x, w, attrs, { bias, residual, relu: true })); // every split: the residual laid out as each share's output
        expectClose(wasm().conv2dBackpropInput(dy, w, x.shape, attrs), cpuKernels.conv2dBackpropInput(dy, w, x.shape, attrs));
        expectClose(wasm().conv2dBackpropFilter(x, dy, w.shape, attrs), cpuKernels.conv2dBackpropFilter(x, dy, w.shape, attrs));
      } catch (error) {
        throw new Error(`${c.name}: ${(error as Error).message}`);
      }
    }
    for (const [aShape, bShape] of [...MATMUL_CASES, [[37, 20], [20, 9]], [[5, 6, 7], [7, 3]], [[1, 7], [7, 40]]] as const) {
      const random = seededRandom(3);
      const a = randn(aShape, { random });
      const b = randn(bShape, { random });
      expectClose(wasm().matmul(a, b), cpuKernels.matmul(a, b));
    }
    expect(workerStats()).toHaveLength(threads - 1);
  });

  /** One of each kernel on shapes big enough for every thread to get work. */
  const sample = (): Tensor[] => {
    const random = seededRandom(21);
    const attrs = attrsOf({ name: '', x: [6, 16, 12, 12], w: [24, 16, 3, 3], stride: [2, 2], pad: [1, 1, 1, 1] });
    const x = randn([6, 16, 12, 12], { random });
    const w = randn([24, 16, 3, 3], { random });
    const dy = randn([6, 24, 6, 6], { random });
    const x1 = randn([1, 32, 10, 10], { random });
    const w1 = randn([40, 32, 3, 3], { random });
    const dy1 = randn([1, 40, 10, 10], { random });
    const same = attrsOf({ name: '', x: [1, 32, 10, 10], w: [40, 32, 3, 3], pad: [1, 1, 1, 1] });
    const a = randn([50, 70], { random });
    const b = randn([70, 30], { random });
    const k = wasm();
    return [
      k.conv2d(x, w, attrs), k.conv2dBackpropInput(dy, w, x.shape, attrs), k.conv2dBackpropFilter(x, dy, w.shape, attrs),
      k.conv2d(x1, w1, same), k.conv2dBackpropInput(dy1, w1, x1.shape, same), k.conv2dBackpropFilter(x1, dy1, w1.shape, same),
      k.matmul(a, b),
    ];
  };
  const bits = (t: Tensor): Uint8Array => new Uint8Array(t.storage.buffer, t.storage.byteOffset, t.storage.byteLength);

  test('for a given thread count the results are bit-identical run to run; across counts they agree to float32 rounding', () => {
    setNumThreads(1);
    const single = sample();
    for (const threads of [2, 3]) {
      setNumThreads(threads);
      const first = sample();
      const second = sample();
      first.forEach((t, i) => {
        expect(Buffer.compare(bits(t), bits(second[i]!)), `output ${i}, ${threads} threads, run to run`).toBe(0);
        expectClose(t, single[i]!, 1e-5, 1e-6);
      });
    }
  });

  test('the same weights under different thread counts: resident operands of one split never serve another', () => {
    const random = seededRandom(11);
    const c: ConvCase = { name: '', x: [1, 24, 9, 8], w: [32, 24, 3, 3], stride: [2, 2], pad: [1, 1, 1, 1] };
    const attrs = attrsOf(c);
    const x = randn(c.x, { random });
    const w = randn(c.w, { random });
    const dy = randn(cpuKernels.conv2d(x, w, attrs).shape, { random });
    const a = randn([20, 40], { random });
    const want = [cpuKernels.conv2d(x, w, attrs), cpuKernels.conv2dBackpropInput(dy, w, x.shape, attrs), cpuKernels.matmul(a, a.transpose())];
    const bt = a.transpose(); // a tensor of its own (every op copies)
    for (let round = 0; round < 4; round++) { // 1, 2, 3, 1, … threads: every split is seen again and becomes resident
      for (const threads of [1, 2, 3]) {
        setNumThreads(threads);
        const got = [wasm().conv2d(x, w, attrs), wasm().conv2dBackpropInput(dy, w, x.shape, attrs), wasm().matmul(a, bt)];
        got.forEach((t, i) => expectClose(t, want[i]!));
      }
    }
    expect(residentStats().hits).toBeGreaterThan(0);
  });

  test('a filter seen again is kept for the worker and not copied at every call; a written filter is a new one', () => {
    setNumThreads(2);
    const random = seededRandom(12);
    const c: ConvCase = { name: '', x: [1, 64, 32, 32], w: [64, 64, 3, 3], pad: [1, 1, 1, 1] }; // 75 MFLOP: two shares
    const attrs = attrsOf(c);
    const x = randn(c.x, { random });
    const w = randn(c.w, { random });
    const want = cpuKernels.conv2d(x, w, attrs);
    const before = keptStats();
    for (let i = 0; i < 4; i++) expectClose(wasm().conv2d(x, w, attrs), want); // seen, kept, then found twice
    expect(keptStats().hits - before.hits).toBe(2);
    const floats = keptStats().floats;
    expect(floats).toBeGreaterThan(before.floats);
    w.assign(randn(c.w, { random })); // a training step: new values, a new key
    const wantNew = cpuKernels.conv2d(x, w, attrs);
    for (let i = 0; i < 3; i++) expectClose(wasm().conv2d(x, w, attrs), wantNew);
    expect(keptStats().hits - before.hits).toBe(3);
    setNumThreads(1);
  });

  test('10,000 parallel kernel calls leave every thread\'s tfjs and wasm heap, and the arena, as they were', async () => {
    setNumThreads(2);
    const tf = await loadTfWasm();
    const round = kernelRound(wasm());
    clearResidentOperands();
    round();
    round(); // the second sight of w and a makes them resident on both threads
    const backend = tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } };
    const before = { main: tf.memory(), heap: backend.wasm.HEAPU8.length, workers: workerStats(), arena: arenaBytes(), kept: keptStats().floats };
    expect(before.workers).toHaveLength(1);
    for (let i = 0; i < 2000; i++) round(); // 10,000 kernel calls, each split over both threads
    expect(tf.memory().numTensors).toBe(before.main.numTensors);
    expect(tf.memory().numBytes).toBe(before.main.numBytes);
    expect(backend.wasm.HEAPU8.length).toBe(before.heap);
    expect(keptStats().floats).toBe(before.kept);
    expect(workerStats()).toEqual(before.workers);
    expect(before.workers[0]!.numTensors).toBe(before.workers[0]!.residents);
    expect(before.workers[0]!.residents).toBeGreaterThan(0);
    clearResidentOperands();
    expect(workerStats()).toEqual([expect.objectContaining({ numTensors: 0, residents: 0 })]);
    expect(arenaBytes()).toBe(before.arena);
  });

  test('a recurrent handle made on one backend is read by the other: wasm\'s row blocks through activations(), cpu\'s canonical layout cut into blocks', () => {
    setNumThreads(3);
    const random = seededRandom(12);
    const [T, N, I, H] = [3, 19, 4, 8]; // 19 rows: uneven blocks on 3 threads
    const [x, s0, wIh, wHh, bIh, bHh, dS] = [[T, N, I], [N, 2 * H], [4 * H, I], [4 * H, H], [4 * H], [4 * H], [T, N, 2 * H]].map((shape) => randn(shape, { random }));
    const [h0, gIh, gHh, cIh, cHh, dY] = [[N, H], [3 * H, I], [3 * H, H], [3 * H], [3 * H], [T, N, H]].map((shape) => randn(shape, { random }));
    const lstm = (forward: Kernels, backward: Kernels): Tensor[] => {
      const { saved } = forward.lstmForward(x!, s0!, wIh!, wHh!, bIh!, bHh!, false);
      const g = backward.lstmBackward(saved, x!, s0!, wIh!, wHh!, dS!, false, [true, true, true, true, true]);
      return [g.dX!, g.dState0!, g.dWIh!, g.dWHh!, g.dBias!];
    };
    const gru = (forward: Kernels, backward: Kernels): Tensor[] => {
      const { saved } = forward.gruForward(x!, h0!, gIh!, gHh!, cIh!, cHh!, true);
      const g = backward.gruBackward(saved, x!, gIh!, gHh!, dY!, true, [true, true, true, true, true, true]);
      return [g.dX!, g.dH0!, g.dWIh!, g.dWHh!, g.dBIh!, g.dBHh!];
    };
    for (const run of [lstm, gru]) {
      const want = run(cpuKernels, cpuKernels);
      for (const [forward, backward] of [[wasm(), cpuKernels], [cpuKernels, wasm()], [wasm(), wasm()]] as const) {
        run(forward, backward).forEach((t, i) => expectClose(t, want[i]!));
      }
    }
  });

  test('an exception inside a worker surfaces as an error of the calling kernel, and the pool recovers', () => {
    setNumThreads(2);
    const random = seededRandom(4);
    const c: ConvCase = { name: '', x: [4, 8, 7, 7], w: [12, 8, 3, 3], pad: [1, 1, 1, 1] };
    const x = randn(c.x, { random });
    const w = randn(c.w, { random });
    const attrs = attrsOf(c);
    failNextWorkerShare('injected failure');
    expect(() => wasm().conv2d(x, w, attrs)).toThrow(/convForward: share 1 failed in wasm worker thread 1: injected failure/);
    expectClose(wasm().conv2d(x, w, attrs), cpuKernels.conv2d(x, w, attrs)); // a fresh worker took over
    const a = randn([40, 40], { random });
    failNextWorkerShare('again');
    expect(() => wasm().matmul(a, a)).toThrow(/again/);
    expectClose(wasm().matmul(a, a), cpuKernels.matmul(a, a));
    expect(workerStats()).toEqual([expect.objectContaining({ numTensors: 0 })]);
  });

  test('worker threads never keep the process alive, and work when the program runs under tsx', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sapling-threads-'));
    try {
      const script = join(dir, 'main.mts');
      const index = fileURLToPath(new URL('../../../index.ts', import.meta.url));
      writeFileSync(script, [
        `import { randn, seededRandom, setBackend, kernels, setNumThreads } from ${JSON.stringify(index)};`,
        `await setBackend('wasm');`,
        `setNumThreads(2);`,
        `const random = seededRandom(1);`,
        `const y = kernels().matmul(randn([512, 512], { random }), randn([512, 512], { random }));`,
        `console.log('done', y.shape.join('x'));`,
      ].join('\n'));
      const tsx = fileURLToPath(new URL('../../../../node_modules/.bin/tsx', import.meta.url));
      const started = Date.now();
      const child = spawnSync(tsx, [script], { encoding: 'utf8', timeout: 60_000 });
      expect(child.stderr).toBe('');
      expect(child.stdout.trim()).toBe('done 512x512');
      expect(child.status).toBe(0);
      expect(Date.now() - started).toBeLessThan(60_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
