/**
 * Lstm, LstmCell, Gru and GruCell: PyTorch parity (values, final states and every gradient,
 * from src/layers/fixtures/torch-rnn.json, written by scripts/make-rnn-fixtures.py with
 * PyTorch 1.13), names and shapes, and a 1,000-step backpropagation through time.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { randn, tensor, zeros } from '../autograd/creation.js';
import type { FloatDType } from '../autograd/dtype.js';
import { mul } from '../autograd/ops/elementwise.js';
import { seededRandom } from '../autograd/random.js';
import type { Tensor } from '../autograd/tensor.js';
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

describe.each([['float64', 1e-10], ['float32', 2e-5]] as const)('PyTorch parity in %s', (dtype, atol) => {
  test.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
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
