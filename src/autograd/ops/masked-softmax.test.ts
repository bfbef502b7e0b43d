/**
 * maskedSoftmax and maskedLogSoftmax: values against softmax over the kept entries, fully masked
 * rows (0 and −∞, never NaN), gradcheck in float64 (broadcast masks, any axis, empty rows),
 * second derivatives, stability with large logits, and errors.
 */
import { describe, expect, test } from 'vitest';
import { randn, tensor } from '../creation.js';
import { enableGrad, noGrad } from '../function.js';
import { gradcheck } from '../gradcheck.js';
import { seededRandom, type Random } from '../random.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { expectClose } from '../test-utils.js';
import { mul, where } from './elementwise.js';
import { maskedLogSoftmax, maskedSoftmax } from './masked-softmax.js';
import { sum } from './reduce.js';
import { logSoftmax, softmax } from './softmax.js';
import { exp } from './unary.js';

const leaf = (shape: Shape, random: Random): Tensor => randn(shape, { dtype: 'float64', requiresGrad: true, random });
const int32 = (values: Parameters<typeof tensor>[0]): Tensor => tensor(values, { dtype: 'int32' });

describe('maskedSoftmax and maskedLogSoftmax: forward', () => {
  test('a distribution over the kept entries only (worked out by hand)', () => {
    const x = tensor([Math.log(1), 50, Math.log(3)], { dtype: 'float64' });
    const keep = int32([1, 0, 1]);
    expectClose(maskedSoftmax(x, keep), [0.25, 0, 0.75], { rtol: 1e-15, atol: 0 });
    expectClose(maskedLogSoftmax(x, keep), [Math.log(0.25), -Infinity, Math.log(0.75)], { rtol: 1e-15, atol: 0 });
  });

  test('with no mask (null) or a full mask they are softmax and logSoftmax', () => {
    const x = randn([3, 5], { dtype: 'float64', random: seededRandom(1) });
    for (const keep of [null, int32([1, 1, 1, 1, 1])]) {
      expectClose(maskedSoftmax(x, keep), softmax(x), { rtol: 1e-15, atol: 1e-17 });
      expectClose(maskedLogSoftmax(x, keep), logSoftmax(x), { rtol: 1e-15, atol: 1e-15 });
      expectClose(maskedSoftmax(x, keep, 0), softmax(x, 0), { rtol: 1e-15, atol: 1e-17 });
    }
  });

  test('a row that keeps nothing is 0 (softmax) and −∞ (log), not NaN', () => {
    const x = tensor([[1, 2], [3, 4]], { dtype: 'float64' });
    const keep = int32([[1, 1], [0, 0]]);
    expectClose(maskedSoftmax(x, keep), [[...softmax(tensor([1, 2], { dtype: 'float64' })).dataSync()], [0, 0]], { rtol: 1e-15, atol: 0 });
    expect(maskedLogSoftmax(x, keep).toArray()).toEqual([[...logSoftmax(tensor([1, 2], { dtype: 'float64' })).dataSync()], [-Infinity, -Infinity]]);
  });

  test('large logits do not overflow (float32)', () => {
    const x = tensor([1e4, 1e4 + 1, -1e4]);
    const y = maskedSoftmax(x, int32([1, 1, 0]));
    expectClose(y, [1 / (1 + Math.E), Math.E / (1 + Math.E), 0], { rtol: 1e-6, atol: 0 });
  });

  test('exp(maskedLogSoftmax) = maskedSoftmax', () => {
    const x = randn([4, 6], { dtype: 'float64', random: seededRandom(2) });
    const keep = int32([[1, 0, 1, 1, 0, 1]]);
    expectClose(exp(maskedLogSoftmax(x, keep)), maskedSoftmax(x, keep), { rtol: 1e-14, atol: 1e-16 });
  });
});

describe('maskedSoftmax and maskedLogSoftmax: backward (float64 gradcheck)', () => {
  const keep = int32([[1, 0, 1, 1], [0, 0, 0, 0], [0, 1, 0, 0]]); //                   row 1 empty, row 2 one entry
  // log p is −∞ at dropped entries: the checked function reads only the kept ones.
  const logKept = (x: Tensor, m: Tensor | null, axis = -1) => (m ? where(m, maskedLogSoftmax(x, m, axis), 0) : maskedLogSoftmax(x, m, axis));

  test('on the last axis, with empty rows and a mask broadcast over a batch', () => {
    const random = seededRandom(3);
    expect(gradcheck((x) => maskedSoftmax(x!, keep), [leaf([2, 3, 4], random)])).toBe(true);
    expect(gradcheck((x) => logKept(x!, keep), [leaf([2, 3, 4], random)])).toBe(true);
    expect(gradcheck((x) => maskedSoftmax(x!, null), [leaf([3, 4], random)])).toBe(true);
    expect(gradcheck((x) => logKept(x!, null), [leaf([3, 4], random)])).toBe(true);
  });

  test('on another axis', () => {
    const random = seededRandom(4);
    const m = int32([[1], [0], [1]]);
    expect(gradcheck((x) => maskedSoftmax(x!, m, 0), [leaf([3, 4], random)])).toBe(true);
    expect(gradcheck((x) => logKept(x!, m, 0), [leaf([3, 4], random)])).toBe(true);
  });

  test('the upstream gradient at dropped entries is ignored by the log form (no NaN from −∞ · 0)', () => {
    const x = leaf([3, 4], seededRandom(5));
    maskedLogSoftmax(x, keep).backward(tensor([[1, NaN, 1, 1], [NaN, NaN, NaN, NaN], [NaN, 2, NaN, NaN]], { dtype: 'float64' }));
    expect([...x.grad!.dataSync()].every(Number.isFinite)).toBe(true);
    expect([...x.grad!.dataSync()].slice(4)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]); //  one kept entry: its log p is 0, whatever x
  });

  test('createGraph: the gradient is itself differentiable', () => {
    const random = seededRandom(6);
    const w = randn([3, 4], { dtype: 'float64', random });
    for (const f of [(x: Tensor) => maskedSoftmax(x, keep), (x: Tensor) => logKept(x, keep)]) {
      const gradOf = (x: Tensor): Tensor => enableGrad(() => {
        const previous = x.grad;
        x.grad = null;
        const y = f(x);
        sum(mul(mul(y, y), w)).backward(undefined, { createGraph: true });
        const g = x.grad!;
        x.grad = previous;
        return g;
      });
      expect(gradcheck(gradOf, [leaf([3, 4], random)])).toBe(true);
    }
    expect(noGrad(() => maskedSoftmax(leaf([2], random), null)).requiresGrad).toBe(false);
  });
});

describe('maskedSoftmax: edges and errors', () => {
  test('an empty input gives an empty result', () => {
    expect(maskedSoftmax(tensor([], [0, 3]), null).shape).toEqual([0, 3]);
  });

  test('errors name the op and the shapes', () => {
    expect(() => maskedSoftmax(tensor([[1, 2]]), int32([1, 0, 1]))).toThrow(/maskedSoftmax/);
    expect(() => maskedLogSoftmax(tensor([1, 2]), int32([[1, 0], [1, 1]]))).toThrow(/mask \[2,2\] must broadcast to the input's shape \[2\]/);
    expect(() => maskedSoftmax(int32([1, 2]), null)).toThrow(/must be float32 or float64/);
    expect(() => maskedSoftmax(tensor([1, 2]), null, 1)).toThrow(/axis 1 is out of range/);
  });
});
