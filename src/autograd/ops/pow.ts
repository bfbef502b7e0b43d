/**
 * pow — y = a^b, elementwise with broadcasting (elementwise.ts's family, in a file of its own
 * because its backward needs log, whose own backward needs div: kept apart, the op files'
 * imports form no cycle).
 *
 *   dA = dY · b · a^(b−1)   (0 where b = 0)        dB = dY · y · ln a   (0 where a = 0)
 * The two masks are PyTorch's: without them 0 · 0^(−1) and 0 · ln 0 give NaN.
 */
import type { Tensor } from '../tensor.js';
import { binary, binaryDef, eq, mul, sub, where } from './elementwise.js';
import type { TensorLike } from './helpers.js';
import { log } from './unary.js';

const Pow = binaryDef('Pow', 'pow', ['a', 'b', 'y'], (dY, { a, b, y }) => [
  () => mul(dY, where(eq(b!, 0), 0, mul(b!, pow(a!, sub(b!, 1))))),
  () => mul(dY, where(eq(a!, 0), 0, mul(y!, log(a!)))),
]);

/** a^b with broadcasting. @example pow(tensor([2, 3]), 2).toArray()  // [4, 9] */
export const pow = (a: TensorLike, b: TensorLike): Tensor => binary(Pow, a, b, 'pow');
