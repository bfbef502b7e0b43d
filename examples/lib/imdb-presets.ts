/**
 * imdb-presets — the three presets of examples/imdb-sentiment.ts and why they are what they are.
 *
 *   smoke  proves the whole pipeline in under 3 minutes: a few hundred short reviews, a tiny
 *          model, a few MLM steps. Any accuracy.
 *   quick  the whole split, T = 128, a 2-layer, 128-wide BERT: budget 60 minutes on the 2-core
 *          machine, bar: the best Transformer ≥ 84% test accuracy.
 *   full   the whole split, T = 256, a 4-layer, 256-wide BERT (Google's BERT-mini), longer MLM.
 * The quick and full recipes were chosen with scripts/bert-recipe-search.py (PyTorch, the same
 * token ids) and sized from Sapling's measured tokens/s; see docs/attention-and-transformers.md.
 * Dropout is 0 in quick (two short epochs do not overfit, and each dropout is three passes over
 * the activations) and ReLU replaces GELU there (GELU's erf costs more than the matmuls it
 * follows on the wasm backend); full keeps BERT's GELU and dropout 0.1.
 */
import type { BertActivation } from '../../src/models/bert-config.js';

export type PresetName = 'smoke' | 'quick' | 'full';

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
    model: { numHiddenLayers: 2, hiddenSize: 128, numAttentionHeads: 2, intermediateSize: 512, hiddenAct: 'relu', hiddenDropoutProb: 0, attentionProbsDropoutProb: 0 },
    bow: { epochs: 4, batchSize: 256, lr: 0.02, weightDecay: 0, minDf: 2 },
    scratch: { epochs: 1, batchSize: 32, lr: 5e-4 },
    mlm: { steps: 300, batchSize: 64, lr: 1e-3, maxLength: 128 },
    finetune: { epochs: 1, batchSize: 32, lr: 5e-4 },
    evalBatchSize: 256,
    evalsPerEpoch: 2,
  },
  full: {
    sizes: FULL_SPLIT,
    vocabSize: 16000,
    maxLength: 256,
    model: { numHiddenLayers: 4, hiddenSize: 256, numAttentionHeads: 4, intermediateSize: 1024, hiddenAct: 'gelu', hiddenDropoutProb: 0.1, attentionProbsDropoutProb: 0.1 },
    bow: { epochs: 6, batchSize: 256, lr: 0.02, weightDecay: 0, minDf: 2 },
    scratch: { epochs: 4, batchSize: 32, lr: 3e-4 },
    mlm: { steps: 20_000, batchSize: 64, lr: 5e-4, maxLength: 256 },
    finetune: { epochs: 3, batchSize: 32, lr: 1e-4 },
    evalBatchSize: 128,
    evalsPerEpoch: 2,
  },
};
