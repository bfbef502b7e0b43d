/**
 * Issue 18, item 5: NaN and ±Inf go through every fused epilogue as they go through the ops it
 * fuses. relu(NaN) = NaN (PyTorch's), relu(+Inf) = +Inf, relu(−Inf) = 0; the cpu conv epilogue
 * turned NaN into 0 (`v > 0 ? v : 0`), so the BN-folded ResNet-18 disagreed with the model it
 * was folded from. Every path — cpu, the fallback composition, and the wasm backend's three conv
 * paths (tfjs's fused conv, the few-channel direct kernel, the 1×1 pointwise product, groups), on
 * one thread and split — must give what conv → + bias → + residual → relu gives.
 */
import { beforeAll, expect, test } from 'vitest';
import { randn } from '../creation.js';
import { seededRandom } from '../random.js';
import { Tensor } from '../tensor.js';
import { cpuKernels } from './cpu/index.js';
import { coreOnly, withFallbacks } from './fallbacks.js';
import { backendKernels } from './index.js';
import { attrsOf, parityError, type ConvCase } from './parity.js';
import type { ConvEpilogue, Kernels } from './types.js';
import { getMinFlopsPerShare, setMinFlopsPerShare } from './wasm/threads.js';

let wasm: Kernels;
beforeAll(async () => {
  wasm = await backendKernels('wasm');
});

/** The epilogue as separate ops, on cpu: the meaning every fused path must keep. */
function composed(x: Tensor, w: Tensor, c: ConvCase, { bias = null, residual = null, relu = false }: ConvEpilogue): Tensor {
  const k = cpuKernels;
  let y = k.conv2d(x, w, attrsOf(c));
  if (bias !== null) y = k.permute(k.binary('add', k.permute(y, [0, 2, 3, 1]), bias, 'float32'), [0, 3, 1, 2]);
  if (residual !== null) y = k.binary('add', y, residual, 'float32');
  return relu ? k.unary('relu', y) : y;
}

/** x, w, and a bias and a residual holding NaN, +Inf and −Inf; x holds a NaN too. */
function operands(c: ConvCase): { x: Tensor; w: Tensor; bias: Tensor; residual: Tensor } {
  const random = seededRandom(7);
  const x = randn(c.x, { random });
  const w = randn(c.w, { random });
  const y = cpuKernels.conv2d(x, w, attrsOf(c));
  const bias = randn([c.w[0]], { random }).mutate((b) => { b[0] = NaN; b[1] = Infinity; b[2] = -Infinity; });
  const residual = randn(y.shape, { random }).mutate((r) => { r[3] = NaN; r[5] = Infinity; r[7] = -Infinity; r[y.numel() - 1] = -Infinity; });
  x.mutate((v) => { v[0] = NaN; }); // a pixel every conv here reads
  return { x, w, bias, residual };
}

const CASES: readonly (readonly [string, ConvCase])[] = [
  ['tfjs\'s fused conv (8 channels, 3×3)', { name: '', x: [2, 8, 6, 6], w: [8, 8, 3, 3], pad: [1, 1, 1, 1] }],
  ['the direct kernel (3 channels)', { name: '', x: [2, 3, 7, 7], w: [8, 3, 3, 3], pad: [1, 1, 1, 1] }],
  ['the pointwise product (1×1, stride 2)', { name: '', x: [2, 8, 7, 7], w: [8, 8, 1, 1], stride: [2, 2] }],
  ['groups 2 (the epilogue after the groups\' convs)', { name: '', x: [2, 8, 5, 5], w: [8, 4, 3, 3], pad: [1, 1, 1, 1], groups: 2 }],
];

const EPILOGUES = (bias: Tensor, residual: Tensor): readonly ConvEpilogue[] => [
  { relu: true }, { bias, relu: true }, { residual, relu: true }, { bias, residual, relu: true }, { bias }, { bias, residual },
];

const backendsUnderTest = (): readonly (readonly [string, Kernels])[] => [
  ['cpu', cpuKernels], ['core kernels and fallbacks', withFallbacks(coreOnly(cpuKernels, 'minimal'))], ['wasm', wasm],
];

test.each(CASES)('fusedConv2d keeps NaN and ±Inf through bias, residual and ReLU: %s', (_, c) => {
  const { x, w, bias, residual } = operands(c);
  for (const split of [false, true]) {
    const threshold = getMinFlopsPerShare();
    if (split) setMinFlopsPerShare(0);
    try {
      for (const [name, k] of backendsUnderTest()) {
        for (const epilogue of EPILOGUES(bias, residual)) {
          const got = k.fusedConv2d(x, w, attrsOf(c), epilogue);
          const want = composed(x, w, c, epilogue);
          expect(Array.from(want.storage).some(Number.isNaN)).toBe(true);
          const { ratio, detail } = parityError(got, want);
          expect(ratio, `${name}${split ? ', split' : ''}, epilogue {${Object.keys(epilogue).join(', ')}}: ${detail}`).toBeLessThanOrEqual(1);
        }
      }
    } finally {
      setMinFlopsPerShare(threshold);
    }
  }
});

test('addRelu (ResNet\'s residual sum and its ReLU in one pass) keeps NaN and ±Inf as add then relu does', () => {
  const a = new Tensor(Float32Array.from([NaN, 1, Infinity, -Infinity, 2, -3, NaN]), [7]);
  const b = new Tensor(Float32Array.from([1, NaN, 1, 1, Infinity, -Infinity, -Infinity]), [7]);
  for (const [, k] of backendsUnderTest()) {
    expect(Array.from(k.binary('addRelu', a, b, 'float32').storage)).toEqual(Array.from(k.unary('relu', k.binary('add', a, b, 'float32')).storage));
  }
  expect(Array.from(cpuKernels.binary('addRelu', a, b, 'float32').storage)).toEqual([NaN, NaN, Infinity, 0, Infinity, 0, NaN]);
});
