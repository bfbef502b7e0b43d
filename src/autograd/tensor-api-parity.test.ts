/**
 * The PyTorch-shaped ops against PyTorch 1.13, forward and backward, checked without Python.
 *
 * The expected values come from src/autograd/fixtures/torch-tensor-api.json, written by
 * scripts/make-tensor-api-fixtures.py. To regenerate it (after adding a case, or to check a new
 * PyTorch), run from the repository root:
 *
 *     /usr/bin/python3 scripts/make-tensor-api-fixtures.py
 *
 * Each case holds float64 inputs, PyTorch's outputs and, where it has an `upstream`, the
 * gradients that outputs[0].backward(upstream) leaves in the inputs. We run every case in float64
 * (compared tightly: only summation order differs) and the float cases again in float32. Integer
 * outputs (indices, counts, masks) must be equal: PyTorch's int64 is Sapling's int32.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import {
  bincount, cumprod, cumsum, einsum, flip, isclose, logspace, matrixNorm, max, meshgrid, min, nonzero, roll, scatter, scatterAdd, sort, argsort,
  tensor, tile, topk, unique, vectorNorm, type FloatDType, type MatrixNormOrd, type Tensor,
} from './index.js';

interface FixtureTensor {
  readonly shape: number[];
  readonly dtype: 'float64' | 'int64';
  readonly data: number[];
}

interface FixtureCase {
  readonly name: string;
  readonly op: string;
  readonly attrs: Record<string, unknown>;
  readonly inputs: Record<string, FixtureTensor>;
  readonly outputs: Record<string, FixtureTensor>;
  readonly upstream?: FixtureTensor;
  readonly grads?: Record<string, FixtureTensor>;
}

const FIXTURE = JSON.parse(readFileSync(new URL('./fixtures/torch-tensor-api.json', import.meta.url), 'utf8')) as { torch: string; cases: FixtureCase[] };

type Inputs = Record<string, Tensor>;
type Attrs = Record<string, unknown>;
type Outputs = Record<string, Tensor>;

/** 'inf' and '-inf' as the fixture writes them, as numbers. */
const ord = (v: unknown): number => (v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number));
const num = (v: unknown): number => v as number;

/** How each fixture op maps onto Sapling: every output by the fixture's names. */
const RUN: Record<string, (inputs: Inputs, attrs: Attrs) => Outputs> = {
  sort: ({ x }, { dim, descending }) => ({ ...sort(x!, num(dim), descending as boolean) }),
  argsort: ({ x }, { dim, descending }) => ({ indices: argsort(x!, num(dim), descending as boolean) }),
  topk: ({ x }, { k, dim, largest }) => ({ ...topk(x!, num(k), num(dim), largest as boolean) }),
  max: ({ x }, { dim, keepDim }) => ({ ...max(x!, num(dim), keepDim as boolean) }),
  min: ({ x }, { dim, keepDim }) => ({ ...min(x!, num(dim), keepDim as boolean) }),
  cumsum: ({ x }, { dim }) => ({ y: cumsum(x!, num(dim)) }),
  cumprod: ({ x }, { dim }) => ({ y: cumprod(x!, num(dim)) }),
  flip: ({ x }, { dims }) => ({ y: flip(x!, dims as number[]) }),
  roll: ({ x }, { shifts, dims }) => ({ y: roll(x!, shifts as number | number[], dims as number[] | undefined) }),
  tile: ({ x }, { reps }) => ({ y: tile(x!, reps as number[]) }),
  vectorNorm: ({ x }, { ord: o, dim, keepDim }) => ({ y: vectorNorm(x!, ord(o), dim as number | undefined, (keepDim as boolean | undefined) ?? false) }),
  matrixNorm: ({ x }, { ord: o }) => ({ y: matrixNorm(x!, (o === 'fro' ? 'fro' : ord(o)) as MatrixNormOrd) }),
  einsum: ({ a, b, c }, { equation }) => ({ y: einsum(equation as string, ...[a, b, c].filter((t): t is Tensor => t !== undefined)) }),
  scatterAdd: ({ x, index, src }, { dim }) => ({ y: scatterAdd(x!, num(dim), index!, src!) }),
  scatter: ({ x, index, src }, { dim }) => ({ y: scatter(x!, num(dim), index!, src!) }),
  unique: ({ x }) => ({ ...unique(x!, { returnInverse: true, returnCounts: true }) }),
  nonzero: ({ x }) => ({ indices: nonzero(x!) }),
  bincount: ({ x, weights }, { minlength }) => ({ y: bincount(x!, weights!, num(minlength)) }),
  meshgrid: ({ a, b }, { indexing }) => {
    const [ga, gb] = meshgrid([a!, b!], indexing as 'ij' | 'xy');
    return { a: ga!, b: gb! };
  },
  logspace: (_, { start, end, steps, base }) => ({ y: logspace(num(start), num(end), num(steps), num(base), { dtype: 'float64' }) }),
  isclose: ({ a, b }, { rtol, atol }) => ({ close: isclose(a!, b!, { rtol: num(rtol), atol: num(atol) }) }),
};

function load(t: FixtureTensor, dtype: FloatDType, requiresGrad = false): Tensor {
  return t.dtype === 'int64' ? tensor(t.data, t.shape, { dtype: 'int32' }) : tensor(t.data, t.shape, { dtype, requiresGrad });
}

/** The largest |got − want| / (1 + |want|), after checking shape (and, for integers, dtype and exact values). */
function compare(what: string, got: Tensor | null | undefined, want: FixtureTensor): number {
  expect(got, `${what}: missing`).toBeTruthy();
  expect(got!.shape, `${what}: shape`).toEqual(want.shape);
  if (want.dtype === 'int64') {
    expect(got!.dtype, `${what}: dtype`).toBe('int32');
    expect([...got!.dataSync()], `${what}: values`).toEqual(want.data);
    return 0;
  }
  const g = got!.dataSync();
  return want.data.reduce((worst, w, i) => Math.max(worst, Math.abs(g[i]! - w) / (1 + Math.abs(w))), 0);
}

function check(c: FixtureCase, dtype: FloatDType, tol: number): void {
  const run = RUN[c.op];
  if (!run) throw new Error(`no runner for fixture op '${c.op}'`);
  const inputs = Object.fromEntries(Object.entries(c.inputs).map(([k, t]) => [k, load(t, dtype, c.grads?.[k] !== undefined)]));
  const outputs = run(inputs, c.attrs);
  for (const [name, want] of Object.entries(c.outputs)) {
    const got = outputs[name];
    // float outputs of a float32 run come back in float32; indices and counts stay int32
    expect(compare(`${c.name}: ${name}`, got, want), `${c.name}: ${name}`).toBeLessThan(tol);
  }
  if (c.upstream && c.grads) {
    const first = outputs[Object.keys(c.outputs)[0]!]!;
    first.backward(load(c.upstream, dtype));
    for (const [name, want] of Object.entries(c.grads)) expect(compare(`${c.name}: grad ${name}`, inputs[name]!.grad, want), `${c.name}: grad ${name}`).toBeLessThan(tol);
  }
}

describe(`the PyTorch-shaped ops against PyTorch ${FIXTURE.torch}`, () => {
  test('the fixture covers every op of the table', () => {
    expect(new Set(FIXTURE.cases.map((c) => c.op))).toEqual(new Set(Object.keys(RUN)));
  });
  test.each(FIXTURE.cases.map((c) => [c.name, c] as const))('float64: %s', (_, c) => check(c, 'float64', 1e-12));
  test.each(FIXTURE.cases.filter((c) => c.op !== 'logspace').map((c) => [c.name, c] as const))('float32: %s', (_, c) => check(c, 'float32', 2e-5));
});
