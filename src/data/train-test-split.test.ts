/**
 * trainTestSplit and Mt19937 against scikit-learn 1.2 / NumPy: fixtures/sklearn-spam.json,
 * written by scripts/make-spam-fixtures.py (`/usr/bin/python3 scripts/make-spam-fixtures.py`).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { computeClassWeight } from './class-weight.js';
import { Mt19937 } from './mt19937.js';
import { trainTestSplit } from './train-test-split.js';

interface SplitCase { name: string; n: number; y: number[] | null; testSize: number; seed: number; train: number[]; test: number[] }
interface WeightCase { y: number[]; classes: number[]; weights: number[] }
const FIXTURE = JSON.parse(readFileSync(new URL('./fixtures/sklearn-spam.json', import.meta.url), 'utf8')) as { splits: SplitCase[]; classWeight: WeightCase[] };

describe('Mt19937 (NumPy legacy RandomState)', () => {
  test('the first outputs for seed 5489 are the reference MT19937 sequence', () => {
    // Matsumoto & Nishimura's mt19937ar.c with init_genrand(5489): 3499211612, 581869302, 3890346734.
    const rng = new Mt19937(5489);
    expect([rng.nextUint32(), rng.nextUint32(), rng.nextUint32()]).toEqual([3499211612, 581869302, 3890346734]);
  });

  test('permutation(10) matches np.random.RandomState(seed).permutation(10)', () => {
    // np.random.RandomState(0).permutation(10) → [2 8 4 9 1 6 7 3 0 5]; seed 42 → [8 1 5 0 7 2 9 4 3 6]
    expect([...new Mt19937(0).permutation(10)]).toEqual([2, 8, 4, 9, 1, 6, 7, 3, 0, 5]);
    expect([...new Mt19937(42).permutation(10)]).toEqual([8, 1, 5, 0, 7, 2, 9, 4, 3, 6]);
  });

  test('interval stays in [0, max] and errors name the value', () => {
    const rng = new Mt19937(1);
    for (const max of [0, 1, 2, 7, 100, 2 ** 32 - 1]) {
      const v = rng.interval(max);
      expect(v >= 0 && v <= max && Number.isInteger(v)).toBe(true);
    }
    expect(() => new Mt19937(-1)).toThrow(/Mt19937: seed must be an integer in \[0, 2\^32 - 1\], got -1/);
    expect(() => rng.permutation(1.5)).toThrow(/got 1.5/);
  });
});

describe('trainTestSplit matches sklearn.model_selection.train_test_split', () => {
  for (const c of FIXTURE.splits) {
    test(`${c.name}: n ${c.n}, testSize ${c.testSize}, seed ${c.seed}`, () => {
      const split = trainTestSplit(c.n, { testSize: c.testSize, seed: c.seed, ...(c.y ? { stratify: c.y } : {}) });
      expect([...split.train]).toEqual(c.train);
      expect([...split.test]).toEqual(c.test);
    });
  }

  test('errors name the problem', () => {
    expect(() => trainTestSplit(10, { testSize: 1.5, seed: 0 })).toThrow(/trainTestSplit: testSize must be a fraction in \(0, 1\) or a positive count, got 1.5/);
    expect(() => trainTestSplit(4, { testSize: 4, seed: 0 })).toThrow(/leaves no training samples out of 4/);
    expect(() => trainTestSplit(4, { seed: 0, stratify: [0, 0, 0, 1] })).toThrow(/least populated class \(label 1\) has only 1 member/);
    expect(() => trainTestSplit(4, { seed: 0, stratify: [0, 1] })).toThrow(/stratify has 2 labels for 4 samples/);
  });
});

describe('computeClassWeight matches sklearn compute_class_weight("balanced")', () => {
  for (const c of FIXTURE.classWeight) {
    test(`y = [${c.y.join(', ')}]`, () => {
      const got = computeClassWeight('balanced', c.y, c.classes);
      got.forEach((w, i) => expect(w).toBeCloseTo(c.weights[i]!, 14));
      expect(computeClassWeight('balanced', c.y)).toEqual(got);
    });
  }

  test('each class then carries the same total weight, and errors name the class', () => {
    const y = [0, 0, 0, 0, 0, 1, 1, 2];
    const w = computeClassWeight('balanced', y);
    const totals = [0, 1, 2].map((c) => y.filter((l) => l === c).length * w[c]!);
    totals.forEach((t) => expect(t).toBeCloseTo(y.length / 3, 12));
    expect(() => computeClassWeight('balanced', [0, 0], [0, 1])).toThrow(/class 1 has no samples in y/);
    expect(() => computeClassWeight('balanced', [0, 2], [0])).toThrow(/label 2, which is not among classes \[0\]/);
  });
});
