/**
 * BERT against a PyTorch 1.13 re-implementation of Hugging Face's modeling_bert.py
 * (scripts/make-bert-fixtures.py): the state dicts, written as save_pretrained writes them, load
 * with strict: true, and Sapling reproduces the hidden states, the pooled output, the MLM and
 * classification logits, the losses and the gradient of every parameter, with a padding mask
 * and random token types, in eval mode. The configuration is read from the file's metadata,
 * which holds Hugging Face's config.json field names.
 *
 * Tolerances: float64 on the cpu backend, 1e-10 of each tensor's largest magnitude (both sides
 * compute in float64; the summation orders differ). Float32 (weights rounded from the float64
 * fixture) on cpu and wasm against the float64 reference: 1e-4 of the largest magnitude for
 * outputs and gradients (two post-norm layers and their LayerNorm backward in float32).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { backendKernels, useKernels } from '../autograd/backends/index.js';
import type { Kernels } from '../autograd/backends/types.js';
import { arange, tensor } from '../autograd/creation.js';
import type { FloatDType } from '../autograd/dtype.js';
import { indexSelect } from '../autograd/ops/indexing.js';
import { mul, ne } from '../autograd/ops/elementwise.js';
import { sum } from '../autograd/ops/reduce.js';
import type { Tensor } from '../autograd/tensor.js';
import { loadSafetensors } from '../io/safetensors-file.js';
import { crossEntropy } from '../layers/losses.js';
import type { Module } from '../layers/module.js';
import { bertConfigFromHuggingFace } from './bert-config.js';
import { BertForMaskedLM, BertForSequenceClassification } from './bert-heads.js';
import { BertModel } from './bert.js';
import { loadBertWeights, normalizeHuggingFaceBert } from './bert-checkpoint.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
type CaseName = 'bert-model' | 'bert-mlm' | 'bert-cls';

function fixture(name: CaseName): { weights: Record<string, Tensor>; io: Record<string, Tensor>; configJson: Record<string, unknown> } {
  const weights = loadSafetensors(join(FIXTURES, `${name}.safetensors`));
  const io = loadSafetensors(join(FIXTURES, `${name}-io.safetensors`)).tensors;
  return { weights: weights.tensors, io, configJson: JSON.parse(weights.metadata!['config']!) as Record<string, unknown> };
}

const maxAbs = (t: Tensor): number => t.abs().max().item();
function expectClose(what: string, got: Tensor, want: Tensor, tol: number): void {
  expect(got.shape, what).toEqual(want.shape);
  const scale = Math.max(maxAbs(want), 1e-30);
  const err = maxAbs(got.to('float64').sub(want)) / scale;
  expect(err, `${what}: max |Sapling − PyTorch| / max |PyTorch| = ${err.toExponential(2)}`).toBeLessThan(tol);
}

const cast = (dict: Record<string, Tensor>, dtype: FloatDType): Record<string, Tensor> =>
  Object.fromEntries(Object.entries(dict).map(([k, v]) => [k, v.dtype === 'int32' ? v : v.to(dtype)]));

/** Builds the case's model in `dtype`, loads its weights strictly, runs forward and backward. */
function run(name: CaseName, dtype: FloatDType): { outputs: Record<string, Tensor>; loss: Tensor; model: Module<never, unknown>; io: Record<string, Tensor> } {
  const { weights, io, configJson } = fixture(name);
  const config = bertConfigFromHuggingFace(configJson);
  const inputs = { attentionMask: io['attention_mask']!, tokenTypeIds: io['token_type_ids']! };
  const ids = io['input_ids']!;
  const up = (key: string): Tensor => io[key]!.to(dtype);
  if (name === 'bert-model') {
    const model = new BertModel(config, { dtype }).eval();
    model.loadStateDict(cast(weights, dtype));
    const { lastHiddenState, poolerOutput } = model.forward(ids, inputs);
    const loss = sum(mul(lastHiddenState, up('upstream.hidden'))).add(sum(mul(poolerOutput!, up('upstream.pooled'))));
    loss.backward();
    return { outputs: { last_hidden_state: lastHiddenState, pooler_output: poolerOutput! }, loss, model, io };
  }
  if (name === 'bert-mlm') {
    const model = new BertForMaskedLM(config, { dtype }).eval();
    model.loadStateDict(cast(weights, dtype));
    const logits = model.forward(ids, inputs);
    const [N, T, V] = logits.shape as [number, number, number];
    const loss = crossEntropy(logits.reshape([N * T, V]), io['labels']!.reshape([N * T]));
    loss.backward();
    return { outputs: { logits }, loss, model, io };
  }
  const model = new BertForSequenceClassification(config, configJson['num_labels'] as number, { dtype }).eval();
  model.loadStateDict(cast(weights, dtype));
  const logits = model.forward(ids, inputs);
  const loss = crossEntropy(logits, io['labels']!);
  loss.backward();
  return { outputs: { logits }, loss, model, io };
}

function checkCase(name: CaseName, dtype: FloatDType, tol: number): void {
  const { outputs, loss, model, io } = run(name, dtype);
  for (const [key, value] of Object.entries(outputs)) expectClose(`${name} ${key}`, value, io[key]!, tol);
  expectClose(`${name} loss`, loss.reshape([1]), io['loss']!, tol);
  const params = model.namedParameters();
  const grads = Object.keys(io).filter((k) => k.startsWith('grad.'));
  expect(params.map(([n]) => `grad.${n}`).sort()).toEqual(grads.sort());
  const largest = Math.max(...grads.map((k) => maxAbs(io[k]!)));
  for (const [pname, p] of params) {
    expect(p.grad, `${name}: ${pname} has no gradient`).not.toBeNull();
    if (pname.endsWith('attention.self.key.bias')) {
      // Zero in exact arithmetic: q·(k_j + b) = q·k_j + q·b adds the same q·b to every score of a
      // row, which softmax ignores. Both sides hold rounding noise: small against every gradient.
      expect(maxAbs(io[`grad.${pname}`]!)).toBeLessThan(1e-12 * largest);
      expect(maxAbs(p.grad!)).toBeLessThan(tol * largest);
    } else {
      expectClose(`${name} grad ${pname}`, p.grad!, io[`grad.${pname}`]!, tol);
    }
  }
}

const CASES: CaseName[] = ['bert-model', 'bert-mlm', 'bert-cls'];

describe('BERT against PyTorch (HF modeling_bert structure), float64, cpu', () => {
  for (const name of CASES) test(`${name}: outputs, loss and every parameter gradient`, () => checkCase(name, 'float64', 1e-10));

  test('the [PAD] row of the word embeddings gets no gradient', () => {
    const { model } = run('bert-cls', 'float64');
    const [, table] = model.namedParameters().find(([n]) => n === 'bert.embeddings.word_embeddings.weight')!;
    expect(maxAbs(table.grad!.slice([{ stop: 1 }]))).toBe(0);
  });

  test('scoring only the masked rows (maskedPositions) gives the same logits and loss', () => {
    const { weights, io, configJson } = fixture('bert-mlm');
    const model = new BertForMaskedLM(bertConfigFromHuggingFace(configJson), { dtype: 'float64' }).eval();
    model.loadStateDict(weights);
    const labels = io['labels']!.reshape([-1]);
    const flat = labels.storage;
    const positions = Int32Array.from(Array.from(flat.keys()).filter((i) => flat[i] !== -100));
    const ints = (a: Int32Array): Tensor => tensor(a, [a.length], { dtype: 'int32' });
    const rows = model.forward(io['input_ids']!, { attentionMask: io['attention_mask']!, tokenTypeIds: io['token_type_ids']!, maskedPositions: ints(positions) });
    expect(rows.shape).toEqual([positions.length, 30]);
    const all = model.forward(io['input_ids']!, { attentionMask: io['attention_mask']!, tokenTypeIds: io['token_type_ids']! }).reshape([-1, 30]);
    expectClose('masked rows', rows, indexSelect(all, 0, ints(positions)).detach(), 1e-12);
    expectClose('masked rows loss', crossEntropy(rows, ints(positions.map((i) => flat[i]!))).reshape([1]), io['loss']!, 1e-10);
    expect(sum(ne(labels, -100)).item()).toBe(positions.length);
  });

  test('older Hugging Face files (position_ids, gamma/beta, tied decoder keys) load after normalizeHuggingFaceBert', () => {
    const { weights, configJson } = fixture('bert-mlm');
    const legacy: Record<string, Tensor> = {};
    for (const [k, v] of Object.entries(weights)) legacy[k.replace(/LayerNorm\.weight$/, 'LayerNorm.gamma').replace(/LayerNorm\.bias$/, 'LayerNorm.beta')] = v;
    const model = new BertForMaskedLM(bertConfigFromHuggingFace(configJson), { dtype: 'float64' });
    const P = model.config.maxPositionEmbeddings;
    legacy['bert.embeddings.position_ids'] = arange(0, P, 1, { dtype: 'int32' }).reshape([1, P]);
    legacy['cls.predictions.decoder.weight'] = weights['bert.embeddings.word_embeddings.weight']!;
    legacy['cls.predictions.decoder.bias'] = weights['cls.predictions.bias']!;
    expect(() => model.loadStateDict(legacy)).toThrow(/unexpected keys/);
    model.loadStateDict(normalizeHuggingFaceBert(legacy));
    legacy['bert.embeddings.position_ids'] = arange(1, P + 1, 1, { dtype: 'int32' }).reshape([1, P]);
    expect(() => normalizeHuggingFaceBert(legacy)).toThrow(/position_ids is not 0 … 15/);
    legacy['bert.embeddings.position_ids'] = arange(0, P, 1, { dtype: 'int32' }).reshape([1, P]);
    legacy['cls.predictions.decoder.bias'] = weights['cls.predictions.bias']!.add(1);
    expect(() => normalizeHuggingFaceBert(legacy)).toThrow(/decoder.bias is not tied to cls.predictions.bias/);
  });

  test('loadBertWeights moves the bert. prefix and reports what a new head lacks, as from_pretrained', () => {
    const { weights, configJson } = fixture('bert-mlm');
    const config = bertConfigFromHuggingFace(configJson);
    const classifier = new BertForSequenceClassification(config, 2, { dtype: 'float64' });
    const result = loadBertWeights(classifier, weights);
    expect(result.missingKeys).toEqual(['bert.pooler.dense.weight', 'bert.pooler.dense.bias', 'classifier.weight', 'classifier.bias']);
    expect([...result.unexpectedKeys].sort()).toEqual(['cls.predictions.bias', 'cls.predictions.transform.LayerNorm.bias', 'cls.predictions.transform.LayerNorm.weight', 'cls.predictions.transform.dense.bias', 'cls.predictions.transform.dense.weight']);
    expect(maxAbs(classifier.bert.embeddings.wordEmbeddings.weight.sub(weights['bert.embeddings.word_embeddings.weight']!))).toBe(0);
    const bare = new BertModel(config, { dtype: 'float64', addPoolingLayer: false });
    expect(loadBertWeights(bare, weights).missingKeys).toEqual([]);
    const back = new BertForMaskedLM(config, { dtype: 'float64' });
    expect(loadBertWeights(back, bare.stateDict()).missingKeys).toEqual(['cls.predictions.bias', 'cls.predictions.transform.dense.weight', 'cls.predictions.transform.dense.bias', 'cls.predictions.transform.LayerNorm.weight', 'cls.predictions.transform.LayerNorm.bias']);
  });
});

describe.each(['cpu', 'wasm'] as const)('BERT against PyTorch, float32 on %s', (backend) => {
  let before: Kernels;
  beforeAll(async () => {
    before = useKernels(await backendKernels(backend));
  }, 60_000); //                                          starting the wasm workers takes seconds on a loaded machine
  afterAll(() => {
    useKernels(before);
  });
  for (const name of CASES) test(`${name}: outputs, loss and every gradient within 1e-4 of float64`, () => checkCase(name, 'float32', 1e-4));
});
