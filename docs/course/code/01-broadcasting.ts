/**
 * Broadcasting: how tensors of different shapes combine elementwise, and a figure made by one
 * broadcast. Run: npx tsx docs/course/code/01-broadcasting.ts
 */
import { linspace, tensor } from '../../../src/index.js';
import { lineChart } from '../../../src/utils/index.js';

// #region rules
const x = tensor([[1, 2, 3], [4, 5, 6]]); // [2, 3]
const row = tensor([10, 20, 30]); //        [3]    → read as [1, 3], repeated down the rows
const col = tensor([[100], [200]]); //      [2, 1] → repeated along each row
console.log(`x + row =\n${x.add(row).toString()}`);
console.log(`x + col =\n${x.add(col).toString()}`);
console.log(`row + col has shape [${row.add(col).shape.join(', ')}]: every pair, an outer sum`);
try {
  x.add(tensor([1, 2])); // [2, 3] and [2]: the LAST axes (3 and 2) disagree
} catch (error) {
  console.log(`x + [1, 2] fails: ${(error as Error).message}`);
}
// #endregion

// #region family
const frequencies = tensor([[1], [2], [3]]); // [3, 1]
const time = linspace(0, 2 * Math.PI, 100).reshape([1, 100]); // [1, 100]
const waves = frequencies.mul(time).sin(); // [3, 100]: three curves, one op
console.log(`sin(frequencies · time) has shape [${waves.shape.join(', ')}]`);
// #endregion

const rows = waves.toArray() as number[][];
export const figures = {
  '01-broadcast-waves.svg': lineChart({
    title: 'sin(f · t): a [3, 1] tensor times a [1, 100] tensor',
    series: rows.map((y, i) => ({ name: `f = ${i + 1}`, x: Array.from(time.storage), y })),
    xLabel: 't',
    yLabel: 'sin(f · t)',
  }),
};
