/**
 * Segmentation metrics — every pixel is a sample, and everything follows from one confusion matrix
 * M (rows: true class, columns: predicted class, as sklearn's `confusion_matrix`). For class c:
 *   TP = M[c][c]   FP = Σ_i M[i][c] − TP   FN = Σ_j M[c][j] − TP
 *   IoU_c  = TP / (TP + FP + FN)      (Jaccard index: |A ∩ B| / |A ∪ B|; sklearn's jaccard_score)
 *   Dice_c = 2·TP / (2·TP + FP + FN)  (= F1 of the class; Dice = 2·IoU / (1 + IoU))
 *   pixel accuracy = Σ_c TP / Σ M
 * mean IoU (mIoU) averages IoU over the classes whose denominator is not zero — the classes that
 * occur in the truth or the prediction — as the usual segmentation benchmarks do; a class that
 * never occurs is not counted as 0. Per-class values with a zero denominator are `zeroDivision`
 * (0 by default, sklearn's). `ignoreIndex` drops pixels whose true label equals it.
 * Large label maps are counted in one pass over Int32Arrays; `SegmentationMetrics` accumulates
 * the matrix batch by batch, so 1,000 scenes never need to be held at once.
 */
import { Tensor } from '../autograd/tensor.js';

/** Class labels of any shape: an int32 Tensor, a typed array or a number[]. */
export type LabelMap = Tensor | ArrayLike<number>;

/** Options of the segmentation metrics: a label to ignore, and the value of a ratio over zero. */
export interface SegmentationOptions {
  /** Pixels whose true label is this are skipped (default: none). */
  readonly ignoreIndex?: number;
  /** The value of a per-class ratio whose denominator is zero (default 0). */
  readonly zeroDivision?: number;
}

/** Everything the metrics report for one confusion matrix. */
export interface SegmentationScores {
  readonly confusion: number[][];
  readonly iou: number[];
  readonly meanIou: number;
  readonly dice: number[];
  readonly meanDice: number;
  readonly pixelAccuracy: number;
  /** True pixels per class. */
  readonly support: number[];
}

function labels(x: LabelMap, where: string, name: string): ArrayLike<number> {
  if (x instanceof Tensor) {
    if (x.dtype !== 'int32') throw new TypeError(`${where}: ${name} must be an int32 tensor of class labels, got ${x.dtype} [${x.shape.join(',')}]`);
    return x.dataSync();
  }
  if (x === null || typeof x !== 'object' || typeof x.length !== 'number') throw new TypeError(`${where}: ${name} must be a Tensor or an array of labels`);
  return x;
}

function checkClasses(numClasses: number, where: string): void {
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new RangeError(`${where}: numClasses must be a positive integer, got ${numClasses}`);
}

/**
 * Accumulates a segmentation confusion matrix over batches of label maps.
 * @example const m = new SegmentationMetrics(2); m.update([0, 1, 1], [0, 1, 0]); m.compute().iou  // [0.5, 0.5]
 */
export class SegmentationMetrics {
  readonly numClasses: number;
  readonly options: SegmentationOptions;
  readonly #counts: Float64Array;

  constructor(numClasses: number, options: SegmentationOptions = {}) {
    checkClasses(numClasses, 'SegmentationMetrics');
    this.numClasses = numClasses;
    this.options = { ...options };
    this.#counts = new Float64Array(numClasses * numClasses);
  }

  /** Adds the pixels of one batch (any shape; yTrue and yPred must have as many values). */
  update(yTrue: LabelMap, yPred: LabelMap): this {
    const where = 'SegmentationMetrics.update';
    if (yTrue instanceof Tensor && yPred instanceof Tensor && yTrue.shape.join() !== yPred.shape.join()) {
      throw new RangeError(`${where}: yTrue [${yTrue.shape.join(',')}] and yPred [${yPred.shape.join(',')}] differ in shape`);
    }
    const t = labels(yTrue, where, 'yTrue');
    const p = labels(yPred, where, 'yPred');
    if (t.length !== p.length) throw new RangeError(`${where}: yTrue has ${t.length} labels but yPred has ${p.length}`);
    const C = this.numClasses;
    const { ignoreIndex } = this.options;
    for (let i = 0; i < t.length; i++) {
      const truth = t[i]!;
      if (truth === ignoreIndex) continue;
      const guess = p[i]!;
      if (!(Number.isInteger(truth) && truth >= 0 && truth < C)) throw new RangeError(`${where}: yTrue[${i}] = ${truth} is not a class in 0…${C - 1}`);
      if (!(Number.isInteger(guess) && guess >= 0 && guess < C)) throw new RangeError(`${where}: yPred[${i}] = ${guess} is not a class in 0…${C - 1}`);
      this.#counts[truth * C + guess]! += 1;
    }
    return this;
  }

  /** Forgets every pixel counted so far. */
  reset(): this {
    this.#counts.fill(0);
    return this;
  }

  /** The confusion matrix so far: rows are true classes, columns predicted ones. */
  get confusion(): number[][] {
    const C = this.numClasses;
    return Array.from({ length: C }, (_, i) => Array.from(this.#counts.subarray(i * C, (i + 1) * C)));
  }

  compute(): SegmentationScores {
    return scoresFromConfusion(this.confusion, this.options);
  }
}

/**
 * IoU, Dice, their means, pixel accuracy and support from a square confusion matrix.
 * @example scoresFromConfusion([[2, 1], [0, 1]]).iou  // [0.6666…, 0.5]
 */
export function scoresFromConfusion(confusion: readonly (readonly number[])[], options: SegmentationOptions = {}): SegmentationScores {
  const { zeroDivision = 0 } = options;
  const C = confusion.length;
  if (C === 0 || confusion.some((row) => row.length !== C)) throw new RangeError(`scoresFromConfusion: the matrix must be square and non-empty, got ${C} rows of lengths [${confusion.map((r) => r.length).join(', ')}]`);
  const tp = confusion.map((row, c) => row[c]!);
  const support = confusion.map((row) => row.reduce((a, b) => a + b, 0));
  const predicted = confusion[0]!.map((_, c) => confusion.reduce((a, row) => a + row[c]!, 0));
  const union = tp.map((x, c) => support[c]! + predicted[c]! - x); //      TP + FP + FN
  const iou = tp.map((x, c) => (union[c] === 0 ? zeroDivision : x / union[c]!));
  const dice = tp.map((x, c) => (union[c]! + x === 0 ? zeroDivision : (2 * x) / (union[c]! + x)));
  const present = union.map((u) => u > 0);
  const meanOver = (values: number[]): number => {
    const kept = values.filter((_, c) => present[c]);
    return kept.length === 0 ? Number.NaN : kept.reduce((a, b) => a + b, 0) / kept.length;
  };
  const total = support.reduce((a, b) => a + b, 0);
  const correct = tp.reduce((a, b) => a + b, 0);
  return {
    confusion: confusion.map((row) => [...row]),
    iou, meanIou: meanOver(iou), dice, meanDice: meanOver(dice),
    pixelAccuracy: total === 0 ? Number.NaN : correct / total,
    support,
  };
}

/**
 * The segmentation confusion matrix of two label maps over `numClasses` classes.
 * @example segmentationConfusionMatrix([0, 0, 1, 1], [0, 1, 1, 1], 2)  // [[1, 1], [0, 2]]
 */
export function segmentationConfusionMatrix(yTrue: LabelMap, yPred: LabelMap, numClasses: number, options: SegmentationOptions = {}): number[][] {
  return new SegmentationMetrics(numClasses, options).update(yTrue, yPred).confusion;
}

/**
 * Intersection over union of each class: TP / (TP + FP + FN).
 * @example iou([0, 0, 1, 1], [0, 1, 1, 1], 2)  // [0.5, 0.6666…]
 */
export function iou(yTrue: LabelMap, yPred: LabelMap, numClasses: number, options: SegmentationOptions = {}): number[] {
  return new SegmentationMetrics(numClasses, options).update(yTrue, yPred).compute().iou;
}

/**
 * The mean IoU over the classes present in the truth or the prediction.
 * @example meanIou([0, 0, 1, 1], [0, 1, 1, 1], 3)  // 0.5833… (class 2 never occurs)
 */
export function meanIou(yTrue: LabelMap, yPred: LabelMap, numClasses: number, options: SegmentationOptions = {}): number {
  return new SegmentationMetrics(numClasses, options).update(yTrue, yPred).compute().meanIou;
}

/**
 * The Dice score (F1) of each class: 2·TP / (2·TP + FP + FN).
 * @example diceScore([0, 0, 1, 1], [0, 1, 1, 1], 2)  // [0.6666…, 0.8]
 */
export function diceScore(yTrue: LabelMap, yPred: LabelMap, numClasses: number, options: SegmentationOptions = {}): number[] {
  return new SegmentationMetrics(numClasses, options).update(yTrue, yPred).compute().dice;
}

/**
 * The fraction of (not ignored) pixels whose predicted class is the true one.
 * @example pixelAccuracy([0, 0, 1, 1], [0, 1, 1, 1], 2)  // 0.75
 */
export function pixelAccuracy(yTrue: LabelMap, yPred: LabelMap, numClasses: number, options: SegmentationOptions = {}): number {
  return new SegmentationMetrics(numClasses, options).update(yTrue, yPred).compute().pixelAccuracy;
}
