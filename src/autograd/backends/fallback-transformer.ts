/**
 * fallback-transformer — a Transformer's fused elementwise kernels (types.ts: geluWithDerivative,
 * softmaxLastAxis, softmaxBackward, layerNorm, layerNormBackward) as compositions of core
 * kernels, one kernel per term of the formulas their ops derive (ops/unary.ts for GELU's
 * derivative, ops/masked-softmax.ts for the guarded softmax and its backward, ops/layer-norm.ts).
 */
import type { Tensor } from '../tensor.js';
import { scalar } from './fallback-rnn.js';
import type { CoreKernels } from './types.js';

const INV_SQRT_2PI = 0.3989422804014327; // 1/√(2π)
const SQRT_2_OVER_PI = 0.7978845608028654; // √(2/π)

export function transformerFallbacks(k: CoreKernels) {
  const mul = (a: Tensor, b: Tensor | number): Tensor => k.binary('mul', a, typeof b === 'number' ? scalar(b, a.dtype) : b, a.dtype);
  const add = (a: Tensor, b: Tensor | number): Tensor => k.binary('add', a, typeof b === 'number' ? scalar(b, a.dtype) : b, a.dtype);

  /** GELU's derivative y′ (ops/unary.ts), term by term. */
  function derivative(x: Tensor, approximate: 'none' | 'tanh'): Tensor {
    if (approximate === 'none') {
      const cdf = mul(add(k.unary('erf', mul(x, Math.SQRT1_2)), 1), 0.5); //                 Φ(x)
      const pdf = mul(k.unary('exp', mul(mul(x, x), -0.5)), INV_SQRT_2PI); //                  φ(x)
      return add(cdf, mul(x, pdf));
    }
    const x2 = mul(x, x);
    const t = k.unary('tanh', mul(mul(x, add(mul(x2, 0.044715), 1)), SQRT_2_OVER_PI)); //   tanh u
    const du = mul(add(mul(x2, 3 * 0.044715), 1), SQRT_2_OVER_PI); //                        du/dx
    const oneMinusT2 = k.binary('sub', scalar(1, x.dtype), mul(t, t), x.dtype);
    return add(mul(add(t, 1), 0.5), mul(mul(mul(x, oneMinusT2), du), 0.5));
  }

  function geluWithDerivative(x: Tensor, approximate: 'none' | 'tanh'): { readonly y: Tensor; readonly dydx: Tensor } {
    return { y: k.unary(approximate === 'none' ? 'gelu' : 'geluTanh', x), dydx: derivative(x, approximate) };
  }

  /** masked-softmax.ts's shiftedAndNormaliser with its guards, in core kernels. */
  function softmaxLastAxis(x: Tensor, keep: Tensor | null): Tensor {
    const axis = x.ndim - 1;
    const dt = x.dtype;
    const z = keep ? k.where(keep, x, scalar(-Infinity, dt), dt) : x;
    const m = k.reduce('max', z, [axis], true);
    const shift = k.where(k.compare('eq', m, scalar(-Infinity, dt)), scalar(0, dt), m, dt); // nothing kept: shift by 0
    const e = k.unary('exp', k.binary('sub', z, shift, dt));
    const s = k.reduce('sum', e, [axis], true);
    return k.binary('div', e, k.where(k.compare('eq', s, scalar(0, dt)), scalar(1, dt), s, dt), dt); // 0 / 1 = 0
  }

  function softmaxBackward(p: Tensor, dP: Tensor): Tensor {
    const dot = k.reduce('sum', mul(dP, p), [p.ndim - 1], true);
    return mul(p, k.binary('sub', dP, dot, p.dtype));
  }

  /** The last k axes of x's shape, and their sizes' product m (a row). */
  const trailing = (shape: readonly number[], k: number): { readonly axes: number[]; readonly m: number } => ({
    axes: Array.from({ length: k }, (_, i) => shape.length - k + i),
    m: shape.slice(shape.length - k).reduce((a, b) => a * b, 1),
  });
  const meanOver = (t: Tensor, axes: readonly number[], m: number): Tensor => mul(k.reduce('sum', t, axes, true), 1 / m);
  function layerNorm(x: Tensor, n: number, weight: Tensor | null, bias: Tensor | null, eps: number): { readonly y: Tensor; readonly xHat: Tensor; readonly invStd: Tensor } {
    const { axes, m } = trailing(x.shape, n);
    const xc = k.binary('sub', x, meanOver(x, axes, m), x.dtype);
    const invStd = k.unary('rsqrt', add(meanOver(mul(xc, xc), axes, m), eps));
    const xHat = mul(xc, invStd);
    const scaled = weight ? mul(xHat, weight) : xHat;
    return { y: bias ? add(scaled, bias) : scaled, xHat, invStd };
  }

  function layerNormBackward(dY: Tensor, xHat: Tensor, invStd: Tensor, weight: Tensor | null, n: number): { readonly dX: Tensor; readonly dWeight: Tensor; readonly dBias: Tensor } {
    const { axes, m } = trailing(xHat.shape, n);
    const g = weight ? mul(dY, weight) : dY;
    const centred = k.binary('sub', g, meanOver(g, axes, m), g.dtype);
    const dX = mul(k.binary('sub', centred, mul(xHat, meanOver(mul(g, xHat), axes, m)), g.dtype), invStd);
    const lead = Array.from({ length: xHat.ndim - n }, (_, i) => i);
    return { dX, dWeight: k.reduce('sum', mul(dY, xHat), lead, false), dBias: k.reduce('sum', dY, lead, false) };
  }

  return { geluWithDerivative, softmaxLastAxis, softmaxBackward, layerNorm, layerNormBackward };
}
