/**
 * scaledDotProductAttention against PyTorch 1.13's autograd on the explicit formula
 * softmax(QKᵀ·scale + mask)·V (1.13 has no F.scaled_dot_product_attention), from
 * src/autograd/fixtures/torch-attention.json, written by scripts/make-transformer-fixtures.py:
 * values and the gradients of Q, K, V and of a float mask, in float64 and float32.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { tensor } from '../creation.js';
import type { FloatDType } from '../dtype.js';
import type { Tensor } from '../tensor.js';
import { scaledDotProductAttention } from './attention.js';
import { mul } from './elementwise.js';

interface FixtureTensor {
  readonly shape: number[];
  readonly data: number[];
}

interface AttentionCase {
  readonly name: string;
  readonly q: FixtureTensor;
  readonly k: FixtureTensor;
  readonly v: FixtureTensor;
  readonly attnMask?: { readonly kind: 'bool' | 'float'; readonly shape: number[]; readonly data: (number | null)[] };
  readonly isCausal: boolean;
  readonly scale: number | null;
  readonly upstream: FixtureTensor;
  readonly output: FixtureTensor;
  readonly grads: Record<string, FixtureTensor>;
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/torch-attention.json', import.meta.url), 'utf8')) as { cases: AttentionCase[] };

function expectClose(what: string, got: Tensor, want: FixtureTensor, tol: number): void {
  expect(got.shape, what).toEqual(want.shape);
  const g = got.dataSync();
  let worst = 0;
  want.data.forEach((w, i) => { worst = Math.max(worst, Math.abs(g[i]! - w) / (1 + Math.abs(w))); });
  expect(worst, `${what}: worst relative difference`).toBeLessThan(tol);
}

describe.each([['float64', 1e-12], ['float32', 1e-5]] as const)('scaledDotProductAttention: PyTorch parity in %s', (dtype: FloatDType, tol) => {
  test.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const [q, k, v] = [c.q, c.k, c.v].map((t) => tensor(t.data, t.shape, { dtype, requiresGrad: true })) as [Tensor, Tensor, Tensor];
    const m = c.attnMask;
    const attnMask = m === undefined ? null
      : m.kind === 'bool' ? tensor(m.data as number[], m.shape, { dtype: 'int32' })
        : tensor(m.data.map((x) => x ?? -Infinity), m.shape, { dtype, requiresGrad: c.grads.attnMask !== undefined });
    const out = scaledDotProductAttention(q, k, v, { attnMask, isCausal: c.isCausal, scale: c.scale });
    mul(out, tensor(c.upstream.data, c.upstream.shape, { dtype })).sum().backward();
    expectClose('output', out, c.output, tol);
    expectClose('dQ', q.grad!, c.grads.q!, tol);
    expectClose('dK', k.grad!, c.grads.k!, tol);
    expectClose('dV', v.grad!, c.grads.v!, tol);
    if (c.grads.attnMask) expectClose('dMask', attnMask!.grad!, c.grads.attnMask, tol);
  });
});
