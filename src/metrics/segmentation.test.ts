/**
 * Segmentation metrics: hand-computed cases, and parity with scikit-learn 1.2 on flattened label
 * maps (src/metrics/fixtures/sklearn-segmentation.json, from
 * scripts/make-segmentation-metrics-fixtures.py): counts exactly, ratios to rtol 1e-12.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { tensor } from '../autograd/creation.js';
import { SegmentationMetrics, diceScore, iou, meanIou, pixelAccuracy, scoresFromConfusion, segmentationConfusionMatrix } from './segmentation.js';

interface Fixture {
  readonly sklearn: string;
  readonly datasets: Record<string, { numClasses: number; shape: number[]; yTrue: number[]; yPred: number[]; ignoreIndex?: number }>;
  readonly cases: Record<string, { confusion: number[][]; iou: number[]; dice: number[]; meanIou: number; meanDice: number; pixelAccuracy: number }>;
}
const FIXTURE = JSON.parse(readFileSync(new URL('./fixtures/sklearn-segmentation.json', import.meta.url), 'utf8')) as Fixture;

const closeAll = (actual: readonly number[], expected: readonly number[]): void => {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => expect(Math.abs(v - expected[i]!), `class ${i}: ${v} vs ${expected[i]}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected[i]!))));
};

describe('segmentation metrics', () => {
  test('a 3×3 map worked out by hand', () => {
    // truth        prediction
    //   0 0 1        0 1 1
    //   0 2 1        0 2 2
    //   0 2 2        0 0 2
    const t = [0, 0, 1, 0, 2, 1, 0, 2, 2];
    const p = [0, 1, 1, 0, 2, 2, 0, 0, 2];
    // Class 0: TP 3, FP 1 (a 2 read as 0), FN 1 (a 0 read as 1) → IoU 3/5, Dice 6/8.
    // Class 1: TP 1, FP 1, FN 1 → IoU 1/3, Dice 2/4. Class 2: TP 2, FP 1, FN 1 → IoU 2/4, Dice 4/6.
    expect(segmentationConfusionMatrix(t, p, 3)).toEqual([[3, 1, 0], [0, 1, 1], [1, 0, 2]]);
    closeAll(iou(t, p, 3), [3 / 5, 1 / 3, 1 / 2]);
    closeAll(diceScore(t, p, 3), [6 / 8, 2 / 4, 4 / 6]);
    expect(meanIou(t, p, 3)).toBeCloseTo((3 / 5 + 1 / 3 + 1 / 2) / 3, 15);
    expect(pixelAccuracy(t, p, 3)).toBeCloseTo(6 / 9, 15);
    // Dice = 2·IoU / (1 + IoU) for every class.
    iou(t, p, 3).forEach((j, c) => expect(diceScore(t, p, 3)[c]).toBeCloseTo((2 * j) / (1 + j), 15));
  });

  test('the JSDoc examples', () => {
    expect(segmentationConfusionMatrix([0, 0, 1, 1], [0, 1, 1, 1], 2)).toEqual([[1, 1], [0, 2]]);
    closeAll(iou([0, 0, 1, 1], [0, 1, 1, 1], 2), [0.5, 2 / 3]);
    expect(meanIou([0, 0, 1, 1], [0, 1, 1, 1], 3)).toBeCloseTo((0.5 + 2 / 3) / 2, 15);
    closeAll(diceScore([0, 0, 1, 1], [0, 1, 1, 1], 2), [2 / 3, 0.8]);
    expect(pixelAccuracy([0, 0, 1, 1], [0, 1, 1, 1], 2)).toBe(0.75);
    closeAll(scoresFromConfusion([[2, 1], [0, 1]]).iou, [2 / 3, 0.5]);
    closeAll(new SegmentationMetrics(2).update([0, 1, 1], [0, 1, 0]).compute().iou, [0.5, 0.5]);
  });

  test('a class absent from truth and prediction is 0 per class but left out of the means', () => {
    const scores = new SegmentationMetrics(3).update([0, 1, 1, 0], [0, 1, 0, 0]).compute();
    closeAll(scores.iou, [2 / 3, 1 / 2, 0]);
    expect(scores.meanIou).toBeCloseTo((2 / 3 + 1 / 2) / 2, 15);
    expect(new SegmentationMetrics(3, { zeroDivision: Number.NaN }).update([0], [0]).compute().iou[2]).toBeNaN();
    expect(new SegmentationMetrics(2).compute().meanIou).toBeNaN();
  });

  test('accumulating batch by batch equals one pass; tensors of any shape are accepted; reset forgets', () => {
    const d = FIXTURE.datasets['noisy']!;
    const whole = new SegmentationMetrics(d.numClasses).update(d.yTrue, d.yPred);
    const byBatch = new SegmentationMetrics(d.numClasses);
    const [n, h, w] = d.shape as [number, number, number];
    for (let i = 0; i < n; i++) {
      const rows = (a: number[]) => tensor(a.slice(i * h * w, (i + 1) * h * w), { dtype: 'int32' }).reshape([1, h, w]);
      byBatch.update(rows(d.yTrue), rows(d.yPred));
    }
    expect(byBatch.confusion).toEqual(whole.confusion);
    expect(byBatch.reset().confusion.flat().every((v) => v === 0)).toBe(true);
  });

  for (const [name, expected] of Object.entries(FIXTURE.cases)) {
    test(`matches scikit-learn ${FIXTURE.sklearn}: ${name}`, () => {
      const d = FIXTURE.datasets[name]!;
      const options = d.ignoreIndex === undefined ? {} : { ignoreIndex: d.ignoreIndex };
      for (const asTensor of [false, true]) {
        const wrap = (a: number[]) => (asTensor ? tensor(a, { dtype: 'int32' }).reshape(d.shape) : a);
        const scores = new SegmentationMetrics(d.numClasses, options).update(wrap(d.yTrue), wrap(d.yPred)).compute();
        expect(scores.confusion).toEqual(expected.confusion);
        closeAll(scores.iou, expected.iou);
        closeAll(scores.dice, expected.dice);
        closeAll([scores.meanIou, scores.meanDice, scores.pixelAccuracy], [expected.meanIou, expected.meanDice, expected.pixelAccuracy]);
      }
    });
  }

  test('errors name the function and the offending value', () => {
    const m = new SegmentationMetrics(3);
    expect(() => m.update([0, 1], [0])).toThrow('SegmentationMetrics.update: yTrue has 2 labels but yPred has 1');
    expect(() => m.update([0, 3], [0, 1])).toThrow('SegmentationMetrics.update: yTrue[1] = 3 is not a class in 0…2');
    expect(() => m.update([0, 1], [0, 1.5])).toThrow('SegmentationMetrics.update: yPred[1] = 1.5 is not a class in 0…2');
    expect(() => m.update(tensor([0, 1]), [0, 1])).toThrow('SegmentationMetrics.update: yTrue must be an int32 tensor of class labels, got float32 [2]');
    expect(() => m.update(tensor([0, 1], { dtype: 'int32' }), tensor([[0], [1]], { dtype: 'int32' }))).toThrow('differ in shape');
    expect(() => new SegmentationMetrics(0)).toThrow('SegmentationMetrics: numClasses must be a positive integer, got 0');
    expect(() => scoresFromConfusion([[1, 2]])).toThrow('scoresFromConfusion: the matrix must be square and non-empty');
  });
});
