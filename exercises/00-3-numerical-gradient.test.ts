import { describe, test } from 'vitest';
import { Value } from '../docs/course/code/00-value.js';
import { expectClose, expectEqual } from './lib/check.js';
import { compareGradients, numericalGradient } from './00-3-numerical-gradient.js';

describe('exercise 0.3 — numerical gradients', () => {
  test('numericalGradient of x² + 3y at (2, 1) is (4, 3)', () => {
    const got = numericalGradient(([x, y]) => x! * x! + 3 * y!, [2, 1]);
    expectClose(got, [4, 3], { what: 'numericalGradient(x² + 3y, [2, 1])', hint: 'one central difference per input: (f(…xᵢ + ε…) − f(…xᵢ − ε…)) / 2ε', atol: 1e-6 });
  });

  test('it uses the central difference (error O(ε²), not O(ε))', () => {
    const [got] = numericalGradient(([x]) => x! ** 3, [1], 1e-3);
    // central: 3 + ε² = 3.000001; one-sided: 3 + 3ε + ε² = 3.003001
    expectClose(got ?? NaN, 3.000001, { what: 'numericalGradient(x³, [1], ε = 1e-3)', hint: 'step both ways, (f(x + ε) − f(x − ε)) / 2ε; the one-sided (f(x + ε) − f(x)) / ε is off by 3ε here', atol: 1e-9 });
  });

  test('it does not change the inputs it was given', () => {
    const xs = [0.5, -2];
    numericalGradient(([a, b]) => a! * b!, xs);
    expectEqual(xs, [0.5, -2], { what: 'xs after numericalGradient', hint: 'copy xs for every evaluation (xs.map or slice) instead of writing into it' });
  });

  test('compareGradients agrees on a correct function', () => {
    const result = compareGradients(([x, y]) => x!.mul(y!).add(x!.pow(2)).tanh(), [0.3, -0.7]);
    const [x, y] = [0.3, -0.7];
    const t = Math.tanh(x * y + x * x);
    expectClose(result.analytic, [(1 - t * t) * (y + 2 * x), (1 - t * t) * x], { what: 'compareGradients(…).analytic for tanh(x·y + x²)', hint: 'make a Value per input, call backward() on f(values), and read each value\'s .grad' });
    expectClose(result.numeric, result.analytic, { what: 'compareGradients(…).numeric for tanh(x·y + x²)', hint: 'evaluate f on fresh Values built from the moved inputs and read .data', atol: 1e-6 });
    expectEqual(result.maxError < 1e-6, true, { what: `compareGradients(…).maxError = ${result.maxError} for a correct function`, hint: 'maxError is the largest |analytic[i] − numeric[i]|' });
  });

  test('compareGradients catches a wrong backward', () => {
    // square(x) with a bug: the backward forgets the factor 2.
    const badSquare = (x: Value): Value => {
      const out = new Value(x.data * x.data, [x]);
      out.backwardStep = () => {
        x.grad += x.data * out.grad;
      };
      return out;
    };
    const result = compareGradients(([x]) => badSquare(x!), [1.5]);
    expectClose(result.maxError, 1.5, { what: 'maxError for a square whose backward gives x instead of 2x, at x = 1.5', hint: 'analytic is 1.5 (the bug), numeric is 3: maxError should be their distance', atol: 1e-5 });
  });
});
