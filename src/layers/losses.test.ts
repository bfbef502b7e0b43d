import { describe, expect, test } from 'vitest';
import { randn, rand, tensor, zeros } from '../autograd/creation.js';
import { gradcheck } from '../autograd/gradcheck.js';
import { seededRandom } from '../autograd/random.js';
import type { Tensor } from '../autograd/tensor.js';
import {
  BceWithLogitsLoss, CrossEntropyLoss, HuberLoss, L1Loss, MseLoss, NllLoss, SmoothL1Loss,
  binaryCrossEntropyWithLogits, crossEntropy, huberLoss, l1Loss, mseLoss, nllLoss, smoothL1Loss,
} from './losses.js';

const random = seededRandom(17);
const f64 = (values: number[] | number[][]) => tensor(values, { dtype: 'float64' });
const labels = (values: number[] | number[][]) => tensor(values, { dtype: 'int32' });
const values = (t: Tensor): number[] => [...t.dataSync()];
const close = (got: number, want: number, tol = 1e-12) => expect(Math.abs(got - want), `got ${got}, want ${want}`).toBeLessThanOrEqual(tol * (1 + Math.abs(want)));
const allFinite = (t: Tensor) => values(t).every(Number.isFinite);
const logSoftmaxRow = (row: number[]) => {
  const m = Math.max(...row);
  const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
  return row.map((v) => v - lse);
};

describe('crossEntropy', () => {
  const logits = [[1, 2, 0], [0.5, -1, 3], [2, 2, 2], [-1, 0, 1]];
  const lp = logits.map(logSoftmaxRow);
  const y = [1, 2, 0, 2];

  test('mean, sum and none against log-softmax worked out with Math.*', () => {
    const per = y.map((c, i) => -lp[i]![c]!);
    close(crossEntropy(f64(logits), labels(y)).item(), per.reduce((s, v) => s + v) / 4);
    close(crossEntropy(f64(logits), labels(y), { reduction: 'sum' }).item(), per.reduce((s, v) => s + v));
    values(crossEntropy(f64(logits), labels(y), { reduction: 'none' })).forEach((v, i) => close(v, per[i]!));
    close(crossEntropy(f64([[0, 0]]), labels([1])).item(), Math.log(2));
  });

  test('class weights: the mean divides by Σ w[yᵢ], not by N; ignoreIndex drops targets from both', () => {
    const w = [0.5, 2, 1];
    const per = y.map((c, i) => -w[c]! * lp[i]![c]!);
    const wsum = y.reduce((s, c) => s + w[c]!, 0);
    close(crossEntropy(f64(logits), labels(y), { weight: f64(w) }).item(), per.reduce((s, v) => s + v) / wsum);
    // Ignore the second target (label 2, weight 1).
    const ignored = crossEntropy(f64(logits), labels([1, -100, 0, 2]), { weight: f64(w) });
    close(ignored.item(), (per[0]! + per[2]! + per[3]!) / (wsum - 1));
    expect(values(crossEntropy(f64(logits), labels([1, 7, 0, 7]), { ignoreIndex: 7, reduction: 'none' }))[1]).toBe(0);
    // Every target ignored: 0/0, NaN, as in PyTorch.
    expect(crossEntropy(f64(logits), labels([-100, -100, -100, -100])).item()).toBeNaN();
  });

  test('label smoothing: (1 − ε)·nll + ε/C · Σ_c −log p_c', () => {
    const eps = 0.2;
    const per = y.map((c, i) => (1 - eps) * -lp[i]![c]! + (eps / 3) * -lp[i]!.reduce((s, v) => s + v, 0));
    close(crossEntropy(f64(logits), labels(y), { labelSmoothing: eps }).item(), per.reduce((s, v) => s + v) / 4);
    expect(() => crossEntropy(f64(logits), labels(y), { labelSmoothing: 1.5 })).toThrow(/labelSmoothing must be in \[0, 1\]/);
  });

  test('probability targets and [N, C, d] inputs', () => {
    const q = [[0.2, 0.8, 0], [0, 0, 1], [1 / 3, 1 / 3, 1 / 3], [0.5, 0, 0.5]];
    const per = q.map((row, i) => -row.reduce((s, v, c) => s + v * lp[i]![c]!, 0));
    close(crossEntropy(f64(logits), f64(q)).item(), per.reduce((s, v) => s + v) / 4);
    // [N, C, d]: the class axis is 1. Move the 4 rows of logits into d = 2 positions of 2 samples.
    const x = tensor([1, 0.5, 2, -1, 0, 3, 2, -1, 2, 0, 2, 1], [2, 3, 2], { dtype: 'float64' }); // [n][c][d] = logits[2n + d][c]
    values(crossEntropy(x, labels([[1, 2], [0, 2]]), { reduction: 'none' })).forEach((v, i) => close(v, -lp[i]![y[i]!]!));
    // Unbatched [C] with a 0-d target.
    close(crossEntropy(f64([1, 2, 0]), tensor(1, [], { dtype: 'int32' })).item(), -lp[0]![1]!);
  });

  test('gradients pass gradcheck with weight, smoothing, ignoreIndex and every reduction', () => {
    const target = labels([[1, 0, 2], [2, -100, 0]]);
    const weight = f64([0.3, 1.5, 1]);
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      gradcheck((x) => crossEntropy(x!, target, { weight, labelSmoothing: 0.1, reduction }), [randn([2, 3, 3], { dtype: 'float64', requiresGrad: true, random })]);
    }
    gradcheck((x) => crossEntropy(x!, labels([0, 2, 1])), [randn([3, 4], { dtype: 'float64', requiresGrad: true, random })]);
    gradcheck((x, q) => crossEntropy(x!, q!, { labelSmoothing: 0.1 }), [
      randn([3, 4], { dtype: 'float64', requiresGrad: true, random }),
      rand([3, 4], { dtype: 'float64', random }),
    ]);
  });

  test('stable for logits of ±1e4 (float32): finite loss and gradient, exact where PyTorch is', () => {
    const x = tensor([[1e4, -1e4, 0], [-1e4, 1e4, 1e4]], { requiresGrad: true });
    const loss = crossEntropy(x, labels([0, 0]), { labelSmoothing: 0.1 });
    expect(Number.isFinite(loss.item())).toBe(true);
    loss.backward();
    expect(allFinite(x.grad!)).toBe(true);
    close(crossEntropy(tensor([[1e4, -1e4]]), labels([0])).item(), 0);
    close(crossEntropy(tensor([[1e4, -1e4]]), labels([1])).item(), 2e4, 1e-7);
  });

  test('errors name the loss and the shapes', () => {
    expect(() => crossEntropy(zeros([4, 3]), labels([0, 1, 3, 0]))).toThrow(/crossEntropy: label 3 at \[2\] is out of range for 3 classes \(input \[4,3\], target \[4\]\)/);
    expect(() => crossEntropy(zeros([2, 3, 2]), labels([[0, 1], [-1, 0]]))).toThrow(/label -1 at \[1,0\] is out of range/);
    expect(() => crossEntropy(zeros([4, 3]), labels([0, 1]))).toThrow(/crossEntropy: target \[2\] does not match input \[4,3\]; class indices must be \[4\]/);
    expect(() => crossEntropy(zeros([4, 3]), zeros([4]))).toThrow(/target float32 \[4\] must be int32 class indices \[4\] or probabilities shaped like the input \[4,3\]/);
    expect(() => crossEntropy(zeros([4, 3]), labels([0, 0, 0, 0]), { weight: zeros([2]) })).toThrow(/weight must be \[3\] \(one per class\) for input \[4,3\], got \[2\]/);
    expect(() => crossEntropy(labels([[0, 1]]), labels([0]))).toThrow(/crossEntropy: input must be float32 or float64, got int32/);
    expect(() => crossEntropy(zeros([4, 3]), labels([0, 0, 0, 0]), { reduction: 'avg' as 'mean' })).toThrow(/reduction must be 'mean', 'sum' or 'none', got 'avg'/);
  });
});

describe('nllLoss', () => {
  test('picks −w[y]·input[y]; weighted mean; ignoreIndex; int32 required', () => {
    const logp = f64([[-1, -2, -3], [-0.5, -4, -1]]);
    close(nllLoss(logp, labels([1, 0])).item(), (2 + 0.5) / 2);
    close(nllLoss(logp, labels([1, 0]), { weight: f64([2, 1, 1]) }).item(), (2 + 1) / 3);
    close(nllLoss(logp, labels([1, -100])).item(), 2);
    expect(values(nllLoss(logp, labels([2, 2]), { reduction: 'none' }))).toEqual([3, 1]);
    expect(() => nllLoss(logp, f64([1, 0]))).toThrow(/nllLoss: target must hold int32 class indices, got float64 \[2\]/);
    gradcheck((x) => nllLoss(x!, labels([2, 0]), { weight: f64([1, 2, 3]) }), [randn([2, 3], { dtype: 'float64', requiresGrad: true, random })]);
  });
});

describe('regression losses', () => {
  const x = f64([0, 1, -2, 4]);
  const t = f64([0.5, 1, 1, 0]);
  const d = [-0.5, 0, -3, 4];

  test('mse and l1 (mean, sum, none)', () => {
    close(mseLoss(x, t).item(), (0.25 + 0 + 9 + 16) / 4);
    close(mseLoss(x, t, { reduction: 'sum' }).item(), 25.25);
    expect(values(l1Loss(x, t, { reduction: 'none' }))).toEqual([0.5, 0, 3, 4]);
    close(l1Loss(x, t).item(), 7.5 / 4);
  });

  test('smoothL1 (β) and huber (δ) by hand, and huber = δ · smoothL1(β = δ)', () => {
    const smooth = (beta: number) => d.map((v) => (Math.abs(v) < beta ? (0.5 * v * v) / beta : Math.abs(v) - 0.5 * beta));
    const huber = (delta: number) => d.map((v) => (Math.abs(v) < delta ? 0.5 * v * v : delta * (Math.abs(v) - 0.5 * delta)));
    for (const beta of [1, 0.5, 3.5]) values(smoothL1Loss(x, t, { beta, reduction: 'none' })).forEach((v, i) => close(v, smooth(beta)[i]!));
    values(smoothL1Loss(x, t, { beta: 0, reduction: 'none' })).forEach((v, i) => close(v, Math.abs(d[i]!)));
    for (const delta of [1, 2, 3.5]) {
      values(huberLoss(x, t, { delta, reduction: 'none' })).forEach((v, i) => close(v, huber(delta)[i]!));
      close(huberLoss(x, t, { delta }).item(), delta * smoothL1Loss(x, t, { beta: delta }).item());
    }
    expect(() => huberLoss(x, t, { delta: 0 })).toThrow(/huberLoss: delta must be > 0, got 0/);
    expect(() => smoothL1Loss(x, t, { beta: -1 })).toThrow(/beta must be ≥ 0/);
  });

  test('gradients pass gradcheck (away from the kinks)', () => {
    const target = f64([[0.3, -1.2], [2, 0.7]]);
    const input = () => f64([[1.1, -0.4], [0.2, 0.65]]).requiresGrad_();
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      gradcheck((a) => mseLoss(a!, target, { reduction }), [input()]);
      gradcheck((a) => l1Loss(a!, target, { reduction }), [input()]);
      gradcheck((a) => smoothL1Loss(a!, target, { beta: 1, reduction }), [input()]);
      gradcheck((a) => huberLoss(a!, target, { delta: 0.5, reduction }), [input()]);
    }
  });

  test('shape mismatches are refused (no silent broadcasting)', () => {
    expect(() => mseLoss(zeros([4, 1]), zeros([4]))).toThrow(/mseLoss: input \[4,1\] and target \[4\] must have the same shape/);
    expect(() => l1Loss(zeros([2]), tensor([1, 2], { dtype: 'int32' }))).toThrow(/l1Loss: target must be float32 or float64, got int32/);
  });
});

describe('binaryCrossEntropyWithLogits', () => {
  const bce = (x: number, y: number, pw = 1) => -(pw * y * Math.log(1 / (1 + Math.exp(-x))) + (1 - y) * Math.log(1 - 1 / (1 + Math.exp(-x))));

  test('values against −[pw·y log σ(x) + (1 − y) log(1 − σ(x))], with weight and posWeight', () => {
    const xs = [[0.3, -1.5], [2, 0]];
    const ys = [[1, 0], [0.25, 1]];
    const per = xs.flatMap((r, i) => r.map((v, j) => bce(v, ys[i]![j]!)));
    close(binaryCrossEntropyWithLogits(f64(xs), f64(ys)).item(), per.reduce((s, v) => s + v) / 4);
    const pw = [3, 0.5];
    const perPw = xs.flatMap((r, i) => r.map((v, j) => bce(v, ys[i]![j]!, pw[j]!)));
    values(binaryCrossEntropyWithLogits(f64(xs), f64(ys), { posWeight: f64(pw), reduction: 'none' })).forEach((v, i) => close(v, perPw[i]!));
    const w = [[1, 2], [0, 1]];
    close(binaryCrossEntropyWithLogits(f64(xs), f64(ys), { weight: f64(w), reduction: 'sum' }).item(), per.reduce((s, v, i) => s + v * w.flat()[i]!, 0));
    gradcheck((a, b) => binaryCrossEntropyWithLogits(a!, b!, { posWeight: f64(pw), weight: f64([0.5, 2]) }), [f64(xs).requiresGrad_(), f64(ys).requiresGrad_()]);
  });

  test('stable for logits of ±1e4 (float32): exact losses, finite gradients', () => {
    const x = tensor([1e4, -1e4, 1e4, -1e4], { requiresGrad: true });
    const y = tensor([1, 0, 0, 1]);
    const losses = binaryCrossEntropyWithLogits(x, y, { posWeight: tensor([2]), reduction: 'none' });
    expect(values(losses)).toEqual([0, 0, 1e4, 2e4]);
    losses.sum().backward();
    expect(values(x.grad!)).toEqual([0, 0, 1, -2]);
  });

  test('errors', () => {
    expect(() => binaryCrossEntropyWithLogits(zeros([3]), tensor([1, 0, 1], { dtype: 'int32' }))).toThrow(/target must be float probabilities in \[0, 1\], got int32 \[3\]/);
    expect(() => binaryCrossEntropyWithLogits(zeros([3, 1]), zeros([3]))).toThrow(/binaryCrossEntropyWithLogits: input \[3,1\] and target \[3\] must have the same shape/);
    expect(() => binaryCrossEntropyWithLogits(zeros([3, 2]), zeros([3, 2]), { posWeight: zeros([3]) })).toThrow(/cannot be broadcast|does not broadcast/);
  });
});

describe('loss modules', () => {
  test('forward(input, target) calls the function; weight and pos_weight are buffers, as in PyTorch', () => {
    const x = randn([3, 4], { dtype: 'float64', random });
    const t = labels([0, 3, 1]);
    const w = f64([1, 2, 3, 4]);
    const ce = new CrossEntropyLoss({ weight: w, labelSmoothing: 0.1 });
    expect(ce.forward(x, t).item()).toBe(crossEntropy(x, t, { weight: w, labelSmoothing: 0.1 }).item());
    expect(Object.keys(ce.stateDict())).toEqual(['weight']);
    expect(new NllLoss({ reduction: 'sum' }).forward(x, t).item()).toBe(nllLoss(x, t, { reduction: 'sum' }).item());
    const y = randn([3, 4], { dtype: 'float64', random });
    expect(new MseLoss().forward(x, y).item()).toBe(mseLoss(x, y).item());
    expect(new L1Loss().forward(x, y).item()).toBe(l1Loss(x, y).item());
    expect(new SmoothL1Loss({ beta: 0.5 }).forward(x, y).item()).toBe(smoothL1Loss(x, y, { beta: 0.5 }).item());
    expect(new HuberLoss({ delta: 2 }).forward(x, y).item()).toBe(huberLoss(x, y, { delta: 2 }).item());
    const p = rand([3, 4], { dtype: 'float64', random });
    const bce = new BceWithLogitsLoss({ weight: f64([1, 1, 1, 2]), posWeight: f64([2, 2, 2, 2]) });
    expect(Object.keys(bce.stateDict())).toEqual(['weight', 'pos_weight']);
    expect(bce.forward(x, p).item()).toBe(binaryCrossEntropyWithLogits(x, p, { weight: f64([1, 1, 1, 2]), posWeight: f64([2, 2, 2, 2]) }).item());
  });
});
