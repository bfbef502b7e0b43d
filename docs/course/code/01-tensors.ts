/**
 * Tensors: shape, dtype, row-major storage, views and copies.
 * Chapter 1 of the course (docs/course/01-tensors.md). Run: npx tsx docs/course/code/01-tensors.ts
 */
import { arange, tensor } from '../../../src/index.js';

// #region create
const a = tensor([[1, 2, 3], [4, 5, 6]]);
console.log(`a: shape [${a.shape.join(', ')}], dtype ${a.dtype}, ${a.numel()} elements`);
console.log(a.toString());
const b = arange(0, 12).reshape([3, 4]); // 0, 1, …, 11 as 3 rows of 4
console.log(`b = arange(0, 12).reshape([3, 4]): row 2 is ${b.slice([2]).toString()}`);
// #endregion

// #region layout
// Row-major: the last axis is contiguous. Element [i, j] of a [2, 3] tensor sits at i·3 + j.
console.log(`a's storage: [${Array.from(a.storage)}]`);
console.log(`a[1, 2] = storage[1·3 + 2] = ${a.storage[1 * 3 + 2]}`);
const r = a.reshape([3, 2]); // the same six numbers, read as 3 rows of 2: a view
console.log(`reshape shares storage: ${r.storage === a.storage}`);
const t = a.transpose(); // [3, 2], but column-major order of a: a copy in Sapling
console.log(`transpose copies: ${t.storage === a.storage}, its storage: [${Array.from(t.storage)}]`);
// #endregion

// #region dtypes
const third = (dtype: 'float32' | 'float64'): number => tensor([0.1], { dtype }).add(0.2).item();
console.log(`0.1 + 0.2 in float32: ${third('float32')}, in float64: ${third('float64')}`);
console.log(`2²⁴ + 1 in float32: ${tensor([2 ** 24]).add(1).item()}`);
const labels = tensor(Int32Array.from([3, 0, 7]), [3]);
console.log(`labels: dtype ${labels.dtype}; requiresGrad is for floating-point tensors only`);
// #endregion
