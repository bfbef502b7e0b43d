/**
 * train — the loop every classification example shares: epochs of mini-batch steps with a
 * progress bar, validation accuracy after each epoch, the best model saved as a checkpoint, the
 * curves drawn into an SVG, and the best checkpoint scored on the test set at the end.
 *
 *   for each epoch:  for each batch:  loss = F.crossEntropy(model(x), y)
 *                                     zeroGrad → backward → optimizer.step → scheduler.step
 *                    validation accuracy; save the checkpoint if it is the best so far
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DataLoader, F, TensorDataset, argmax, eq, loadCheckpoint, noGrad, saveCheckpoint, slice, sum,
  type Module, type Tensor, type optim,
} from '../../src/index.js';
import { chartRow } from './plot.js';
import { ProgressBar } from './progress.js';

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
  readonly optimizer: (stepsPerEpoch: number) => { optimizer: optim.ScheduledOptimizer; scheduler: optim.LrSchedule | null };
  /** Folder for best.safetensors and curves.svg. */
  readonly out: string;
}

export interface TrainResult {
  readonly trainLoss: readonly number[];
  readonly validationAccuracy: readonly number[];
  readonly testAccuracy: number;
  readonly seconds: number;
  readonly checkpoint: string;
  readonly plot: string;
}

const rows = (t: Tensor, start: number, stop: number): Tensor => slice(t, [{ start, stop }]);

/** Accuracy on a labelled set in eval mode, 1,000 images at a time. */
export function accuracy(model: Module<[Tensor], Tensor>, set: LabelledSet): number {
  const wasTraining = model.training;
  model.eval();
  let correct = 0;
  noGrad(() => {
    for (let start = 0; start < set.labels.size; start += 1000) {
      const stop = Math.min(start + 1000, set.labels.size);
      correct += sum(eq(argmax(model.forward(rows(set.images, start, stop)), 1), rows(set.labels, start, stop))).item();
    }
  });
  if (wasTraining) model.train();
  return correct / set.labels.size;
}

/** Trains, validates, checkpoints and plots; returns the curves and the test accuracy. */
export function trainClassifier(options: TrainOptions): TrainResult {
  const { model, epochs, batchSize, seed, out } = options;
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
    for (const [images, labels] of loader) {
      const loss = F.crossEntropy(model.forward(images as Tensor), labels as Tensor);
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
      scheduler?.step();
      const value = loss.item();
      running = step === 0 && epoch === 1 ? value : 0.95 * running + 0.05 * value;
      total += value;
      bar.update(++step, `loss ${running.toFixed(4)}`);
      if (step % Math.max(1, Math.floor(loader.length / 20)) === 0) {
        lossCurve.x.push(epoch - 1 + step / loader.length);
        lossCurve.y.push(running);
      }
    }
    const valAcc = accuracy(model, options.validation);
    trainLoss.push(total / step);
    validationAccuracy.push(valAcc);
    let note = '';
    if (valAcc > best) {
      best = valAcc;
      saveCheckpoint(checkpoint, {
        model: model.stateDict(), optimizer: optimizer.stateDict(), epoch,
        ...(scheduler ? { scheduler: scheduler.stateDict() } : {}),
        extra: { validationAccuracy: valAcc },
      });
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
  const testAccuracy = accuracy(model, options.test);
  return { trainLoss, validationAccuracy, testAccuracy, seconds, checkpoint, plot };
}

/** The official MNIST training set split into 55,000 to train on and the last 5,000 to validate. */
export function splitTrainValidation(all: LabelledSet, limit?: number): { train: LabelledSet; validation: LabelledSet } {
  const n = Math.min(limit ?? 55_000, 55_000);
  return {
    train: { images: rows(all.images, 0, n), labels: rows(all.labels, 0, n) },
    validation: { images: rows(all.images, 55_000, 60_000), labels: rows(all.labels, 55_000, 60_000) },
  };
}
