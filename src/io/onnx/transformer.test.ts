/**
 * exportOnnx on attention: MultiheadAttention (fused and with its weights, with and without key
 * padding masks), a 2-layer TransformerEncoder, the weather example's TransformerForecaster and
 * the mini-BERT (classifier and masked LM; token ids and attention mask as int32 inputs), each run
 * with ONNX Runtime at batch 1 and 7 from one file traced at batch 1 (dynamic batch) and compared
 * with Sapling's eval-mode forward (float32: rtol 1e-4, atol 1e-5). BERT with PyTorch's weights
 * (src/models/fixtures/bert-cls) also matches PyTorch's own logits. Padded rows keep some keys;
 * one test masks every key of a row, which Sapling (and the export) answer with zeros.
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { randint, randn, tensor } from '../../autograd/creation.js';
import { scaledDotProductAttention } from '../../autograd/ops/attention.js';
import { pad } from '../../autograd/ops/indexing.js';
import { manualSeed, seededRandom, type Random } from '../../autograd/random.js';
import type { Tensor } from '../../autograd/tensor.js';
import { expectClose } from '../../autograd/test-utils.js';
import { MultiheadAttention } from '../../layers/attention.js';
import { Module } from '../../layers/module.js';
import { squareSubsequentMask, TransformerEncoder, TransformerEncoderLayer } from '../../layers/transformer.js';
import { bertConfig, bertConfigFromHuggingFace } from '../../models/bert-config.js';
import { TransformerForecaster } from '../../models/transformer-forecaster.js';
import { BertForMaskedLM, BertForSequenceClassification } from '../../models/bert-heads.js';
import { loadSafetensors } from '../safetensors-file.js';
import { toOnnxModel } from './export.js';
import { runOnnx } from './run-onnx.js';
import { expectOnnxParity, saplingOutputs } from './test-utils.js';

/** [n, T] int32 padding masks in PyTorch's convention (1 = padding): row i keeps its first 1 + (i·3 mod T) positions. */
function paddingMask(n: number, T: number, keepAll = false): Tensor {
  const rows = Array.from({ length: n }, (_, i) => Array.from({ length: T }, (_, t) => (keepAll || t <= (i * 3) % T ? 0 : 1)));
  return tensor(rows.flat(), [n, T], { dtype: 'int32' });
}

/** Self-attention returning the output (and the head-averaged weights when asked). */
class SelfAttention extends Module<[Tensor, Tensor?], Tensor[]> {
  readonly attn: MultiheadAttention;
  readonly needWeights: boolean;
  constructor(needWeights: boolean, batchFirst = true) {
    super();
    this.attn = this.child('attn', new MultiheadAttention(8, 2, { batchFirst }));
    this.needWeights = needWeights;
  }
  forward(x: Tensor, keyPaddingMask?: Tensor): Tensor[] {
    const { output, weights } = this.attn.forward(x, x, x, { keyPaddingMask: keyPaddingMask ?? null, needWeights: this.needWeights });
    return weights ? [output, weights] : [output];
  }
}

/** A float key padding mask (added to the scores): −∞ at the padding positions, else 0. */
class FloatPadded extends Module<[Tensor, Tensor], Tensor[]> {
  readonly attn = this.child('attn', new SelfAttention(false));
  forward(x: Tensor, padding: Tensor): Tensor[] {
    return this.attn.forward(x, padding.to('float32').mul(-1e9));
  }
}

describe('exportOnnx: attention against ONNX Runtime, batch 1 and 7', () => {
  const T = 5;
  const withMask = (n: number, random: Random): Tensor[] => [randn([n, T, 8], { random }), paddingMask(n, T)];

  test('MultiheadAttention (fused op, and composed with its weights), no mask', async () => {
    manualSeed(21);
    await expectOnnxParity(new SelfAttention(false), { shapes: (n) => [[n, T, 8]] });
    await expectOnnxParity(new SelfAttention(true), { shapes: (n) => [[n, T, 8]] });
  });

  test('MultiheadAttention with an int32 key padding mask (second input), fused and with weights; a float one', async () => {
    manualSeed(22);
    await expectOnnxParity(new SelfAttention(false), { inputs: withMask });
    await expectOnnxParity(new SelfAttention(true), { inputs: withMask });
    await expectOnnxParity(new FloatPadded(), { inputs: withMask });
  });

  test('a row whose keys are all padding gets zeros, as in Sapling', async () => {
    manualSeed(23);
    const allPadded = (n: number, random: Random): Tensor[] => [randn([n, T, 8], { random }), paddingMask(n, T).mul(0).add(1)];
    await expectOnnxParity(new SelfAttention(false), { inputs: allPadded, batches: [2] });
  });

  test('time-first MultiheadAttention [T, N, E] with a static batch; refused with a dynamic one', async () => {
    manualSeed(24);
    await expectOnnxParity(new SelfAttention(false, false), { shapes: (n) => [[T, n, 8]], batches: [3], dynamicBatch: false });
    // a dynamic batch is axis 0 of the input, here time: refused where the attention meets it
    expect(() => toOnnxModel(new SelfAttention(false, false), randn([T, 2, 8]))).toThrow(/ScaledDotProductAttention: the batch is axis 2 of \[2,2,5,4\].*use batchFirst: true, or export with dynamicBatch: false/);
  });

  test('TransformerEncoder: 2 post-norm layers (ReLU) with a key padding mask; 2 pre-norm layers (GELU) with a causal (float) mask and the padding mask', async () => {
    manualSeed(25);
    class Encoder extends Module<[Tensor, Tensor], Tensor> {
      readonly encoder = this.child('encoder', new TransformerEncoder(new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, batchFirst: true }), 2));
      forward(x: Tensor, padding: Tensor): Tensor {
        return this.encoder.forward(x, { srcKeyPaddingMask: padding });
      }
    }
    await expectOnnxParity(new Encoder(), { inputs: withMask });
    class Causal extends Module<[Tensor, Tensor], Tensor> {
      readonly encoder = this.child('encoder', new TransformerEncoder(new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, batchFirst: true, activation: 'gelu', normFirst: true }), 2, null));
      forward(x: Tensor, padding: Tensor): Tensor {
        // a float causal mask and an int32 padding mask: the layer turns the latter into −∞ (MaskedFill) and adds them
        return this.encoder.forward(x, { mask: squareSubsequentMask(x.shape[1]!), srcKeyPaddingMask: padding });
      }
    }
    await expectOnnxParity(new Causal(), { inputs: withMask });
  });

  test('the TransformerForecaster of examples/weather-attention.ts: learned and sinusoidal positions, the linear shortcut', async () => {
    manualSeed(27);
    for (const positional of ['learned', 'sinusoidal'] as const) {
      const model = new TransformerForecaster({ lookback: 14, features: 3, dModel: 16, nhead: 2, numLayers: 2, positional, skipDays: 3 });
      await expectOnnxParity(model, { shapes: (n) => [[n, 14, 3]] });
    }
  });

  test('attention dropout traced outside eval mode is refused, naming the op', () => {
    class Dropping extends Module {
      forward(x: Tensor): Tensor {
        return scaledDotProductAttention(x, x, x, { dropoutP: 0.1 });
      }
    }
    expect(() => toOnnxModel(new Dropping(), randn([1, 2, 4, 8]))).toThrow(/ScaledDotProductAttention: drops attention weights with p = 0.1; export the model in eval mode/);
  });
});

/** BertForSequenceClassification with ids, attention mask (1 = attend) and optional token types as the graph's inputs. */
class BertClassifier extends Module<[Tensor, Tensor, Tensor?], Tensor> {
  readonly model: BertForSequenceClassification;
  constructor(model: BertForSequenceClassification) {
    super();
    this.model = this.child('model', model);
  }
  forward(inputIds: Tensor, attentionMask: Tensor, tokenTypeIds?: Tensor): Tensor {
    return this.model.forward(inputIds, { attentionMask, tokenTypeIds: tokenTypeIds ?? null });
  }
}

describe('exportOnnx: the mini-BERT sequence classifier', () => {
  test('ids and attention mask as inputs: batch 1 and 7 from one file; a shorter text padded to the traced length', async () => {
    manualSeed(26);
    const config = bertConfig('tiny', { vocabSize: 200, hiddenSize: 32, numAttentionHeads: 2, intermediateSize: 64, maxPositionEmbeddings: 64 });
    const model = new BertClassifier(new BertForSequenceClassification(config, 2));
    const T = 12;
    const inputs = (n: number, random: Random): Tensor[] => {
      const attend = paddingMask(n, T).mul(-1).add(1); //                        HF's convention: 1 = attend
      return [randint(1, 200, [n, T], { random }).mul(attend), attend];
    };
    const bytes = await expectOnnxParity(model, { inputs, inputNames: ['input_ids', 'attention_mask'], outputNames: ['logits'] });
    const onnx = toOnnxModel(model, inputs(1, () => 0.5), { inputNames: ['input_ids', 'attention_mask'] });
    expect(onnx.graph.inputs.map((i) => [i.name, i.dtype, i.shape])).toEqual([['input_ids', 'int32', ['batch', T]], ['attention_mask', 'int32', ['batch', T]]]);
    expect(onnx.graph.initializers.map((t) => t.name)).toContain('model.bert.embeddings.word_embeddings.weight');
    expect(bytes.byteLength).toBeGreaterThan(model.numParameters() * 4);
    // The sequence length is fixed at the traced T: a shorter text is padded to T and masked,
    // which gives the logits Sapling computes on the unpadded text.
    const short = randint(1, 200, [1, 5], { random: seededRandom(3) });
    const padded = pad(short, [0, T - 5]);
    const attend = tensor([...Array(5).fill(1), ...Array(T - 5).fill(0)], [1, T], { dtype: 'int32' });
    const { logits } = await runOnnx(bytes, [padded, attend]);
    expectClose(logits, saplingOutputs(model, [short, tensor(Array(5).fill(1), [1, 5], { dtype: 'int32' })])[0]!, { rtol: 1e-4, atol: 1e-5 });
  });

  test('BertForMaskedLM (the decoder tied to the word embeddings): scores over the vocabulary', async () => {
    manualSeed(28);
    class MaskedLM extends Module<[Tensor, Tensor], Tensor> {
      readonly model = this.child('model', new BertForMaskedLM(bertConfig('tiny', { vocabSize: 50, hiddenSize: 16, numAttentionHeads: 2, intermediateSize: 32 })));
      forward(ids: Tensor, attentionMask: Tensor): Tensor {
        return this.model.forward(ids, { attentionMask });
      }
    }
    const T = 6;
    await expectOnnxParity(new MaskedLM(), { inputs: (n, random) => [randint(1, 50, [n, T], { random }), paddingMask(n, T).mul(-1).add(1)] });
  });

  test('with PyTorch\'s weights (fixtures/bert-cls): ONNX Runtime matches PyTorch\'s logits', async () => {
    const fixtures = join(import.meta.dirname, '..', '..', 'models', 'fixtures');
    const weights = loadSafetensors(join(fixtures, 'bert-cls.safetensors'));
    const json = JSON.parse(weights.metadata!['config']!) as Record<string, unknown>;
    const classifier = new BertForSequenceClassification(bertConfigFromHuggingFace(json), json['num_labels'] as number);
    classifier.loadStateDict(Object.fromEntries(Object.entries(weights.tensors).map(([k, v]) => [k, v.to('float32')])));
    const io = loadSafetensors(join(fixtures, 'bert-cls-io.safetensors')).tensors;
    const feeds = [io['input_ids']!, io['attention_mask']!, io['token_type_ids']!];
    const model = new BertClassifier(classifier);
    const bytes = await expectOnnxParity(model, { inputs: (n) => feeds.map((t) => t.slice([{ start: 0, stop: n }])), batches: [1, 3] });
    const { logits } = await runOnnx(bytes, feeds);
    expectClose(logits, io['logits']!.to('float32'), { rtol: 1e-4, atol: 1e-5 });
  });
});
