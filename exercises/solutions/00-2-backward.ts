/** Reference solution of exercise 0.2 (exercises/00-2-backward.ts). */
import type { Value } from '../../docs/course/code/00-value.js';

export function topologicalOrder(root: Value): Value[] {
  const order: Value[] = [];
  const seen = new Set<Value>([root]);
  // Each stack entry remembers which child to look at next, so a value is emitted only after
  // every child has been (post-order), exactly as the recursive version does.
  const stack: { value: Value; next: number }[] = [{ value: root, next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const child = top.value.children[top.next++];
    if (child === undefined) {
      order.push(top.value);
      stack.pop();
    } else if (!seen.has(child)) {
      seen.add(child);
      stack.push({ value: child, next: 0 });
    }
  }
  return order;
}

export function backward(root: Value): void {
  const order = topologicalOrder(root);
  root.grad = 1;
  for (let i = order.length - 1; i >= 0; i--) order[i]!.backwardStep();
}
