/**
 * The graph Sapling records: every op's output remembers the op (`creator`) and its inputs.
 * Chapter 2 of the course (docs/course/02-engine.md). Run: npx tsx docs/course/code/02-graph.ts
 */
import { noGrad, tensor, type Node, type Tensor } from '../../../src/index.js';

// #region record
const a = tensor([2], { dtype: 'float64', requiresGrad: true });
const b = tensor([-3], { dtype: 'float64', requiresGrad: true });
const t = a.mul(b); //  −6
const c = t.add(b); //  −9: b is used twice
const L = c.mul(c); //  81
console.log(`L = ${L.item()}, made by ${L.creator!.name} from [${L.creator!.inputs.map((x) => x.creator?.name ?? 'leaf')}]`);
console.log(`a is a leaf: ${a.isLeaf}, L is a leaf: ${L.isLeaf}`);
// #endregion

// #region order
/** The nodes behind `root`, each before the nodes that made its inputs (the order backward runs in). */
function backwardOrder(root: Tensor): Node[] {
  const postOrder: Node[] = [];
  const seen = new Set<Node>();
  const visit = (node: Node): void => {
    if (seen.has(node)) return;
    seen.add(node);
    for (const input of node.inputs) if (input.creator) visit(input.creator);
    postOrder.push(node);
  };
  visit(root.creator!);
  return postOrder.reverse();
}
console.log(`backward visits: ${backwardOrder(L).map((n) => n.name).join(' → ')}`);
// #endregion

// #region backward
L.backward();
console.log(`dL/da = ${a.grad!.item()}, dL/db = ${b.grad!.item()}`);
// #endregion

// #region free
try {
  L.backward(); // the saved tensors were released by the first backward
} catch (error) {
  console.log((error as Error).message);
}
const untracked = noGrad(() => a.mul(b));
console.log(`under noGrad: requiresGrad ${untracked.requiresGrad}, creator ${untracked.creator}`);
// #endregion
