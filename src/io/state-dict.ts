/**
 * state-dict — comparing a loaded state dict with the one a model expects, before anything is
 * loaded into it.
 *
 * A state dict maps dotted names (`layer1.0.bn1.running_mean`, PyTorch's naming) to tensors.
 * `checkStateDict` lists every difference at once — missing names, unexpected names, shapes and
 * dtypes that disagree — so that a user fixing a checkpoint sees the whole picture, not the
 * first problem of many.
 */
import type { DType } from '../autograd/dtype.js';
import type { Tensor } from '../autograd/tensor.js';

export type StateDict = Readonly<Record<string, Tensor>>;

/** What a state dict must hold: a real state dict, or just the shape (and optionally dtype) of each entry. */
export type StateDictSpec = Readonly<Record<string, Tensor | { readonly shape: readonly number[]; readonly dtype?: DType }>>;

const shapeText = (shape: readonly number[]): string => `[${shape.join(',')}]`;

/**
 * Every way `actual` differs from `expected`, one line each (empty when they agree).
 * @example checkStateDict({ w: zeros([2]) }, { w: zeros([3]), b: zeros([1]) })
 *   // ['unexpected key "b" (not in the expected state dict)', 'shape mismatch for "w": expected [2], found [3]']
 */
export function checkStateDict(expected: StateDictSpec, actual: StateDict): string[] {
  const problems: string[] = [];
  const missing = Object.keys(expected).filter((k) => !Object.hasOwn(actual, k));
  const unexpected = Object.keys(actual).filter((k) => !Object.hasOwn(expected, k));
  for (const k of missing) problems.push(`missing key "${k}" (expected ${shapeText(expected[k]!.shape)})`);
  for (const k of unexpected) problems.push(`unexpected key "${k}" (not in the expected state dict)`);
  for (const [k, want] of Object.entries(expected)) {
    if (!Object.hasOwn(actual, k)) continue; // reported as missing (and never an inherited "constructor")
    const got = actual[k]!;
    if (shapeText(want.shape) !== shapeText(got.shape)) problems.push(`shape mismatch for "${k}": expected ${shapeText(want.shape)}, found ${shapeText(got.shape)}`);
    if (want.dtype !== undefined && want.dtype !== got.dtype) problems.push(`dtype mismatch for "${k}": expected ${want.dtype}, found ${got.dtype}`);
  }
  return problems;
}
