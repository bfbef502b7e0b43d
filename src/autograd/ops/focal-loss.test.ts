import { describe, expect, test } from 'vitest';
import { randn, tensor, zeros } from '../creation.js';
import { gradcheck } from '../gradcheck.js';
import { seededRandom } from '../random.js';
import type { Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { binaryCrossEntropyWithLogits } from '../../layers/losses.js';
import { add, mul, sub } from './elementwise.js';
import { pow } from './pow.js';
import { sum } from './reduce.js';
import { sigmoid } from './unary.js';
import { sigmoidFocalLoss } from './focal-loss.js';

const f64 = (v: number[] | number[][]): Tensor => tensor(v, { dtype: 'float64' });

describe('sigmoidFocalLoss: forward', () => {
  test('values worked out by hand', () => {
    // x = 0: p = ½, ce = log 2, q = ½ for either label. y = 1: α_t = 0.25 → 0.25·¼·log 2;
    // y = 0: α_t = 0.75 → 0.75·¼·log 2. x = log 3 (p = ¾), y = 1: q = ¼, ce = log(4/3) → 0.25·(1/16)·log(4/3).
    const out = sigmoidFocalLoss(f64([0, 0, Math.log(3)]), f64([1, 0, 1])).toArray() as number[];
    const want = [0.25 * 0.25 * Math.LN2, 0.75 * 0.25 * Math.LN2, (0.25 / 16) * Math.log(4 / 3)];
    out.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 15));
  });

  test('γ = 0 and no α is binary cross-entropy on logits; α alone is a class weight', () => {
    const random = seededRandom(3);
    const x = randn([3, 5], { dtype: 'float64', random }).mul(4);
    const y = tensor(Array.from({ length: 15 }, (_, i) => (i % 3 === 0 ? 1 : 0)), { dtype: 'float64' }).reshape([3, 5]);
    const bce = binaryCrossEntropyWithLogits(x, y, { reduction: 'none' }).toArray() as number[][];
    const focal0 = sigmoidFocalLoss(x, y, { gamma: 0, alpha: -1 }).toArray() as number[][];
    focal0.flat().forEach((v, i) => expect(v).toBeCloseTo(bce.flat()[i]!, 14));
    const weighted = sigmoidFocalLoss(x, y, { gamma: 0, alpha: 0.8 }).toArray() as number[][];
    weighted.flat().forEach((v, i) => expect(v).toBeCloseTo(bce.flat()[i]! * ((y.toArray() as number[][]).flat()[i] ? 0.8 : 0.2), 14));
  });

  test('γ shrinks the loss of well-classified examples far more than of badly classified ones', () => {
    const x = f64([4, -4]); // p ≈ 0.982: right for y = 1, badly wrong for y = 0 (second: p ≈ 0.018, y = 1)
    const y = f64([1, 1]);
    const bce = sigmoidFocalLoss(x, y, { gamma: 0, alpha: -1 }).toArray() as number[];
    const focal = sigmoidFocalLoss(x, y, { gamma: 2, alpha: -1 }).toArray() as number[];
    expect(focal[0]! / bce[0]!).toBeLessThan(1e-3); //  (1 − 0.982)² ≈ 3e-4
    expect(focal[1]! / bce[1]!).toBeGreaterThan(0.96); // (1 − 0.018)² ≈ 0.96
  });

  test('finite for logits of ±1e4 (no log of 0), reductions, errors', () => {
    const out = sigmoidFocalLoss(f64([1e4, -1e4, 1e4]), f64([1, 0, 0]), { gamma: 0.5 }).toArray() as number[];
    expect(out.slice(0, 2)).toEqual([0, 0]);
    expect(out[2]).toBeCloseTo(0.75 * 1e4, 9);
    const x = f64([[0.5, -1], [2, 0]]);
    const y = f64([[1, 0], [0, 1]]);
    const each = sigmoidFocalLoss(x, y).toArray() as number[][];
    expect(sigmoidFocalLoss(x, y, { reduction: 'sum' }).item()).toBeCloseTo(each.flat().reduce((a, b) => a + b), 15);
    expect(sigmoidFocalLoss(x, y, { reduction: 'mean' }).item()).toBeCloseTo(each.flat().reduce((a, b) => a + b) / 4, 15);
    expect(() => sigmoidFocalLoss(zeros([2, 3]), zeros([3]))).toThrow(/sigmoidFocalLoss: input \[2,3\] and target \[3\] must have the same shape/);
    expect(() => sigmoidFocalLoss(zeros([2]), zeros([2]), { gamma: -1 })).toThrow(/gamma must be a finite number ≥ 0, got -1/);
    expect(() => sigmoidFocalLoss(zeros([2]), zeros([2]), { alpha: 1.5 })).toThrow(/alpha must be at most 1/);
    expect(() => sigmoidFocalLoss(zeros([2], { dtype: 'int32' }), zeros([2]))).toThrow(/input must be float32 or float64/);
  });
});

describe('sigmoidFocalLoss: backward passes gradcheck (float64)', () => {
  const random = seededRandom(11);
  const leaf = (shape: Shape, scale = 2): Tensor => randn(shape, { dtype: 'float64', random }).mul(scale).detach().requiresGrad_();
  const hard = (shape: Shape): Tensor => randn(shape, { dtype: 'float64', random }).gt(0.4).to('float64');
  const soft = (shape: Shape): Tensor => randn(shape, { dtype: 'float64', random }).sigmoid();
  const settings = [
    { alpha: 0.25, gamma: 2 }, { alpha: -1, gamma: 2 }, { alpha: 0.5, gamma: 0 }, { alpha: 0.25, gamma: 0.5 },
    { alpha: 0.9, gamma: 1 }, { alpha: 0.3, gamma: 5 },
  ] as const;
  for (const s of settings) {
    for (const [name, shape] of [['[1]', [1]], ['[3, 4]', [3, 4]], ['[2, 1, 3]', [2, 1, 3]]] as const) {
      test(`α ${s.alpha}, γ ${s.gamma}, ${name}: hard and soft targets`, () => {
        for (const targets of [hard(shape), soft(shape)]) {
          gradcheck((x) => sigmoidFocalLoss(x!, targets, s), [leaf(shape)]);
        }
      });
    }
  }

  test('double backward (createGraph) matches torchvision\'s formula written with primitive ops', () => {
    // torchvision: p = σ(x), ce = BCE(x, y), p_t = p·y + (1 − p)(1 − y), ℓ = α_t · ce · (1 − p_t)^γ
    const composed = (x: Tensor, y: Tensor): Tensor => {
      const p = sigmoid(x);
      const ce = binaryCrossEntropyWithLogits(x, y, { reduction: 'none' });
      const pT = add(mul(p, y), mul(sub(1, p), sub(1, y)));
      return mul(add(mul(y, 0.5), 0.25), mul(ce, pow(sub(1, pT), 2))); //          α = 0.75: α_t = 0.25 + 0.5·y
    };
    const y = soft([6]);
    const c = randn([6], { dtype: 'float64', random });
    const v = randn([6], { dtype: 'float64', random });
    const start = randn([6], { dtype: 'float64', random }).mul(2);
    const secondOrder = (fn: (x: Tensor) => Tensor): number[] => {
      const x = start.detach().requiresGrad_();
      sum(mul(fn(x), c)).backward(undefined, { createGraph: true });
      const dx = x.grad!;
      x.grad = null;
      sum(mul(dx, v)).backward();
      return [...x.grad!.dataSync()];
    };
    const fused = secondOrder((x) => sigmoidFocalLoss(x, y, { alpha: 0.75, gamma: 2 }));
    const reference = secondOrder((x) => composed(x, y));
    fused.forEach((g, i) => expect(g).toBeCloseTo(reference[i]!, 12));
  });
});
