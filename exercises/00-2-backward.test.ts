import { describe, test } from 'vitest';
import { Value } from '../docs/course/code/00-value.js';
import { expectClose, expectEqual } from './lib/check.js';
import { backward, topologicalOrder } from './00-2-backward.js';

const names = (values: readonly Value[], named: ReadonlyMap<Value, string>): string[] => values.map((v) => named.get(v) ?? '?');

describe('exercise 0.2 — topological order and backward with an explicit stack', () => {
  test('a diamond: every value once, after its children, the root last', () => {
    const a = new Value(2);
    const b = a.mul(3);
    const c = a.add(1);
    const d = b.mul(c);
    const named = new Map([[a, 'a'], [b, 'b'], [c, 'c'], [d, 'd']]);
    const order = topologicalOrder(d);
    // a and the constants 3 and 1 are leaves; we check only the four named values' positions.
    const got = names(order.filter((v) => named.has(v)), named);
    expectEqual(order.length, 6, { what: 'the number of values in the order of d = (a·3)·(a + 1)', hint: 'a, the constants 3 and 1, b, c and d: each exactly once (keep a Set of values already seen)' });
    expectEqual(got.at(-1), 'd', { what: 'the last value of the order', hint: 'the root comes last: a value is added only after all of its children' });
    expectEqual(got[0], 'a', { what: 'the first named value of the order', hint: 'a is a child of both b and c, so it must come before both' });
    for (const v of order) {
      for (const child of v.children) {
        expectEqual(order.indexOf(child) < order.indexOf(v), true, { what: `position of a child of ${named.get(v) ?? 'a value'}`, hint: 'push a value to the result only when all of its children are already in it (post-order)' });
      }
    }
  });

  test('backward gives the neuron gradients of the chapter', () => {
    const [x1, x2, w1, w2, b] = [2, 0, -3, 1, 6.881373587019543].map((v) => new Value(v)) as [Value, Value, Value, Value, Value];
    backward(x1.mul(w1).add(x2.mul(w2)).add(b).tanh());
    expectClose([x1.grad, w1.grad, x2.grad, w2.grad, b.grad], [-1.5, 1, 0.5, 0, 0.5], {
      what: 'do/dx1, do/dw1, do/dx2, do/dw2, do/db for o = tanh(x1·w1 + x2·w2 + b)',
      hint: 'set root.grad = 1 first, then call backwardStep() from the root towards the leaves (the reverse of the topological order)',
    });
  });

  test('a value used on two paths gets the sum of both', () => {
    const a = new Value(-3);
    const c = a.mul(a).add(a); // a² + a, derivative 2a + 1 = −5
    backward(c);
    expectClose(a.grad, -5, { what: 'd(a² + a)/da at a = −3', hint: 'call each backwardStep exactly once, after every consumer of its output has run' });
  });

  test('a chain of 100,000 operations does not overflow the call stack', () => {
    const x = new Value(1);
    let y = x;
    for (let i = 0; i < 100_000; i++) y = y.add(0.5);
    let order: Value[] = [];
    try {
      order = topologicalOrder(y);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error; // "Maximum call stack size exceeded" is a RangeError
      expectEqual(String(error), 'no error', { what: 'topologicalOrder of a 100,000-step chain', hint: 'a recursive visit needs one stack frame per step; keep your own array as the stack instead' });
    }
    expectEqual(order.length, 200_001, { what: 'the number of values in a 100,000-step chain (x, 100,000 constants, 100,000 sums)', hint: 'include every value once, the constants too' });
    backward(y);
    expectClose(x.grad, 1, { what: 'dy/dx at the start of the chain', hint: 'each add passes its gradient through unchanged' });
  });
});
