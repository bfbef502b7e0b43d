/**
 * The WebGPU ops' gradients against cpu float64 references: each op runs forward and backward on
 * the device in float32 (WebGPU has no float64), reduced as Σ c ⊙ f(x) with a random c as
 * gradcheck.ts does, and its output and every input gradient must match the cpu's float64
 * analytic ones — which gradcheck proves against central differences in each op's own test —
 * at float32 tolerance (parity.ts's rtol 1e-4 relative to the scale). Skipped without an adapter.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { randint, randn } from '../../creation.js';
import { noGrad } from '../../function.js';
import * as ops from '../../ops/index.js';
import { seededRandom } from '../../random.js';
import type { Tensor } from '../../tensor.js';
import { crossEntropy } from '../../../layers/losses.js';
import { getBackend, setBackend, type AvailableBackend } from '../index.js';
import { cpuKernels } from '../cpu/index.js';
import { parityError } from '../parity.js';
import { adapter } from './test-adapter.js';

type Fn = (...inputs: Tensor[]) => Tensor;

interface Case {
  readonly name: string;
  readonly shapes: readonly (readonly number[])[];
  readonly fn: Fn;
  /** Inputs drawn as |x| + 0.5 (for log, division, pow). */
  readonly positive?: readonly number[];
}

const labels = randint(0, 5, [6], { random: seededRandom(3) });
const index = randint(0, 7, [2, 5], { random: seededRandom(4) });

const CASES: readonly Case[] = [
  { name: 'add, broadcast [3, 1, 4] with [5, 1]', shapes: [[3, 1, 4], [5, 1]], fn: (a, b) => ops.add(a!, b!) },
  { name: 'mul and div', shapes: [[4, 5], [5], [4, 1]], fn: (a, b, c) => ops.div(ops.mul(a!, b!), c!), positive: [2] },
  { name: 'pow', shapes: [[3, 4], [4]], fn: (a, b) => ops.pow(a!, b!), positive: [0] },
  { name: 'exp, log, tanh, sigmoid, gelu, relu, leakyRelu, softplus', shapes: [[4, 6]], positive: [0], fn: (x) => {
    const v = x!;
    return ops.add(ops.add(ops.add(ops.exp(ops.mul(v, 0.3)), ops.log(v)), ops.add(ops.tanh(v), ops.sigmoid(v))), ops.add(ops.add(ops.gelu(v), ops.relu(ops.sub(v, 1))), ops.add(ops.leakyRelu(ops.sub(v, 1), 0.1), ops.softplus(v))));
  } },
  { name: 'matmul, batched with a broadcast', shapes: [[2, 3, 4], [4, 5]], fn: (a, b) => ops.matmul(a!, b!) },
  { name: 'conv2d with bias, stride 2, padding 1', shapes: [[2, 3, 7, 6], [4, 3, 3, 3], [4]], fn: (x, w, b) => ops.conv2d(x!, w!, b!, { stride: 2, padding: 1 }) },
  { name: 'conv2d with one input channel (the direct kernel)', shapes: [[2, 1, 6, 6], [3, 1, 3, 3]], fn: (x, w) => ops.conv2d(x!, w!) },
  { name: 'conv2d, groups 2 and dilation 2 (the direct kernels)', shapes: [[1, 4, 7, 7], [4, 2, 3, 3]], fn: (x, w) => ops.conv2d(x!, w!, null, { groups: 2, dilation: 2, padding: 2 }) },
  { name: 'maxPool2d 2x2 and 3x3 stride 2 padding 1', shapes: [[2, 3, 8, 7]], fn: (x) => ops.add(ops.sum(ops.maxPool2d(x!, 2)), ops.sum(ops.maxPool2d(x!, 3, { stride: 2, padding: 1 }))) },
  { name: 'avgPool2d and adaptiveAvgPool2d', shapes: [[2, 3, 7, 6]], fn: (x) => ops.add(ops.sum(ops.avgPool2d(x!, 3, { stride: 2, padding: 1 })), ops.sum(ops.mul(ops.adaptiveAvgPool2d(x!, [2, 3]), 2))) },
  { name: 'softmax and logSoftmax', shapes: [[4, 7]], fn: (x) => ops.add(ops.softmax(x!, -1), ops.logSoftmax(x!, 0)) },
  { name: 'batchNorm in training mode', shapes: [[4, 3, 3, 2], [3], [3]], fn: (x, w, b) => ops.batchNorm(x!, w!, b!, { training: true }) },
  { name: 'layerNorm', shapes: [[3, 4, 6], [6], [6]], fn: (x, w, b) => ops.layerNorm(x!, [6], w!, b!) },
  { name: 'sum, mean, max over axes', shapes: [[3, 4, 5]], fn: (x) => ops.add(ops.add(ops.sum(x!, [0, 2]), ops.mean(x!, 2).sum(0)), ops.max(x!, 2).values.sum(0)) },
  { name: 'permute, slice, cat', shapes: [[2, 3, 4], [2, 3, 2]], fn: (a, b) => ops.cat([ops.permute(a!, [0, 2, 1]).slice([null, { start: 1, stop: 4 }]), ops.permute(b!, [0, 2, 1])], 1) },
  { name: 'gather and indexSelect', shapes: [[2, 7]], fn: (x) => ops.add(ops.gather(x!, 1, index), ops.indexSelect(x!, 1, index.slice([0]).reshape([5]))) },
  { name: 'embedding', shapes: [[7, 3]], fn: (w) => ops.embedding(index, w!) },
  // indexAdd with a host index groups it by row on the host (movement.ts): repeats, unused rows, an outer axis
  { name: 'indexSelect along axis 1, repeated indices', shapes: [[2, 5, 3]], fn: (x) => ops.indexSelect(x!, 1, randint(0, 3, [6], { random: seededRandom(5) })) },
  { name: 'crossEntropy', shapes: [[6, 5]], fn: (x) => crossEntropy(x!, labels) },
  { name: 'cumsum, cumprod (its exact backward on the device) and sort (argsort, then a gather)', shapes: [[3, 6]], fn: (x) => ops.add(ops.add(ops.cumsum(x!, 1), ops.cumprod(x!, 0)), ops.sort(x!, 1, true).values) },
];

/** f's output and input gradients on `backend`, from float64 inputs (cast to float32 on webgpu). */
async function run(c: Case, backend: AvailableBackend): Promise<Tensor[]> {
  await setBackend(backend);
  const random = seededRandom(11);
  const base = c.shapes.map((shape, i) => {
    const t = randn(shape, { random, dtype: 'float64' });
    return c.positive?.includes(i) ? noGrad(() => ops.add(ops.abs(t), 0.5)) : t;
  });
  const dtype = backend === 'webgpu' ? 'float32' : 'float64';
  const inputs = await Promise.all(base.map(async (t) => (await (dtype === 'float32' ? cpuKernels.cast(t, 'float32') : t).to(backend)).requiresGrad_()));
  const y = c.fn(...inputs);
  const weights = await (dtype === 'float32' ? cpuKernels.cast(randn(y.shape, { random, dtype: 'float64' }), 'float32') : randn(y.shape, { random, dtype: 'float64' })).to(backend);
  ops.sum(ops.mul(y, weights)).backward();
  return Promise.all([y, ...inputs.map((t) => t.grad!)].map(async (t) => {
    const host = await t.to('cpu');
    return host.dtype === 'float64' ? cpuKernels.cast(host, 'float32') : host;
  }));
}

describe.skipIf(adapter === null)('WebGPU gradients against cpu float64', () => {
  let previous = 'cpu';
  beforeAll(() => {
    previous = getBackend();
  });
  afterAll(async () => setBackend(previous as AvailableBackend));

  test.each(CASES.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const want = await run(c, 'cpu');
    const got = await run(c, 'webgpu');
    got.forEach((g, i) => {
      const { ratio, detail } = parityError(g, want[i]!);
      expect(ratio, `${i === 0 ? 'output' : `gradient of input ${i - 1}`}: ${detail}`).toBeLessThanOrEqual(1);
    });
  });
});
