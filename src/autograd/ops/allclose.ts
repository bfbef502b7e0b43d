/**
 * isclose and allclose — elementwise closeness with a relative and an absolute tolerance, as
 * torch.isclose and torch.allclose (and NumPy's):
 *   close(a, b) = a == b  or  |a − b| ≤ atol + rtol · |b| with |a − b| finite
 * (so an infinity is close only to itself).
 * NaN is close to nothing unless equalNan, when two NaNs are close. Note the asymmetry PyTorch has
 * too: the tolerance scales with |b|. Comparisons, so nothing here is differentiable.
 */
import type { Tensor } from '../tensor.js';
import { abs } from './unary.js';
import { add, eq, le, lt, maximum, mul, ne, sub } from './elementwise.js';
import { checkTensor } from './helpers.js';
import { amin } from './reduce.js';

/** The tolerances of isclose and allclose (PyTorch's defaults). */
export interface CloseOptions {
  /** Relative tolerance (default 1e-5, PyTorch's). */
  readonly rtol?: number;
  /** Absolute tolerance (default 1e-8, PyTorch's). */
  readonly atol?: number;
  /** Count two NaNs as close (default false). */
  readonly equalNan?: boolean;
}

/**
 * An int32 0/1 mask, 1 where a and b are close (they broadcast together), torch.isclose.
 * @example isclose(tensor([1, 2]), tensor([1.000001, 2.1])).toArray()  // [1, 0]
 */
export function isclose(a: Tensor, b: Tensor, options: CloseOptions = {}): Tensor {
  checkTensor(a, 'isclose', 'a');
  checkTensor(b, 'isclose', 'b');
  const { rtol = 1e-5, atol = 1e-8, equalNan = false } = options;
  if (!(rtol >= 0 && atol >= 0)) throw new RangeError(`isclose: rtol and atol must be non-negative, got rtol=${rtol}, atol=${atol}`);
  // a − b in float64; the int32 masks combine with maximum (or) and mul (and). A finite error
  // only: |∞ − (−∞)| ≤ rtol · ∞ would call opposite infinities close.
  const error = abs(sub(a.to('float64'), b.to('float64')));
  const within = mul(le(error, add(mul(abs(b.to('float64')), rtol), atol)), lt(error, Infinity));
  const close = maximum(eq(a, b), within);
  return equalNan ? maximum(close, mul(ne(a, a), ne(b, b))) : close;
}

/**
 * Whether every element of a is close to b's (they broadcast together), torch.allclose.
 * @example allclose(tensor([1, 2]), tensor([1, 2.000001]))  // true
 */
export function allclose(a: Tensor, b: Tensor, options: CloseOptions = {}): boolean {
  const close = isclose(a, b, options);
  return close.numel() === 0 || amin(close).item() === 1;
}
