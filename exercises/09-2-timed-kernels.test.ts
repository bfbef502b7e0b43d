import { describe, test } from 'vitest';
import { kernels, randn, seededRandom, tensor, useKernels, type Kernels, type Tensor } from '../src/index.js';
import { expectClose, expectEqual, ExerciseFailure, rethrowIfStub } from './lib/check.js';
import { timedKernels, type Totals } from './09-2-timed-kernels.js';

const random = seededRandom(92);

/** Runs `fn` with `k` as the active kernels, then puts the previous ones back. */
function using<T>(k: Kernels, fn: () => T): T {
  const before = useKernels(k);
  try {
    return fn();
  } finally {
    useKernels(before);
  }
}

describe('exercise 9.2 — timedKernels', () => {
  test('counts each kernel call under its key, and changes no result', () => {
    const [a, b] = [randn([3, 4], { random }), randn([4, 2], { random })];
    const compute = (): Tensor => a.exp().matmul(b).add(1).sum();
    const expected = compute();
    const totals: Totals = new Map();
    const got = using(timedKernels(kernels(), totals), compute);
    expectClose(got, expected, { what: 'exp(a)·b + 1, summed, with the timed kernels active', hint: 'each wrapper must return what the original kernel returns: return fn.apply(k, args)' });
    const calls = Object.fromEntries([...totals].map(([key, e]) => [key, e.calls]));
    for (const key of ['unary:exp', 'matmul', 'binary:add', 'reduce:sum']) {
      expectEqual(calls[key], 1, { what: `totals.get('${key}').calls after exp, matmul, add and sum (all keys: ${JSON.stringify(calls)})`, hint: 'key by `${name}:${args[0]}` when the first argument is a string (the op of unary, binary and reduce kernels), else by the kernel name' });
    }
  });

  test('adds the clock\'s time to each entry', () => {
    let t = 0;
    const now = (): number => (t += 2); // every reading is 2 ms after the previous one
    const totals: Totals = new Map();
    const x = tensor([1, 2, 3]);
    using(timedKernels(kernels(), totals, now), () => x.neg().neg());
    expectEqual(totals.get('unary:neg'), { ms: 4, calls: 2 }, { what: 'totals.get(\'unary:neg\') after two neg calls with a clock that advances 2 per reading', hint: 'read now() once before and once after each call and add the difference; one entry per key, updated in place' });
  });

  test('keeps the backend\'s name and calls kernels with this = the original', () => {
    const base = kernels();
    const wrapped = timedKernels(base, new Map());
    expectEqual(wrapped.name, base.name, { what: 'the name of the timed kernels', hint: 'copy the properties that are not functions as they are ({ ...k })' });
    let self: unknown = null;
    const spy = { ...base, matmul(this: unknown, p: Tensor, q: Tensor): Tensor { self = this; return base.matmul(p, q); } } as Kernels;
    timedKernels(spy, new Map()).matmul(tensor([[1]]), tensor([[2]]));
    if (self !== spy) throw new ExerciseFailure({ what: '`this` inside a wrapped kernel', hint: 'call the original with fn.apply(k, args), so a kernel that calls its siblings through this still works' }, ['expected: the original kernels object', `got:      ${self === null ? 'the kernel was not called' : 'another object'}`]);
  });

  test('a kernel that throws is still recorded, and its error passes through', () => {
    const totals: Totals = new Map();
    const failing = { ...kernels(), matmul(): Tensor { throw new RangeError('matmul: boom'); } } as Kernels;
    let message = '';
    try {
      timedKernels(failing, totals).matmul(tensor([[1]]), tensor([[1]]));
    } catch (error) {
      rethrowIfStub(error);
      message = error instanceof Error ? error.message : String(error);
    }
    expectEqual(message, 'matmul: boom', { what: 'the error of a kernel that throws, seen through the wrapper', hint: 'do not catch the error: use try { return … } finally { record }' });
    expectEqual(totals.get('matmul')?.calls, 1, { what: 'totals.get(\'matmul\').calls after a call that threw', hint: 'record in a finally block, which runs whether or not the kernel throws' });
  });
});
