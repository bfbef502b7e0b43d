/**
 * Exercise 0.1 — three more operations for the chapter's `Value`
 * (docs/course/00-scalar-autograd.md, §2; the class is docs/course/code/00-value.ts).
 *
 * Each function returns a NEW Value computed from its inputs, whose `children` are those inputs
 * and whose `backwardStep` ADDS each input's share of `out.grad` to that input's `grad` (+=, never
 * =, so that an input used twice collects both shares). `Value.mul` shows the pattern:
 *   const out = new Value(a.data * b.data, [a, b]);
 *   out.backwardStep = () => { a.grad += b.data * out.grad; b.grad += a.data * out.grad; };
 *
 * Check your work: npm run exercise -- 0
 */
import { Value } from '../docs/course/code/00-value.js';

/** eˣ. Its derivative is eˣ itself, the output's own value. */
export function exp(x: Value): Value {
  throw new Error('not implemented yet: exp(x) — return new Value(Math.exp(x.data), [x]) whose backwardStep adds out.data * out.grad to x.grad');
}

/** max(x, 0). Its derivative is 1 where x > 0 and 0 elsewhere (we take 0 at x = 0, as PyTorch does). */
export function relu(x: Value): Value {
  throw new Error('not implemented yet: relu(x) — return a Value of Math.max(x.data, 0) whose backwardStep adds out.grad to x.grad only where x.data > 0');
}

/** a / b. ∂(a/b)/∂a = 1/b and ∂(a/b)/∂b = −a/b². */
export function div(a: Value, b: Value): Value {
  throw new Error('not implemented yet: div(a, b) — return a Value of a.data / b.data with children [a, b]; backwardStep adds out.grad / b.data to a.grad and −a.data / b.data² · out.grad to b.grad');
}
