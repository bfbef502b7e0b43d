/**
 * The fused LSTM and GRU cells: gradcheck in float64, and the same values and gradients as a
 * composed reference written with generic ops (matmul, slice, sigmoid, tanh, mul, add), whose
 * gradients come from those ops' own backward passes.
 */
import { describe, expect, test } from 'vitest';
import { randn } from '../creation.js';
import { gradcheck } from '../gradcheck.js';
import { seededRandom } from '../random.js';
import type { Tensor } from '../tensor.js';
import { add, mul, sub } from './elementwise.js';
import { gruCell } from './gru-cell.js';
import { cat, slice } from './indexing.js';
import { lstmCell } from './lstm-cell.js';
import { matmul } from './matmul.js';
import { transpose } from './shape.js';
import { sigmoid, tanh } from './unary.js';

const cols = (t: Tensor, start: number, size: number): Tensor => slice(t, [null, { start, stop: start + size }]);

/** The LSTM step written with generic ops: the reference the fused op must agree with. */
function composedLstm(x: Tensor, s: Tensor, wIh: Tensor, wHh: Tensor, bIh: Tensor, bHh: Tensor): Tensor {
  const H = wHh.shape[1]!;
  const h = cols(s, 0, H);
  const c = cols(s, H, H);
  const a = add(add(matmul(x, transpose(wIh)), bIh), add(matmul(h, transpose(wHh)), bHh));
  const i = sigmoid(cols(a, 0, H));
  const f = sigmoid(cols(a, H, H));
  const g = tanh(cols(a, 2 * H, H));
  const o = sigmoid(cols(a, 3 * H, H));
  const c2 = add(mul(f, c), mul(i, g));
  return cat([mul(o, tanh(c2)), c2], 1);
}

function composedGru(x: Tensor, h: Tensor, wIh: Tensor, wHh: Tensor, bIh: Tensor, bHh: Tensor): Tensor {
  const H = wHh.shape[1]!;
  const u = add(matmul(x, transpose(wIh)), bIh);
  const v = add(matmul(h, transpose(wHh)), bHh);
  const r = sigmoid(add(cols(u, 0, H), cols(v, 0, H)));
  const z = sigmoid(add(cols(u, H, H), cols(v, H, H)));
  const n = tanh(add(cols(u, 2 * H, H), mul(r, cols(v, 2 * H, H))));
  return add(mul(sub(1, z), n), mul(z, h));
}

type Cell = (...t: Tensor[]) => Tensor;
const cells: [string, Cell, Cell, number, number][] = [
  ['lstmCell', (x, s, a, b, c, d) => lstmCell(x!, s!, a!, b!, c!, d!), (x, s, a, b, c, d) => composedLstm(x!, s!, a!, b!, c!, d!), 4, 2],
  ['gruCell', (x, s, a, b, c, d) => gruCell(x!, s!, a!, b!, c!, d!), (x, s, a, b, c, d) => composedGru(x!, s!, a!, b!, c!, d!), 3, 1],
];

function inputs(N: number, I: number, H: number, gates: number, stateWidth: number, seed: number): Tensor[] {
  const random = seededRandom(seed);
  const r = (shape: number[]) => randn(shape, { dtype: 'float64', random }).requiresGrad_();
  return [r([N, I]), r([N, stateWidth * H]), r([gates * H, I]), r([gates * H, H]), r([gates * H]), r([gates * H])];
}

describe.each(cells)('%s', (name, fused, composed, gates, stateWidth) => {
  test('backward passes gradcheck in float64 (N = 1 and a rectangular case)', () => {
    for (const [N, I, H] of [[1, 1, 1], [3, 2, 4], [2, 5, 3]] as const) {
      expect(gradcheck(fused, inputs(N, I, H, gates, stateWidth, N + I + H))).toBe(true);
    }
  });

  test('values and every gradient equal the composed reference', () => {
    const a = inputs(3, 4, 5, gates, stateWidth, 7);
    const b = a.map((t) => t.detach().clone().requiresGrad_());
    const yA = fused(...a);
    const yB = composed(...b);
    expect([...yA.dataSync()].map((v, i) => v - yB.dataSync()[i]!).every((d) => Math.abs(d) < 1e-12)).toBe(true);
    const c = randn(yA.shape, { dtype: 'float64', random: seededRandom(3) });
    mul(yA, c).sum().backward();
    mul(yB, c).sum().backward();
    a.forEach((t, i) => {
      const ga = t.grad!.dataSync();
      const gb = b[i]!.grad!.dataSync();
      for (let j = 0; j < ga.length; j++) expect(Math.abs(ga[j]! - gb[j]!)).toBeLessThan(1e-12);
    });
    expect(name).toMatch(/Cell$/);
  });

  test('refuses mismatched shapes, naming the op', () => {
    const a = inputs(2, 3, 4, gates, stateWidth, 1);
    expect(() => fused(a[0]!, a[1]!, a[3]!, a[3]!, a[4]!, a[5]!)).toThrow(new RegExp(name));
  });
});
