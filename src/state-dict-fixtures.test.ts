/**
 * Every committed PyTorch state dict still loads, under the same names in the same order: the
 * layer fixtures (torch-layers, torch-layers2, torch-rnn, torch-transformer) and the ResNet-18
 * weights (models/fixtures/*.safetensors). Each module is built as its parity test builds it;
 * its `stateDict()` keys must equal the fixture's, in PyTorch's order, and a strict
 * `loadStateDict` must accept the fixture. This guards the registry (layers/module.ts): fields
 * that register themselves must not add, drop or reorder a key of an existing model.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  BatchNorm1d, BatchNorm2d, Bilinear, Conv1d, Conv2d, ConvTranspose2d, Elu, Embedding, GroupNorm, Gru, Hardsigmoid, Hardswish, InstanceNorm1d,
  InstanceNorm2d, LayerNorm, Linear, loadSafetensors, Lstm, Mish, MultiheadAttention, PixelShuffle, PixelUnshuffle, ResNet18, Silu, Softplus,
  tensor, TransformerEncoder, TransformerEncoderLayer, Upsample, UpsamplingBilinear2d, UpsamplingNearest2d,
  type AnyModule, type Tensor, type UpsampleOptions,
} from './node.js';

interface FixtureTensor {
  readonly shape: number[];
  readonly dtype: 'float64' | 'int64';
  readonly data: number[];
}
type State = Record<string, FixtureTensor>;

const read = <T>(path: string): T => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as T;
const toTensors = (state: State): Record<string, Tensor> =>
  Object.fromEntries(Object.entries(state).map(([k, t]) => [k, tensor(t.data, t.shape, { dtype: t.dtype === 'int64' ? 'int32' : 'float64' })]));

/** The module's keys equal the fixture's in order, and a strict load accepts the fixture. */
function expectLoads(module: AnyModule, state: Record<string, Tensor>): void {
  expect(Object.keys(module.stateDict())).toEqual(Object.keys(state));
  expect(() => module.loadStateDict(state)).not.toThrow();
}

type Args = readonly unknown[];
type Options = Record<string, unknown>;
const n = (v: unknown): number => v as number;
const f64 = (o: Options): Options => ({ ...o, dtype: 'float64' });

/** The layers of torch-layers.json and torch-layers2.json, built as their parity tests build them (in float64). */
const LAYERS: Record<string, (args: Args, options: Options) => AnyModule> = {
  Linear: ([i, o], opts) => new Linear(n(i), n(o), f64(opts)),
  Conv2d: ([i, o, k], opts) => new Conv2d(n(i), n(o), k as number, f64(opts)),
  BatchNorm1d: ([c], opts) => new BatchNorm1d(n(c), f64(opts)),
  BatchNorm2d: ([c], opts) => new BatchNorm2d(n(c), f64(opts)),
  LayerNorm: ([shape], opts) => new LayerNorm(shape as number[], f64(opts)),
  Embedding: ([v, d], opts) => new Embedding(n(v), n(d), f64(opts)),
  ConvTranspose2d: ([i, o, k], opts) => new ConvTranspose2d(n(i), n(o), k as number, f64(opts)),
  Conv1d: ([i, o, k], opts) => new Conv1d(n(i), n(o), n(k), f64(opts)),
  Upsample: ([o]) => new Upsample(o as UpsampleOptions),
  UpsamplingBilinear2d: ([o]) => new UpsamplingBilinear2d(o as UpsampleOptions),
  UpsamplingNearest2d: ([o]) => new UpsamplingNearest2d(o as UpsampleOptions),
  GroupNorm: ([g, c], opts) => new GroupNorm(n(g), n(c), f64(opts)),
  InstanceNorm1d: ([c], opts) => new InstanceNorm1d(n(c), f64(opts)),
  InstanceNorm2d: ([c], opts) => new InstanceNorm2d(n(c), f64(opts)),
  PixelShuffle: ([r]) => new PixelShuffle(n(r)),
  PixelUnshuffle: ([r]) => new PixelUnshuffle(n(r)),
  Bilinear: ([a, b, o], opts) => new Bilinear(n(a), n(b), n(o), f64(opts)),
  Elu: ([alpha]) => new Elu(alpha as number | undefined),
  Silu: () => new Silu(),
  Mish: () => new Mish(),
  Hardswish: () => new Hardswish(),
  Hardsigmoid: () => new Hardsigmoid(),
  Softplus: ([beta, threshold]) => new Softplus(beta as number | undefined, threshold as number | undefined),
};

describe('every committed state dict loads under the same names, in the same order', () => {
  for (const file of ['torch-layers.json', 'torch-layers2.json']) {
    const { layers } = read<{ layers: { name: string; layer: string; args: Args; options: Options; state: State }[] }>(`./layers/fixtures/${file}`);
    test.each(layers.map((c) => [`${file}: ${c.name}`, c] as const))('%s', (_, c) => {
      const build = LAYERS[c.layer];
      if (!build) throw new Error(`no builder for ${c.layer}`);
      expectLoads(build(c.args, c.options), toTensors(c.state));
    });
  }

  test('torch-rnn.json: every LSTM and GRU', () => {
    const { cases } = read<{ cases: { name: string; kind: string; inputSize: number; hiddenSize: number; numLayers: number; bidirectional: boolean; batchFirst: boolean; stateDict: State }[] }>('./layers/fixtures/torch-rnn.json');
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) {
      const options = { numLayers: c.numLayers, bidirectional: c.bidirectional, batchFirst: c.batchFirst, dtype: 'float64' as const };
      expectLoads(c.kind === 'lstm' ? new Lstm(c.inputSize, c.hiddenSize, options) : new Gru(c.inputSize, c.hiddenSize, options), toTensors(c.stateDict));
    }
  });

  test('torch-transformer.json: every attention layer and encoder', () => {
    const { mha, encoder } = read<{
      mha: { embedDim: number; numHeads: number; bias: boolean; batchFirst: boolean; stateDict: State }[];
      encoder: { dModel: number; nhead: number; dimFeedforward: number; batchFirst: boolean; normFirst: boolean; activation: 'relu' | 'gelu'; numLayers: number | null; finalNorm: boolean; stateDict: State }[];
    }>('./layers/fixtures/torch-transformer.json');
    for (const c of mha) expectLoads(new MultiheadAttention(c.embedDim, c.numHeads, { bias: c.bias, batchFirst: c.batchFirst, dtype: 'float64' }), toTensors(c.stateDict));
    for (const c of encoder) {
      const layer = new TransformerEncoderLayer(c.dModel, c.nhead, { dimFeedforward: c.dimFeedforward, dropout: 0, activation: c.activation, batchFirst: c.batchFirst, normFirst: c.normFirst, dtype: 'float64' });
      const model = c.numLayers === null ? layer : new TransformerEncoder(layer, c.numLayers, c.finalNorm ? new LayerNorm(c.dModel, { dtype: 'float64' }) : null);
      expectLoads(model as unknown as AnyModule, toTensors(c.stateDict));
    }
  });

  test('models/fixtures: the ResNet-18 weights torchvision wrote (w8, cifar-w4)', () => {
    const dir = join(import.meta.dirname, 'models', 'fixtures');
    const cases = [
      ['w8', { width: 8, numClasses: 10 }],
      ['cifar-w4', { width: 4, numClasses: 10, inChannels: 1, stem: 'cifar' as const }],
    ] as const;
    for (const [name, options] of cases) {
      const weights = loadSafetensors(join(dir, `${name}.safetensors`)).tensors;
      const model = new ResNet18({ ...options, random: () => 0.5 });
      expect(Object.keys(model.stateDict()).sort()).toEqual(Object.keys(weights).sort()); // safetensors stores keys sorted
      expect(() => model.loadStateDict(weights)).not.toThrow();
    }
  });
});
