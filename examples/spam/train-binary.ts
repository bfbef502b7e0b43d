/**
 * trainBinary — the training loop every model of the spam example shares: minibatches of a
 * seeded shuffle, Adam, one logit per mail, and early stopping on the validation slice.
 *
 *   loss 'bce'       binary cross-entropy on logits
 *        'weighted'  the same with scikit-learn's balanced class weights w_c = n / (2·n_c), per mail
 *        'focal'     the focal loss of Lin et al. (2017) with their α = 0.25, γ = 2
 * After each epoch the same loss is measured on the validation slice; training stops when it
 * has not improved for `patience` epochs, and the weights of the best epoch are restored. The
 * model decides how a batch of mails becomes tensors (`batch`), so any architecture plugs in.
 * Given the mails' lengths, batches are bucketed: each window of 32 batches of the shuffled
 * order is sorted by length before it is cut, so a batch pads to similar lengths (a mail has
 * 5 to 3,000 distinct words), and the batches are then shuffled again. On the webgpu backend the
 * model moves to the device first; a step reads nothing back, and an epoch's validation losses
 * come back together, in one wait.
 */
import { computeClassWeight } from '../../src/data/class-weight.js';
import { randomPermutation } from '../../src/data/dataset.js';
import { getBackend, noGrad, optim, scope, seededRandom, tensor, type Module, type Tensor } from '../../src/index.js';
import { sigmoidFocalLoss } from '../../src/autograd/ops/focal-loss.js';
import { binaryCrossEntropyWithLogits } from '../../src/layers/losses.js';

export type LossKind = 'bce' | 'weighted' | 'focal';
export const LOSS_KINDS: readonly LossKind[] = ['bce', 'weighted', 'focal'];

export interface BinaryTrainOptions<Batch extends readonly Tensor[]> {
  readonly model: Module<[...Batch], Tensor>;
  /** The tensors of the mails with these indices (of the fit or the validation set). */
  readonly batch: (set: 'fit' | 'validation', ids: readonly number[]) => Batch;
  readonly fitLabels: Int32Array;
  readonly validationLabels: Int32Array;
  readonly loss: LossKind;
  readonly lr: number;
  readonly batchSize: number;
  readonly maxEpochs: number;
  readonly patience: number;
  readonly seed: number;
  /** Lengths of the mails (e.g. words present) for bucketing; without them batches are plain slices of the shuffle. */
  readonly lengths?: { readonly fit: Int32Array; readonly validation: Int32Array };
  readonly log: (line: string) => void;
}

export interface BinaryTrainResult {
  /** The epoch whose weights were kept. */
  readonly bestEpoch: number;
  readonly epochsRun: number;
  readonly validationLoss: number[];
  readonly seconds: number;
}

/** trainBinary's options that say how to train rather than what. */
export type Schedule = Pick<BinaryTrainOptions<[]>, 'loss' | 'lr' | 'batchSize' | 'maxEpochs' | 'patience' | 'seed' | 'log'>;

/** The schedule a model's settings give trainBinary; the run adds the loss, seed and log, and may cap the epochs. */
export function scheduleOf(
  settings: { readonly lr: number; readonly batchSize: number; readonly maxEpochs: number; readonly patience: number },
  run: { readonly loss: LossKind; readonly seed: number; readonly maxEpochs?: number; readonly log: (line: string) => void },
): Schedule {
  const { lr, batchSize, patience } = settings;
  return { loss: run.loss, lr, batchSize, maxEpochs: Math.min(settings.maxEpochs, run.maxEpochs ?? Infinity), patience, seed: run.seed, log: run.log };
}

/** The chosen loss of logits [B] against 0/1 labels, mean over the batch. */
function lossOf(kind: LossKind, logits: Tensor, labels: readonly number[], classWeight: readonly number[]): Tensor {
  const target = tensor(labels, { dtype: logits.dtype });
  switch (kind) {
    case 'bce':
      return binaryCrossEntropyWithLogits(logits, target);
    case 'weighted':
      return binaryCrossEntropyWithLogits(logits, target, { weight: tensor(labels.map((l) => classWeight[l]!), { dtype: logits.dtype }) });
    case 'focal':
      return sigmoidFocalLoss(logits, target, { alpha: 0.25, gamma: 2, reduction: 'mean' });
    default: {
      const never: never = kind;
      throw new RangeError(`trainBinary: unknown loss ${String(never)}`);
    }
  }
}

/** Consecutive slices of `order`, `size` at a time. */
function slices(order: readonly number[], size: number): number[][] {
  return Array.from({ length: Math.ceil(order.length / size) }, (_, b) => order.slice(b * size, (b + 1) * size));
}

/** All indices sorted by length (or in order), cut into batches: for evaluation, where order does not matter. */
export function lengthSortedBatches(n: number, lengths: Int32Array | undefined, size: number): number[][] {
  const order = Array.from({ length: n }, (_, i) => i);
  if (lengths) order.sort((a, b) => lengths[a]! - lengths[b]!);
  return slices(order, size);
}

/**
 * The logits of `n` texts, scored in batches (`batches[k]` the text indices of `scored[k]`, a
 * tensor [batch]): all batches are read together, one wait on a device, then freed.
 */
export async function gatherLogits(n: number, batches: readonly (readonly number[])[], scored: readonly Tensor[]): Promise<Float64Array> {
  const values = await Promise.all(scored.map((z) => z.data()));
  scored.forEach((z) => z.dispose());
  const out = new Float64Array(n);
  batches.forEach((ids, b) => ids.forEach((i, k) => (out[i] = values[b]![k]!)));
  return out;
}

/** One epoch's batches: a seeded shuffle, bucketed by length in windows of 32 batches when lengths are given. */
function shuffledBatches(n: number, lengths: Int32Array | undefined, size: number, random: () => number): number[][] {
  const order = Array.from(randomPermutation(n, random));
  if (!lengths) return slices(order, size);
  const batches = slices(order, 32 * size).flatMap((window) => slices(window.sort((a, b) => lengths[a]! - lengths[b]!), size));
  return Array.from(randomPermutation(batches.length, random), (k) => batches[k]!);
}

/** Trains `model` in place and leaves it in eval mode with its best weights. */
export async function trainBinary<Batch extends readonly Tensor[]>(options: BinaryTrainOptions<Batch>): Promise<BinaryTrainResult> {
  const { model, batch, fitLabels, validationLabels, loss, lr, batchSize, maxEpochs, patience, seed, log } = options;
  const started = performance.now();
  if (getBackend() === 'webgpu') await model.to('webgpu'); //                     parameters live on the device from now on
  const classWeight = computeClassWeight('balanced', fitLabels, [0, 1]);
  const optimizer = new optim.Adam(model.parameters(), { lr });
  const random = seededRandom(seed);
  const validationBatches = lengthSortedBatches(validationLabels.length, options.lengths?.validation, batchSize);
  const validationLoss: number[] = [];
  let best = Infinity;
  let bestEpoch = 0;
  let bestState = model.stateDict();
  for (let epoch = 1; epoch <= maxEpochs; epoch++) {
    model.train();
    for (const ids of shuffledBatches(fitLabels.length, options.lengths?.fit, batchSize, random)) {
      scope(() => { //                                                            frees the step's temporaries
        const out = lossOf(loss, model.forward(...batch('fit', ids)), ids.map((i) => fitLabels[i]!), classWeight);
        optimizer.zeroGrad();
        out.backward();
        optimizer.step();
      });
    }
    model.eval();
    const losses = validationBatches.map((ids) => scope(() => noGrad(() => lossOf(loss, model.forward(...batch('validation', ids)), ids.map((i) => validationLabels[i]!), classWeight))));
    const values = await Promise.all(losses.map((l) => l.itemAsync())); //          one wait for the epoch's batches
    losses.forEach((l) => l.dispose());
    const total = validationBatches.reduce((sum, ids, k) => sum + ids.length * values[k]!, 0);
    const value = total / validationLabels.length;
    validationLoss.push(value);
    if (value < best) {
      best = value;
      bestEpoch = epoch;
      bestState = model.stateDict(); //                                           detached copies
    }
    log(`    epoch ${epoch}: validation ${loss} loss ${value.toFixed(4)}${epoch === bestEpoch ? ' (best)' : ''} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
    if (epoch - bestEpoch >= patience) break;
  }
  model.loadStateDict(bestState);
  model.eval();
  return { bestEpoch, epochsRun: validationLoss.length, validationLoss, seconds: (performance.now() - started) / 1000 };
}
