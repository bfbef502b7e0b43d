/**
 * scaledDotProductAttention: values against the same maths written with primitive ops, float64
 * gradcheck with and without masks (boolean, additive with a gradient, causal, fully masked rows,
 * broadcast batch axes, dropout), second derivatives, what a fully masked row gives, dropout's
 * statistics, and the wasm backend against cpu in float32, counting the kernel matmuls.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { backendKernels, useKernels } from '../backends/index.js';
import { cpuKernels } from '../backends/cpu/index.js';
import type { Kernels } from '../backends/types.js';
import { ones, randn, tensor, zeros } from '../creation.js';
import { enableGrad } from '../function.js';
import { gradcheck } from '../gradcheck.js';
import { seededRandom, type Random } from '../random.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { expectClose } from '../test-utils.js';
import { attentionWeights, scaledDotProductAttention, type AttentionOptions } from './attention.js';
import { add, mul, where } from './elementwise.js';
import { matmul } from './matmul.js';
import { tril } from './mask.js';
import { sum } from './reduce.js';
import { transpose } from './shape.js';
import { softmax } from './softmax.js';

const leaf = (shape: Shape, random: Random): Tensor => randn(shape, { dtype: 'float64', requiresGrad: true, random });
const int32 = (values: Parameters<typeof tensor>[0]): Tensor => tensor(values, { dtype: 'int32' });
const sdpa = (options: AttentionOptions = {}) => (...t: Tensor[]): Tensor => scaledDotProductAttention(t[0]!, t[1]!, t[2]!, options);

/** softmax(c·QKᵀ + B)·V, with masked-out scores at −∞: the textbook formula, for rows with a kept key. */
function reference(q: Tensor, k: Tensor, v: Tensor, keep: Tensor | null, bias: Tensor | null): Tensor {
  let a = mul(matmul(q, transpose(k)), 1 / Math.sqrt(q.shape[q.ndim - 1]!));
  if (bias) a = add(a, bias);
  if (keep) a = where(keep, a, -Infinity);
  return matmul(softmax(a), v);
}

describe('scaledDotProductAttention: forward', () => {
  test('one query over keys that score alike averages the values (worked out by hand)', () => {
    const q = tensor([[1, 0]], { dtype: 'float64' });
    const k = tensor([[0, 1], [0, -1]], { dtype: 'float64' }); //                 q·k = 0 for both keys
    const v = tensor([[2, 4], [6, 0]], { dtype: 'float64' });
    expectClose(scaledDotProductAttention(q, k, v), [[4, 2]]);
    // keep only the second key: its value, exactly
    expectClose(scaledDotProductAttention(q, k, v, { attnMask: int32([[0, 1]]) }), [[6, 0]]);
  });

  test('matches softmax(QKᵀ/√E + mask)·V composed of primitive ops', () => {
    const random = seededRandom(1);
    const q = randn([2, 3, 4, 8], { dtype: 'float64', random });
    const k = randn([2, 3, 6, 8], { dtype: 'float64', random });
    const v = randn([2, 3, 6, 5], { dtype: 'float64', random });
    const keep = int32([[1, 1, 0, 1, 1, 1], [1, 0, 0, 0, 0, 1], [1, 1, 1, 1, 1, 1], [0, 0, 0, 0, 0, 1]]);
    const bias = randn([2, 1, 4, 6], { dtype: 'float64', random });
    expectClose(scaledDotProductAttention(q, k, v), reference(q, k, v, null, null), { rtol: 1e-13, atol: 1e-14 });
    expectClose(scaledDotProductAttention(q, k, v, { attnMask: keep }), reference(q, k, v, keep, null), { rtol: 1e-13, atol: 1e-14 });
    expectClose(scaledDotProductAttention(q, k, v, { attnMask: bias }), reference(q, k, v, null, bias), { rtol: 1e-13, atol: 1e-14 });
    const causal = tril(ones([4, 6], { dtype: 'int32' }));
    expectClose(scaledDotProductAttention(q, k, v, { isCausal: true }), reference(q, k, v, causal, null), { rtol: 1e-13, atol: 1e-14 });
    expectClose(scaledDotProductAttention(q, k, v, { scale: 0.3 }), matmul(softmax(mul(matmul(q, transpose(k)), 0.3)), v), { rtol: 1e-13, atol: 1e-14 });
  });

  test('batch axes broadcast, as matmul\'s: one key set for every query batch', () => {
    const random = seededRandom(2);
    const q = randn([3, 2, 4, 8], { dtype: 'float64', random });
    const k = randn([2, 5, 8], { dtype: 'float64', random });
    const v = randn([1, 5, 3], { dtype: 'float64', random });
    const o = scaledDotProductAttention(q, k, v);
    expect(o.shape).toEqual([3, 2, 4, 3]);
    expectClose(o, reference(q, k, v, null, null), { rtol: 1e-13, atol: 1e-14 });
  });

  test('a query whose keys are all masked out gives 0, never NaN (boolean and −∞ additive masks, and no key at all)', () => {
    const random = seededRandom(3);
    const q = leaf([2, 3, 4], random);
    const k = leaf([2, 3, 4], random);
    const v = leaf([2, 3, 5], random);
    const keep = int32([[1, 1, 1], [0, 0, 0], [1, 0, 1]]); //                              row 1 keeps no key
    const bias = tensor([[0, 0, 0], [-Infinity, -Infinity, -Infinity], [0, -Infinity, 0]], { dtype: 'float64' });
    for (const attnMask of [keep, bias]) {
      const o = scaledDotProductAttention(q, k, v, { attnMask });
      expect([...o.dataSync()].every(Number.isFinite)).toBe(true);
      expectClose(o, where(int32([[1], [0], [1]]), reference(q, k, v, keep, null), 0), { rtol: 1e-13, atol: 1e-14 }); // the textbook formula gives NaN in row 1
      for (const t of [q, k, v]) t.grad = null;
      sum(o).backward();
      expect([...q.grad!.dataSync()].slice(4, 8)).toEqual([0, 0, 0, 0]); // the empty row's query gets no gradient
      for (const t of [q, k, v]) expect([...t.grad!.dataSync()].every(Number.isFinite)).toBe(true);
    }
    // no key at all (S = 0): every row is empty
    const none = scaledDotProductAttention(q, zeros([2, 0, 4], { dtype: 'float64' }), zeros([2, 0, 5], { dtype: 'float64' }));
    expectClose(none, zeros([2, 3, 5], { dtype: 'float64' }));
    q.grad = null;
    sum(none).backward();
    expectClose(q.grad!, zeros([2, 3, 4], { dtype: 'float64' }));
  });

  test('attentionWeights returns the P that multiplies V: rows sum to 1 (0 for an empty row)', () => {
    const random = seededRandom(4);
    const q = randn([2, 4, 8], { dtype: 'float64', random });
    const k = randn([2, 4, 8], { dtype: 'float64', random });
    const v = randn([2, 4, 3], { dtype: 'float64', random });
    const keep = int32([[1, 1, 0, 0], [0, 0, 0, 0], [1, 1, 1, 1], [0, 1, 0, 1]]);
    const p = attentionWeights(q, k, { attnMask: keep });
    expectClose(sum(p, -1), [[1, 0, 1, 1], [1, 0, 1, 1]], { rtol: 0, atol: 1e-15 });
    expectClose(matmul(p, v), scaledDotProductAttention(q, k, v, { attnMask: keep }), { rtol: 1e-13, atol: 1e-15 });
    expectClose(attentionWeights(q, k, { isCausal: true }), tril(attentionWeights(q, k, { isCausal: true })));
  });
});

describe('scaledDotProductAttention: backward (float64 gradcheck)', () => {
  test('without a mask, on several shapes (a size-1 axis, L ≠ S, E ≠ Ev)', () => {
    const random = seededRandom(10);
    for (const [B, L, S, E, Ev] of [[1, 1, 1, 1, 1], [2, 3, 5, 4, 2], [1, 4, 2, 3, 6]] as const) {
      expect(gradcheck(sdpa(), [leaf([B, L, E], random), leaf([B, S, E], random), leaf([B, S, Ev], random)])).toBe(true);
    }
  });

  test('with a boolean mask that empties a row, and broadcast over batch and heads', () => {
    const random = seededRandom(11);
    const attnMask = int32([[1, 0, 1, 1], [0, 0, 0, 0], [0, 1, 0, 0]]); //           [L, S], row 1 empty
    expect(gradcheck(sdpa({ attnMask }), [leaf([2, 2, 3, 3], random), leaf([2, 2, 4, 3], random), leaf([2, 2, 4, 2], random)])).toBe(true);
  });

  test('with an additive mask, which gets its own gradient (−∞ entries and a whole −∞ row included)', () => {
    const random = seededRandom(12);
    const base = randn([1, 3, 4], { dtype: 'float64', random }).detach();
    const holes = tensor([[[0, -Infinity, 0, 0], [-Infinity, -Infinity, -Infinity, -Infinity], [0, 0, 0, -Infinity]]], { dtype: 'float64' });
    const bias = add(base, holes).detach().requiresGrad_();
    const fn = (q: Tensor, k: Tensor, v: Tensor, b: Tensor) => scaledDotProductAttention(q, k, v, { attnMask: b });
    expect(gradcheck((...t) => fn(t[0]!, t[1]!, t[2]!, t[3]!), [leaf([2, 3, 5], random), leaf([2, 4, 5], random), leaf([2, 4, 3], random), bias])).toBe(true);
    const finite = randn([2, 3, 4], { dtype: 'float64', random, requiresGrad: true });
    expect(gradcheck((...t) => fn(t[0]!, t[1]!, t[2]!, t[3]!), [leaf([2, 3, 5], random), leaf([2, 4, 5], random), leaf([2, 4, 3], random), finite])).toBe(true);
  });

  test('causal, with L < S and L > S (upper-left triangle: the first query sees one key)', () => {
    const random = seededRandom(13);
    for (const [L, S] of [[3, 5], [5, 3], [4, 4]] as const) {
      expect(gradcheck(sdpa({ isCausal: true }), [leaf([2, L, 3], random), leaf([2, S, 3], random), leaf([2, S, 2], random)])).toBe(true);
    }
  });

  test('broadcast batch axes sum their gradients', () => {
    const random = seededRandom(14);
    expect(gradcheck(sdpa({ attnMask: int32([[1, 1, 0]]) }), [leaf([2, 1, 2, 4], random), leaf([3, 3, 4], random), leaf([1, 3, 2], random)])).toBe(true);
  });

  test('with dropout (the same seed each call, so the mask is a constant) and a custom scale', () => {
    const random = seededRandom(15);
    const ins = [leaf([2, 3, 4], random), leaf([2, 5, 4], random), leaf([2, 5, 3], random)];
    const withDropout = (...t: Tensor[]) => scaledDotProductAttention(t[0]!, t[1]!, t[2]!, { dropoutP: 0.4, random: seededRandom(7), isCausal: true });
    expect(gradcheck(withDropout, ins)).toBe(true);
    expect(gradcheck(sdpa({ scale: 0.7 }), ins)).toBe(true);
  });

  test('when only some inputs need a gradient', () => {
    const random = seededRandom(16);
    for (const needs of [[true, false, false], [false, true, false], [false, false, true], [false, true, true]]) {
      const ins = [leaf([2, 3, 4], random), leaf([2, 5, 4], random), leaf([2, 5, 3], random)].map((t, i) => t.requiresGrad_(needs[i]));
      expect(gradcheck(sdpa({ attnMask: int32([[1, 1, 0, 1, 1]]) }), ins)).toBe(true);
    }
  });

  test('createGraph: the gradient is itself differentiable (gradcheck of ∂/∂q Σ w ⊙ O²)', () => {
    const random = seededRandom(17);
    const k = leaf([2, 4, 3], random);
    const v = leaf([2, 4, 2], random);
    const w = randn([2, 3, 2], { dtype: 'float64', random });
    const attnMask = int32([[1, 1, 0, 1], [0, 0, 0, 0], [1, 1, 1, 1]]);
    const gradOf = (q: Tensor): Tensor => enableGrad(() => {
      const previous = q.grad;
      q.grad = null;
      const o = scaledDotProductAttention(q, k, v, { attnMask });
      sum(mul(mul(o, o), w)).backward(undefined, { createGraph: true });
      const g = q.grad!;
      q.grad = previous;
      return g;
    });
    expect(gradcheck(gradOf, [leaf([2, 3, 3], random)])).toBe(true);
  });
});

describe('scaledDotProductAttention: dropout', () => {
  const random = seededRandom(20);
  const q = randn([4, 16, 8], { random });
  const k = randn([4, 16, 8], { random });
  const v = ones([4, 16, 1]);

  test('the same seed drops the same weights; another seed others; p = 0 is the plain op', () => {
    const run = (seed: number, p: number) => [...scaledDotProductAttention(q, k, v, { dropoutP: p, random: seededRandom(seed) }).dataSync()];
    expect(run(1, 0.5)).toEqual(run(1, 0.5));
    expect(run(1, 0.5)).not.toEqual(run(2, 0.5));
    expect(run(1, 0)).toEqual([...scaledDotProductAttention(q, k, v).dataSync()]);
    expect(run(1, 1).every((x) => x === 0)).toBe(true); //                                          p = 1 drops everything
  });

  test('with V = 1 each output is Σ_j P_j D_j: its mean over many rows is 1 (the scaling keeps the expectation)', () => {
    const o = scaledDotProductAttention(q, k, v, { dropoutP: 0.25, random: seededRandom(3) });
    const values = [...o.dataSync()];
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(Math.abs(mean - 1)).toBeLessThan(0.05);
  });
});

describe('scaledDotProductAttention: errors name the op and the shapes', () => {
  const q = zeros([2, 3, 4]);
  test.each([
    [() => scaledDotProductAttention(q, zeros([2, 5, 3]), zeros([2, 5, 4])), /expected query \[..., L, E\], key \[..., S, E\]/],
    [() => scaledDotProductAttention(q, zeros([2, 5, 4]), zeros([2, 4, 4])), /got \[2,3,4\], \[2,5,4\], \[2,4,4\]/],
    [() => scaledDotProductAttention(zeros([4]), q, q), /at least 2 dimensions/],
    [() => scaledDotProductAttention(q, q.to('float64'), q), /one dtype/],
    [() => scaledDotProductAttention(q, q, q, { attnMask: int32([[1, 1]]) }), /attnMask/],
    [() => scaledDotProductAttention(q, q, q, { attnMask: zeros([4, 1, 3, 3]) }), /must broadcast to the scores' shape \[2,3,3\]/],
    [() => scaledDotProductAttention(q, q, q, { attnMask: zeros([3, 3], { dtype: 'float64' }) }), /float attnMask must have the query's dtype float32/],
    [() => scaledDotProductAttention(q, q, q, { attnMask: zeros([3, 3]), isCausal: true }), /not both/],
    [() => scaledDotProductAttention(q, q, q, { dropoutP: 1.5 }), /dropoutP must be a probability/],
    [() => scaledDotProductAttention(q, zeros([3, 5, 4]), zeros([3, 5, 4])), /batch axes/],
  ])('%#', (fn, message) => {
    expect(fn).toThrow(message);
  });
});

describe('scaledDotProductAttention on the wasm backend', () => {
  let wasm: Kernels;
  let matmuls = 0;
  beforeAll(async () => {
    const k = await backendKernels('wasm');
    wasm = { ...k, matmul: (a, b) => { matmuls++; return k.matmul(a, b); } }; // counts the kernel calls
  });

  /** Output and gradients of Σ c ⊙ O in float32 on the given kernels. */
  function run(kernels: Kernels, options: AttentionOptions, ins: readonly Tensor[], c: Tensor): Float64Array[] {
    const previous = useKernels(kernels);
    try {
      const [q, k, v] = ins.map((t) => t.detach().to('float32').requiresGrad_());
      const o = scaledDotProductAttention(q!, k!, v!, options);
      sum(mul(o, c)).backward();
      return [o, q!.grad!, k!.grad!, v!.grad!].map((t) => Float64Array.from(t.dataSync()));
    } finally {
      useKernels(previous);
    }
  }

  test.each([
    ['no mask', {}],
    ['causal', { isCausal: true }],
    ['key padding as a boolean mask [N, 1, 1, S]', { attnMask: tensor([1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1], [2, 1, 1, 8], { dtype: 'int32' }) }],
    ['an additive mask', { attnMask: randn([1, 1, 6, 8], { random: seededRandom(31) }) }],
    ['dropout', { dropoutP: 0.2, random: seededRandom(5) }],
  ] as [string, AttentionOptions][])('%s: the same values and gradients as cpu (float32 tolerance), 2 matmul kernels forward, 4 backward', (_, options) => {
    const random = seededRandom(30);
    const ins = [randn([2, 4, 6, 16], { random }), randn([2, 4, 8, 16], { random }), randn([2, 4, 8, 16], { random })];
    const c = randn([2, 4, 6, 16], { random });
    const fresh = (o: AttentionOptions): AttentionOptions => (o.random ? { ...o, random: seededRandom(5) } : o);
    const want = run(cpuKernels, fresh(options), ins, c);
    matmuls = 0;
    const got = run(wasm, fresh(options), ins, c);
    expect(matmuls).toBe(6); //                                     QKᵀ, PV; then dOᵀP, dOVᵀ, dA·K, Qᵀ·dA: one call each for all heads
    got.forEach((g, t) => {
      const w = want[t]!;
      for (let i = 0; i < w.length; i++) {
        if (!(Math.abs(g[i]! - w[i]!) <= 1e-5 + 1e-4 * Math.abs(w[i]!))) throw new Error(`tensor ${t} (0 = output, then dQ, dK, dV), element ${i}: wasm ${g[i]}, cpu ${w[i]}`);
      }
    });
  });
});
