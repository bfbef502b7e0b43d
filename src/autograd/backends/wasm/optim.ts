/**
 * optim — sgdStep, adamStep, rmspropStep and adagradStep on the wasm backend: one pass of
 * simd/optim.wat per parameter tensor, on the calling thread. The inputs are copied into the
 * module's memory, the loop writes θ' and the new state there, and each is copied out into a
 * fresh array, or, with `inPlace` (types.ts), back into the storage it came from. optim.wat computes in float64 and rounds where the cpu loops (cpu/optim.ts) store,
 * so the results are theirs bit for bit (optim.test.ts checks it with exact equality). float64
 * parameters, and tensors too small for a call to pay (below `MIN_SIMD_ELEMENTS`), run the cpu
 * loops.
 */
import { allocate } from '../../dtype.js';
import { Tensor } from '../../tensor.js';
import { cpuKernels as cpu } from '../cpu/index.js';
import type { AdagradStepOptions, AdamStepOptions, AdamStepResult, RmspropStepOptions, RmspropStepResult, SgdStepOptions } from '../types.js';
import { f32, isF32 } from './common.js';
import { optimArrays } from './simd/modules.js';

/** Below this many elements the TypeScript loop is as fast as a call with its copies. */
export const MIN_SIMD_ELEMENTS = 64;

/**
 * A fresh array holding the first n floats of `view` (a view of the module's memory). Made by
 * `allocate`, not `slice`, so that it is Sapling's own (storage.ts): a sliced array would count as
 * held by a caller, and neither caches nor a later in-place step would touch it.
 */
const out = (view: Float32Array, n: number, shape: readonly number[]): Tensor => {
  const a = allocate('float32', n);
  a.set(view.subarray(0, n));
  return new Tensor(a, shape);
};

/** The first n floats of `view` copied into `into`'s storage (in place: no new array), or into a fresh tensor when `into` is null. */
const result = (view: Float32Array, n: number, shape: readonly number[], into: Tensor | null): Tensor => {
  if (into === null) return out(view, n, shape);
  f32(into).set(view.subarray(0, n));
  return into;
};

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
  const into = o.inPlace === true;
  return { param: result(next, n, param.shape, into ? param : null), momentumBuffer: b === null ? null : result(b, n, param.shape, into ? momentumBuffer : null) };
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
  const into = o.inPlace === true;
  const r = (view: Float32Array, t: Tensor | null): Tensor => result(view, n, param.shape, into ? t : null);
  return { param: r(next, param), expAvg: r(m, expAvg), expAvgSq: r(v, expAvgSq), maxExpAvgSq: vmax === null ? null : r(vmax, maxExpAvgSq) };
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
  const into = o.inPlace === true;
  const r = (view: Float32Array, t: Tensor | null): Tensor => result(view, n, param.shape, into ? t : null);
  return { param: r(next, param), squareAvg: r(s, squareAvg), gradAvg: ga === null ? null : r(ga, gradAvg), momentumBuffer: b === null ? null : r(b, momentumBuffer) };
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
  const into = o.inPlace === true;
  return { param: result(next, n, param.shape, into ? param : null), sum: result(s, n, param.shape, into ? sum : null) };
}
