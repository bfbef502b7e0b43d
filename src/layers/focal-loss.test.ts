/**
 * sigmoidFocalLoss and SigmoidFocalLoss against torchvision 0.14's `ops.sigmoid_focal_loss`
 * (fixtures/torch-focal-loss.json, from `/usr/bin/python3 scripts/make-focal-loss-fixtures.py`):
 * outputs and input gradients, float64, hard and soft targets, logits up to ±30.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { tensor } from '../autograd/creation.js';
import { mul } from '../autograd/ops/elementwise.js';
import { sum } from '../autograd/ops/reduce.js';
import { Tensor } from '../autograd/tensor.js';
import { sigmoidFocalLoss, SigmoidFocalLoss } from './focal-loss.js';

interface Json { shape: number[]; data: number[] }
interface Case { targets: 'hard' | 'soft'; alpha: number; gamma: number; reduction: 'none' | 'mean' | 'sum'; output: Json; gradInput: Json }
const FIXTURE = JSON.parse(readFileSync(new URL('./fixtures/torch-focal-loss.json', import.meta.url), 'utf8')) as {
  input: Json; targets: Record<'hard' | 'soft', Json>; upstream: Json; cases: Case[];
};
const toTensor = (j: Json): Tensor => new Tensor(Float64Array.from(j.data), j.shape);

function expectClose(got: Tensor, want: Json, what: string): void {
  expect(got.shape).toEqual(want.shape);
  const g = got.dataSync();
  // torchvision forms 1 − p_t by subtraction, which loses digits where p_t ≈ 1 (logits of ±30);
  // those losses are below 1e-12, hence the absolute tolerance.
  want.data.forEach((w, i) => expect(Math.abs(g[i]! - w), `${what}[${i}]: ${g[i]} vs torch ${w}`).toBeLessThanOrEqual(1e-12 + 1e-10 * Math.abs(w)));
}

describe('sigmoidFocalLoss matches torchvision.ops.sigmoid_focal_loss', () => {
  for (const c of FIXTURE.cases) {
    test(`${c.targets} targets, α ${c.alpha}, γ ${c.gamma}, reduction ${c.reduction}`, () => {
      const x = toTensor(FIXTURE.input).requiresGrad_();
      const out = sigmoidFocalLoss(x, toTensor(FIXTURE.targets[c.targets]), { alpha: c.alpha, gamma: c.gamma, reduction: c.reduction });
      expectClose(out, c.output, 'output');
      (c.reduction === 'none' ? sum(mul(out, toTensor(FIXTURE.upstream))) : out).backward();
      expectClose(x.grad!, c.gradInput, 'grad');
    });
  }
});

describe('SigmoidFocalLoss (module)', () => {
  test('defaults to the mean, as PyTorch loss modules do; options pass through', () => {
    const x = tensor([[0.3, -2], [1.5, 0]], { dtype: 'float64' });
    const y = tensor([[1, 0], [0, 1]], { dtype: 'float64' });
    expect(new SigmoidFocalLoss().forward(x, y).item()).toBeCloseTo(sigmoidFocalLoss(x, y, { reduction: 'mean' }).item(), 15);
    expect(new SigmoidFocalLoss({ gamma: 0, alpha: -1, reduction: 'sum' }).forward(x, y).item())
      .toBeCloseTo(sigmoidFocalLoss(x, y, { gamma: 0, alpha: -1, reduction: 'sum' }).item(), 15);
    expect(new SigmoidFocalLoss().parameters()).toHaveLength(0);
  });
});
