import { describe, test } from 'vitest';
import { randn, seededRandom, tensor, type Tensor } from '../src/index.js';
import { expectClose, expectEqual, expectGradcheck } from './lib/check.js';
import { rnnForward } from './06-1-rnn.js';

const random = seededRandom(12);
const f64 = (shape: number[], scale = 0.5): Tensor => randn(shape, { dtype: 'float64', random }).mul(scale);

/** The same RNN with plain numbers, as an independent reference: states[t][n][j]. */
function reference(xs: number[][][], h0: number[][], wIh: number[][], wHh: number[][], b: number[]): number[] {
  const out: number[] = [];
  let h = h0;
  for (const x of xs) {
    h = x.map((xn, n) => b.map((bj, j) => Math.tanh(bj + xn.reduce((s, v, i) => s + v * wIh[j]![i]!, 0) + h[n]!.reduce((s, v, k) => s + v * wHh[j]![k]!, 0))));
    out.push(...h.flat());
  }
  return out;
}

describe('exercise 6.1 — an RNN over a sequence', () => {
  test('one unit, two steps, by hand', () => {
    const got = rnnForward([tensor([[1]]), tensor([[2]])], tensor([[0]]), { wIh: tensor([[0.5]]), wHh: tensor([[-1]]), b: tensor([0.1]) });
    const h1 = Math.tanh(0.5 + 0.1);
    const h2 = Math.tanh(1 - h1 + 0.1);
    expectClose(got, tensor([[[h1]], [[h2]]]), { what: 'rnnForward for x = 1, 2 with W_ih = 0.5, W_hh = −1, b = 0.1, h0 = 0', hint: 'h1 = tanh(0.5·1 + (−1)·0 + 0.1); h2 = tanh(0.5·2 + (−1)·h1 + 0.1); stack them as [T, N, H]' });
  });

  test('a random sequence against a plain-number reference', () => {
    const [T, N, I, H] = [5, 3, 2, 4];
    const xs = Array.from({ length: T }, () => f64([N, I], 1));
    const [h0, wIh, wHh, b] = [f64([N, H]), f64([H, I]), f64([H, H]), f64([H])];
    const got = rnnForward(xs, h0, { wIh, wHh, b });
    expectEqual(got.shape, [T, N, H], { what: 'the shape of rnnForward\'s result', hint: 'stack the T states [N, H] along a new first axis: [T, N, H]' });
    const rows = (t: Tensor): number[][] => t.toArray() as number[][];
    expectClose(got, reference(xs.map(rows), rows(h0), rows(wIh), rows(wHh), Array.from(b.storage)), { what: 'rnnForward on a random sequence (T 5, N 3, I 2, H 4)', hint: 'x·W_ihᵀ is [N, H]: transpose the weights (they are stored [H, I] and [H, H], as PyTorch stores them)', atol: 1e-12 });
  });

  test('backpropagation through time: gradcheck through all the weights and h0', () => {
    const xs = Array.from({ length: 4 }, () => f64([2, 3], 1));
    const inputs = [f64([2, 3]), f64([3, 3]), f64([3, 3]), f64([3])].map((t) => t.requiresGrad_());
    expectGradcheck((h0, wIh, wHh, b) => rnnForward(xs, h0!, { wIh: wIh!, wHh: wHh!, b: b! }), inputs, { what: 'gradcheck of rnnForward', hint: 'build everything from tensor ops (matmul, add, tanh, stack) so that autograd can differentiate the loop' });
  });
});
