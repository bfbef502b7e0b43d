/**
 * operand-key — the name under which a share may keep an operand resident in tfjs's heap
 * (shares/resident.ts): which storage array, where in it, and every size the share lays it out
 * by. Equal names mean equal heap contents.
 */
import type { Tensor } from '../../tensor.js';

/** A number for each storage array the kernels have named. */
const storageIds = new WeakMap<object, number>();
let nextStorageId = 0;

/** The key of `t`'s values from `offset`, laid out by `sizes`. */
export function operandKey(t: Tensor, offset: number, ...sizes: number[]): string {
  let id = storageIds.get(t.storage);
  if (id === undefined) {
    id = nextStorageId++;
    storageIds.set(t.storage, id);
  }
  return `${id}@${offset}:${sizes.join('x')}`;
}
