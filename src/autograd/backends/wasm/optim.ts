/**
 * optim — sgdStep, adamStep, rmspropStep and adagradStep on the wasm backend: simd/optim.wat's
 * loop over each parameter tensor, on the calling thread, a chunk of `CHUNK` elements at a time:
 * the chunk's inputs are copied into the module's memory, the loop writes θ' and the new state
 * there, and each is copied out into a fresh array, or, with `inPlace` (types.ts), back into the
 * storage it came from. Chunks keep the copies and the loop in the core's cache: copying whole
 * tensors in and out cost about as much as the arithmetic (the MLP's 784 × 256 weight, Adam: 7
 * arrays of 0.8 MB a step). optim.wat computes in float64 and rounds where the cpu loops
 * (cpu/optim.ts) store, so the results are theirs bit for bit (optim.test.ts checks it with exact equality). float64
 * parameters, and tensors too small for a call to pay (below `MIN_SIMD_ELEMENTS`), run the cpu
 * loops.
 */
import { allocate } from '../../dtype.js';
import { Tensor } from '../../tensor.js';
import { storageOf } from '../../tensor-storage.js';
import { cpuKernels as cpu } from '../cpu/index.js';
import type { AdagradStepOptions, AdamStepOptions, AdamStepResult, RmspropStepOptions, RmspropStepResult, SgdStepOptions } from '../types.js';
import { f32, isF32 } from './common.js';
import { optimArrays, type OptimSteps } from './simd/modules.js';

/** Below this many elements the TypeScript loop is as fast as a call with its copies. */
export const MIN_SIMD_ELEMENTS = 64;

/** Elements per pass: up to 9 arrays of 8192 floats (288 KiB) stay in the core's L2 cache from the copy in to the copy out. */
export const CHUNK = 8192;

type Arrays = readonly (Float32Array | null)[];

/**
 * Runs `pass` over n elements a chunk at a time: each chunk of the host arrays `inputs` is copied
 * into arrays in the module's memory, `pass` runs on those and on the module arrays of `outputs`,
 * which are then copied into `outputs` (null: absent, on both sides). An output may be an input's
 * array (in place): a chunk is written only after it has been read. Returns false, having written
 * nothing, when the module's memory cannot hold the arrays (the caller runs the cpu loop). A last
 * chunk of odd length computes one lane of padding too (the loop takes pairs); it is not copied out.
 */
function chunked(n: number, inputs: Arrays, outputs: Arrays, pass: (steps: OptimSteps, length: number, ins: Arrays, outs: Arrays) => void): boolean {
  const size = Math.min(n, CHUNK);
  const count = [...inputs, ...outputs].filter((a) => a !== null).length;
  const got = optimArrays(new Array<number>(count).fill(size));
  if (got === null) return false;
  let k = 0;
  const moduleArray = (a: Float32Array | null): Float32Array | null => (a === null ? null : got.arrays[k++]!);
  const [ins, outs] = [inputs.map(moduleArray), outputs.map(moduleArray)];
  for (let start = 0; start < n; start += size) {
    const end = Math.min(n, start + size);
    inputs.forEach((a, i) => { if (a !== null) ins[i]!.set(a.subarray(start, end)); });
    pass(got.steps, end - start, ins, outs);
    outputs.forEach((a, i) => { if (a !== null) a.set(outs[i]!.subarray(0, end - start), start); });
  }
  return true;
}

/** A new float32 array of n elements, Sapling's own (storage.ts), for an out-of-place result. */
const fresh = (n: number): Float32Array => allocate('float32', n);
/** `array` as a tensor shaped like `like`: `like` itself when `array` is its storage (in place). */
const tensorOf = (array: Float32Array, like: Tensor): Tensor => (array === storageOf(like) ? like : new Tensor(array, like.shape));

export function wasmSgdStep(param: Tensor, grad: Tensor, momentumBuffer: Tensor | null, o: SgdStepOptions): { readonly param: Tensor; readonly momentumBuffer: Tensor | null } {
  const n = param.numel();
  if (n < MIN_SIMD_ELEMENTS || !isF32(param, grad) || (momentumBuffer !== null && !isF32(momentumBuffer))) return cpu.sgdStep(param, grad, momentumBuffer, o);
  const into = o.inPlace === true;
  const withMomentum = o.momentum !== 0;
  const b0 = withMomentum && momentumBuffer !== null ? f32(momentumBuffer) : null; // null: the first step, where b = d
  const next = into ? f32(param) : fresh(n);
  const b = !withMomentum ? null : into && b0 !== null ? b0 : fresh(n);
  const ran = chunked(n, [f32(param), f32(grad), b0], [next, b], (steps, length, [theta, g, bOld], [nextC, bC]) => {
    steps.sgd(length, theta!, g!, bOld ?? null, bC ?? null, nextC!, o.lr, o.momentum, 1 - o.dampening, o.weightDecay, o.nesterov, o.maximize);
  });
  if (!ran) return cpu.sgdStep(param, grad, momentumBuffer, o);
  return { param: tensorOf(next, param), momentumBuffer: b === null ? null : b === b0 ? momentumBuffer : new Tensor(b, param.shape) };
}

export function wasmAdamStep(param: Tensor, grad: Tensor, expAvg: Tensor, expAvgSq: Tensor, maxExpAvgSq: Tensor | null, o: AdamStepOptions): AdamStepResult {
  const n = param.numel();
  if (n < MIN_SIMD_ELEMENTS || !isF32(param, grad, expAvg, expAvgSq) || (maxExpAvgSq !== null && !isF32(maxExpAvgSq))) {
    return cpu.adamStep(param, grad, expAvg, expAvgSq, maxExpAvgSq, o);
  }
  const into = o.inPlace === true;
  const vmax0 = maxExpAvgSq === null ? null : f32(maxExpAvgSq);
  const [next, m, v] = into ? [f32(param), f32(expAvg), f32(expAvgSq)] : [fresh(n), fresh(n), fresh(n)];
  const vmax = vmax0 === null ? null : into ? vmax0 : fresh(n);
  const ran = chunked(n, [f32(param), f32(grad), f32(expAvg), f32(expAvgSq), vmax0], [next, m, v, vmax], (steps, length, [theta, g, mOld, vOld, vmaxOld], [nextC, mC, vC, vmaxC]) => {
    steps.adam(length, theta!, g!, mOld!, vOld!, vmaxOld ?? null, mC!, vC!, vmaxC ?? null, nextC!, o.beta1, 1 - o.beta1, o.beta2, 1 - o.beta2, o.eps, o.stepSize, o.sqrtBias2, o.shrink, o.l2, o.maximize);
  });
  if (!ran) return cpu.adamStep(param, grad, expAvg, expAvgSq, maxExpAvgSq, o);
  return { param: tensorOf(next, param), expAvg: tensorOf(m, expAvg), expAvgSq: tensorOf(v, expAvgSq), maxExpAvgSq: vmax === null ? null : tensorOf(vmax, maxExpAvgSq!) };
}

export function wasmRmspropStep(param: Tensor, grad: Tensor, squareAvg: Tensor, gradAvg: Tensor | null, momentumBuffer: Tensor | null, o: RmspropStepOptions): RmspropStepResult {
  const n = param.numel();
  if (n < MIN_SIMD_ELEMENTS || !isF32(param, grad, squareAvg) || (gradAvg !== null && !isF32(gradAvg)) || (momentumBuffer !== null && !isF32(momentumBuffer))) {
    return cpu.rmspropStep(param, grad, squareAvg, gradAvg, momentumBuffer, o);
  }
  const into = o.inPlace === true;
  const [ga0, b0] = [gradAvg === null ? null : f32(gradAvg), momentumBuffer === null ? null : f32(momentumBuffer)];
  const [next, s] = into ? [f32(param), f32(squareAvg)] : [fresh(n), fresh(n)];
  const [ga, b] = into ? [ga0, b0] : [ga0 === null ? null : fresh(n), b0 === null ? null : fresh(n)];
  const ran = chunked(n, [f32(param), f32(grad), f32(squareAvg), ga0, b0], [next, s, ga, b], (steps, length, [theta, g, sOld, gaOld, bOld], [nextC, sC, gaC, bC]) => {
    steps.rmsprop(length, theta!, g!, sOld!, gaOld ?? null, bOld ?? null, sC!, gaC ?? null, bC ?? null, nextC!, o.lr, o.alpha, 1 - o.alpha, o.eps, o.weightDecay, o.momentum, o.maximize);
  });
  if (!ran) return cpu.rmspropStep(param, grad, squareAvg, gradAvg, momentumBuffer, o);
  return {
    param: tensorOf(next, param), squareAvg: tensorOf(s, squareAvg),
    gradAvg: ga === null ? null : tensorOf(ga, gradAvg!), momentumBuffer: b === null ? null : tensorOf(b, momentumBuffer!),
  };
}

export function wasmAdagradStep(param: Tensor, grad: Tensor, sum: Tensor, o: AdagradStepOptions): { readonly param: Tensor; readonly sum: Tensor } {
  const n = param.numel();
  if (n < MIN_SIMD_ELEMENTS || !isF32(param, grad, sum)) return cpu.adagradStep(param, grad, sum, o);
  const into = o.inPlace === true;
  const [next, s] = into ? [f32(param), f32(sum)] : [fresh(n), fresh(n)];
  const ran = chunked(n, [f32(param), f32(grad), f32(sum)], [next, s], (steps, length, [theta, g, sOld], [nextC, sC]) => {
    steps.adagrad(length, theta!, g!, sOld!, sC!, nextC!, o.clr, o.weightDecay, o.eps, o.maximize);
  });
  if (!ran) return cpu.adagradStep(param, grad, sum, o);
  return { param: tensorOf(next, param), sum: tensorOf(s, sum) };
}
