/**
 * Layers and losses against PyTorch, forward AND backward, checked without Python.
 *
 * The expected values come from src/layers/fixtures/torch-layers.json, written by
 * scripts/make-layer-fixtures.py. To regenerate it (after adding a case, or for a new PyTorch),
 * run from the repository root:
 *
 *     /usr/bin/python3 scripts/make-layer-fixtures.py
 *
 * Each layer case loads PyTorch's state_dict into the Sapling layer with `loadStateDict` (so
 * the parameter and buffer names are checked as well), then runs PyTorch's steps — in training
 * or eval mode — comparing the output, the gradients of the input and of every parameter, and
 * the state after the step (BatchNorm's running statistics and num_batches_tracked). Each loss
 * case compares the loss and the gradients of its input (and float target). Everything runs
 * twice: in float64, compared tightly (only summation order differs), and in float32, against
 * the same float64 reference with float32-sized tolerances.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { tensor } from '../autograd/creation.js';
import type { FloatDType } from '../autograd/dtype.js';
import { Tensor } from '../autograd/tensor.js';
import { BatchNorm1d, BatchNorm2d } from './batch-norm.js';
import { Conv2d } from './conv2d.js';
import { Embedding } from './embedding.js';
import { LayerNorm } from './layer-norm.js';
import { Linear } from './linear.js';
import { binaryCrossEntropyWithLogits, crossEntropy, huberLoss, l1Loss, mseLoss, nllLoss, smoothL1Loss } from './losses.js';
import type { Module, StateDict } from './module.js';

interface FixtureTensor {
  readonly shape: number[];
  readonly dtype: 'float64' | 'int64';
  readonly data: number[];
}

type Tensors = Record<string, FixtureTensor>;

interface LayerStep {
  readonly training: boolean;
  readonly input: FixtureTensor;
  readonly upstream: FixtureTensor;
  readonly output: FixtureTensor;
  readonly grads: Tensors;
  readonly state: Tensors;
}

interface LayerCase {
  readonly name: string;
  readonly layer: string;
  readonly args: unknown[];
  readonly options: Record<string, unknown>;
  readonly state: Tensors;
  readonly steps: LayerStep[];
}

interface LossCase {
  readonly name: string;
  readonly loss: string;
  readonly options: Record<string, unknown>;
  readonly tensors: Tensors;
  readonly input: FixtureTensor;
  readonly target: FixtureTensor;
  readonly output: FixtureTensor;
  readonly upstream: FixtureTensor;
  readonly grads: Tensors;
}

interface Fixture {
  readonly generator: string;
  readonly command: string;
  readonly torch: string;
  readonly layers: LayerCase[];
  readonly losses: LossCase[];
}

const FIXTURE = JSON.parse(readFileSync(new URL('./fixtures/torch-layers.json', import.meta.url), 'utf8')) as Fixture;

type AnyLayer = Module<[Tensor], Tensor>;

/** How each fixture layer maps onto a Sapling constructor (the options are already Sapling's names). */
const LAYERS: Record<string, (args: unknown[], options: Record<string, unknown>) => AnyLayer> = {
  Linear: ([i, o], opts) => new Linear(i as number, o as number, opts),
  Conv2d: ([i, o, k], opts) => new Conv2d(i as number, o as number, k as number | [number, number], opts),
  BatchNorm1d: ([c], opts) => new BatchNorm1d(c as number, opts),
  BatchNorm2d: ([c], opts) => new BatchNorm2d(c as number, opts),
  LayerNorm: ([shape], opts) => new LayerNorm(shape as number[], opts),
  Embedding: ([n, d], opts) => new Embedding(n as number, d as number, opts),
};

type LossFn = (input: Tensor, target: Tensor, options: Record<string, unknown>) => Tensor;
const LOSSES: Record<string, LossFn> = { crossEntropy, nllLoss, mseLoss, l1Loss, smoothL1Loss, huberLoss, binaryCrossEntropyWithLogits };

interface Tolerance {
  readonly rtol: number;
  readonly atol: number;
}

const TOLERANCE: Record<FloatDType, Tolerance> = {
  float64: { rtol: 1e-10, atol: 1e-12 },
  float32: { rtol: 1e-4, atol: 1e-5 },
};

/** int64 becomes int32 (Sapling's integer dtype); float64 becomes `dtype`. */
const build = (t: FixtureTensor, dtype: FloatDType, requiresGrad = false): Tensor =>
  tensor(t.data, t.shape, { dtype: t.dtype === 'int64' ? 'int32' : dtype, requiresGrad: requiresGrad && t.dtype !== 'int64' });

/** Fails with the worst element (index, expected, got) when |got − want| > atol + rtol·|want| anywhere. */
function expectClose(got: Tensor | null | undefined, want: FixtureTensor, { rtol, atol }: Tolerance, what: string): void {
  expect(got, `${what}: missing`).toBeInstanceOf(Tensor);
  expect([...got!.shape], `${what}: shape`).toEqual(want.shape);
  const data = got!.dataSync();
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < want.data.length; i++) {
    const w = want.data[i]!;
    const g = data[i]!;
    const excess = Number.isFinite(g) ? Math.abs(g - w) - (atol + rtol * Math.abs(w)) : Infinity;
    if (excess > worstExcess) [worst, worstExcess] = [i, excess];
  }
  if (worst >= 0) {
    const w = want.data[worst]!;
    const g = data[worst]!;
    expect.fail(`${what}: element ${worst} (of ${want.data.length}) expected ${w} (PyTorch), got ${g}; |diff| = ${Math.abs(g - w)}, allowed ${atol + rtol * Math.abs(w)}`);
  }
}

test('the fixture says where it came from and covers every layer and loss', () => {
  expect(FIXTURE.generator).toBe('scripts/make-layer-fixtures.py');
  expect(FIXTURE.command).toBe('/usr/bin/python3 scripts/make-layer-fixtures.py');
  expect(FIXTURE.torch).toMatch(/^\d+\.\d+/);
  expect([...new Set(FIXTURE.layers.map((c) => c.layer))].sort()).toEqual(Object.keys(LAYERS).sort());
  expect([...new Set(FIXTURE.losses.map((c) => c.loss))].sort()).toEqual(Object.keys(LOSSES).sort());
});

for (const dtype of ['float64', 'float32'] as const) {
  const tol = TOLERANCE[dtype];

  describe(`layers match PyTorch ${FIXTURE.torch} forward and backward, Sapling in ${dtype}`, () => {
    for (const c of FIXTURE.layers) {
      test(`${c.layer}: ${c.name}`, () => {
        const layer = LAYERS[c.layer]!(c.args, { ...c.options, dtype });
        const state: StateDict = {};
        for (const [key, t] of Object.entries(c.state)) state[key] = build(t, dtype);
        layer.loadStateDict(state); // strict: PyTorch's keys, shapes and (after the int64 → int32 mapping) dtypes
        const params = new Map(layer.namedParameters());
        c.steps.forEach((step, s) => {
          const what = `${c.name} [${dtype}] step ${s} (${step.training ? 'train' : 'eval'})`;
          layer.train(step.training);
          layer.zeroGrad();
          const x = build(step.input, dtype, true);
          const y = layer.forward(x);
          expectClose(y, step.output, tol, `${what} output`);
          y.backward(build(step.upstream, dtype));
          for (const [name, g] of Object.entries(step.grads)) {
            expectClose(name === 'input' ? x.grad : params.get(name)?.grad, g, tol, `${what} d/d${name}`);
          }
          // Parameters PyTorch gave no gradient must have none here either (e.g. none at all in eval? no: always).
          for (const [name, p] of params) if (!(name in step.grads)) expect(p.grad, `${what}: ${name} should get no gradient`).toBeNull();
          const after = layer.stateDict();
          expect(Object.keys(after)).toEqual(Object.keys(step.state));
          for (const [key, t] of Object.entries(step.state)) {
            if (t.dtype === 'int64') expect([...after[key]!.dataSync()], `${what} ${key}`).toEqual(t.data);
            else expectClose(after[key], t, tol, `${what} state ${key}`);
          }
        });
      });
    }
  });

  describe(`losses match PyTorch ${FIXTURE.torch} forward and backward, Sapling in ${dtype}`, () => {
    for (const c of FIXTURE.losses) {
      test(`${c.loss}: ${c.name}`, () => {
        const options: Record<string, unknown> = { ...c.options };
        for (const [name, t] of Object.entries(c.tensors)) options[name] = build(t, dtype);
        const x = build(c.input, dtype, true);
        const target = build(c.target, dtype, 'target' in c.grads);
        const y = LOSSES[c.loss]!(x, target, options);
        expect(y.dtype).toBe(dtype);
        expectClose(y, c.output, tol, `${c.name} [${dtype}] output`);
        y.backward(build(c.upstream, dtype));
        expectClose(x.grad, c.grads.input!, tol, `${c.name} [${dtype}] d/dinput`);
        if (c.grads.target) expectClose(target.grad, c.grads.target, tol, `${c.name} [${dtype}] d/dtarget`);
      });
    }
  });
}
