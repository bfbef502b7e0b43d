/**
 * train — the loop every classification example shares: epochs of mini-batch steps with a
 * progress bar, validation accuracy after each epoch, the best model saved as a checkpoint, the
 * curves drawn into an SVG, and the best checkpoint scored on the test set at the end.
 *
 *   for each epoch:  for each batch:  loss = F.crossEntropy(model(x), y)
 *                                     zeroGrad → backward → optimizer.step → scheduler.step
 *                    validation accuracy; save the checkpoint if it is the best so far
 *
 * Async, so that it runs on every backend: on webgpu the model moves to the device and values
 * come back with `await` — the losses ten steps at a time (one wait for ten steps), each step
 * inside `scope()` so its temporaries are freed when it ends (docs/webgpu.md).
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DataLoader, F, TensorDataset, argmax, getBackend, loadCheckpoint, noGrad, saveCheckpoint, scope, slice, toHost,
  optim, type Module, type Tensor,
} from '../../src/node.js';
import { chartRow } from '../../src/utils/index.js';
import { ProgressBar } from '../../src/utils/index.js';

export interface LabelledSet {
  readonly images: Tensor;
  readonly labels: Tensor;
}

export interface TrainOptions {
  readonly model: Module<[Tensor], Tensor>;
  readonly train: LabelledSet;
  readonly validation: LabelledSet;
  readonly test: LabelledSet;
  readonly epochs: number;
  readonly batchSize: number;
  readonly seed: number;
  /** Builds the optimizer and schedule once the number of steps per epoch is known. */
  readonly optimizer: (stepsPerEpoch: number) => { optimizer: optim.ScheduledOptimizer; scheduler: optim.SteppedScheduler | null };
  /** Folder for best.safetensors and curves.svg. */
  readonly out: string;
  /** Optional: transforms each training batch before the forward pass (data augmentation). */
  readonly augment?: (images: Tensor) => Tensor;
  /** Optional: images per forward pass when scoring the validation and test sets (default 1,000). */
  readonly evalBatchSize?: number;
}

export interface TrainResult {
  readonly trainLoss: readonly number[];
  readonly validationAccuracy: readonly number[];
  readonly testAccuracy: number;
  readonly seconds: number;
  readonly checkpoint: string;
  readonly plot: string;
  /** The best checkpoint's predicted class for each test image (for a confusion matrix). */
  readonly testPredictions: Int32Array;
}

const rows = (t: Tensor, start: number, stop: number): Tensor => slice(t, [{ start, stop }]);

/** Accuracy on a labelled set in eval mode, `batchSize` (default 1,000) images at a time. */
export async function accuracy(model: Module<[Tensor], Tensor>, set: LabelledSet, batchSize = 1000): Promise<number> {
  const predicted = await predict(model, set.images, batchSize);
  const labels = set.labels.storage;
  let correct = 0;
  for (let i = 0; i < predicted.length; i++) if (predicted[i] === labels[i]) correct++;
  return correct / set.labels.numel();
}

/** The predicted class (argmax of the logits) of each image, in eval mode under noGrad. */
export async function predict(model: Module<[Tensor], Tensor>, images: Tensor, batchSize = 1000): Promise<Int32Array> {
  const wasTraining = model.training;
  model.eval();
  const n = images.shape[0] ?? 0;
  const out = new Int32Array(n);
  for (let start = 0; start < n; start += batchSize) {
    const stop = Math.min(start + batchSize, n);
    const classes = scope(() => noGrad(() => argmax(model.forward(rows(images, start, stop)), 1)));
    out.set(await classes.data(), start);
    classes.dispose();
  }
  if (wasTraining) model.train();
  return out;
}

/** Trains, validates, checkpoints and plots; returns the curves and the test accuracy. */
export async function trainClassifier(options: TrainOptions): Promise<TrainResult> {
  const { model, epochs, batchSize, seed, out } = options;
  if (getBackend() === 'webgpu') await model.to('webgpu'); // parameters live on the device from now on
  const loader = new DataLoader(new TensorDataset(options.train.images, options.train.labels), { batchSize, shuffle: true, seed });
  const { optimizer, scheduler } = options.optimizer(loader.length);
  mkdirSync(out, { recursive: true });
  const checkpoint = join(out, 'best.safetensors');
  const plot = join(out, 'curves.svg');
  const trainLoss: number[] = [];
  const lossCurve: { x: number[]; y: number[] } = { x: [], y: [] }; // running loss, ~20 points per epoch
  const validationAccuracy: number[] = [];
  let best = -1;
  let running = 0; // exponential moving average of the loss, carried across epochs
  const started = performance.now();
  model.train();

  for (let epoch = 1; epoch <= epochs; epoch++) {
    const bar = new ProgressBar(loader.length, { label: `epoch ${epoch}/${epochs} `, samplesPerStep: batchSize });
    let total = 0;
    let step = 0;
    let pending: Tensor[] = []; // losses not read yet: read ten at a time, one wait for all
    const readLosses = async (): Promise<void> => {
      const values = await Promise.all(pending.map((l) => l.itemAsync()));
      for (const l of pending) l.dispose();
      pending = [];
      for (const value of values) {
        running = step === 0 && epoch === 1 ? value : 0.95 * running + 0.05 * value;
        total += value;
        bar.update(++step, `loss ${running.toFixed(4)}`);
        if (step % Math.max(1, Math.floor(loader.length / 20)) === 0) {
          lossCurve.x.push(epoch - 1 + step / loader.length);
          lossCurve.y.push(running);
        }
      }
    };
    for (const [images, labels] of loader) {
      pending.push(scope(() => {
        const input = options.augment ? options.augment(images as Tensor) : (images as Tensor);
        const loss = F.crossEntropy(model.forward(input), labels as Tensor);
        optimizer.zeroGrad();
        loss.backward();
        optimizer.step();
        scheduler?.step();
        return loss;
      }));
      if (pending.length === 10) await readLosses();
    }
    await readLosses();
    const valAcc = await accuracy(model, options.validation, options.evalBatchSize);
    trainLoss.push(total / step);
    validationAccuracy.push(valAcc);
    let note = '';
    if (valAcc > best) {
      best = valAcc;
      saveCheckpoint(checkpoint, await toHost({ // host copies: a device tensor cannot be read synchronously
        model: model.stateDict(), optimizer: optimizer.stateDict(), epoch,
        ...(scheduler ? { scheduler: scheduler.stateDict() } : {}),
        extra: { validationAccuracy: valAcc },
      }));
      note = `  (best so far, saved to ${checkpoint})`;
    }
    console.log(`epoch ${epoch}: mean training loss ${(total / step).toFixed(4)}, validation accuracy ${(100 * valAcc).toFixed(2)}%${note}`);
  }
  const seconds = (performance.now() - started) / 1000;

  const svg = chartRow([
    {
      title: 'training loss', xLabel: 'epoch', yLabel: 'cross-entropy', logY: true,
      series: [{ name: 'running', x: lossCurve.x, y: lossCurve.y }, { name: 'epoch mean', x: trainLoss.map((_, i) => i + 1), y: trainLoss }],
    },
    { title: 'validation accuracy', series: [{ name: 'validation', y: validationAccuracy }], xLabel: 'epoch', yLabel: 'accuracy' },
  ]);
  writeFileSync(`${plot}.tmp`, svg); // written whole, then renamed: never a half-written file
  renameSync(`${plot}.tmp`, plot);
  console.log(`curves: ${plot}`);

  model.loadStateDict(loadCheckpoint(checkpoint).model);
  const testPredictions = await predict(model, options.test.images, options.evalBatchSize);
  const testLabels = options.test.labels.storage;
  let correct = 0;
  for (let i = 0; i < testPredictions.length; i++) if (testPredictions[i] === testLabels[i]) correct++;
  const testAccuracy = correct / Math.max(1, testPredictions.length);
  return { trainLoss, validationAccuracy, testAccuracy, seconds, checkpoint, plot, testPredictions };
}

/**
 * The official MNIST training set split into 55,000 to train on and the last 5,000 to validate
 * (`limit`: the first N of the 55,000; `evalLimit`: the first N of the 5,000).
 */
export function splitTrainValidation(all: LabelledSet, limit?: number, evalLimit?: number): { train: LabelledSet; validation: LabelledSet } {
  const n = Math.min(limit ?? 55_000, 55_000);
  const v = Math.min(evalLimit ?? 5_000, 5_000);
  return {
    train: { images: rows(all.images, 0, n), labels: rows(all.labels, 0, n) },
    validation: { images: rows(all.images, 55_000, 55_000 + v), labels: rows(all.labels, 55_000, 55_000 + v) },
  };
}

/** The first `limit` images of a set (all of them when `limit` is undefined). */
export function firstRows(set: LabelledSet, limit?: number): LabelledSet {
  if (limit === undefined) return set;
  const n = Math.min(limit ?? Infinity, set.labels.shape[0] ?? 0);
  return { images: rows(set.images, 0, n), labels: rows(set.labels, 0, n) };
}

/** Adam with a one-cycle schedule peaking at `lr`, the recipe of the MNIST examples. */
export function adamOneCycle(model: Module<[Tensor], Tensor>, lr: number, epochs: number): TrainOptions['optimizer'] {
  return (stepsPerEpoch) => {
    const optimizer = new optim.Adam(model.parameters(), { lr });
    const scheduler = new optim.OneCycleLR(optimizer, { maxLr: lr, totalSteps: epochs * stepsPerEpoch });
    return { optimizer, scheduler };
  };
}

/** The closing line of a training example. */
export function reportTest(result: TrainResult, testSize: number): void {
  console.log(`test accuracy of the best checkpoint: ${(100 * result.testAccuracy).toFixed(2)}% on ${testSize} images (training ${(result.seconds / 60).toFixed(1)} min)`);
}
