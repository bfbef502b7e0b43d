/**
 * gelu — GELU's derivative times dY in one pass (types.ts's geluBackward; ops/unary.ts derives it):
 *   exact   dX = dY · (Φ(x) + x·φ(x))                φ(x) = e^(−x²/2)/√(2π)
 *   tanh    dX = dY · (½(1 + tanh u) + ½x(1 − tanh²u)·u′)   u = √(2/π)(x + 0.044715x³)
 * The composition it replaces made ten passes over x, each with a fresh array; a Transformer's
 * feed-forward calls it on its widest activation (4.2 M values in BERT-mini's step). In float32 one
 * eˣ serves both terms: Φ(−|x|) = ½ e^(−x²/2)·erfcScaled(|x|/√2) (erf-float32.ts) and
 * φ(x) = e^(−x²/2)/√(2π); float64 keeps the exact erf.
 */
import { allocate } from '../../dtype.js';
import { shapesEqual } from '../../shape.js';
import { storageOf, Tensor } from '../../tensor.js';
import { erf } from './elementwise.js';
import { erfcScaledFloat32 } from './erf-float32.js';
import { expScalarFloat32 } from './exp-float32.js';

const INV_SQRT_2PI = 0.3989422804014327; // 1/√(2π)
const SQRT_2_OVER_PI = 0.7978845608028654; // √(2/π)

export function geluBackward(dY: Tensor, x: Tensor, approximate: 'none' | 'tanh'): Tensor {
  if (!shapesEqual(dY.shape, x.shape) || dY.dtype !== x.dtype) {
    throw new RangeError(`geluBackward: dY ${dY.dtype} [${dY.shape}] and x ${x.dtype} [${x.shape}] must have one shape and dtype`);
  }
  const out = allocate(x.dtype, x.numel());
  const [g, v] = [storageOf(dY), storageOf(x)];
  if (approximate === 'tanh') {
    for (let i = 0; i < out.length; i++) {
      const xi = v[i]!;
      const x2 = xi * xi;
      const t = Math.tanh(SQRT_2_OVER_PI * xi * (1 + 0.044715 * x2));
      out[i] = g[i]! * (0.5 * (1 + t) + 0.5 * xi * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x2));
    }
  } else if (out instanceof Float32Array) {
    for (let i = 0; i < out.length; i++) {
      const xi = v[i]!;
      const z = Math.abs(xi) * Math.SQRT1_2;
      const e = expScalarFloat32(-z * z); //                                     e^(−x²/2) = √(2π)·φ(x)
      const tail = 0.5 * e * erfcScaledFloat32(z); //                              Φ(−|x|)
      out[i] = g[i]! * ((xi < 0 ? tail : 1 - tail) + xi * INV_SQRT_2PI * e);
    }
  } else {
    for (let i = 0; i < out.length; i++) {
      const xi = v[i]!;
      out[i] = g[i]! * (0.5 * (1 + erf(xi * Math.SQRT1_2)) + xi * INV_SQRT_2PI * Math.exp(-0.5 * xi * xi));
    }
  }
  return new Tensor(out, x.shape);
}
