/**
 * Exercise 1.2 — strides, offsets and a permutation (docs/course/01-tensors.md, §1).
 *
 * A row-major tensor of shape [d0, d1, …, dn−1] stores element [i0, i1, …] at
 *   offset = Σ_k i_k · stride_k,   stride_{n−1} = 1,   stride_k = stride_{k+1} · d_{k+1}.
 * A permutation of the axes (a transpose is the 2-D case) keeps the values and changes the order
 * in which they are stored: that loop is what Sapling's cpu `transpose` kernel runs.
 *
 * Check your work: npm run exercise -- 1
 */

/** Row-major strides: stridesOf([2, 3, 4]) is [12, 4, 1]; stridesOf([]) is []. */
export function stridesOf(shape: readonly number[]): number[] {
  throw new Error('not implemented yet: stridesOf(shape) — start with 1 for the last axis and multiply by each size going left');
}

/** The storage offset of `index` for the given strides: offsetOf([1, 2], [3, 1]) is 5. */
export function offsetOf(index: readonly number[], strides: readonly number[]): number {
  throw new Error('not implemented yet: offsetOf(index, strides) — the sum of index[k] · strides[k]');
}

/**
 * The storage of the permuted tensor: output axis k is input axis perm[k], so the result has
 * shape perm.map((p) => shape[p]) and result[j0, j1, …] = data[i] where i[perm[k]] = j_k.
 * permute([1, 2, 3, 4, 5, 6], [2, 3], [1, 0]) is [1, 4, 2, 5, 3, 6] (the transpose).
 */
export function permute(data: readonly number[], shape: readonly number[], perm: readonly number[]): number[] {
  throw new Error('not implemented yet: permute(data, shape, perm) — for every output index (in row-major order), find the input index it came from and copy data[offsetOf(inputIndex, stridesOf(shape))]');
}
