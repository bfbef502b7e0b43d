/**
 * Lstm, LstmCell, Gru and GruCell: PyTorch parity (values, final states and every gradient,
 * from src/layers/fixtures/torch-rnn.json, written by scripts/make-rnn-fixtures.py with
 * PyTorch 1.13) on the cpu backend and, in float32, on the wasm backend, names and shapes, and a 1,000-step backpropagation through time. Lstm runs one
 * lstmSequence op per layer and direction; a cell-by-cell reference built from lstmCell checks
 * that layering, directions, batchFirst, initial states and dropout compose as before.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { backendKernels, useKernels } from '../autograd/backends/index.js';
import { simdShares } from '../autograd/backends/wasm/simd/modules.js';
import type { Kernels } from '../autograd/backends/types.js';
import { randn, tensor, zeros } from '../autograd/creation.js';
import type { FloatDType } from '../autograd/dtype.js';
import { mul } from '../autograd/ops/elementwise.js';
import { cat, slice, stack } from '../autograd/ops/indexing.js';
import { lstmCell } from '../autograd/ops/lstm-cell.js';
import { reshape } from '../autograd/ops/shape.js';
import { seededRandom, type Random } from '../autograd/random.js';
import type { Tensor } from '../autograd/tensor.js';
import { dropout } from './dropout.js';
import { Gru, GruCell } from './gru.js';
import { Lstm, LstmCell } from './lstm.js';

interface FixtureTensor {
  readonly shape: number[];
  readonly data: number[];
}

interface RnnCase {
  readonly name: string;
  readonly kind: 'lstm' | 'gru';
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bidirectional: boolean;
  readonly batchFirst: boolean;
  readonly stateDict: Record<string, FixtureTensor>;
  readonly input: FixtureTensor;
  readonly h0?: FixtureTensor;
  readonly c0?: FixtureTensor;
  readonly upstream: { output: FixtureTensor; h: FixtureTensor; c?: FixtureTensor };
  readonly output: FixtureTensor;
  readonly h: FixtureTensor;
  readonly c?: FixtureTensor;
  readonly grads: Record<string, FixtureTensor>;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/torch-rnn.json', import.meta.url), 'utf8')) as { cases: RnnCase[] };
const load = (t: FixtureTensor, dtype: FloatDType): Tensor => tensor(t.data, t.shape, { dtype });

function expectClose(what: string, got: Tensor, want: FixtureTensor, atol: number): void {
  expect(got.shape, what).toEqual(want.shape);
  const g = got.dataSync();
  let worst = 0;
  want.data.forEach((w, i) => { worst = Math.max(worst, Math.abs(g[i]! - w) / (1 + Math.abs(w))); });
  expect(worst, `${what}: worst relative difference`).toBeLessThan(atol);
}

/** Runs fixture case `c` in `dtype` and compares every output and gradient with PyTorch's. */
function checkCase(c: RnnCase, dtype: FloatDType, atol: number): void {
  const options = { numLayers: c.numLayers, bidirectional: c.bidirectional, batchFirst: c.batchFirst, dtype };
  const layer = c.kind === 'lstm' ? new Lstm(c.inputSize, c.hiddenSize, options) : new Gru(c.inputSize, c.hiddenSize, options);
  layer.loadStateDict(Object.fromEntries(Object.entries(c.stateDict).map(([k, v]) => [k, load(v, dtype)])));
  expect(layer.namedParameters().map(([n]) => n)).toEqual(Object.keys(c.stateDict));
  const x = load(c.input, dtype).requiresGrad_();
  const h0 = c.h0 ? load(c.h0, dtype).requiresGrad_() : null;
  const c0 = c.c0 ? load(c.c0, dtype).requiresGrad_() : null;
  let output: Tensor;
  let h: Tensor;
  let cN: Tensor | null = null;
  if (layer instanceof Lstm) {
    const r = layer.forward(x, h0 && c0 ? { h: h0, c: c0 } : null);
    ({ output } = r);
    ({ h, c: cN } = r.state);
  } else {
    ({ output, h } = (layer as Gru).forward(x, h0));
  }
  let loss = mul(output, load(c.upstream.output, dtype)).sum().add(mul(h, load(c.upstream.h, dtype)).sum());
  if (cN && c.upstream.c) loss = loss.add(mul(cN, load(c.upstream.c, dtype)).sum());
  loss.backward();
  expectClose('output', output, c.output, atol);
  expectClose('h_n', h, c.h, atol);
  if (cN && c.c) expectClose('c_n', cN, c.c, atol);
  expectClose('input grad', x.grad!, c.grads.input!, atol);
  if (h0) expectClose('h0 grad', h0.grad!, c.grads.h0!, atol);
  if (c0) expectClose('c0 grad', c0.grad!, c.grads.c0!, atol);
  for (const [name, p] of layer.namedParameters()) expectClose(`grad ${name}`, p.grad!, c.grads[name]!, atol);
}

describe.each([['float64', 1e-10], ['float32', 2e-5]] as const)('PyTorch parity in %s', (dtype, atol) => {
  test.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_, c) => checkCase(c, dtype, atol));
});

// The wasm backend runs its own recurrent kernels: the per-step loops in WebAssembly SIMD when the
// hidden size is a multiple of 4 (the fixture's H = 4 cases: two layers, both directions, initial
// states), the TypeScript loops otherwise (H = 3).
describe('PyTorch parity in float32 on the wasm backend', () => {
  let previous: Kernels;
  beforeAll(async () => {
    previous = useKernels(await backendKernels('wasm'));
  });
  afterAll(() => {
    useKernels(previous);
  });
  test.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const before = simdShares();
    checkCase(c, 'float32', 2e-5);
    const runs = c.numLayers * (c.bidirectional ? 2 : 1) * 2; //                   a forward and a backward per layer and direction
    expect(simdShares() - before).toBe(c.hiddenSize % 4 === 0 ? runs : 0);
  });
});

describe('Lstm and Gru', () => {
  test('parameter names and shapes follow PyTorch', () => {
    const lstm = new Lstm(3, 4, { numLayers: 2, bidirectional: true });
    expect(lstm.namedParameters().map(([n, p]) => `${n} [${p.shape.join(',')}]`)).toEqual([
      'weight_ih_l0 [16,3]', 'weight_hh_l0 [16,4]', 'bias_ih_l0 [16]', 'bias_hh_l0 [16]',
      'weight_ih_l0_reverse [16,3]', 'weight_hh_l0_reverse [16,4]', 'bias_ih_l0_reverse [16]', 'bias_hh_l0_reverse [16]',
      'weight_ih_l1 [16,8]', 'weight_hh_l1 [16,4]', 'bias_ih_l1 [16]', 'bias_hh_l1 [16]',
      'weight_ih_l1_reverse [16,8]', 'weight_hh_l1_reverse [16,4]', 'bias_ih_l1_reverse [16]', 'bias_hh_l1_reverse [16]',
    ]);
    expect(new Gru(3, 4, { bias: false }).namedParameters().map(([n]) => n)).toEqual(['weight_ih_l0', 'weight_hh_l0']);
    expect(new Lstm(3, 4).numParameters()).toBe(4 * 4 * (3 + 4 + 2));
  });

  test('shapes: batchFirst, bidirectional, unbatched', () => {
    const lstm = new Lstm(3, 4, { numLayers: 2, bidirectional: true, batchFirst: true });
    const r = lstm.forward(zeros([2, 5, 3]));
    expect(r.output.shape).toEqual([2, 5, 8]);
    expect(r.state.h.shape).toEqual([4, 2, 4]);
    const u = new Gru(3, 4).forward(zeros([6, 3]));
    expect(u.output.shape).toEqual([6, 4]);
    expect(u.h.shape).toEqual([1, 4]);
    expect(() => lstm.forward(zeros([2, 5, 2]))).toThrow(/Lstm: expected input \[N, T, I\]/);
    expect(() => lstm.forward(zeros([2, 5, 3]), { h: zeros([4, 2, 4]), c: zeros([2, 2, 4]) })).toThrow(/c0 must be \[4, 2, 4\]/);
  });

  test('a one-step sequence equals the cell with the same weights', () => {
    const random = seededRandom(5);
    const layer = new Lstm(3, 4, { dtype: 'float64', random });
    const cell = new LstmCell(3, 4, { dtype: 'float64' });
    cell.loadStateDict(Object.fromEntries(layer.namedParameters().map(([n, p]) => [n.replace('_l0', ''), p.detach()])));
    const x = randn([2, 3], { dtype: 'float64', random });
    const a = layer.forward(x.reshape([1, 2, 3])).state;
    const b = cell.forward(x);
    expect([...a.h.dataSync()]).toEqual([...b.h.dataSync()]);
    expect([...a.c.dataSync()]).toEqual([...b.c.dataSync()]);
    const gru = new Gru(3, 4, { dtype: 'float64', random });
    const gcell = new GruCell(3, 4, { dtype: 'float64' });
    gcell.loadStateDict(Object.fromEntries(gru.namedParameters().map(([n, p]) => [n.replace('_l0', ''), p.detach()])));
    expect([...gru.forward(x.reshape([1, 2, 3])).h.dataSync()]).toEqual([...gcell.forward(x).dataSync()]);
  });

  test('dropout between layers acts only in training', () => {
    const lstm = new Lstm(2, 3, { numLayers: 2, dropout: 0.5, random: seededRandom(1), dtype: 'float64' });
    const x = randn([4, 2, 2], { dtype: 'float64', random: seededRandom(2) });
    const a = lstm.eval().forward(x).output.dataSync();
    const b = lstm.eval().forward(x).output.dataSync();
    expect([...a]).toEqual([...b]);
    const c = lstm.train().forward(x).output.dataSync();
    expect([...c]).not.toEqual([...a]);
  });

  test('1,000 time steps backpropagate without a stack overflow, gradients finite', () => {
    for (const layer of [new Lstm(1, 4, { random: seededRandom(3) }), new Gru(1, 4, { random: seededRandom(3) })]) {
      const x = randn([1000, 1, 1], { random: seededRandom(4) });
      const { output } = layer.forward(x) as { output: Tensor };
      output.sum().backward();
      for (const p of layer.parameters()) expect([...p.grad!.dataSync()].every(Number.isFinite)).toBe(true);
    }
  });
});

/**
 * Lstm computed step by step with lstmCell ops (x time-major [T, N, I], states [L·D, N, H]):
 * the reference for the whole-sequence op. Dropout between layers draws one mask over each
 * layer's whole [T, N, D·H] output from `random`.
 */
function cellByCell(layer: Lstm, x: Tensor, h0: Tensor, c0: Tensor, random: Random | null): { output: Tensor; h: Tensor; c: Tensor } {
  const [T, N] = x.shape as [number, number, number];
  const H = layer.hiddenSize;
  const D = layer.bidirectional ? 2 : 1;
  const block = (t: Tensor, i: number) => reshape(slice(t, [{ start: i, stop: i + 1 }]), [N, H]);
  let steps = Array.from({ length: T }, (_, t) => reshape(slice(x, [{ start: t, stop: t + 1 }]), [N, x.shape[2]!]));
  const hs: Tensor[] = [];
  const cs: Tensor[] = [];
  for (let l = 0; l < layer.numLayers; l++) {
    const outs: Tensor[][] = [];
    for (let dir = 0; dir < D; dir++) {
      const { wIh, wHh, bIh, bHh } = layer.weights[l]![dir]!;
      let s = cat([block(h0, l * D + dir), block(c0, l * D + dir)], 1);
      const out = new Array<Tensor>(T);
      for (let k = 0; k < T; k++) {
        const t = dir === 0 ? k : T - 1 - k;
        s = lstmCell(steps[t]!, s, wIh, wHh, bIh, bHh);
        out[t] = slice(s, [null, { start: 0, stop: H }]);
      }
      hs.push(slice(s, [null, { start: 0, stop: H }]));
      cs.push(slice(s, [null, { start: H, stop: 2 * H }]));
      outs.push(out);
    }
    steps = steps.map((_, t) => cat(outs.map((o) => o[t]!), 1)); //              [N, D·H]
    if (random && l < layer.numLayers - 1) {
      const dropped = dropout(stack(steps, 0), layer.dropout, true, random);
      steps = steps.map((_, t) => reshape(slice(dropped, [{ start: t, stop: t + 1 }]), [N, D * H]));
    }
  }
  return { output: stack(steps, 0), h: stack(hs, 0), c: stack(cs, 0) };
}

describe('Lstm as one lstmSequence op per layer and direction', () => {
  test.each([
    ['2 layers, bidirectional, batchFirst', { numLayers: 2, bidirectional: true, batchFirst: true }],
    ['3 layers, time-first', { numLayers: 3, bidirectional: false, batchFirst: false }],
  ] as const)('values and every gradient equal the cell-by-cell reference (%s, float64)', (_, options) => {
    const [T, N, I, H] = [5, 3, 4, 3];
    const LD = options.numLayers * (options.bidirectional ? 2 : 1);
    const random = seededRandom(12);
    const layer = new Lstm(I, H, { ...options, dtype: 'float64', random });
    const xTime = randn([T, N, I], { dtype: 'float64', random });
    const h0 = randn([LD, N, H], { dtype: 'float64', random }).requiresGrad_();
    const c0 = randn([LD, N, H], { dtype: 'float64', random }).requiresGrad_();
    const x = (options.batchFirst ? xTime.transpose(0, 1).clone() : xTime.clone()).requiresGrad_();
    const got = layer.forward(x, { h: h0, c: c0 });
    const upstream = [randn(got.output.shape, { dtype: 'float64', random }), randn([LD, N, H], { dtype: 'float64', random }), randn([LD, N, H], { dtype: 'float64', random })];
    mul(got.output, upstream[0]!).sum().add(mul(got.state.h, upstream[1]!).sum()).add(mul(got.state.c, upstream[2]!).sum()).backward();
    const grads = [x, h0, c0, ...layer.parameters()].map((t) => t.grad!.dataSync());
    for (const t of [x, h0, c0, ...layer.parameters()]) t.grad = null;

    const xRef = options.batchFirst ? x.transpose(0, 1) : x;
    const want = cellByCell(layer, xRef, h0, c0, null);
    const output = options.batchFirst ? want.output.transpose(0, 1) : want.output;
    mul(output, upstream[0]!).sum().add(mul(want.h, upstream[1]!).sum()).add(mul(want.c, upstream[2]!).sum()).backward();
    const close = (a: ArrayLike<number>, b: ArrayLike<number>, what: string) => {
      expect(a.length, what).toBe(b.length);
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!), `${what}[${i}]`).toBeLessThan(1e-12);
    };
    close(got.output.dataSync(), output.dataSync(), 'output');
    close(got.state.h.dataSync(), want.h.dataSync(), 'h_n');
    close(got.state.c.dataSync(), want.c.dataSync(), 'c_n');
    [x, h0, c0, ...layer.parameters()].forEach((t, i) => close(grads[i]!, t.grad!.dataSync(), `gradient ${i}`));
  });

  test('dropout between layers: one mask over each layer\'s whole output, drawn from the layer\'s generator', () => {
    const options = { numLayers: 3, bidirectional: true, dropout: 0.4, dtype: 'float64' } as const;
    const layer = new Lstm(2, 3, { ...options, random: seededRandom(8) });
    const twin = seededRandom(8);
    const reference = new Lstm(2, 3, { ...options, random: twin }); // the same weights, and `twin` now where the layer's generator is
    const x = randn([6, 2, 2], { dtype: 'float64', random: seededRandom(9) });
    const zero = zeros([6, 2, 3], { dtype: 'float64' });
    const got = layer.train().forward(x).output.dataSync();
    const want = cellByCell(reference, x, zero, zero, twin).output.dataSync();
    expect(Array.from(got)).toEqual(Array.from(want));
    expect(Array.from(layer.eval().forward(x).output.dataSync())).toEqual(Array.from(cellByCell(reference, x, zero, zero, null).output.dataSync()));
  });

  test('an unbatched input [T, I] gives the batched result for N = 1', () => {
    const layer = new Lstm(3, 4, { numLayers: 2, bidirectional: true, dtype: 'float64', random: seededRandom(2) });
    const x = randn([5, 3], { dtype: 'float64', random: seededRandom(3) });
    const a = layer.forward(x);
    const b = layer.forward(x.reshape([5, 1, 3]));
    expect(a.output.shape).toEqual([5, 8]);
    expect(a.state.h.shape).toEqual([4, 4]);
    expect(Array.from(a.output.dataSync())).toEqual(Array.from(b.output.dataSync()));
    expect(Array.from(a.state.c.dataSync())).toEqual(Array.from(b.state.c.dataSync()));
  });
});
