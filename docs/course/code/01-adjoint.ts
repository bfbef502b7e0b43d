/**
 * The adjoint of broadcasting: a tensor repeated along an axis receives the SUM of the gradients
 * of its copies. Run: npx tsx docs/course/code/01-adjoint.ts
 */
import { sumToShape, tensor } from '../../../src/index.js';

// #region bias
const x = tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]]); // [4, 3]: 4 rows
const b = tensor([0.5, -1, 2], { requiresGrad: true }); //            [3]: one bias per column
const y = x.add(b); //                                                 [4, 3]: b copied to every row
const dY = tensor([[1, 0, 2], [1, 1, 0], [0, 3, 1], [2, 0, 4]]); //   dL/dy, as a later op would send it
y.backward(dY);
console.log(`b.grad = ${b.grad!.toString()}`);
console.log(`column sums of dY = ${dY.sum(0).toString()}`);
// #endregion

// #region sum-to-shape
const g = tensor([[1, 2, 3], [4, 5, 6]]); // a gradient of shape [2, 3]
console.log(`sumToShape(g, [3])    = ${sumToShape(g, [3]).toString()}`); //    summed over the rows
console.log(`sumToShape(g, [2, 1]) = ${sumToShape(g, [2, 1]).toString()}`); // summed along each row, kept as a column
console.log(`sumToShape(g, [1, 1]) = ${sumToShape(g, [1, 1]).toString()}`); // everything
// #endregion
