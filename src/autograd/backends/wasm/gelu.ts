/**
 * gelu — geluWithDerivative on the wasm backend: the exact GELU of a float32 tensor and its
 * derivative in one pass of simd/gelu.wat on the calling thread, two values per instruction. The
 * values are copied into the module's memory, the loop writes y and y′ there, and each is copied
 * out into a fresh array. gelu.wat computes in float64 what cpu/gelu.ts computes, in the same
 * order, so the results are the cpu loop's bit for bit (gelu.test.ts checks it with exact
 * equality); the few values whose eˣ leaves the fast path there (|x| above about 13.2, and NaN)
 * are counted by the module and recomputed here by the cpu kernel. The tanh form, float64, and
 * tensors too small for a call to pay run the cpu kernel.
 */
import { Tensor } from '../../tensor.js';
import { cpuKernels as cpu } from '../cpu/index.js';
import { f32, isF32 } from './common.js';
import { geluArrays } from './simd/modules.js';

/** Below this many values the TypeScript loop is as fast as a call with its copies. */
export const MIN_SIMD_GELU = 64;

export function wasmGeluWithDerivative(x: Tensor, approximate: 'none' | 'tanh'): { readonly y: Tensor; readonly dydx: Tensor } {
  const n = x.numel();
  if (approximate !== 'none' || n < MIN_SIMD_GELU || !isF32(x)) return cpu.geluWithDerivative(x, approximate);
  const n4 = Math.ceil(n / 4) * 4; //                                        the loop takes four at a time
  const got = geluArrays([n4, n4, n4]);
  if (got === null) return cpu.geluWithDerivative(x, approximate);
  const [xs, ys, ds] = got.arrays as [Float32Array, Float32Array, Float32Array];
  const v = f32(x);
  xs.set(v);
  xs.fill(0, n); //                                                           padding that counts for nothing
  const outside = got.gelu(n4, xs, ys, ds);
  const [y, dydx] = [ys.slice(0, n), ds.slice(0, n)];
  if (outside > 0) redo(v, y, dydx);
  return { y: new Tensor(y, x.shape), dydx: new Tensor(dydx, x.shape) };
}

/**
 * The values gelu.wat counted out, by the cpu kernel: those where exp-float32.ts's t = −(|x|·√½)²·log₂e
 * is not ≥ −126, found by the same arithmetic, gathered, computed and put back.
 */
function redo(v: Float32Array, y: Float32Array, dydx: Float32Array): void {
  const at: number[] = [];
  for (let i = 0; i < v.length; i++) {
    const z = Math.abs(v[i]!) * Math.SQRT1_2;
    if (!(-z * z * 1.4426950408889634 >= -126)) at.push(i);
  }
  const fixed = cpu.geluWithDerivative(new Tensor(Float32Array.from(at, (i) => v[i]!), [at.length]), 'none');
  const [fy, fd] = [f32(fixed.y), f32(fixed.dydx)];
  at.forEach((i, j) => {
    y[i] = fy[j]!;
    dydx[i] = fd[j]!;
  });
}
