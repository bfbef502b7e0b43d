/**
 * Forward (and some backward) parity with PyTorch, checked without Python.
 *
 * The expected values come from src/autograd/fixtures/torch-ops.json, written by
 * scripts/make-torch-fixtures.py. To regenerate it (after adding a case, or to check a new
 * PyTorch), run from the repository root:
 *
 *     /usr/bin/python3 scripts/make-torch-fixtures.py
 *
 * The file records the torch version and that command. Each case holds float64 inputs, PyTorch's
 * float64 output and, where it has an `upstream`, the gradients that output.backward(upstream)
 * leaves in the inputs. We rebuild the inputs as Sapling tensors twice: in float64, compared
 * tightly (only summation order differs), and in float32, compared against the same float64
 * reference with float32-sized tolerances.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { gather, logSoftmax, matmul, softmax, tensor, variance, type FloatDType, type Tensor } from './index.js';
// conv2d and the pools are imported from their own modules, as the op tests do.
import { conv2d, type Conv2dOptions } from './ops/conv.js';
import { adaptiveAvgPool2d, avgPool2d, maxPool2d, type AvgPool2dOptions, type MaxPool2dOptions } from './ops/pool.js';

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
  readonly output: FixtureTensor;
  readonly upstream?: FixtureTensor;
  readonly grads?: Record<string, FixtureTensor>;
}

interface Fixture {
  readonly generator: string;
  readonly command: string;
  readonly torch: string;
  readonly cases: FixtureCase[];
}

const FIXTURE = JSON.parse(readFileSync(new URL('./fixtures/torch-ops.json', import.meta.url), 'utf8')) as Fixture;

type Pair = number | readonly [number, number];
type Inputs = Record<string, Tensor>;

/** How each fixture op maps onto Sapling. The attrs are written with Sapling's option names. */
const RUN: Record<string, (inputs: Inputs, attrs: Record<string, unknown>) => Tensor> = {
  matmul: ({ a, b }) => matmul(a!, b!),
  conv2d: ({ x, w, b }, attrs) => conv2d(x!, w!, b ?? null, attrs as Conv2dOptions),
  maxPool2d: ({ x }, { kernelSize, ...options }) => maxPool2d(x!, kernelSize as Pair, options as MaxPool2dOptions),
  avgPool2d: ({ x }, { kernelSize, ...options }) => avgPool2d(x!, kernelSize as Pair, options as AvgPool2dOptions),
  adaptiveAvgPool2d: ({ x }, { outputSize }) => adaptiveAvgPool2d(x!, outputSize as Pair),
  softmax: ({ x }, { axis }) => softmax(x!, axis as number),
  logSoftmax: ({ x }, { axis }) => logSoftmax(x!, axis as number),
  var: ({ x }, { axes, unbiased, keepDim }) =>
    variance(x!, axes as number | number[] | undefined, { unbiased: unbiased as boolean, keepDim: (keepDim as boolean | undefined) ?? false }),
  gather: ({ x, index }, { axis }) => gather(x!, axis as number, index!),
};

interface Tolerance {
  readonly rtol: number;
  readonly atol: number;
}

const TOLERANCE: Record<FloatDType, Tolerance> = {
  float64: { rtol: 1e-10, atol: 1e-12 },
  float32: { rtol: 1e-4, atol: 1e-5 },
};

const build = (t: FixtureTensor, dtype: FloatDType, requiresGrad = false): Tensor =>
  tensor(t.data, t.shape, { dtype: t.dtype === 'int64' ? 'int32' : dtype, requiresGrad });

/** Fails with the worst element (index, expected, got) when |got − want| > atol + rtol·|want| anywhere. */
function expectClose(got: Tensor | null, want: FixtureTensor, { rtol, atol }: Tolerance, what: string): void {
  expect(got, `${what}: missing`).not.toBeNull();
  expect([...got!.shape], `${what}: shape`).toEqual(want.shape);
  const data = got!.dataSync();
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < want.data.length; i++) {
    const w = want.data[i]!;
    const g = data[i]!;
    const excess = Number.isNaN(g) ? Infinity : Math.abs(g - w) - (atol + rtol * Math.abs(w));
    if (excess > worstExcess) [worst, worstExcess] = [i, excess];
  }
  if (worst >= 0) {
    const w = want.data[worst]!;
    const g = data[worst]!;
    expect.fail(
      `${what}: element ${worst} (of ${want.data.length}) expected ${w} (PyTorch), got ${g}; ` +
        `|diff| = ${Math.abs(g - w)}, allowed ${atol + rtol * Math.abs(w)} (rtol ${rtol}, atol ${atol})`,
    );
  }
}

test('the fixture says where it came from and holds every kind of case', () => {
  expect(FIXTURE.generator).toBe('scripts/make-torch-fixtures.py');
  expect(FIXTURE.command).toBe('/usr/bin/python3 scripts/make-torch-fixtures.py');
  expect(FIXTURE.torch).toMatch(/^\d+\.\d+/);
  const ops = new Set(FIXTURE.cases.map((c) => c.op));
  expect([...ops].sort()).toEqual(Object.keys(RUN).sort());
});

for (const dtype of ['float64', 'float32'] as const) {
  describe(`parity with PyTorch ${FIXTURE.torch}, Sapling in ${dtype}`, () => {
    const tol = TOLERANCE[dtype];
    for (const c of FIXTURE.cases) {
      test(`${c.op}: ${c.name}`, () => {
        const run = RUN[c.op];
        if (!run) throw new Error(`no Sapling runner for fixture op '${c.op}'`);
        const wantGrad = new Set(Object.keys(c.grads ?? {}));
        const inputs: Inputs = {};
        for (const [name, t] of Object.entries(c.inputs)) inputs[name] = build(t, dtype, wantGrad.has(name));
        const y = run(inputs, c.attrs);
        expect(y.dtype).toBe(dtype);
        expectClose(y, c.output, tol, `${c.name} [${dtype}] output`);
        if (c.upstream && c.grads) {
          y.backward(build(c.upstream, dtype));
          for (const [name, g] of Object.entries(c.grads)) {
            expectClose(inputs[name]!.grad, g, tol, `${c.name} [${dtype}] d/d${name}`);
          }
        }
      });
    }
  });
}
