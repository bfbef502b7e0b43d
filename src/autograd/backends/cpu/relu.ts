/**
 * relu — ReLU and its backward on one number, branch-free, in a file of its own that imports
 * nothing: the cpu elementwise kernels compile them into their loops, and the worker threads
 * (../wasm/shares/) apply them in the conv epilogue.
 */

/**
 * ReLU without a data-dependent branch. `x > 0 ? x : 0` mispredicts on about half of the values
 * of a real activation, whose signs look random: 14 ms for 2²¹ float32 values, against 3 ms for
 * x · (x > 0) (V8 turns the comparison into a 0/1 without a jump). Adding 0 turns the −0 of a
 * negative x into +0. The guard catches what the product gets wrong — −∞ · 0 is NaN — and is
 * true for every finite x, so it is predicted right. NaN stays NaN, as in PyTorch.
 */
export function relu(x: number): number {
  return x > -Infinity ? x * +(x > 0) + 0 : x === x ? 0 : x;
}

/**
 * ReLU's backward, g where x > 0 else 0 (PyTorch's threshold_backward), branch-free like relu: the
 * guard, true for every finite g, keeps an infinite or NaN g at a masked place 0, as PyTorch does.
 */
export function mask(g: number, x: number): number {
  return g - g === 0 ? g * +(x > 0) + 0 : x > 0 ? g : 0;
}
