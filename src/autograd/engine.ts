/**
 * engine — reverse-mode automatic differentiation: order the recorded nodes, then apply the
 * chain rule once per node, from the output back to the leaves.
 *
 * For y = f(g(x)), the chain rule gives dL/dx = g'(x)ᵀ · f'(g(x))ᵀ · dL/dy. Reverse mode
 * evaluates this product from the left: each node receives dL/d(its output), calls its op's
 * hand-written backward to get dL/d(each input), and passes those on. A tensor used by several
 * nodes receives the sum of their contributions, so a node may run only after every consumer
 * of its output has run: a reverse topological order. We compute it with an explicit stack
 * (no recursion), so a chain of 100,000 ops cannot overflow the call stack.
 */
import { kernels } from './backends/index.js';
import { AnomalyError, enableGrad, isAnomalyEnabled, noGrad, type Node } from './function.js';
import { fmt, shapesEqual } from './shape.js';
import type { Tensor } from './tensor.js';
import { add } from './ops/elementwise.js';
import { cast, clone } from './ops/cast.js';
import { onesLike } from './creation.js';

/**
 * Options of `backward` (and `t.backward()`): keep the graph for a second pass, or record the backward for higher-order gradients.
 */
export interface BackwardOptions {
  /** Keep the saved tensors so the graph can be backpropagated again (default: createGraph). */
  readonly retainGraph?: boolean;
  /** Record the backward computation itself, for higher-order gradients (default false). */
  readonly createGraph?: boolean;
}

/** Nodes reachable from `root`, each after all the nodes that consume its output. */
export function topologicalOrder(root: Node): Node[] {
  const postOrder: Node[] = [];
  const visited = new Set<Node>([root]);
  const stack: { node: Node; next: number }[] = [{ node: root, next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const input = top.node.inputs[top.next++];
    if (input === undefined) {
      postOrder.push(top.node); // all inputs done: the node follows its inputs
      stack.pop();
    } else if (input.creator !== null && !visited.has(input.creator)) {
      visited.add(input.creator);
      stack.push({ node: input.creator, next: 0 });
    }
  }
  return postOrder.reverse(); // consumers first
}

/** Calls a node's backward; an anomaly inside it is reported as the anomaly of that backward. */
function runBackward(node: Node, dOut: Tensor, run: <T>(fn: () => T) => T): readonly (Tensor | null)[] {
  try {
    return run(() => node.backward(dOut));
  } catch (error) {
    if (error instanceof AnomalyError) {
      throw new AnomalyError(`detectAnomaly: backward of ${node.name} produced NaN or Inf (in its ${error.op} step)`, node.name);
    }
    throw error;
  }
}

/** Backpropagates `gradient` (default: 1 for a one-element `root`) to every leaf that requires grad. */
export function backward(root: Tensor, gradient: Tensor | undefined, options: BackwardOptions): void {
  // As in PyTorch, a recorded backward keeps the graph: the new graph points into the old one.
  const { createGraph = false, retainGraph = createGraph } = options;
  if (!root.requiresGrad) {
    throw new Error('backward: this tensor does not require grad and has no graph (did you call requiresGrad_() on the inputs, or run under noGrad?)');
  }
  let seed: Tensor;
  if (gradient === undefined) {
    if (root.numel() !== 1) {
      throw new RangeError(`backward: a gradient is needed for a non-scalar output of shape ${fmt(root.shape)}; call backward(gradient) or reduce it first (e.g. .sum())`);
    }
    seed = onesLike(root);
  } else {
    if (!shapesEqual(gradient.shape, root.shape)) {
      throw new RangeError(`backward: gradient of shape ${fmt(gradient.shape)} does not match the output's shape ${fmt(root.shape)}`);
    }
    seed = gradient.dtype === root.dtype ? gradient : noGrad(() => cast(gradient, root.dtype));
  }
  const run = createGraph ? enableGrad : noGrad;
  // A gradient tensor may reach several places (Add hands the same dY to both inputs, and the
  // caller keeps the seed it passed in), so the first time one is stored in a `.grad` that
  // someone may later change in place (clipGradNorm), we store a copy if it is already in use.
  const stored = new Set<Tensor>(gradient === undefined ? [] : [gradient]);
  const own = (g: Tensor): Tensor => {
    if (!stored.has(g)) {
      stored.add(g);
      return g;
    }
    return run(() => clone(g));
  };
  const accumulate = (previous: Tensor | null | undefined, g: Tensor): Tensor => (previous ? run(() => add(previous, g)) : own(g));

  if (root.creator === null) {
    root.grad = accumulate(root.grad, seed);
    return;
  }
  const pending = new Map<Node, Tensor>([[root.creator, seed]]);
  if (root.retainsGrad) root.grad = accumulate(root.grad, seed);

  for (const node of topologicalOrder(root.creator)) {
    const dOut = pending.get(node);
    if (dOut === undefined) continue; // every path to it was cut (a null gradient)
    pending.delete(node);
    if (node.released) {
      throw new Error(`backward: the graph through ${node.name} was already freed by an earlier backward(); pass { retainGraph: true } to that first call to backpropagate twice`);
    }
    const grads = runBackward(node, dOut, run);
    if (!retainGraph) node.release();
    node.inputs.forEach((input, i) => {
      const g = grads[i];
      if (g === null || g === undefined || !input.requiresGrad) return;
      if (!shapesEqual(g.shape, input.shape)) {
        throw new Error(`backward: ${node.name} returned a gradient of shape ${fmt(g.shape)} for input ${i} of shape ${fmt(input.shape)}`);
      }
      if (isAnomalyEnabled() && !kernels().allFinite(g)) {
        throw new AnomalyError(`detectAnomaly: backward of ${node.name} produced NaN or Inf in the gradient of input ${i} (shape ${fmt(input.shape)})`, node.name);
      }
      const gradient = g.dtype === input.dtype ? g : run(() => cast(g, input.dtype));
      if (input.creator === null) {
        input.grad = accumulate(input.grad, gradient);
      } else {
        pending.set(input.creator, accumulate(pending.get(input.creator), gradient));
        if (input.retainsGrad) input.grad = accumulate(input.grad, gradient);
      }
    });
  }
}
