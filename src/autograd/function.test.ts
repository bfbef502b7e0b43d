import { describe, expect, test } from 'vitest';
import { tensor, randn } from './creation.js';
import { seededRandom } from './random.js';
import { apply, defineOp, detectAnomaly, enableGrad, noGrad, observeOps, type OpDef } from './function.js';
import { gradcheck } from './gradcheck.js';
import { div, mul, sub } from './ops/elementwise.js';
import { log, sqrt } from './ops/unary.js';
import { sum } from './ops/reduce.js';
import type { Tensor } from './tensor.js';

// The custom-op example of the autograd README: cube(x) = x³ with a hand-written backward.
const cube = defineOp<[Tensor]>({
  name: 'Cube',
  forward(ctx, [x]) {
    ctx.save(x);
    return mul(mul(x, x), x);
  },
  backward(ctx, dOut) {
    const [x] = ctx.saved as [Tensor];
    return [mul(mul(dOut, mul(x, x)), 3)]; // d(x³)/dx = 3x²
  },
});

describe('user-defined ops', () => {
  test('a custom op with a hand-written backward passes gradcheck', () => {
    expect(cube(tensor([2])).item()).toBe(8);
    const x = randn([2, 3], { dtype: 'float64', random: seededRandom(1) }).requiresGrad_();
    expect(gradcheck(cube, [x])).toBe(true);
  });

  test('gradcheck catches a wrong backward and names the input, the element and both values', () => {
    const wrong: OpDef<readonly [Tensor]> = {
      name: 'WrongSquare',
      forward(ctx, [x]) {
        ctx.save(x);
        return mul(x, x);
      },
      backward(ctx, dOut) {
        return [mul(dOut, ctx.saved[0]!)]; // forgot the factor 2
      },
    };
    const x = tensor([[1, 2], [3, 4]], { dtype: 'float64', requiresGrad: true });
    expect(() => gradcheck((t) => apply(wrong, [t], undefined), [x])).toThrow(/input 0 \[2,2\], element \[0,0\]: backward gave .* finite differences give/);
  });

  test('gradcheck refuses float32 inputs', () => {
    expect(() => gradcheck(cube, [tensor([1], { requiresGrad: true })])).toThrow(/needs float64/);
  });

  test('the backward runs with recording off unless createGraph asks for it', () => {
    let recordingInBackward: boolean | undefined;
    const probe = defineOp<[Tensor]>({
      name: 'Probe',
      forward: (_ctx, [x]) => mul(x, 1),
      backward(_ctx, dOut) {
        recordingInBackward = mul(dOut, tensor([1], { dtype: dOut.dtype, requiresGrad: true })).requiresGrad;
        return [dOut];
      },
    });
    const x = tensor([1], { requiresGrad: true });
    probe(x).backward();
    expect(recordingInBackward).toBe(false);
  });

  test('enableGrad records inside noGrad', () => {
    const x = tensor([1], { requiresGrad: true });
    expect(noGrad(() => enableGrad(() => mul(x, 2))).requiresGrad).toBe(true);
  });
});

describe('detectAnomaly', () => {
  test('names the op whose forward made a NaN', () => {
    detectAnomaly(true);
    try {
      expect(() => log(tensor([-1]))).toThrow(/detectAnomaly: Log forward produced NaN or Inf/);
    } finally {
      detectAnomaly(false);
    }
  });

  test('names the op whose backward made an Inf', () => {
    const x = tensor([0], { requiresGrad: true });
    const y = sum(sqrt(x)); // forward is fine (0), the gradient 1/(2√x) is Inf at 0
    detectAnomaly(true);
    try {
      expect(() => y.backward()).toThrow(/backward of Sqrt produced NaN or Inf/);
    } finally {
      detectAnomaly(false);
    }
  });

  test('is off by default: NaN flows through silently', () => {
    expect(Number.isNaN(div(sub(tensor([0]), 0), 0).item())).toBe(true);
  });
});

describe('observeOps', () => {
  test('reports the outermost ops, with or without a gradient, integer ops and comparisons too, and stops afterwards', () => {
    const seen: string[] = [];
    const x = tensor([1, -2, 3]);
    const ids = tensor([0, 2, 1], [3], { dtype: 'int32' });
    const observe = (name: string, inputs: readonly Tensor[], attrs: unknown, output: Tensor): void => {
      seen.push(`${name}${typeof attrs === 'string' ? `:${attrs}` : ''} ${inputs.length}→[${output.shape}]`);
    };
    const out = observeOps(observe, () => noGrad(() => sum(mul(x, ids.gt(0).to('float32')))));
    expect(out.item()).toBe(-2 + 3);
    expect(seen).toEqual(['Compare:gt 2→[3]', 'Cast:float32 1→[3]', 'Mul 2→[3]', 'Sum 1→[]']);
    seen.length = 0;
    mul(x, 2);
    expect(seen).toEqual([]);
  });

  test('an op whose forward calls other ops is reported once, by its own name', () => {
    const seen: string[] = [];
    const square = defineOp<[Tensor]>({
      name: 'SquareViaMul',
      forward(ctx, [a]) {
        ctx.save(a);
        return mul(a, a);
      },
      backward(ctx, dOut) {
        return [mul(dOut, mul(ctx.saved[0]!, 2))];
      },
    });
    observeOps((name) => seen.push(name), () => square(randn([2], { requiresGrad: true })));
    expect(seen).toEqual(['SquareViaMul']);
  });
});
