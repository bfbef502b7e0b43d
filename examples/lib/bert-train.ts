/**
 * bert-train — the two training loops of the sentiment example, BERT's recipe (Devlin et al.
 * 2019, Appendix A): AdamW with weight decay on the matrices only (not on biases and LayerNorm),
 * a linear warm-up then a linear decay to 0, gradients clipped to norm 1, length-bucketed batches.
 *
 *   pretrainMlm       steps of masked-language modelling: maskTokens (15%, 80/10/10), the head
 *                     on the masked rows only, cross-entropy against the original tokens
 *   fineTune          epochs of classification, validation accuracy a few times an epoch, the
 *                     best model saved (model.safetensors + config.json, Hugging Face's layout)
 *   evaluate          predictions and P(positive) in eval mode, batches sorted by length
 * Each phase counts its real (unpadded) tokens and its seconds: tokens/s per phase. The loops are
 * asynchronous so that they run on any backend: on webgpu the model moves to the device, the
 * losses come back ten steps at a time, an evaluation's probabilities in one wait, and the best
 * model is copied to the host to be saved.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  F, getBackend, noGrad, optim, saveSafetensors, scope, softmax, text, toHost, type Module, type Parameter, type Random, type Tensor,
} from '../../src/node.js';
import { bertConfigToHuggingFace } from '../../src/models/bert-config.js';
import type { BertForMaskedLM, BertForSequenceClassification } from '../../src/models/bert-heads.js';
import { batches, type EncodedSplit } from './imdb-text.js';
import { ProgressBar } from '../../src/utils/index.js';

export interface PhaseStats {
  readonly steps: number;
  /** Real tokens seen (padding not counted). */
  readonly tokens: number;
  readonly seconds: number;
  readonly tokensPerSecond: number;
}

export interface Schedule {
  readonly lr: number;
  /** Share of the steps spent warming up linearly from 0 (default 0.06). */
  readonly warmup: number;
  readonly weightDecay: number;
  /** Largest gradient norm (default 1). */
  readonly clip: number;
}

/** Moves `model` to the device when the backend is webgpu (a no-op where it already is). */
async function onBackend(model: Module<never[], unknown>): Promise<void> {
  if (getBackend() === 'webgpu') await model.to('webgpu');
}

/** A step's loss, not read yet, and the real tokens of its batch. */
interface PendingStep {
  readonly loss: Tensor;
  readonly tokens: number;
}

/** Reads the pending losses in one wait, hands each value to `use` in step order, frees them and empties the list. */
async function readLosses(pending: PendingStep[], use: (value: number, step: PendingStep) => void): Promise<void> {
  const values = await Promise.all(pending.map((p) => p.loss.itemAsync()));
  values.forEach((value, k) => use(value, pending[k]!));
  pending.forEach((p) => p.loss.dispose());
  pending.length = 0;
}

/** AdamW with decay on the weight matrices only, and its warm-up + linear-decay schedule. */
export function adamWithWarmup(named: readonly [string, Parameter][], steps: number, s: Schedule): { opt: optim.AdamW; scheduler: optim.SequentialLR } {
  const noDecay = (n: string): boolean => n.endsWith('bias') || n.includes('LayerNorm');
  const opt = new optim.AdamW([
    { params: named.filter(([n]) => !noDecay(n)).map(([, p]) => p), weightDecay: s.weightDecay },
    { params: named.filter(([n]) => noDecay(n)).map(([, p]) => p), weightDecay: 0 },
  ], { lr: s.lr });
  const warm = Math.max(1, Math.round(s.warmup * steps));
  const scheduler = new optim.SequentialLR(opt, {
    schedulers: [
      new optim.LinearLR(opt, { startFactor: 1 / warm, endFactor: 1, totalIters: warm }),
      new optim.LinearLR(opt, { startFactor: 1, endFactor: 0, totalIters: Math.max(1, steps - warm) }),
    ],
    milestones: [warm],
  });
  return { opt, scheduler };
}

export interface MlmOptions {
  readonly model: BertForMaskedLM;
  readonly train: EncodedSplit;
  readonly steps: number;
  readonly batchSize: number;
  readonly schedule: Schedule;
  readonly vocab: text.Vocab;
  readonly random: Random;
}

/** Masked-language-model pretraining; returns the running loss curve and the phase's speed. */
export async function pretrainMlm(o: MlmOptions): Promise<{ loss: { x: number[]; y: number[] }; stats: PhaseStats }> {
  const { model, train, steps, batchSize, vocab, random } = o;
  await onBackend(model);
  const padId = vocab.special.pad!;
  const special = Object.values(vocab.special).filter((id): id is number => id !== null);
  const masking = { maskId: vocab.special.mask!, vocabSize: vocab.size, firstRegularId: Math.max(...special) + 1, specialIds: special, random };
  const { opt, scheduler } = adamWithWarmup(model.namedParameters(), steps, o.schedule);
  const bar = new ProgressBar(steps, { label: 'MLM pretraining ', samplesPerStep: batchSize });
  const curve = { x: [] as number[], y: [] as number[] };
  let step = 0; //                                                               steps whose loss has been read
  let dispatched = 0;
  let tokens = 0;
  let running = 0;
  const pending: PendingStep[] = [];
  const use = (value: number, p: PendingStep): void => {
    running = step === 0 ? value : 0.98 * running + 0.02 * value;
    tokens += p.tokens;
    step++;
    const seconds = (performance.now() - t0) / 1000;
    bar.update(step, `loss ${running.toFixed(3)}  ${Math.round(tokens / seconds)} tokens/s`);
    if (step % Math.max(1, Math.floor(steps / 50)) === 0) {
      curve.x.push(step);
      curve.y.push(running);
    }
  };
  const t0 = performance.now();
  model.train();
  while (dispatched < steps) {
    for (const b of batches(train, batchSize, padId, random)) {
      const loss = scope(() => {
        const m = text.maskTokens(b.inputIds, b.attentionMask, masking);
        const logits = model.forward(m.inputIds, { attentionMask: b.attentionMask, maskedPositions: m.positions }); // [M, V]
        const l = F.crossEntropy(logits, m.targets);
        opt.zeroGrad();
        l.backward();
        optim.clipGradNorm(model.parameters(), o.schedule.clip);
        opt.step();
        return l;
      });
      scheduler.step();
      pending.push({ loss, tokens: b.tokens });
      dispatched++;
      if (pending.length === 10) await readLosses(pending, use);
      if (dispatched >= steps) break;
    }
  }
  await readLosses(pending, use);
  const seconds = (performance.now() - t0) / 1000;
  return { loss: curve, stats: { steps, tokens, seconds, tokensPerSecond: tokens / seconds } };
}

export interface Evaluation {
  readonly predictions: Int32Array;
  /** P(positive) of each review. */
  readonly probabilities: Float32Array;
  readonly accuracy: number;
  readonly stats: PhaseStats;
}

/** Predictions on a split in eval mode (no graph), batches sorted by length. */
export async function evaluate(model: BertForSequenceClassification, split: EncodedSplit, batchSize: number, padId: number): Promise<Evaluation> {
  const wasTraining = model.training;
  model.eval();
  const n = split.labels.length;
  const predictions = new Int32Array(n);
  const probabilities = new Float32Array(n);
  let tokens = 0;
  const t0 = performance.now();
  const order = text.bucketBatches(split.lengths, { batchSize, shuffle: false, poolBatches: Infinity });
  const list = batches(split, batchSize, padId, null);
  const scored = list.map((b) => scope(() => noGrad(() => softmax(model.forward(b.inputIds, { attentionMask: b.attentionMask }), -1)))); // [B, 2] each
  const values = await Promise.all(scored.map((p) => p.data())); //               one wait for every batch
  scored.forEach((p) => p.dispose());
  list.forEach((b, k) => {
    const p = values[k]!;
    order[k]!.forEach((row, i) => {
      probabilities[row] = p[2 * i + 1]!;
      predictions[row] = p[2 * i + 1]! > p[2 * i]! ? 1 : 0;
    });
    tokens += b.tokens;
  });
  if (wasTraining) model.train();
  const seconds = (performance.now() - t0) / 1000;
  let correct = 0;
  for (let i = 0; i < n; i++) if (predictions[i] === split.labels[i]) correct++;
  return { predictions, probabilities, accuracy: correct / n, stats: { steps: list.length, tokens, seconds, tokensPerSecond: tokens / seconds } };
}

export interface FineTuneOptions {
  readonly model: BertForSequenceClassification;
  readonly label: string;
  readonly train: EncodedSplit;
  readonly validation: EncodedSplit;
  readonly epochs: number;
  readonly batchSize: number;
  readonly evalBatchSize: number;
  /** Validations per epoch (default 2). */
  readonly evalsPerEpoch: number;
  readonly schedule: Schedule;
  readonly padId: number;
  readonly random: Random;
  /** Folder of the best model: model.safetensors, config.json. */
  readonly out: string;
  /** Written into model.safetensors' metadata (e.g. maxLength). */
  readonly metadata: Record<string, string>;
}

export interface FineTuneResult {
  readonly loss: { x: number[]; y: number[] };
  readonly validation: { x: number[]; y: number[] };
  readonly bestValidation: number;
  readonly stats: PhaseStats;
  readonly evalStats: PhaseStats;
}

/** Fine-tunes (or trains from scratch) the classifier; saves the best model by validation accuracy. */
export async function fineTune(o: FineTuneOptions): Promise<FineTuneResult> {
  const { model, train, epochs, batchSize, padId, random } = o;
  await onBackend(model);
  const perEpoch = Math.ceil(train.labels.length / batchSize);
  const steps = Math.max(1, Math.round(epochs * perEpoch));
  const evalEvery = Math.max(1, Math.floor(perEpoch / o.evalsPerEpoch));
  const { opt, scheduler } = adamWithWarmup(model.namedParameters(), steps, o.schedule);
  const loss = { x: [] as number[], y: [] as number[] };
  const validation = { x: [] as number[], y: [] as number[] };
  let best = -1;
  let step = 0; //                                                               steps whose loss has been read
  let dispatched = 0;
  let tokens = 0;
  let trainSeconds = 0;
  let evalTime = 0;
  let evalTokens = 0;
  let running = 0;
  model.train();
  let bar = new ProgressBar(Math.min(perEpoch, steps), { label: `${o.label} epoch 1 `, samplesPerStep: batchSize });
  let t0 = performance.now();
  const pending: PendingStep[] = [];
  const use = (value: number, p: PendingStep): void => {
    running = step === 0 ? value : 0.95 * running + 0.05 * value;
    tokens += p.tokens;
    step++;
    const inEpoch = ((step - 1) % perEpoch) + 1;
    bar.update(inEpoch, `loss ${running.toFixed(4)}  ${Math.round(tokens / (trainSeconds + (performance.now() - t0) / 1000))} tokens/s`);
    if (step % Math.max(1, Math.floor(perEpoch / 20)) === 0) {
      loss.x.push(step / perEpoch);
      loss.y.push(running);
    }
    if (step % perEpoch === 0 && step < steps) {
      bar = new ProgressBar(Math.min(perEpoch, steps - step), { label: `${o.label} epoch ${step / perEpoch + 1} `, samplesPerStep: batchSize });
    }
  };
  while (dispatched < steps) {
    for (const b of batches(train, batchSize, padId, random)) {
      const out = scope(() => {
        const l = F.crossEntropy(model.forward(b.inputIds, { attentionMask: b.attentionMask }), b.labels);
        opt.zeroGrad();
        l.backward();
        optim.clipGradNorm(model.parameters(), o.schedule.clip);
        opt.step();
        return l;
      });
      scheduler.step();
      pending.push({ loss: out, tokens: b.tokens });
      dispatched++;
      const evaluating = dispatched % evalEvery === 0 || dispatched === steps;
      if (pending.length === 10 || evaluating) await readLosses(pending, use); //  now step === dispatched
      if (evaluating) {
        trainSeconds += (performance.now() - t0) / 1000;
        const v = await evaluate(model, o.validation, o.evalBatchSize, padId);
        evalTime += v.stats.seconds;
        evalTokens += v.stats.tokens;
        validation.x.push(step / perEpoch);
        validation.y.push(v.accuracy);
        let note = '';
        if (v.accuracy > best) {
          best = v.accuracy;
          saveModel(model, o.out, { ...o.metadata, validationAccuracy: String(v.accuracy), step: String(step) }, await toHost(model.stateDict()));
          note = ` (best so far, saved to ${o.out})`;
        }
        console.log(`${o.label}: step ${step}/${steps} (epoch ${(step / perEpoch).toFixed(2)}): validation accuracy ${(100 * v.accuracy).toFixed(2)}%${note}`);
        t0 = performance.now();
      }
      if (dispatched >= steps) break;
    }
  }
  await readLosses(pending, use);
  return {
    loss, validation, bestValidation: best,
    stats: { steps, tokens, seconds: trainSeconds, tokensPerSecond: tokens / trainSeconds },
    evalStats: { steps: validation.x.length, tokens: evalTokens, seconds: evalTime, tokensPerSecond: evalTokens / evalTime },
  };
}

/**
 * model.safetensors (the state dict, Hugging Face's names) and config.json (HF's fields). `state`
 * is the model's state dict as host tensors (`await toHost(model.stateDict())` for a model on webgpu).
 */
export function saveModel(model: BertForSequenceClassification, dir: string, metadata: Record<string, string>, state: Record<string, Tensor> = model.stateDict()): void {
  saveSafetensors(join(dir, 'model.safetensors'), state, { format: 'pt', ...metadata });
  const config = { architectures: ['BertForSequenceClassification'], model_type: 'bert', ...bertConfigToHuggingFace(model.config), num_labels: model.numLabels, id2label: { 0: 'negative', 1: 'positive' }, label2id: { negative: 0, positive: 1 } };
  writeFileSync(join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
}
