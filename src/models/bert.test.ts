import { describe, expect, test } from 'vitest';
import { tensor } from '../autograd/creation.js';
import { sum } from '../autograd/ops/reduce.js';
import { manualSeed, seededRandom } from '../autograd/random.js';
import type { Tensor } from '../autograd/tensor.js';
import { crossEntropy } from '../layers/losses.js';
import { AdamW } from '../optim/adam.js';
import { BERT_SIZES, bertConfig, bertConfigFromHuggingFace, bertConfigToHuggingFace, type BertConfig } from './bert-config.js';
import { BertForMaskedLM, BertForSequenceClassification } from './bert-heads.js';
import { BertModel } from './bert.js';

const ids = (rows: number[][]): Tensor => tensor(rows, { dtype: 'int32' });
const small = (overrides: Partial<BertConfig> = {}): BertConfig =>
  bertConfig('tiny', { vocabSize: 50, hiddenSize: 16, numAttentionHeads: 4, intermediateSize: 32, maxPositionEmbeddings: 32, ...overrides });

/** BertModel's parameter count from the shape table in bert.ts (with pooler). */
function countFromTable(c: BertConfig): number {
  const { vocabSize: V, hiddenSize: H, intermediateSize: I, maxPositionEmbeddings: P, typeVocabSize: S, numHiddenLayers: L } = c;
  const embeddings = (V + P + S) * H + 2 * H;
  const layer = 4 * (H * H + H) + 2 * H + (H * I + I) + (I * H + H) + 2 * H;
  return embeddings + L * layer + H * H + H;
}

describe('BERT: sizes, names and shapes', () => {
  test('the shape table gives bert-base 109,482,240 parameters (Hugging Face: 109,482,240) and counts tiny exactly', () => {
    expect(countFromTable(bertConfig('base'))).toBe(109_482_240);
    const tiny = bertConfig('tiny', { vocabSize: 8000 });
    // The PyTorch re-implementation of modeling_bert (scripts/make-bert-fixtures.py) counts 1,503,104,
    // 1,511,360 with the MLM head (no pooler) and 1,503,362 with a 2-label classifier.
    expect(new BertModel(tiny).numParameters()).toBe(1_503_104);
    expect(countFromTable(tiny)).toBe(1_503_104);
    expect(new BertForMaskedLM(tiny).numParameters()).toBe(1_511_360);
    expect(new BertForSequenceClassification(tiny, 2).numParameters()).toBe(1_503_362);
  });

  test("the miniature sizes: one head per 64 dimensions, feed-forward 4×", () => {
    expect(Object.keys(BERT_SIZES)).toEqual(['tiny', 'mini', 'small', 'medium', 'base']);
    const mini = bertConfig('mini');
    expect([mini.numHiddenLayers, mini.hiddenSize, mini.numAttentionHeads, mini.intermediateSize]).toEqual([4, 256, 4, 1024]);
  });

  test("a classifier's state dict has Hugging Face's keys, in its order", () => {
    const keys = Object.keys(new BertForSequenceClassification(small({ numHiddenLayers: 1 }), 2).stateDict());
    const layer = ['attention.self.query', 'attention.self.key', 'attention.self.value', 'attention.output.dense', 'attention.output.LayerNorm', 'intermediate.dense', 'output.dense', 'output.LayerNorm']
      .flatMap((m) => [`bert.encoder.layer.0.${m}.weight`, `bert.encoder.layer.0.${m}.bias`]);
    expect(keys).toEqual([
      'bert.embeddings.word_embeddings.weight', 'bert.embeddings.position_embeddings.weight', 'bert.embeddings.token_type_embeddings.weight',
      'bert.embeddings.LayerNorm.weight', 'bert.embeddings.LayerNorm.bias', ...layer,
      'bert.pooler.dense.weight', 'bert.pooler.dense.bias', 'classifier.weight', 'classifier.bias',
    ]);
  });

  test('the MLM decoder is the word-embedding table itself; the state dict has no decoder keys', () => {
    const mlm = new BertForMaskedLM(small());
    expect(mlm.cls.predictions.decoderWeight).toBe(mlm.bert.embeddings.wordEmbeddings.weight);
    const keys = Object.keys(mlm.stateDict());
    expect(keys.filter((k) => k.includes('decoder') || k.includes('pooler') || k.includes('position_ids'))).toEqual([]);
    expect(keys.slice(-5)).toEqual(['cls.predictions.bias', 'cls.predictions.transform.dense.weight', 'cls.predictions.transform.dense.bias', 'cls.predictions.transform.LayerNorm.weight', 'cls.predictions.transform.LayerNorm.bias']);
  });

  test('initialisation as HF: N(0, 0.02²) weights, zero biases, unit LayerNorm, zero [PAD] row', () => {
    manualSeed(1);
    const m = new BertModel(bertConfig('tiny', { vocabSize: 2000 }));
    const w = m.embeddings.wordEmbeddings.weight;
    const rows = w.slice([{ start: 1 }]);
    const std = Math.sqrt(sum(rows.mul(rows)).item() / rows.numel());
    expect(std).toBeGreaterThan(0.019);
    expect(std).toBeLessThan(0.021);
    expect(sum(w.slice([{ stop: 1 }]).abs()).item()).toBe(0);
    const q = m.encoder.layer.at(0).attention.self.query;
    expect(sum(q.bias!.abs()).item()).toBe(0);
    expect(Array.from(m.embeddings.layerNorm.weight!.storage).every((v) => v === 1)).toBe(true);
  });

  test('output shapes, and summary() prints the table from int32 ids', () => {
    const model = new BertModel(small());
    const out = model.forward(ids([[2, 7, 9, 3], [2, 5, 3, 0]]), { attentionMask: ids([[1, 1, 1, 1], [1, 1, 1, 0]]) });
    expect(out.lastHiddenState.shape).toEqual([2, 4, 16]);
    expect(out.poolerOutput!.shape).toEqual([2, 16]);
    expect(new BertForMaskedLM(small()).forward(ids([[2, 7, 3]])).shape).toEqual([1, 3, 50]);
    const table = new BertForSequenceClassification(small(), 3).summary([1, 8], { print: false });
    expect(table).toMatch(/BertForSequenceClassification\s+\[1, 3\]/);
    expect(table).toMatch(/BertLayer \(1\)\s+output: \[1, 8, 16\]/);
    expect(table).toMatch(/Embedding \(position_embeddings\)\s+\[8, 16\]\s+512/);
    expect(table).toMatch(/Total params: 6,147/);
  });
});

describe('BERT: masks and attention', () => {
  const model = new BertModel(small()).eval();

  test('padding changes no real token: the same review alone and padded in a batch', () => {
    const alone = model.forward(ids([[2, 11, 12, 3]])).lastHiddenState;
    const padded = model.forward(ids([[2, 11, 12, 3, 0, 0], [2, 5, 6, 7, 8, 3]]), { attentionMask: ids([[1, 1, 1, 1, 0, 0], [1, 1, 1, 1, 1, 1]]) }).lastHiddenState;
    const a = alone.toArray() as number[][][];
    const p = padded.toArray() as number[][][];
    for (let t = 0; t < 4; t++) for (let h = 0; h < 16; h++) expect(p[0]![t]![h]).toBeCloseTo(a[0]![t]![h]!, 5);
  });

  test('outputAttentions: [N, A, T, T] rows summing to 1, zero on padded keys, same hidden states as the fused op', () => {
    const x = ids([[2, 11, 12, 3, 0], [2, 5, 6, 7, 3]]);
    const mask = ids([[1, 1, 1, 1, 0], [1, 1, 1, 1, 1]]);
    const fused = model.forward(x, { attentionMask: mask });
    const composed = model.forward(x, { attentionMask: mask, outputAttentions: true });
    expect(composed.attentions.length).toBe(2);
    const w = composed.attentions[0]!;
    expect(w.shape).toEqual([2, 4, 5, 5]);
    for (const v of sum(w, -1).storage) expect(v).toBeCloseTo(1, 5);
    const weights = w.toArray() as number[][][][];
    for (const head of weights[0]!) for (const row of head) expect(row[4]).toBe(0);
    const d = fused.lastHiddenState.sub(composed.lastHiddenState).abs().max().item();
    expect(d).toBeLessThan(1e-5);
    expect(fused.attentions).toEqual([]);
  });

  test('a float 0/1 mask and a [N, T, T] mask are read as Hugging Face reads them', () => {
    const x = ids([[2, 11, 12, 3]]);
    const a = model.forward(x, { attentionMask: tensor([[1, 1, 0, 1]]) }).lastHiddenState;
    const b = model.forward(x, { attentionMask: ids([[1, 1, 0, 1]]) }).lastHiddenState;
    const c = model.forward(x, { attentionMask: tensor([[[1, 1, 0, 1], [1, 1, 0, 1], [1, 1, 0, 1], [1, 1, 0, 1]]], { dtype: 'int32' }) }).lastHiddenState;
    expect(a.sub(b).abs().max().item()).toBe(0);
    expect(c.sub(b).abs().max().item()).toBeLessThan(1e-6);
  });

  test('errors name the module and the shapes', () => {
    expect(() => model.forward(tensor([[1, 2]]))).toThrow(/BertEmbeddings: expected int32 input ids \[N, T\], got float32 \[1,2\]/);
    expect(() => model.forward(ids([[1, 2]]), { attentionMask: ids([[1, 1, 1]]) })).toThrow(/attentionMask must be \[1, 2\] or \[1, 2, 2\]/);
    expect(() => model.forward(ids([Array.from({ length: 33 }, () => 5)]))).toThrow(/33 tokens do not fit in maxPositionEmbeddings 32/);
    expect(() => model.forward(ids([[1, 2]]), { tokenTypeIds: ids([[0, 0, 0]]) })).toThrow(/tokenTypeIds must be int32 \[1, 2\]/);
    expect(() => bertConfig('tiny', { numAttentionHeads: 3 })).toThrow(/hiddenSize 128 is not a multiple of numAttentionHeads 3/);
    expect(() => bertConfigFromHuggingFace({ position_embedding_type: 'relative_key' })).toThrow(/not supported/);
  });

  test("Hugging Face's config.json fields round-trip", () => {
    const c = small({ hiddenAct: 'gelu_new', classifierDropout: 0.2 });
    expect(bertConfigFromHuggingFace(bertConfigToHuggingFace(c))).toEqual(c);
  });
});

describe('BERT: training', () => {
  test('dropout in training mode repeats with the same seed and changes the output', () => {
    const run = (): number[] => {
      manualSeed(3);
      const m = new BertModel(small({ hiddenDropoutProb: 0.3, attentionProbsDropoutProb: 0.3 }));
      return Array.from(m.forward(ids([[2, 7, 8, 3]])).lastHiddenState.storage);
    };
    expect(run()).toEqual(run());
    manualSeed(3);
    const m = new BertModel(small({ hiddenDropoutProb: 0.3, attentionProbsDropoutProb: 0.3 }));
    const evalOut = Array.from(m.eval().forward(ids([[2, 7, 8, 3]])).lastHiddenState.storage);
    expect(evalOut).not.toEqual(run());
  });

  test('the classifier overfits one fixed batch of 8 sequences within 100 AdamW steps', () => {
    manualSeed(0);
    const random = seededRandom(5);
    const x = ids(Array.from({ length: 8 }, () => [2, ...Array.from({ length: 6 }, () => 5 + Math.floor(random() * 45)), 3]));
    const y = tensor([0, 1, 1, 0, 1, 0, 0, 1], { dtype: 'int32' });
    const model = new BertForSequenceClassification(small({ hiddenDropoutProb: 0, attentionProbsDropoutProb: 0 }), 2);
    const opt = new AdamW(model.parameters(), { lr: 3e-3 });
    let loss = Infinity;
    for (let step = 0; step < 100 && loss > 0.01; step++) {
      const l = crossEntropy(model.forward(x), y);
      opt.zeroGrad();
      l.backward();
      opt.step();
      loss = l.item();
    }
    expect(loss).toBeLessThan(0.01);
  });
});
