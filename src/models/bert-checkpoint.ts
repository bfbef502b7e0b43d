/**
 * Hugging Face BERT checkpoints. A state dict saved by transformers ≥ 4.31 (`save_pretrained`,
 * safetensors) loads into our classes as it is, strictly. Older files differ in three ways, which
 * `normalizeHuggingFaceBert` undoes, checking each value before it drops anything:
 *   `embeddings.position_ids`   [1, P] int64 = 0 … P−1, a persistent buffer from 3.1 to 4.30
 *   `LayerNorm.gamma` / `.beta`  TensorFlow's names in the oldest files (HF's loader renames them)
 *   `cls.predictions.decoder.weight` / `.bias`  the tied tensors again, in a torch.save of
 *                               state_dict() (save_pretrained leaves them out)
 * `loadBertWeights` is from_pretrained's loading step for a model with another head: it moves
 * the `bert.` prefix to where the target wants it, loads every matching key (shapes and dtypes
 * checked) and returns the keys left missing (a new pooler or classifier) and unused (cls.*).
 */
import { arange } from '../autograd/creation.js';
import { eq } from '../autograd/ops/elementwise.js';
import { sum } from '../autograd/ops/reduce.js';
import { fmt } from '../autograd/shape.js';
import type { Tensor } from '../autograd/tensor.js';
import type { LoadStateDictResult, Module } from '../layers/module.js';
import type { BertForMaskedLM, BertForSequenceClassification } from './bert-heads.js';
import { BertModel } from './bert.js';

/** Whether two tensors hold the same shape, dtype and values. */
const sameValues = (a: Tensor, b: Tensor): boolean =>
  fmt(a.shape) === fmt(b.shape) && a.dtype === b.dtype && (a.numel() === 0 || sum(eq(a, b)).item() === a.numel());

/**
 * A Hugging Face BERT state dict in the names of transformers ≥ 4.31 (see the file header).
 * @example normalizeHuggingFaceBert(loadSafetensors('old-bert.safetensors').tensors)  // without position_ids
 */
export function normalizeHuggingFaceBert(dict: Readonly<Record<string, Tensor>>): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [key, value] of Object.entries(dict)) {
    if (key.endsWith('embeddings.position_ids')) {
      const P = value.numel();
      if (!sameValues(value.to('int32').reshape([P]), arange(0, P, 1, { dtype: 'int32' }))) {
        throw new RangeError(`normalizeHuggingFaceBert: ${key} is not 0 … ${P - 1}; this model uses positions we do not support`);
      }
      continue;
    }
    out[key.replace(/LayerNorm\.gamma$/, 'LayerNorm.weight').replace(/LayerNorm\.beta$/, 'LayerNorm.bias')] = value;
  }
  const tied: [string, string][] = [];
  for (const key of Object.keys(out)) {
    const prefix = key.match(/^(.*)cls\.predictions\.decoder\.(weight|bias)$/);
    if (!prefix) continue;
    const source = prefix[2] === 'weight' ? `${prefix[1]}bert.embeddings.word_embeddings.weight` : `${prefix[1]}cls.predictions.bias`;
    tied.push([key, source]);
  }
  for (const [key, source] of tied) {
    const original = out[source];
    if (original === undefined || !sameValues(out[key]!, original)) {
      throw new RangeError(`normalizeHuggingFaceBert: ${key} is not tied to ${source} (their values differ); this BERT ties them`);
    }
    delete out[key];
  }
  return out;
}

type BertLike = BertModel | BertForMaskedLM | BertForSequenceClassification;

/**
 * Loads a BERT state dict (any head, old or new names) into `model`, as from_pretrained does:
 * every key the model has is filled from the dict; the rest is reported, not refused.
 * @example loadBertWeights(classifier, pretrained.stateDict())  // { missingKeys: ['bert.pooler…', 'classifier…'], unexpectedKeys: ['cls…'] }
 */
export function loadBertWeights(model: BertLike, dict: Readonly<Record<string, Tensor>>): LoadStateDictResult {
  const normalized = normalizeHuggingFaceBert(dict);
  const fileHasPrefix = Object.keys(normalized).some((k) => k.startsWith('bert.'));
  const modelHasPrefix = !(model instanceof BertModel);
  const renamed: Record<string, Tensor> = {};
  for (const [key, value] of Object.entries(normalized)) {
    if (fileHasPrefix && !modelHasPrefix) {
      if (key.startsWith('bert.')) renamed[key.slice(5)] = value;
      else renamed[key] = value; //                                    a head's key: unused by a bare model
    } else if (!fileHasPrefix && modelHasPrefix) {
      renamed[`bert.${key}`] = value;
    } else {
      renamed[key] = value;
    }
  }
  return (model as Module<never, unknown>).loadStateDict(renamed, { strict: false });
}
