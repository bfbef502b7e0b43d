/**
 * MultiheadAttention, TransformerEncoderLayer, TransformerEncoder and the positional embeddings:
 * PyTorch's names, shapes and initialisation; the layouts (batchFirst, unbatched) agreeing with
 * each other; needWeights on and off agreeing; masks (a query left with no key, the two mask
 * conventions); dropout only in training; the encoder's copies; the sinusoid table by hand; a
 * small encoder learning a task; and the errors. PyTorch parity is in transformer-parity.test.ts.
 */
import { describe, expect, test } from 'vitest';
import { randn, tensor, zeros } from '../autograd/creation.js';
import { crossEntropy } from './losses.js';
import { cat } from '../autograd/ops/indexing.js';
import { permute } from '../autograd/ops/shape.js';
import { seededRandom } from '../autograd/random.js';
import type { Tensor } from '../autograd/tensor.js';
import { expectClose } from '../autograd/test-utils.js';
import { Adam } from '../optim/adam.js';
import { MultiheadAttention, mergeHeads, splitHeads } from './attention.js';
import { Embedding } from './embedding.js';
import { LayerNorm } from './layer-norm.js';
import { Linear } from './linear.js';
import { LearnedPositionalEmbedding, SinusoidalPositionalEncoding, sinusoidalPositions } from './positional.js';
import { squareSubsequentMask, TransformerEncoder, TransformerEncoderLayer } from './transformer.js';

const int32 = (values: Parameters<typeof tensor>[0]): Tensor => tensor(values, { dtype: 'int32' });
const f64 = { dtype: 'float64' } as const;

describe('MultiheadAttention', () => {
  test('PyTorch\'s parameter names, shapes and initialisation', () => {
    const mha = new MultiheadAttention(8, 2, { random: seededRandom(1) });
    expect(mha.namedParameters().map(([n, p]) => `${n} [${p.shape.join(',')}]`)).toEqual([
      'in_proj_weight [24,8]', 'in_proj_bias [24]', 'out_proj.weight [8,8]', 'out_proj.bias [8]',
    ]);
    expect([...mha.inProjBias!.dataSync(), ...mha.outProj.bias!.dataSync()].every((x) => x === 0)).toBe(true);
    const bound = Math.sqrt(6 / (8 + 24)); //                                      Xavier-uniform on [3E, E]
    const w = [...mha.inProjWeight.dataSync()];
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.9 * bound);
    expect(new MultiheadAttention(8, 2, { bias: false }).namedParameters().map(([n]) => n)).toEqual(['in_proj_weight', 'out_proj.weight']);
    expect(mha.headDim).toBe(4);
  });

  test('time-first, batch-first and unbatched inputs give the same numbers', () => {
    const random = seededRandom(2);
    const timeFirst = new MultiheadAttention(8, 2, { dtype: 'float64', random });
    const batchFirst = new MultiheadAttention(8, 2, { dtype: 'float64', batchFirst: true });
    batchFirst.loadStateDict(timeFirst.stateDict());
    const x = randn([5, 3, 8], { ...f64, random }); //                                          [T, N, E]
    const kpm = int32([[0, 0, 0, 1, 1], [0, 0, 0, 0, 0], [0, 1, 0, 0, 1]]);
    const a = timeFirst.forward(x, x, x, { keyPaddingMask: kpm });
    const xb = permute(x, [1, 0, 2]);
    const b = batchFirst.forward(xb, xb, xb, { keyPaddingMask: kpm });
    expectClose(permute(b.output, [1, 0, 2]), a.output, { rtol: 1e-12, atol: 1e-14 });
    expectClose(b.weights!, a.weights!, { rtol: 1e-12, atol: 1e-14 });
    expect(a.weights!.shape).toEqual([3, 5, 5]);
    // the second sequence alone, unbatched
    const x1 = xb.slice([1]).reshape([5, 8]);
    const u = timeFirst.forward(x1, x1, x1);
    expect(u.output.shape).toEqual([5, 8]);
    expect(u.weights!.shape).toEqual([5, 5]);
    expectClose(u.output, b.output.slice([1]).reshape([5, 8]), { rtol: 1e-12, atol: 1e-14 });
  });

  test('needWeights false (the fused op) gives the output of needWeights true (composed ops), and the same gradients', () => {
    const random = seededRandom(3);
    const mha = new MultiheadAttention(8, 4, { dtype: 'float64', random, batchFirst: true });
    const q = randn([2, 4, 8], { ...f64, random });
    const kv = randn([2, 6, 8], { ...f64, random });
    const attnMask = squareSubsequentMask(6, 'float64').slice([{ stop: 4 }]);
    const grads = (needWeights: boolean): Tensor[] => {
      mha.zeroGrad();
      const out = mha.forward(q, kv, kv, { attnMask, needWeights }).output;
      out.mul(out).sum().backward();
      return [out, ...mha.parameters().map((p) => p.grad!)];
    };
    const [a, b] = [grads(true), grads(false)];
    a.forEach((t, i) => expectClose(b[i]!, t, { rtol: 1e-12, atol: 1e-13 }));
  });

  test('per-head weights, their average, and the two mask conventions (int32 1 here = may NOT attend)', () => {
    const random = seededRandom(4);
    const mha = new MultiheadAttention(6, 3, { dtype: 'float64', random });
    const x = randn([4, 2, 6], { ...f64, random });
    const forbid = int32([[0, 1, 1, 1], [0, 0, 1, 1], [0, 0, 0, 1], [0, 0, 0, 0]]);
    const perHead = mha.forward(x, x, x, { attnMask: forbid, averageAttnWeights: false }).weights!;
    expect(perHead.shape).toEqual([2, 3, 4, 4]);
    expectClose(perHead.mean(1), mha.forward(x, x, x, { attnMask: forbid }).weights!, { rtol: 1e-14, atol: 1e-16 });
    // forbidden pairs get weight 0, and a float mask of −∞ at the same places is the same mask
    const w = perHead.dataSync();
    for (let i = 0; i < w.length; i++) if (forbid.storage[i % 16] === 1) expect(w[i]).toBe(0);
    const asFloat = mha.forward(x, x, x, { attnMask: squareSubsequentMask(4, 'float64') });
    expectClose(asFloat.output, mha.forward(x, x, x, { attnMask: forbid }).output, { rtol: 1e-14, atol: 1e-15 });
  });

  test('a query whose every key is masked gets a zero attention output (then out_proj\'s bias), and finite gradients', () => {
    const random = seededRandom(5);
    const mha = new MultiheadAttention(4, 2, { dtype: 'float64', random, batchFirst: true });
    mha.outProj.bias!.assign(tensor([1, 2, 3, 4], f64));
    const x = randn([1, 3, 4], { ...f64, random, requiresGrad: true });
    const forbid = int32([[0, 0, 0], [1, 1, 1], [0, 1, 0]]); //                            query 1 sees nothing
    for (const needWeights of [true, false]) {
      const { output } = mha.forward(x, x, x, { attnMask: forbid, needWeights });
      expect([...output.slice([null, 1]).dataSync()]).toEqual([1, 2, 3, 4]);
      x.grad = null;
      output.sum().backward();
      expect([...x.grad!.dataSync()].every(Number.isFinite)).toBe(true);
    }
  });

  test('dropout on the attention weights acts only in training, seeded', () => {
    const x = randn([6, 2, 8], { random: seededRandom(6) });
    const run = (train: boolean, needWeights: boolean) => {
      const mha = new MultiheadAttention(8, 2, { dropout: 0.5, random: seededRandom(7) }).train(train);
      return [...mha.forward(x, x, x, { needWeights }).output.dataSync()];
    };
    expectClose(tensor(run(false, true)), tensor(run(false, false)), { rtol: 1e-5, atol: 1e-6 });
    expect(run(true, false)).toEqual(run(true, false));
    expect(run(true, false)).not.toEqual(run(false, false));
    expect(run(true, true)).not.toEqual(run(false, true));
  });

  test('splitHeads and mergeHeads are inverse, in both layouts', () => {
    const x = randn([2, 5, 8], { random: seededRandom(8) });
    expect(splitHeads(x, 4).shape).toEqual([2, 4, 5, 2]);
    expect([...mergeHeads(splitHeads(x, 4)).dataSync()]).toEqual([...x.dataSync()]);
    expect(splitHeads(x, 4, false).shape).toEqual([5, 4, 2, 2]);
    expect([...mergeHeads(splitHeads(x, 2, false), false).dataSync()]).toEqual([...x.dataSync()]);
  });

  test('errors name the layer and the shapes', () => {
    const mha = new MultiheadAttention(8, 2);
    const x = zeros([5, 3, 8]);
    expect(() => new MultiheadAttention(8, 3)).toThrow(/embedDim 8 must be divisible by numHeads 3/);
    expect(() => mha.forward(x, zeros([5, 3, 4]), x)).toThrow(/MultiheadAttention: expected query, key and value \[T, N, E\].*\[5,3,8\], \[5,3,4\], \[5,3,8\]/);
    expect(() => mha.forward(x, zeros([5, 2, 8]), zeros([5, 2, 8]))).toThrow(/one batch size/);
    expect(() => mha.forward(x, x, x, { keyPaddingMask: int32([[0, 0, 0]]) })).toThrow(/keyPaddingMask must be \[3, 5\], got \[1,3\]/);
    expect(() => mha.forward(x, x, x, { attnMask: zeros([4, 5, 5]) })).toThrow(/attnMask must be \[5, 5\] or \[6, 5, 5\], got \[4,5,5\]/);
    expect(() => mha.forward(x, x, x, { attnMask: zeros([5, 5], f64) })).toThrow(/float mask must have the input's dtype float32, got float64/);
  });
});

describe('TransformerEncoderLayer and TransformerEncoder', () => {
  test('PyTorch\'s children and parameter names, in order', () => {
    const layer = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16 });
    expect(layer.namedChildren().map(([n]) => n)).toEqual(['self_attn', 'linear1', 'dropout', 'linear2', 'norm1', 'norm2', 'dropout1', 'dropout2']);
    expect(layer.namedParameters().map(([n, p]) => `${n} [${p.shape.join(',')}]`)).toEqual([
      'self_attn.in_proj_weight [24,8]', 'self_attn.in_proj_bias [24]', 'self_attn.out_proj.weight [8,8]', 'self_attn.out_proj.bias [8]',
      'linear1.weight [16,8]', 'linear1.bias [16]', 'linear2.weight [8,16]', 'linear2.bias [8]',
      'norm1.weight [8]', 'norm1.bias [8]', 'norm2.weight [8]', 'norm2.bias [8]',
    ]);
    const encoder = new TransformerEncoder(layer, 3, new LayerNorm(8));
    const names = encoder.namedParameters().map(([n]) => n);
    expect(names.length).toBe(3 * 12 + 2);
    expect(names.slice(0, 2)).toEqual(['layers.0.self_attn.in_proj_weight', 'layers.0.self_attn.in_proj_bias']);
    expect(names.slice(-3)).toEqual(['layers.2.norm2.bias', 'norm.weight', 'norm.bias']);
  });

  test('the encoder\'s layers start as copies of the given layer, with their own parameters', () => {
    const layer = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, random: seededRandom(9) });
    const encoder = new TransformerEncoder(layer, 2);
    const [a, b] = [...encoder.layers];
    for (const l of [a!, b!]) {
      expect(l).not.toBe(layer);
      l.namedParameters().forEach(([, p], i) => expect([...p.dataSync()]).toEqual([...layer.parameters()[i]!.dataSync()]));
    }
    expect(a!.parameters()[0]).not.toBe(b!.parameters()[0]);
    a!.linear1.weight.assign(zeros([16, 8]));
    expect([...b!.linear1.weight.dataSync()]).toEqual([...layer.linear1.weight.dataSync()]);
  });

  test('shapes in both layouts and unbatched; dropout only in training', () => {
    const layer = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0.5, random: seededRandom(10) });
    expect(layer.forward(zeros([5, 3, 8])).shape).toEqual([5, 3, 8]);
    expect(layer.forward(zeros([5, 8])).shape).toEqual([5, 8]);
    const x = randn([5, 3, 8], { random: seededRandom(11) });
    layer.eval();
    expect([...layer.forward(x).dataSync()]).toEqual([...layer.forward(x).dataSync()]);
    const evalOut = [...layer.forward(x).dataSync()];
    expect([...layer.train().forward(x).dataSync()]).not.toEqual(evalOut);
    const bf = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, batchFirst: true, normFirst: true, activation: 'gelu' });
    expect(bf.forward(zeros([3, 5, 8]), { srcKeyPaddingMask: int32([[0, 0, 0, 0, 1], [0, 0, 0, 0, 0], [0, 0, 1, 1, 1]]) }).shape).toEqual([3, 5, 8]);
  });

  test('squareSubsequentMask is PyTorch\'s generate_square_subsequent_mask', () => {
    expect(squareSubsequentMask(3).toArray()).toEqual([[0, -Infinity, -Infinity], [0, 0, -Infinity], [0, 0, 0]]);
    expect(squareSubsequentMask(0).shape).toEqual([0, 0]);
  });

  test('a causal encoder\'s output at position t does not depend on later positions', () => {
    const layer = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, batchFirst: true, dtype: 'float64', random: seededRandom(12) });
    const x = randn([1, 6, 8], { ...f64, random: seededRandom(13) });
    const other = randn([1, 3, 8], { ...f64, random: seededRandom(14) });
    const firstThree = (t: Tensor) => layer.forward(t, { srcMask: squareSubsequentMask(6, 'float64') }).slice([null, { stop: 3 }]);
    const changedTail = cat([x.slice([null, { stop: 3 }]), other], 1); //            the same first 3 positions
    expectClose(firstThree(changedTail), firstThree(x), { rtol: 1e-12, atol: 1e-13 });
    expect([...layer.forward(changedTail).dataSync()]).not.toEqual([...layer.forward(x).dataSync()]); // unmasked, they differ
  });

  test('an encoder learns to copy the first token of a sequence to every position (loss drops)', () => {
    const random = seededRandom(15);
    const [V, T, N, D] = [5, 6, 16, 16];
    const embed = new Embedding(V, D, { random });
    const pos = new LearnedPositionalEmbedding(D, { maxLen: T, batchFirst: true, random });
    const encoder = new TransformerEncoder(new TransformerEncoderLayer(D, 2, { dimFeedforward: 32, dropout: 0, batchFirst: true, normFirst: true, random }), 1, new LayerNorm(D));
    const head = new Linear(D, V, { random });
    const params = [...embed.parameters(), ...pos.parameters(), ...encoder.parameters(), ...head.parameters()];
    const opt = new Adam(params, { lr: 0.01 });
    const tokens = Array.from({ length: N * T }, () => Math.floor(random() * V));
    const x = int32(tokens).reshape([N, T]);
    const target = int32(tokens.map((_, i) => tokens[i - (i % T)]!)).reshape([N * T]);
    const losses: number[] = [];
    for (let step = 0; step < 40; step++) {
      const h = encoder.forward(pos.forward(embed.forward(x)));
      const loss = crossEntropy(head.forward(h).reshape([N * T, V]), target);
      opt.zeroGrad();
      loss.backward();
      opt.step();
      losses.push(loss.item());
    }
    expect(losses.at(-1)!).toBeLessThan(0.25 * losses[0]!);
  });

  test('errors', () => {
    expect(() => new TransformerEncoderLayer(8, 2, { activation: 'tanh' as 'relu' })).toThrow(/activation must be 'relu' or 'gelu', got 'tanh'/);
    expect(() => new TransformerEncoder(new TransformerEncoderLayer(8, 2), 0)).toThrow(/numLayers must be an integer ≥ 1, got 0/);
  });
});

describe('positional embeddings', () => {
  test('the sinusoid table worked out by hand (Vaswani et al. §3.5), odd widths included', () => {
    expectClose(sinusoidalPositions(2, 4, 'float64'), [[0, 1, 0, 1], [Math.sin(1), Math.cos(1), Math.sin(0.01), Math.cos(0.01)]], { rtol: 1e-15, atol: 1e-16 });
    const odd = sinusoidalPositions(3, 3, 'float64');
    const f = 10000 ** (-2 / 3);
    expectClose(odd, [[0, 1, 0], [Math.sin(1), Math.cos(1), Math.sin(f)], [Math.sin(2), Math.cos(2), Math.sin(2 * f)]], { rtol: 1e-14, atol: 1e-16 });
  });

  test('SinusoidalPositionalEncoding adds the table rows, broadcast over the batch, with an offset; no state-dict entry', () => {
    const pe = new SinusoidalPositionalEncoding(4, { maxLen: 10, dtype: 'float64' });
    const x = zeros([3, 2, 4], f64); //                                                       [T, N, d]
    expectClose(pe.forward(x).slice([null, 1]), sinusoidalPositions(3, 4, 'float64'));
    expectClose(pe.forward(x, 7).slice([null, 0]), sinusoidalPositions(10, 4, 'float64').slice([{ start: 7 }]));
    const bf = new SinusoidalPositionalEncoding(4, { maxLen: 10, batchFirst: true, dtype: 'float64' });
    expectClose(bf.forward(zeros([2, 3, 4], f64)).slice([1]), sinusoidalPositions(3, 4, 'float64'));
    expect(Object.keys(pe.stateDict())).toEqual([]);
    expect(() => pe.forward(x, 8)).toThrow(/positions 8 … 10 do not fit in maxLen 10/);
  });

  test('LearnedPositionalEmbedding adds trained rows; its gradient is the batch sum at each position', () => {
    const pos = new LearnedPositionalEmbedding(4, { maxLen: 5, batchFirst: true, dtype: 'float64', random: seededRandom(16) });
    expect(pos.namedParameters().map(([n, p]) => `${n} [${p.shape.join(',')}]`)).toEqual(['weight [5,4]']);
    const std = Math.sqrt([...pos.weight.dataSync()].reduce((s, v) => s + v * v, 0) / 20);
    expect(std).toBeGreaterThan(0.01);
    expect(std).toBeLessThan(0.04);
    const y = pos.forward(zeros([3, 2, 4], f64));
    expectClose(y.slice([2]), pos.weight.slice([{ stop: 2 }]));
    y.sum().backward();
    expectClose(pos.weight.grad!, [[3, 3, 3, 3], [3, 3, 3, 3], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]);
    expect(() => pos.forward(zeros([1, 6, 4], f64))).toThrow(/do not fit in maxLen 5/);
    expect(() => pos.forward(zeros([1, 2, 3], f64))).toThrow(/expected x \[N, T, d\] or \[T, d\] with d = 4, got \[1,2,3\]/);
  });
});
