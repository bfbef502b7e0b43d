import { describe, test } from 'vitest';
import { Value } from '../docs/course/code/00-value.js';
import { expectClose, expectEqual } from './lib/check.js';
import { div, exp, relu } from './00-1-more-ops.js';

describe('exercise 0.1 — exp, relu and div for Value', () => {
  test('exp: value, children and gradient', () => {
    const x = new Value(0.5);
    const y = exp(x);
    expectClose(y.data, Math.exp(0.5), { what: 'exp(0.5).data', hint: 'the forward value is Math.exp(x.data)' });
    expectEqual(y.children.length === 1 && y.children[0] === x, true, { what: 'exp(x).children', hint: 'pass [x] as the children, so that backward() can find x' });
    y.backward();
    expectClose(x.grad, Math.exp(0.5), { what: 'the gradient of x in exp(x) at x = 0.5', hint: 'd eˣ/dx = eˣ: add out.data * out.grad to x.grad' });
  });

  test('relu: passes the gradient where x > 0, blocks it elsewhere', () => {
    for (const [v, value, grad] of [[2, 2, 1], [-3, 0, 0], [0, 0, 0]] as const) {
      const x = new Value(v);
      const y = relu(x);
      expectClose(y.data, value, { what: `relu(${v}).data`, hint: 'the forward value is Math.max(x.data, 0)' });
      y.backward();
      expectClose(x.grad, grad, { what: `the gradient of x in relu(x) at x = ${v}`, hint: 'relu′(x) is 1 for x > 0 and 0 otherwise (0 at x = 0, as PyTorch)' });
    }
  });

  test('div: both gradients', () => {
    const a = new Value(3);
    const b = new Value(4);
    const y = div(a, b);
    expectClose(y.data, 0.75, { what: 'div(3, 4).data', hint: 'the forward value is a.data / b.data' });
    y.backward();
    expectClose(a.grad, 0.25, { what: 'the gradient of a in a / b at a = 3, b = 4', hint: '∂(a/b)/∂a = 1/b: add out.grad / b.data to a.grad' });
    expectClose(b.grad, -3 / 16, { what: 'the gradient of b in a / b at a = 3, b = 4', hint: '∂(a/b)/∂b = −a/b²: add -a.data / (b.data * b.data) * out.grad to b.grad' });
  });

  test('an input used twice collects both shares', () => {
    const x = new Value(0.3);
    exp(x).mul(exp(x)).backward(); // e^{2x}, derivative 2e^{2x}
    expectClose(x.grad, 2 * Math.exp(0.6), { what: 'd/dx (eˣ · eˣ) at x = 0.3', hint: 'backwardStep must ADD to x.grad (+=): x reaches the output through two exp nodes' });
    const y = new Value(1.7);
    div(y, y).backward(); // y / y = 1, derivative 0
    expectClose(y.grad, 0, { what: 'd/dy (y / y)', hint: 'y is both a and b: 1/y from one path and −y/y² from the other must add up to 0; use += for both' });
  });

  test('a composition agrees with finite differences', () => {
    const f = (x: Value, z: Value): Value => div(exp(x), relu(z).add(1)).mul(x);
    const at = (x: number, z: number): number => f(new Value(x), new Value(z)).data;
    const x = new Value(0.4);
    const z = new Value(1.3);
    f(x, z).backward();
    const eps = 1e-6;
    expectClose(x.grad, (at(0.4 + eps, 1.3) - at(0.4 - eps, 1.3)) / (2 * eps), { what: 'd/dx of x·eˣ/(relu(z) + 1)', hint: 'test exp, relu and div one at a time above first', atol: 1e-6 });
    expectClose(z.grad, (at(0.4, 1.3 + eps) - at(0.4, 1.3 - eps)) / (2 * eps), { what: 'd/dz of x·eˣ/(relu(z) + 1)', hint: 'test exp, relu and div one at a time above first', atol: 1e-6 });
  });
});
