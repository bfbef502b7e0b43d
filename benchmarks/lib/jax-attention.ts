/**
 * jax-attention — jax-js's `nn.dotProductAttention`, forward and backward under one `jit`
 * (the gradients of Σ O ⊙ dO with respect to Q, K and V), on its wasm device, for the
 * transformer suite. Layout [B, T, heads, d], jax's; the inputs are seeded, made once.
 */
import './iterator-helpers.js';
import { blockUntilReady, defaultDevice, grad, init, jit, nn, numpy as np } from '@jax-js/jax';
import { seededRandom } from '../../src/index.js';

/** Resolves with a task that runs one forward + backward and waits for its three gradients. */
export async function jaxAttention(shape: readonly [number, number, number, number], seed: number): Promise<() => Promise<number>> {
  await init('wasm');
  defaultDevice('wasm');
  const random = seededRandom(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  const make = (): np.Array => np.array(Float32Array.from({ length: size }, () => 2 * random() - 1)).reshape([...shape]);
  const [q, k, v, dO] = [make(), make(), make(), make()];
  const loss = (q: np.Array, k: np.Array, v: np.Array, g: np.Array): np.Array => nn.dotProductAttention(q, k, v).mul(g).sum();
  const step = jit(grad(loss, { argnums: [0, 1, 2] }));
  return async () => {
    const grads = step(q.ref, k.ref, v.ref, dO.ref) as np.Array[];
    for (const g of grads) await blockUntilReady(g.ref);
    grads.forEach((g) => g.dispose());
    return grads.length;
  };
}
