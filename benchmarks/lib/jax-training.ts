/**
 * jax-training — the training suite's two models trained by jax-js (its own kernels on its wasm
 * device): forward, softmax cross-entropy, gradients and the optimiser update in one `jit`.
 * Same model, initial weights (Sapling's, passed in), batches and optimiser as Sapling's side.
 *
 * - MLP 784-256-128-10: x · W + b per layer, W as [in, out] (jax's layout: Sapling's [out, in]
 *   transposed once here, outside the step).
 * - The MNIST CNN: `lax.conv` takes NCHW inputs and [O, C, KH, KW] filters, Sapling's layouts;
 *   2 × 2 max pooling is a reshape to [N, C, H/2, 2, W/2, 2] and a max over the two window axes.
 * - Optimisers written by hand (jax-js has no optax here): PyTorch's SGD with momentum
 *   (buf ← μ·buf + g, p ← p − lr·buf; buf starts at 0, so the first buf is g, as in PyTorch) and
 *   Adam (bias corrections 1/(1 − βᵗ) passed in as scalars, so one compiled step serves every t).
 * jax-js arrays are reference counted: a function consumes its arguments, `.ref` keeps one alive.
 */
import './iterator-helpers.js';
import { blockUntilReady, defaultDevice, init, jit, lax, nn, numpy as np, tree, valueAndGrad } from '@jax-js/jax';

export type JaxModel = 'mlp' | 'cnn';
export type JaxOptimizer =
  | { readonly name: 'sgd'; readonly lr: number; readonly momentum: number }
  | { readonly name: 'adam'; readonly lr: number; readonly betas: readonly [number, number]; readonly eps: number };

/** One parameter as Sapling holds it: its values and shape (Linear [out, in], Conv2d [O, C, KH, KW]). */
export interface JaxParam { readonly values: Float32Array; readonly shape: readonly number[] }
export interface JaxBatch { readonly x: Float32Array; readonly labels: Int32Array }

type Params = np.Array[];

/** Sapling's parameters in jax's layouts: every 2-D weight [out, in] → [in, out]. */
function toJax(params: readonly JaxParam[]): Params {
  return params.map(({ values, shape }) => {
    if (shape.length !== 2) return np.array(Float32Array.from(values)).reshape([...shape]);
    const [o, i] = shape as [number, number];
    const t = new Float32Array(o * i);
    for (let r = 0; r < o; r++) for (let c = 0; c < i; c++) t[c * o + r] = values[r * i + c]!;
    return np.array(t).reshape([i, o]);
  });
}

/** 2 × 2 max pooling, stride 2, on [N, C, H, W] with H and W even. */
function maxPool2(x: np.Array): np.Array {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  return np.max(x.reshape([n, c, h / 2, 2, w / 2, 2]), [3, 5]);
}

function logits(model: JaxModel, p: Params, x: np.Array): np.Array {
  if (model === 'mlp') {
    const [w1, b1, w2, b2, w3, b3] = p as [np.Array, np.Array, np.Array, np.Array, np.Array, np.Array];
    const h1 = nn.relu(np.matmul(x, w1).add(b1));
    const h2 = nn.relu(np.matmul(h1, w2).add(b2));
    return np.matmul(h2, w3).add(b3);
  }
  const [k1, c1, k2, c2, w1, b1, w2, b2] = p as [np.Array, np.Array, np.Array, np.Array, np.Array, np.Array, np.Array, np.Array];
  const n = x.shape[0]!;
  const a1 = maxPool2(nn.relu(lax.conv(x, k1, [1, 1], 'VALID').add(c1.reshape([1, -1, 1, 1])))); //  [N, 16, 12, 12]
  const a2 = maxPool2(nn.relu(lax.conv(a1, k2, [1, 1], 'VALID').add(c2.reshape([1, -1, 1, 1])))); // [N, 32, 4, 4]
  const h = nn.relu(np.matmul(a2.reshape([n, -1]), w1).add(b1)); //                                    [N, 64]
  return np.matmul(h, w2).add(b2);
}

/** Mean softmax cross-entropy over the batch, as F.crossEntropy. */
function lossOf(model: JaxModel, p: Params, x: np.Array, onehot: np.Array): np.Array {
  const n = x.shape[0]!;
  return nn.logSoftmax(logits(model, p, x), -1).mul(onehot).sum().mul(-1 / n);
}

export interface JaxTrainer {
  /** One training step on batch `i` of the pool; resolves to the loss before the update. */
  readonly step: (i: number) => Promise<number>;
  /** The loss of the current parameters on batch `i`, no update (for the agreement check). */
  readonly loss: (i: number) => Promise<number>;
}

/**
 * Starts jax-js's wasm device and resolves with a trainer for `model` from Sapling's initial
 * `params` (in `model.parameters()` order), over `batches` with `inputShape` per batch.
 */
export async function jaxTrainer(model: JaxModel, params: readonly JaxParam[], batches: readonly JaxBatch[], inputShape: readonly number[], opt: JaxOptimizer): Promise<JaxTrainer> {
  await init('wasm');
  defaultDevice('wasm');
  let p = toJax(params);
  let s1: Params = p.map((a) => np.zerosLike(a.ref)); // momentum buffer, or Adam's m
  let s2: Params = opt.name === 'adam' ? p.map((a) => np.zerosLike(a.ref)) : []; // Adam's v
  const data = batches.map((b) => ({
    x: np.array(b.x).reshape([...inputShape]),
    onehot: nn.oneHot(np.array(b.labels, { dtype: np.int32 }), 10),
  }));
  const lossFn = (q: Params, x: np.Array, onehot: np.Array): np.Array => lossOf(model, q, x, onehot);
  const evalLoss = jit(lossFn);

  let t = 0;
  let run: (i: number) => np.Array;
  if (opt.name === 'sgd') {
    const { lr, momentum } = opt;
    const step = jit((q: Params, buf: Params, x: np.Array, onehot: np.Array) => {
      const [value, g] = valueAndGrad(lossFn)(tree.ref(q), x, onehot) as [np.Array, Params];
      const buf2 = tree.map((b: np.Array, gi: np.Array) => b.mul(momentum).add(gi), buf, g) as Params;
      const q2 = tree.map((qi: np.Array, bi: np.Array) => qi.sub(bi.mul(lr)), q, tree.ref(buf2)) as Params;
      return [value, q2, buf2];
    });
    run = (i) => {
      const d = data[i % data.length]!;
      const [value, q2, buf2] = step(p, s1, d.x.ref, d.onehot.ref) as [np.Array, Params, Params];
      p = q2;
      s1 = buf2;
      return value;
    };
  } else {
    const { lr, betas: [b1, b2], eps } = opt;
    const step = jit((q: Params, m: Params, v: Params, x: np.Array, onehot: np.Array, c1: np.Array, c2: np.Array) => {
      const [value, g] = valueAndGrad(lossFn)(tree.ref(q), x, onehot) as [np.Array, Params];
      const m2 = tree.map((mi: np.Array, gi: np.Array) => mi.mul(b1).add(gi.mul(1 - b1)), m, tree.ref(g)) as Params;
      const v2 = tree.map((vi: np.Array, gi: np.Array) => vi.mul(b2).add(gi.ref.mul(gi).mul(1 - b2)), v, g) as Params;
      // PyTorch's Adam: p − lr · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
      const q2 = tree.map((qi: np.Array, mi: np.Array, vi: np.Array) =>
        qi.sub(mi.mul(c1.ref).div(np.sqrt(vi.mul(c2.ref)).add(eps)).mul(lr)), q, tree.ref(m2), tree.ref(v2)) as Params;
      c1.dispose();
      c2.dispose();
      return [value, q2, m2, v2];
    });
    run = (i) => {
      t++;
      const d = data[i % data.length]!;
      const [value, q2, m2, v2] = step(p, s1, s2, d.x.ref, d.onehot.ref, np.array(1 / (1 - b1 ** t)), np.array(1 / (1 - b2 ** t))) as [np.Array, Params, Params, Params];
      p = q2;
      s1 = m2;
      s2 = v2;
      return value;
    };
  }
  const read = async (value: np.Array): Promise<number> => {
    await blockUntilReady(value.ref);
    return (value.dataSync() as Float32Array)[0]!;
  };
  return {
    step: (i) => read(run(i)),
    loss: (i) => {
      const d = data[i % data.length]!;
      return read(evalLoss(tree.ref(p), d.x.ref, d.onehot.ref) as np.Array);
    },
  };
}
