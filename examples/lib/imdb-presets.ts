/**
 * imdb-presets — the presets of examples/imdb-sentiment.ts and why they are what they are.
 *
 *   tiny   checks that every phase runs, in seconds on a CPU and in a minute or two on a software
 *          WebGPU adapter (examples/webgpu-examples.test.ts): 32 reviews, a 1-layer, 16-wide
 *          model, two steps a phase. Its accuracy means nothing.
 *   smoke  proves the whole pipeline in under 3 minutes: 1,000 short reviews, a 32-wide model,
 *          a few MLM steps. Any accuracy (it reached 70% on the 500 test reviews).
 *   quick  the whole split, T = 128, a 2-layer, 64-wide BERT, one epoch per model, 200 MLM steps:
 *          budget 60 minutes on the 2-core machine, bar: the best Transformer ≥ 84% test accuracy.
 *   full   the whole split, T = 256, a 4-layer, 128-wide BERT with GELU and dropout, long MLM
 *          pretraining: bar, the pretrained model ≥ the bag of words of the same run. Hours.
 * The quick and full recipes come from scripts/bert-recipe-search.py (PyTorch, the same token
 * ids; in PyTorch the quick recipe's from-scratch model reached 85.4% on the test reviews) and
 * are sized from Sapling's measured tokens/s (docs/attention-and-transformers.md, §11). In quick,
 * dropout is 0 (one epoch does not overfit, and each dropout is three more passes over the
 * activations) and ReLU replaces GELU (whose erf costs more than the matmul before it on wasm).
 */
import type { BertActivation } from '../../src/models/bert-config.js';

export type PresetName = 'tiny' | 'smoke' | 'quick' | 'full';

export interface Preset {
  /** Reviews of each split used (the first ones of Sapling's shuffled split). */
  readonly sizes: { readonly train: number; readonly validation: number; readonly test: number };
  readonly vocabSize: number;
  /** Tokens per review for classification, [CLS] and [SEP] included (head+tail). */
  readonly maxLength: number;
  readonly model: {
    readonly numHiddenLayers: number;
    readonly hiddenSize: number;
    readonly numAttentionHeads: number;
    readonly intermediateSize: number;
    readonly hiddenAct: BertActivation;
    readonly hiddenDropoutProb: number;
    readonly attentionProbsDropoutProb: number;
  };
  readonly bow: { readonly epochs: number; readonly batchSize: number; readonly lr: number; readonly weightDecay: number; readonly minDf: number };
  readonly scratch: { readonly epochs: number; readonly batchSize: number; readonly lr: number };
  readonly mlm: { readonly steps: number; readonly batchSize: number; readonly lr: number; readonly maxLength: number };
  readonly finetune: { readonly epochs: number; readonly batchSize: number; readonly lr: number };
  readonly evalBatchSize: number;
  readonly evalsPerEpoch: number;
}

const FULL_SPLIT = { train: 22_500, validation: 2_500, test: 25_000 } as const;

export const PRESETS: Readonly<Record<PresetName, Preset>> = {
  tiny: {
    sizes: { train: 32, validation: 16, test: 16 },
    vocabSize: 300,
    maxLength: 16,
    model: { numHiddenLayers: 1, hiddenSize: 16, numAttentionHeads: 2, intermediateSize: 32, hiddenAct: 'relu', hiddenDropoutProb: 0, attentionProbsDropoutProb: 0 },
    bow: { epochs: 1, batchSize: 16, lr: 0.02, weightDecay: 0, minDf: 2 },
    scratch: { epochs: 1, batchSize: 16, lr: 3e-3 },
    mlm: { steps: 2, batchSize: 16, lr: 3e-3, maxLength: 16 },
    finetune: { epochs: 1, batchSize: 16, lr: 3e-3 },
    evalBatchSize: 16,
    evalsPerEpoch: 1,
  },
  smoke: {
    sizes: { train: 1000, validation: 200, test: 500 },
    vocabSize: 2000,
    maxLength: 64,
    model: { numHiddenLayers: 2, hiddenSize: 32, numAttentionHeads: 2, intermediateSize: 64, hiddenAct: 'relu', hiddenDropoutProb: 0, attentionProbsDropoutProb: 0 },
    bow: { epochs: 3, batchSize: 64, lr: 0.02, weightDecay: 0, minDf: 2 },
    scratch: { epochs: 2, batchSize: 16, lr: 3e-3 },
    mlm: { steps: 30, batchSize: 32, lr: 3e-3, maxLength: 64 },
    finetune: { epochs: 2, batchSize: 16, lr: 3e-3 },
    evalBatchSize: 128,
    evalsPerEpoch: 2,
  },
  quick: {
    sizes: FULL_SPLIT,
    vocabSize: 8000,
    maxLength: 128,
    model: { numHiddenLayers: 2, hiddenSize: 64, numAttentionHeads: 2, intermediateSize: 256, hiddenAct: 'relu', hiddenDropoutProb: 0, attentionProbsDropoutProb: 0 },
    bow: { epochs: 4, batchSize: 256, lr: 0.02, weightDecay: 0, minDf: 2 },
    scratch: { epochs: 1, batchSize: 32, lr: 2e-3 },
    mlm: { steps: 200, batchSize: 64, lr: 2e-3, maxLength: 128 },
    finetune: { epochs: 1, batchSize: 32, lr: 1e-3 },
    evalBatchSize: 256,
    evalsPerEpoch: 2,
  },
  full: {
    sizes: FULL_SPLIT,
    vocabSize: 8000,
    maxLength: 256,
    model: { numHiddenLayers: 4, hiddenSize: 128, numAttentionHeads: 2, intermediateSize: 512, hiddenAct: 'gelu', hiddenDropoutProb: 0.1, attentionProbsDropoutProb: 0.1 },
    bow: { epochs: 6, batchSize: 256, lr: 0.02, weightDecay: 0, minDf: 2 },
    scratch: { epochs: 3, batchSize: 32, lr: 1e-3 },
    mlm: { steps: 2000, batchSize: 64, lr: 1e-3, maxLength: 256 },
    finetune: { epochs: 3, batchSize: 32, lr: 5e-4 },
    evalBatchSize: 128,
    evalsPerEpoch: 2,
  },
};
