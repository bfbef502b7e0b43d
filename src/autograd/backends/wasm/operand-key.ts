/**
 * operand-key — the name under which a share may keep an operand resident in tfjs's heap
 * (shares/resident.ts): which storage array, which version of its values (storage.ts), where in
 * it, and every size the share lays it out by. Equal names mean equal heap contents. A held
 * array (one a caller may write unseen) gets no name, so nothing derived from it is kept.
 */
import { cacheVersion } from '../../storage.js';
import { type Tensor } from '../../tensor.js';
import { storageOf } from '../../tensor-storage.js';

/** A number for each storage array the kernels have named. */
const storageIds = new WeakMap<object, number>();
let nextStorageId = 0;

/** The key of `t`'s values from `offset`, laid out by `sizes`; undefined when they may change unseen. */
export function operandKey(t: Tensor, offset: number, ...sizes: number[]): string | undefined {
  const storage = storageOf(t);
  const version = cacheVersion(storage);
  if (version === null) return undefined;
  let id = storageIds.get(storage);
  if (id === undefined) {
    id = nextStorageId++;
    storageIds.set(storage, id);
  }
  return `${id}v${version}@${offset}:${sizes.join('x')}`;
}
