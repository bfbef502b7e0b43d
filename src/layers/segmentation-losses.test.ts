import { describe, expect, test } from 'vitest';
import { randint, randn, tensor, zeros } from '../autograd/creation.js';
import { gradcheck } from '../autograd/gradcheck.js';
import { seededRandom } from '../autograd/random.js';
import { crossEntropy } from './losses.js';
import { DiceCrossEntropyLoss, DiceLoss, diceCrossEntropyLoss, diceLoss } from './segmentation-losses.js';

const int = (values: number[][]) => tensor(values, { dtype: 'int32' });

describe('diceLoss', () => {
  test('values worked out by hand and the JSDoc examples', () => {
    // Equal logits: p = ½ everywhere. Each class: I = 2·½ = 1, S = 4·½ + 2 = 4, D = 2/4: loss 0.5.
    expect(diceLoss(zeros([1, 2, 4]), int([[0, 0, 1, 1]]), { smooth: 0 }).item()).toBeCloseTo(0.5, 7);
    expect(diceCrossEntropyLoss(zeros([1, 2, 4]), int([[0, 0, 1, 1]]), { smooth: 0 }).item()).toBeCloseTo(Math.log(2) + 0.5, 6);
    // Confident and right: softmax of ±30 is one-hot to 1e-26, so D = 1 for both classes.
    const sure = tensor([[[30, 30, -30, -30], [-30, -30, 30, 30]]], { dtype: 'float64' });
    expect(diceLoss(sure, int([[0, 0, 1, 1]]), { smooth: 0 }).item()).toBeCloseTo(0, 12);
  });

  test('includeBackground and class weights change which classes are averaged', () => {
    // Logits that predict class 0 everywhere (p ≈ [1, 0, 0]); truth: [0, 0, 1, 2].
    const x = tensor([[[30, 30, 30, 30], [-30, -30, -30, -30], [-30, -30, -30, -30]]], { dtype: 'float64' });
    const y = int([[0, 0, 1, 2]]);
    // D_0 = 2·2 / (4 + 2) = 2/3; D_1 = D_2 = 0 (no overlap, smoothing 0).
    expect(diceLoss(x, y, { smooth: 0 }).item()).toBeCloseTo(1 - 2 / 9, 12);
    expect(diceLoss(x, y, { smooth: 0, includeBackground: false }).item()).toBeCloseTo(1, 12);
    expect(diceLoss(x, y, { smooth: 0, weight: tensor([2, 1, 1], { dtype: 'float64' }) }).item()).toBeCloseTo(1 - (2 * 2 / 3) / 4, 12);
  });

  test('gradcheck in float64 through softmax, on [N, C, H, W] and [N, C, L], with weights and without background', () => {
    const random = seededRandom(11);
    const x = randn([2, 3, 3, 4], { dtype: 'float64', random }).requiresGrad_();
    const y = randint(0, 3, [2, 3, 4], { random });
    expect(gradcheck((a) => diceLoss(a!, y), [x])).toBe(true);
    expect(gradcheck((a) => diceLoss(a!, y, { includeBackground: false, smooth: 0.5 }), [x])).toBe(true);
    const x1 = randn([1, 4, 6], { dtype: 'float64', random }).requiresGrad_();
    const y1 = randint(0, 4, [1, 6], { random });
    expect(gradcheck((a) => diceLoss(a!, y1, { weight: tensor([1, 2, 0.5, 1], { dtype: 'float64' }) }), [x1])).toBe(true);
    expect(gradcheck((a) => diceCrossEntropyLoss(a!, y1, { classWeight: tensor([1, 2, 0.5, 1], { dtype: 'float64' }), ceWeight: 0.7, diceWeight: 2 }), [x1])).toBe(true);
  });

  test('diceCrossEntropyLoss is the weighted sum of its two terms; the modules agree with the functions', () => {
    const random = seededRandom(12);
    const x = randn([2, 4, 5, 5], { dtype: 'float64', random });
    const y = randint(0, 4, [2, 5, 5], { random });
    const w = tensor([0.2, 1, 1.5, 1], { dtype: 'float64' });
    const expected = 0.5 * crossEntropy(x, y, { weight: w }).item() + 2 * diceLoss(x, y).item();
    expect(diceCrossEntropyLoss(x, y, { classWeight: w, ceWeight: 0.5, diceWeight: 2 }).item()).toBeCloseTo(expected, 12);
    expect(new DiceCrossEntropyLoss({ classWeight: w, ceWeight: 0.5, diceWeight: 2 }).forward(x, y).item()).toBeCloseTo(expected, 12);
    expect(new DiceLoss({ smooth: 0 }).forward(x, y).item()).toBe(diceLoss(x, y, { smooth: 0 }).item());
    expect(Object.keys(new DiceCrossEntropyLoss({ classWeight: w }).stateDict())).toEqual(['classWeight']);
  });

  test('errors name the loss and the shapes', () => {
    const x = zeros([2, 3, 4, 4]);
    expect(() => diceLoss(x, zeros([2, 4, 4]))).toThrow('diceLoss: target must be int32 classes [2,4,4] for input [2,3,4,4], got float32 [2,4,4]');
    expect(() => diceLoss(x, randint(0, 3, [2, 4, 5]))).toThrow(RangeError);
    expect(() => diceLoss(x, tensor([[[0, 3, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]], [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]], { dtype: 'int32' })))
      .toThrow('diceLoss: label 3 at flat index 1 is out of range for 3 classes (input [2,3,4,4])');
    expect(() => diceLoss(x, randint(0, 3, [2, 4, 4]), { weight: tensor([1, 2]) })).toThrow('diceLoss: weight must be [3] (one per class) for input [2,3,4,4], got [2]');
    expect(() => diceCrossEntropyLoss(x, randint(0, 3, [2, 4, 4]), { ceWeight: -1 })).toThrow('diceCrossEntropyLoss: ceWeight must be a finite number ≥ 0, got -1');
  });
});
