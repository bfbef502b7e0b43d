/**
 * MultiheadAttention, TransformerEncoderLayer and TransformerEncoder against PyTorch 1.13:
 * outputs, attention weights, and the gradients of the inputs and of every parameter, from
 * src/layers/fixtures/torch-transformer.json (written by scripts/make-transformer-fixtures.py).
 * Each case loads PyTorch's state_dict with strict names, so the names are checked too. Cases
 * cover both layouts, unbatched input, boolean and float masks (key padding, causal, per-head),
 * needWeights on and off (the composed path and the fused op), both norm orders, relu and gelu.
 * Float64 is compared tightly; float32 against the same float64 reference, on cpu and on wasm.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { backendKernels, useKernels } from '../autograd/backends/index.js';
import type { Kernels } from '../autograd/backends/types.js';
import { tensor } from '../autograd/creation.js';
import type { FloatDType } from '../autograd/dtype.js';
import { mul } from '../autograd/ops/elementwise.js';
import type { Tensor } from '../autograd/tensor.js';
import { MultiheadAttention } from './attention.js';
import { LayerNorm } from './layer-norm.js';
import type { Module } from './module.js';
import { TransformerEncoder, TransformerEncoderLayer } from './transformer.js';

interface FixtureTensor {
  readonly shape: number[];
  readonly data: number[];
}

interface FixtureMask {
  readonly kind: 'bool' | 'float';
  readonly shape: number[];
  readonly data: (number | null)[];
}

interface MhaCase {
  readonly name: string;
  readonly embedDim: number;
  readonly numHeads: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly selfAttention: boolean;
  readonly needWeights: boolean;
  readonly averageAttnWeights: boolean;
  readonly stateDict: Record<string, FixtureTensor>;
  readonly query: FixtureTensor;
  readonly key?: FixtureTensor;
  readonly value?: FixtureTensor;
  readonly attnMask?: FixtureMask;
  readonly keyPaddingMask?: FixtureMask;
  readonly upstream: { readonly output: FixtureTensor; readonly weights?: FixtureTensor };
  readonly output: FixtureTensor;
  readonly weights?: FixtureTensor;
  readonly grads: Record<string, FixtureTensor>;
}

interface EncoderCase {
  readonly name: string;
  readonly dModel: number;
  readonly nhead: number;
  readonly dimFeedforward: number;
  readonly batchFirst: boolean;
  readonly normFirst: boolean;
  readonly activation: 'relu' | 'gelu';
  readonly numLayers: number | null;
  readonly finalNorm: boolean;
  readonly stateDict: Record<string, FixtureTensor>;
  readonly src: FixtureTensor;
  readonly srcMask?: FixtureMask;
  readonly srcKeyPaddingMask?: FixtureMask;
  readonly upstream: FixtureTensor;
  readonly output: FixtureTensor;
  readonly grads: Record<string, FixtureTensor>;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/torch-transformer.json', import.meta.url), 'utf8')) as { mha: MhaCase[]; encoder: EncoderCase[] };
const load = (t: FixtureTensor, dtype: FloatDType): Tensor => tensor(t.data, t.shape, { dtype });
/** A boolean mask becomes int32 0/1; a float one gets its −∞ back (JSON spells it null). */
const loadMask = (m: FixtureMask | undefined, dtype: FloatDType): Tensor | null =>
  m === undefined ? null : m.kind === 'bool' ? tensor(m.data as number[], m.shape, { dtype: 'int32' }) : tensor(m.data.map((v) => v ?? -Infinity), m.shape, { dtype });

function expectClose(what: string, got: Tensor | null, want: FixtureTensor, tol: number): void {
  expect(got, what).not.toBeNull();
  expect(got!.shape, what).toEqual(want.shape);
  const g = got!.dataSync();
  let worst = 0;
  want.data.forEach((w, i) => { worst = Math.max(worst, Math.abs(g[i]! - w) / (1 + Math.abs(w))); });
  expect(worst, `${what}: worst relative difference`).toBeLessThan(tol);
}

function loadState(layer: Module<never, unknown>, state: Record<string, FixtureTensor>, dtype: FloatDType): void {
  layer.loadStateDict(Object.fromEntries(Object.entries(state).map(([k, v]) => [k, load(v, dtype)])));
  expect(layer.namedParameters().map(([n]) => n)).toEqual(Object.keys(state));
}

function checkMha(c: MhaCase, dtype: FloatDType, tol: number): void {
  const layer = new MultiheadAttention(c.embedDim, c.numHeads, { bias: c.bias, batchFirst: c.batchFirst, dtype });
  loadState(layer as unknown as Module<never, unknown>, c.stateDict, dtype);
  const query = load(c.query, dtype).requiresGrad_();
  const key = c.selfAttention ? query : load(c.key!, dtype).requiresGrad_();
  const value = c.selfAttention ? query : load(c.value!, dtype).requiresGrad_();
  const { output, weights } = layer.forward(query, key, value, {
    attnMask: loadMask(c.attnMask, dtype), keyPaddingMask: loadMask(c.keyPaddingMask, dtype),
    needWeights: c.needWeights, averageAttnWeights: c.averageAttnWeights,
  });
  let loss = mul(output, load(c.upstream.output, dtype)).sum();
  if (c.weights) loss = loss.add(mul(weights!, load(c.upstream.weights!, dtype)).sum());
  else expect(weights).toBeNull();
  loss.backward();
  expectClose('output', output, c.output, tol);
  if (c.weights) expectClose('weights', weights, c.weights, tol);
  expectClose('query grad', query.grad, c.grads.query!, tol);
  if (!c.selfAttention) {
    expectClose('key grad', key.grad, c.grads.key!, tol);
    expectClose('value grad', value.grad, c.grads.value!, tol);
  }
  for (const [name, p] of layer.namedParameters()) expectClose(`grad ${name}`, p.grad, c.grads[name]!, tol);
}

function checkEncoder(c: EncoderCase, dtype: FloatDType, tol: number): void {
  const layerOptions = { dimFeedforward: c.dimFeedforward, dropout: 0, activation: c.activation, batchFirst: c.batchFirst, normFirst: c.normFirst, dtype };
  const layer = new TransformerEncoderLayer(c.dModel, c.nhead, layerOptions);
  const model = c.numLayers === null ? layer : new TransformerEncoder(layer, c.numLayers, c.finalNorm ? new LayerNorm(c.dModel, { dtype }) : null);
  loadState(model as unknown as Module<never, unknown>, c.stateDict, dtype);
  const src = load(c.src, dtype).requiresGrad_();
  const srcMask = loadMask(c.srcMask, dtype);
  const srcKeyPaddingMask = loadMask(c.srcKeyPaddingMask, dtype);
  const output = model instanceof TransformerEncoder ? model.forward(src, { mask: srcMask, srcKeyPaddingMask }) : model.forward(src, { srcMask, srcKeyPaddingMask });
  mul(output, load(c.upstream, dtype)).sum().backward();
  expectClose('output', output, c.output, tol);
  expectClose('src grad', src.grad, c.grads.src!, tol);
  for (const [name, p] of model.namedParameters()) expectClose(`grad ${name}`, p.grad, c.grads[name]!, tol);
}

const mhaCases = fixture.mha.map((c) => [c.name, c] as const);
const encoderCases = fixture.encoder.map((c) => [c.name, c] as const);

describe.each([['float64', 1e-10], ['float32', 2e-5]] as const)('PyTorch 1.13 parity in %s on cpu', (dtype, tol) => {
  test.each(mhaCases)('MultiheadAttention: %s', (_, c) => checkMha(c, dtype, tol));
  test.each(encoderCases)('%s', (_, c) => checkEncoder(c, dtype, tol));
});

describe('PyTorch 1.13 parity in float32 on the wasm backend', () => {
  let previous: Kernels;
  beforeAll(async () => {
    previous = useKernels(await backendKernels('wasm'));
  });
  afterAll(() => {
    useKernels(previous);
  });
  test.each(mhaCases)('MultiheadAttention: %s', (_, c) => checkMha(c, 'float32', 2e-5));
  test.each(encoderCases)('%s', (_, c) => checkEncoder(c, 'float32', 2e-5));
});
