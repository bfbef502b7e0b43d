/**
 * optim — sgdStep, adamStep, rmspropStep and adagradStep on the wasm backend: one pass of
 * simd/optim.wat per parameter tensor, on the calling thread. The inputs are copied into the
 * module's memory, the loop writes θ' and the new state there, and each is copied out into a
 * fresh array. optim.wat computes in float64 and rounds where the cpu loops (cpu/optim.ts) store,
 * so the results are theirs bit for bit (optim.test.ts checks it with exact equality). float64
 * parameters, and tensors too small for a call to pay (below `MIN_SIMD_ELEMENTS`), run the cpu
 * loops.
 */
import { Tensor } from '../../tensor.js';
import { cpuKernels as cpu } from '../cpu/index.js';
import type { AdagradStepOptions, AdamStepOptions, AdamStepResult, RmspropStepOptions, RmspropStepResult, SgdStepOptions } from '../types.js';
import { f32, isF32 } from './common.js';
import { optimArrays } from './simd/modules.js';

/** Below this many elements the TypeScript loop is as fast as a call with its copies. */
export const MIN_SIMD_ELEMENTS = 64;

/** A fresh array holding the first n floats of `view` (a view of the module's memory). */
const out = (view: Float32Array, n: number, shape: readonly number[]): Tensor => new Tensor(view.slice(0, n), shape);

export function wasmSgdStep(param: Tensor, grad: Tensor, momentumBuffer: Tensor | null, o: SgdStepOptions): { readonly param: Tensor; readonly momentumBuffer: Tensor | null } {
  const n = param.numel();
  if (n < MIN_SIMD_ELEMENTS || !isF32(param, grad) || (momentumBuffer !== null && !isF32(momentumBuffer))) return cpu.sgdStep(param, grad, momentumBuffer, o);
  const withMomentum = o.momentum !== 0;
  const hasOld = withMomentum && momentumBuffer !== null;
  // [θ, g, θ', b (with momentum), b₀ (after the first step)]
  const got = optimArrays([n, n, n, ...(withMomentum ? [n] : []), ...(hasOld ? [n] : [])]);
  if (got === null) return cpu.sgdStep(param, grad, momentumBuffer, o);
  const [theta, g, next, b = null, b0 = null] = got.arrays as [Float32Array, Float32Array, Float32Array, Float32Array?, Float32Array?];
  theta.set(f32(param));
  g.set(f32(grad));
  if (b0 !== null) b0.set(f32(momentumBuffer!));
  got.steps.sgd(n, theta, g, b0, b, next, o.lr, o.momentum, 1 - o.dampening, o.weightDecay, o.nesterov, o.maximize);
  return { param: out(next, n, param.shape), momentumBuffer: b === null ? null : out(b, n, param.shape) };
}

export function wasmAdamStep(param: Tensor, grad: Tensor, expAvg: Tensor, expAvgSq: Tensor, maxExpAvgSq: Tensor | null, o: AdamStepOptions): AdamStepResult {
  const n = param.numel();
  if (n < MIN_SIMD_ELEMENTS || !isF32(param, grad, expAvg, expAvgSq) || (maxExpAvgSq !== null && !isF32(maxExpAvgSq))) {
    return cpu.adamStep(param, grad, expAvg, expAvgSq, maxExpAvgSq, o);
  }
  const ams = maxExpAvgSq !== null;
  // [θ, g, m, v, θ', m', v', and v̂max, v̂max' with amsgrad]
  const got = optimArrays([n, n, n, n, n, n, n, ...(ams ? [n, n] : [])]);
  if (got === null) return cpu.adamStep(param, grad, expAvg, expAvgSq, maxExpAvgSq, o);
  const [theta, g, m0, v0, next, m, v, vmax0 = null, vmax = null] = got.arrays as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array?, Float32Array?];
  theta.set(f32(param));
  g.set(f32(grad));
  m0.set(f32(expAvg));
  v0.set(f32(expAvgSq));
  if (vmax0 !== null) vmax0.set(f32(maxExpAvgSq!));
  got.steps.adam(n, theta, g, m0, v0, vmax0, m, v, vmax, next, o.beta1, 1 - o.beta1, o.beta2, 1 - o.beta2, o.eps, o.stepSize, o.sqrtBias2, o.shrink, o.l2, o.maximize);
  return { param: out(next, n, param.shape), expAvg: out(m, n, param.shape), expAvgSq: out(v, n, param.shape), maxExpAvgSq: vmax === null ? null : out(vmax, n, param.shape) };
}

export function wasmRmspropStep(param: Tensor, grad: Tensor, squareAvg: Tensor, gradAvg: Tensor | null, momentumBuffer: Tensor | null, o: RmspropStepOptions): RmspropStepResult {
  const n = param.numel();
  if (n < MIN_SIMD_ELEMENTS || !isF32(param, grad, squareAvg) || (gradAvg !== null && !isF32(gradAvg)) || (momentumBuffer !== null && !isF32(momentumBuffer))) {
    return cpu.rmspropStep(param, grad, squareAvg, gradAvg, momentumBuffer, o);
  }
  const [centred, withMomentum] = [gradAvg !== null, momentumBuffer !== null];
  // [θ, g, s, θ', s', and ḡ, ḡ' when centred, and b, b' with momentum]
  const got = optimArrays([n, n, n, n, n, ...(centred ? [n, n] : []), ...(withMomentum ? [n, n] : [])]);
  if (got === null) return cpu.rmspropStep(param, grad, squareAvg, gradAvg, momentumBuffer, o);
  const [theta, g, s0, next, s, ...rest] = got.arrays as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, ...Float32Array[]];
  const [ga0, ga] = centred ? [rest[0]!, rest[1]!] : [null, null];
  const [b0, b] = withMomentum ? [rest[rest.length - 2]!, rest[rest.length - 1]!] : [null, null];
  theta.set(f32(param));
  g.set(f32(grad));
  s0.set(f32(squareAvg));
  if (ga0 !== null) ga0.set(f32(gradAvg!));
  if (b0 !== null) b0.set(f32(momentumBuffer!));
  got.steps.rmsprop(n, theta, g, s0, ga0, b0, s, ga, b, next, o.lr, o.alpha, 1 - o.alpha, o.eps, o.weightDecay, o.momentum, o.maximize);
  const t = (a: Float32Array | null): Tensor | null => (a === null ? null : out(a, n, param.shape));
  return { param: out(next, n, param.shape), squareAvg: out(s, n, param.shape), gradAvg: t(ga), momentumBuffer: t(b) };
}

export function wasmAdagradStep(param: Tensor, grad: Tensor, sum: Tensor, o: AdagradStepOptions): { readonly param: Tensor; readonly sum: Tensor } {
  const n = param.numel();
  if (n < MIN_SIMD_ELEMENTS || !isF32(param, grad, sum)) return cpu.adagradStep(param, grad, sum, o);
  // [θ, g, s, θ', s']
  const got = optimArrays([n, n, n, n, n]);
  if (got === null) return cpu.adagradStep(param, grad, sum, o);
  const [theta, g, s0, next, s] = got.arrays as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  theta.set(f32(param));
  g.set(f32(grad));
  s0.set(f32(sum));
  got.steps.adagrad(n, theta, g, s0, s, next, o.clr, o.weightDecay, o.eps, o.maximize);
  return { param: out(next, n, param.shape), sum: out(s, n, param.shape) };
}
