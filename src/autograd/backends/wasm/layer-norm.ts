/**
 * layer-norm — layerNorm and layerNormBackward on the wasm backend: each one call of
 * simd/layer-norm.wat on the calling thread over every row (a Transformer's [N·T, H] activations,
 * nine times forward and backward in BERT-mini's step). The inputs are copied into the module's
 * memory and the results out into fresh arrays. layer-norm.wat computes what cpu/layer-norm.ts
 * computes, in its order, so the results are the cpu kernel's bit for bit (layer-norm.test.ts
 * checks it with exact equality). Rows of odd length, float64, tensors too small for a call to
 * pay, and anything the cpu kernel would refuse (it names the mistake) run the cpu kernel.
 */
import { Tensor } from '../../tensor.js';
import { cpuKernels as cpu } from '../cpu/index.js';
import { f32, isF32 } from './common.js';
import { layerNormArrays } from './simd/modules.js';

/** Below this many values the TypeScript loops are as fast as a call with its copies. */
export const MIN_SIMD_LAYER_NORM = 256;

/** The row length m of the last k axes, or null when the SIMD loops cannot take the call. */
function rowLength(x: Tensor, k: number, params: readonly (Tensor | null)[]): number | null {
  if (!(Number.isInteger(k) && k >= 1 && k <= x.ndim) || !isF32(x) || x.numel() < MIN_SIMD_LAYER_NORM) return null;
  const m = x.shape.slice(x.ndim - k).reduce((a, b) => a * b, 1);
  if (m === 0 || m % 2 !== 0 || params.some((t) => t !== null && (!isF32(t) || t.numel() !== m))) return null;
  return m;
}

/** γ or β in the module's memory: its values, or `fill` (1 for γ, 0 for β) where it is absent. */
function setOrFill(view: Float32Array, t: Tensor | null, fill: number): void {
  if (t === null) view.fill(fill);
  else view.set(f32(t));
}

export function wasmLayerNorm(x: Tensor, k: number, weight: Tensor | null, bias: Tensor | null, eps: number): { readonly y: Tensor; readonly xHat: Tensor; readonly invStd: Tensor } {
  const m = rowLength(x, k, [weight, bias]);
  if (m === null) return cpu.layerNorm(x, k, weight, bias, eps);
  const [n, rows] = [x.numel(), x.numel() / m];
  const got = layerNormArrays([n, m, m, n, n, rows]);
  if (got === null) return cpu.layerNorm(x, k, weight, bias, eps);
  const [xs, w, b, y, xHat, invStd] = got.arrays as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  xs.set(f32(x));
  setOrFill(w, weight, 1); //                                                     x̂·1 + 0 is the cpu loop's x̂ + 0
  setOrFill(b, bias, 0);
  got.layerNorm.forward(rows, m, xs, w, b, eps, y, xHat, invStd);
  const statShape = [...x.shape.slice(0, x.ndim - k), ...Array<number>(k).fill(1)];
  return { y: new Tensor(y.slice(0, n), x.shape), xHat: new Tensor(xHat.slice(0, n), x.shape), invStd: new Tensor(invStd.slice(0, rows), statShape) };
}

export function wasmLayerNormBackward(dY: Tensor, xHat: Tensor, invStd: Tensor, weight: Tensor | null, k: number): { readonly dX: Tensor; readonly dWeight: Tensor; readonly dBias: Tensor } {
  const m = rowLength(xHat, k, [weight]);
  const sameShape = dY.ndim === xHat.ndim && dY.shape.every((d, i) => d === xHat.shape[i]);
  if (m === null || !sameShape || !isF32(dY, invStd) || invStd.numel() * m !== xHat.numel()) return cpu.layerNormBackward(dY, xHat, invStd, weight, k);
  const [n, rows] = [xHat.numel(), xHat.numel() / m];
  // [dY, x̂, s, γ, dX, and dγ, dβ as float64 (2m floats each)]
  const got = layerNormArrays([n, n, rows, m, n, 2 * m, 2 * m]);
  if (got === null) return cpu.layerNormBackward(dY, xHat, invStd, weight, k);
  const [g, h, s, w, dX, dWv, dBv] = got.arrays as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  g.set(f32(dY));
  h.set(f32(xHat));
  s.set(f32(invStd));
  setOrFill(w, weight, 1); //                                                     dY·1 is the cpu loop's dY
  const [dW, dB] = [dWv, dBv].map((v) => new Float64Array(v.buffer, v.byteOffset, m).fill(0)) as [Float64Array, Float64Array];
  got.layerNorm.backward(rows, m, g, h, s, w, dX, dW, dB);
  const rowShape = xHat.shape.slice(xHat.ndim - k);
  return { dX: new Tensor(dX.slice(0, n), xHat.shape), dWeight: new Tensor(Float32Array.from(dW), rowShape), dBias: new Tensor(Float32Array.from(dB), rowShape) };
}
