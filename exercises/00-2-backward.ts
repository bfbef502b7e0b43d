/**
 * Exercise 0.2 — backward without recursion (docs/course/00-scalar-autograd.md, §3 and §6).
 *
 * `Value.backward` in docs/course/code/00-value.ts sorts the graph with a recursive `visit`, so a
 * chain of 100,000 operations overflows the call stack. Write the sort with an explicit stack,
 * as Sapling's engine does (src/autograd/engine.ts, `topologicalOrder`), then backward on top.
 *
 * Check your work: npm run exercise -- 0
 */
import type { Value } from '../docs/course/code/00-value.js';

/**
 * Every value `root` depends on (root included), each exactly once and each AFTER all of its
 * children, so `root` comes last. Use no recursion: keep your own stack of values to visit.
 */
export function topologicalOrder(root: Value): Value[] {
  throw new Error('not implemented yet: topologicalOrder(root) — a depth-first search with an explicit stack; push a value to the result once all its children are in it');
}

/**
 * Sets root.grad = 1 and calls every value's `backwardStep` from the root down to the leaves,
 * in the reverse of topologicalOrder(root). Like Value.backward, it does not zero gradients.
 */
export function backward(root: Value): void {
  throw new Error('not implemented yet: backward(root) — set root.grad = 1, then call backwardStep() on each value of topologicalOrder(root), last one first');
}
