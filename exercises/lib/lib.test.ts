import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { defineOp, tensor, type Tensor } from '../../src/index.js';
import { ExerciseFailure, expectClose, expectEqual, expectGradcheck, expectThrows } from './check.js';
import { exerciseTests } from './select.js';
import { solutionPath } from './solutions-plugin.js';

const message = (fn: () => void): string => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ExerciseFailure);
    return (error as Error).message;
  }
  throw new Error('expected a failure');
};

describe('check: failure messages teach', () => {
  test('expectClose names what was checked, both values, the first difference and the hint', () => {
    const text = message(() => expectClose([1, 2, 3.5], [1, 2, 3], { what: 'my op', hint: 'look again' }));
    expect(text).toBe(['my op', '  expected: [1,2,3]', '  got:      [1,2,3.5]', '  note:     first difference at flat index 2: expected 3, got 3.5', '  hint:     look again'].join('\n'));
  });

  test('expectClose compares tensor shapes before values', () => {
    const text = message(() => expectClose(tensor([[1, 2]]), tensor([1, 2]), { what: 'shape', hint: 'h' }));
    expect(text).toContain('note:     the shapes differ: expected [2], got [1, 2]');
  });

  test('expectClose passes within tolerance and rejects NaN and non-numbers', () => {
    expectClose(tensor([1, 2]), tensor([1, 2.0000001]), { what: 'w', hint: 'h' });
    expect(message(() => expectClose(NaN, 1, { what: 'w', hint: 'h' }))).toContain('got:      NaN');
    expect(message(() => expectClose(undefined, 1, { what: 'w', hint: 'h' }))).toContain('got:      undefined');
  });

  test('expectEqual and expectThrows', () => {
    expectEqual([2, 3], [2, 3], { what: 'w', hint: 'h' });
    expect(message(() => expectEqual([2, 3], [3], { what: 'shape', hint: 'h' }))).toContain('expected: [3]\n  got:      [2,3]');
    expectThrows(() => {
      throw new RangeError('bad [2,3]');
    }, /\[2,3\]/, { what: 'w', hint: 'h' });
    expect(message(() => expectThrows(() => 1, /x/, { what: 'w', hint: 'h' }))).toContain('got:      no error');
  });

  test('expectGradcheck reports gradcheck\'s finding; an unfilled exercise\'s own error passes through untouched', () => {
    const x = tensor([0.5, -1], { dtype: 'float64', requiresGrad: true });
    expectGradcheck((t) => t!.mul(t!), [x], { what: 'square', hint: 'h' });
    const wrong = defineOp<[Tensor]>({ name: 'Wrong', forward: (_ctx, [t]) => t.mul(t), backward: (_ctx, d) => [d] });
    expect(message(() => expectGradcheck((t) => wrong(t!), [x], { what: 'wrong', hint: 'h' }))).toContain('got:      gradcheck: input 0 [2], element [1]: backward gave');
    const stub = (): Tensor => {
      throw new Error('not implemented yet: everything');
    };
    expect(() => expectGradcheck(stub, [x], { what: 'w', hint: 'h' })).toThrow(/^not implemented yet: everything$/);
    expect(() => expectThrows(stub, /x/, { what: 'w', hint: 'h' })).toThrow(/^not implemented yet: everything$/);
  });
});

describe('npm run exercise: choosing the tests', () => {
  const dir = join(dirname(fileURLToPath(import.meta.url)), '..');

  test('a chapter number selects that chapter\'s test files', () => {
    expect(exerciseTests('3', dir)).toEqual(['03-1-cross-entropy.test.ts', '03-2-momentum.test.ts', '03-3-warmup-cosine.test.ts', '03-4-train-step.test.ts']);
    expect(exerciseTests('08', dir)).toHaveLength(3);
  });

  test('chapters 7 and 9 name the issues they come with; other input explains the usage', () => {
    expect(() => exerciseTests('7', dir)).toThrow(/issue 16/);
    expect(() => exerciseTests('9', dir)).toThrow(/issue 17/);
    expect(() => exerciseTests(undefined, dir)).toThrow(/usage: npm run exercise -- <chapter>/);
    expect(() => exerciseTests('three', dir)).toThrow(/expected a chapter number, got "three"/);
    expect(() => exerciseTests('12', dir)).toThrow(/chapter 12 has no exercises/);
  });
});

describe('the switch between your code and the solutions', () => {
  const test_ = '/r/exercises/03-2-momentum.test.ts';

  test('by default an exercise test imports the solution', () => {
    expect(solutionPath('./03-2-momentum.js', test_, undefined)).toBe('/r/exercises/solutions/03-2-momentum.ts');
  });

  test('SAPLING_EXERCISES=yours keeps the learner\'s file; other imports are never redirected', () => {
    expect(solutionPath('./03-2-momentum.js', test_, 'yours')).toBeNull();
    expect(solutionPath('./lib/check.js', test_, undefined)).toBeNull();
    expect(solutionPath('../src/index.js', test_, undefined)).toBeNull();
    expect(solutionPath('./03-2-momentum.js', '/r/exercises/stubs.test.ts', undefined)).toBeNull();
    expect(solutionPath('./03-2-momentum.js', '/r/src/x/03-2-momentum.test.ts', undefined)).toBeNull();
  });
});
