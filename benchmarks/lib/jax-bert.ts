/**
 * jax-bert — the benchmark's BERT training step written by hand in jax-js (its own kernels, on
 * its wasm device, under `jit`): the same model as Sapling's BertForSequenceClassification (word
 * + position + token-type embeddings, LayerNorm, post-norm layers with exact-GELU feed-forward,
 * tanh pooler on [CLS], classifier), cross-entropy, one AdamW step, all in one jitted function.
 * jax-js arrays are reference counted: a function consumes its arguments, `.ref` keeps one alive.
 * Attention is `nn.dotProductAttention`, whose layout [B, T, heads, d] needs no transposes.
 */
import './iterator-helpers.js';
import { blockUntilReady, defaultDevice, init, jit, nn, numpy as np, tree, valueAndGrad } from '@jax-js/jax';

export interface BertShape {
  readonly layers: number;
  readonly hidden: number;
  readonly heads: number;
  readonly intermediate: number;
  readonly vocab: number;
  readonly batch: number;
  readonly time: number;
}

type Layer = {
  wq: np.Array; bq: np.Array; wk: np.Array; bk: np.Array; wv: np.Array; bv: np.Array; wo: np.Array; bo: np.Array;
  g1: np.Array; b1: np.Array; wi: np.Array; bi: np.Array; wf: np.Array; bf: np.Array; g2: np.Array; b2: np.Array;
};
type Params = { word: np.Array; pos: np.Array; type: np.Array; ge: np.Array; be: np.Array; layers: Layer[]; wp: np.Array; bp: np.Array; wc: np.Array; bc: np.Array };

const EPS = 1e-12;
const dense = (x: np.Array, w: np.Array, b: np.Array): np.Array => np.matmul(x, w).add(b); // w [in, out]
const layerNorm = (x: np.Array, g: np.Array, b: np.Array): np.Array => nn.standardize(x, -1, { epsilon: EPS }).mul(g).add(b);

/** Starts jax-js's wasm device; resolves with a step function (one AdamW step, returns the loss). */
export async function jaxBertStep(s: BertShape, data: { ids: Int32Array; mask: Float32Array; labels: Int32Array }, random: () => number): Promise<() => Promise<number>> {
  await init('wasm');
  defaultDevice('wasm');
  const { hidden: H, heads: A, intermediate: I, vocab: V, batch: B, time: T } = s;
  const d = H / A;
  const normal = (shape: number[]): np.Array => np.array(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 0.02 * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()))).reshape(shape);
  const zeros = (shape: number[]): np.Array => np.zeros(shape);
  const ones = (shape: number[]): np.Array => np.ones(shape);
  const layer = (): Layer => ({
    wq: normal([H, H]), bq: zeros([H]), wk: normal([H, H]), bk: zeros([H]), wv: normal([H, H]), bv: zeros([H]), wo: normal([H, H]), bo: zeros([H]),
    g1: ones([H]), b1: zeros([H]), wi: normal([H, I]), bi: zeros([I]), wf: normal([I, H]), bf: zeros([H]), g2: ones([H]), b2: zeros([H]),
  });
  let params: Params = {
    word: normal([V, H]), pos: normal([T, H]), type: normal([2, H]), ge: ones([H]), be: zeros([H]),
    layers: Array.from({ length: s.layers }, layer), wp: normal([H, H]), bp: zeros([H]), wc: normal([H, 2]), bc: zeros([2]),
  };
  let m = tree.map((p: np.Array) => np.zerosLike(p), tree.ref(params)) as Params;
  let v = tree.map((p: np.Array) => np.zerosLike(p), tree.ref(params)) as Params;
  const ids = np.array(data.ids, { dtype: np.int32 }).reshape([B, T]);
  const keep = np.array(data.mask).reshape([B, 1, 1, T]).greater(0.5); //          [B, 1, 1, T] bool
  const onehot = nn.oneHot(np.array(data.labels, { dtype: np.int32 }), 2);

  function loss(p: Params, ids: np.Array, keep: np.Array, onehot: np.Array): np.Array {
    let x = np.take(p.word, ids, 0).add(p.pos).add(np.take(p.type, np.zeros([B, T], { dtype: np.int32 }), 0)); // [B, T, H]
    x = layerNorm(x, p.ge, p.be);
    for (const l of p.layers) {
      const q = dense(x.ref, l.wq, l.bq).reshape([B, T, A, d]);
      const k = dense(x.ref, l.wk, l.bk).reshape([B, T, A, d]);
      const val = dense(x.ref, l.wv, l.bv).reshape([B, T, A, d]);
      const ctx = nn.dotProductAttention(q, k, val, { mask: keep.ref }).reshape([B, T, H]);
      const a = layerNorm(dense(ctx, l.wo, l.bo).add(x), l.g1, l.b1);
      const f = dense(nn.gelu(dense(a.ref, l.wi, l.bi), { approximate: false }), l.wf, l.bf);
      x = layerNorm(f.add(a), l.g2, l.b2);
    }
    keep.dispose();
    const cls = x.slice([], 0); //                                [B, H], the [CLS] rows
    const logits = dense(np.tanh(dense(cls, p.wp, p.bp)), p.wc, p.bc); //            [B, 2]
    return nn.logSoftmax(logits, -1).mul(onehot).sum().mul(-1 / B);
  }

  const LR = 1e-4;
  const [B1, B2, WD] = [0.9, 0.999, 0.01];
  const step = jit((p: Params, m: Params, v: Params, ids: np.Array, keep: np.Array, onehot: np.Array, c1: np.Array, c2: np.Array) => {
    const [value, g] = valueAndGrad(loss)(tree.ref(p), ids, keep, onehot) as [np.Array, Params];
    const m2 = tree.map((mi: np.Array, gi: np.Array) => mi.mul(B1).add(gi.mul(1 - B1)), m, tree.ref(g)) as Params;
    const v2 = tree.map((vi: np.Array, gi: np.Array) => vi.mul(B2).add(gi.ref.mul(gi).mul(1 - B2)), v, g) as Params;
    const p2 = tree.map((pi: np.Array, mi: np.Array, vi: np.Array) =>
      pi.mul(1 - LR * WD).sub(mi.mul(c1.ref).div(np.sqrt(vi.mul(c2.ref)).add(1e-8)).mul(LR)), p, tree.ref(m2), tree.ref(v2)) as Params;
    c1.dispose();
    c2.dispose();
    return [value, p2, m2, v2];
  });
  let t = 0;
  return async () => {
    t++;
    const [value, p2, m2, v2] = step(params, m, v, ids.ref, keep.ref, onehot.ref, np.array(1 / (1 - B1 ** t)), np.array(1 / (1 - B2 ** t))) as [np.Array, Params, Params, Params];
    params = p2;
    m = m2;
    v = v2;
    await blockUntilReady(value.ref);
    return (value.dataSync() as Float32Array)[0]!;
  };
}
