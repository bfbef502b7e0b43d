/** Reference solution of exercise 0.1 (exercises/00-1-more-ops.ts). */
import { Value } from '../../docs/course/code/00-value.js';

export function exp(x: Value): Value {
  const out = new Value(Math.exp(x.data), [x]);
  out.backwardStep = () => {
    x.grad += out.data * out.grad; // d eˣ/dx = eˣ, which is out.data
  };
  return out;
}

export function relu(x: Value): Value {
  const out = new Value(Math.max(x.data, 0), [x]);
  out.backwardStep = () => {
    x.grad += (x.data > 0 ? 1 : 0) * out.grad;
  };
  return out;
}

export function div(a: Value, b: Value): Value {
  const out = new Value(a.data / b.data, [a, b]);
  out.backwardStep = () => {
    a.grad += out.grad / b.data; //                    ∂(a/b)/∂a = 1/b
    b.grad += (-a.data / (b.data * b.data)) * out.grad; // ∂(a/b)/∂b = −a/b²
  };
  return out;
}
