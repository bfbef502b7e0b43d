/**
 * TransformerForecaster: the shape table and parameter names; each window's forecast depends on
 * that window alone; the linear shortcut is exactly a Linear on the last k days; attentionMaps
 * returns each layer's weights (rows sum to 1) equal to what the encoder itself computes, whose
 * last-query row follows the data when one day matters; gradients reach every parameter; a small
 * model learns "tomorrow = the value 3 days ago"; and the errors.
 */
import { describe, expect, test } from 'vitest';
import { randn, tensor, zeros } from '../autograd/creation.js';
import { noGrad } from '../autograd/function.js';
import { cat, slice } from '../autograd/ops/indexing.js';
import { seededRandom } from '../autograd/random.js';
import { expectClose } from '../autograd/test-utils.js';
import { mseLoss } from '../layers/losses.js';
import { Adam } from '../optim/adam.js';
import { TransformerForecaster } from './transformer-forecaster.js';

const f64 = { dtype: 'float64' } as const;

describe('TransformerForecaster', () => {
  test('shapes and parameter names', () => {
    const m = new TransformerForecaster({ lookback: 6, features: 3, dModel: 8, nhead: 2, numLayers: 2, skipDays: 2, random: seededRandom(0) });
    expect(m.forward(zeros([5, 6, 3])).shape).toEqual([5, 1]);
    const names = m.namedParameters().map(([n]) => n);
    expect(names.slice(0, 3)).toEqual(['embed.weight', 'embed.bias', 'positions.weight']);
    expect(names).toContain('encoder.layers.1.self_attn.in_proj_weight');
    expect(names).toContain('encoder.norm.weight');
    expect(names.slice(-4)).toEqual(['head.weight', 'head.bias', 'skip.weight', 'skip.bias']);
    const sinusoidal = new TransformerForecaster({ lookback: 6, features: 3, dModel: 8, positional: 'sinusoidal' });
    expect(sinusoidal.namedParameters().map(([n]) => n)).not.toContain('positions.weight');
  });

  test('each window is forecast from itself alone (eval mode)', () => {
    const m = new TransformerForecaster({ lookback: 5, features: 2, dModel: 8, nhead: 2, dtype: 'float64', random: seededRandom(1) }).eval();
    const x = randn([4, 5, 2], { ...f64, random: seededRandom(2) });
    const all = m.forward(x);
    const one = m.forward(slice(x, [{ start: 2, stop: 3 }]));
    expectClose(one, slice(all, [{ start: 2, stop: 3 }]), { atol: 1e-12 });
    const changed = cat([slice(x, [{ stop: 3 }]), randn([1, 5, 2], f64)], 0);
    expectClose(slice(m.forward(changed), [{ stop: 3 }]), slice(all, [{ stop: 3 }]), { atol: 1e-12 });
  });

  test('the shortcut adds a Linear of the last k days, flattened', () => {
    const m = new TransformerForecaster({ lookback: 4, features: 2, dModel: 8, nhead: 2, skipDays: 2, dtype: 'float64', random: seededRandom(3) }).eval();
    const x = randn([3, 4, 2], { ...f64, random: seededRandom(4) });
    const withSkip = m.forward(x);
    const skip = m.skip!;
    const lastTwo = slice(x, [null, { start: 2 }]).reshape([3, 4]);
    const withoutSkip = noGrad(() => withSkip.sub(skip.forward(lastTwo)));
    skip.weight.assign(zeros([1, 4], f64));
    skip.bias!.assign(zeros([1], f64));
    expectClose(m.forward(x), withoutSkip, { atol: 1e-12 });
  });

  test('attentionMaps: one [B, L, L] per layer, rows summing to 1, the weights the encoder uses', () => {
    const m = new TransformerForecaster({ lookback: 5, features: 2, dModel: 8, nhead: 2, numLayers: 2, dtype: 'float64', random: seededRandom(5) }).eval();
    const x = randn([3, 5, 2], { ...f64, random: seededRandom(6) });
    const maps = m.attentionMaps(x);
    expect(maps.map((w) => w.shape)).toEqual([[3, 5, 5], [3, 5, 5]]);
    expectClose(maps[1]!.sum(-1), tensor(Array(15).fill(1), [3, 5], f64), { atol: 1e-12 });
    // Rebuild layer 2's input from layer 1 and compare with the weights the layer returns itself.
    const [l1, l2] = [...m.encoder.layers];
    const h1 = l1!.forward(m.positions.forward(m.embed.forward(x)));
    const direct = l2!.selfAttn.forward(l2!.norm1.forward(h1), l2!.norm1.forward(h1), l2!.norm1.forward(h1), { needWeights: true }).weights!;
    expectClose(maps[1]!, direct, { atol: 1e-12 });
    const heads = m.attentionMaps(x, { averageHeads: false });
    expect(heads[0]!.shape).toEqual([3, 2, 5, 5]);
    expectClose(heads[0]!.mean(1), maps[0]!, { atol: 1e-12 });
  });

  test('learns "tomorrow = the value 3 days ago", and its last query then looks 3 days back', () => {
    const random = seededRandom(7);
    const m = new TransformerForecaster({ lookback: 6, features: 1, dModel: 8, nhead: 2, dropout: 0, random });
    const opt = new Adam(m.parameters(), { lr: 1e-2 });
    const batch = () => {
      const x = randn([32, 6, 1], { random });
      return { x, y: slice(x, [null, { start: 3, stop: 4 }]).reshape([32, 1]) }; // day 4 of 6 = t − 2 … the value 3 days before t + 1
    };
    const first = mseLoss(m.forward(batch().x), batch().y).item();
    let loss = first;
    for (let step = 0; step < 150; step++) {
      const { x, y } = batch();
      const l = mseLoss(m.forward(x), y);
      opt.zeroGrad();
      l.backward();
      opt.step();
      loss = l.item();
    }
    expect(loss).toBeLessThan(0.05);
    expect(first).toBeGreaterThan(0.5);
    for (const p of m.parameters()) expect(p.grad, 'every parameter gets a gradient').not.toBeNull();
    const w = m.eval().attentionMaps(batch().x)[0]!.mean(0).dataSync(); //          [L, L], mean over the batch
    const lastRow = Array.from({ length: 6 }, (_, j) => w[5 * 6 + j]!);
    expect(lastRow.indexOf(Math.max(...lastRow))).toBe(3);
  });

  test('errors name the model and the shapes', () => {
    const m = new TransformerForecaster({ lookback: 4, features: 2, dModel: 8, nhead: 2 });
    expect(() => m.forward(zeros([3, 5, 2]))).toThrow(/TransformerForecaster: expected x \[B, 4, 2\], got \[3,5,2\]/);
    expect(() => m.attentionMaps(zeros([4, 2]))).toThrow(/TransformerForecaster: expected x \[B, 4, 2\]/);
    expect(() => new TransformerForecaster({ lookback: 4, features: 2, skipDays: 5 })).toThrow(/skipDays must be an integer in \[0, 4\], got 5/);
    expect(() => new TransformerForecaster({ lookback: 0, features: 2 })).toThrow(/TransformerForecaster/);
  });
});
