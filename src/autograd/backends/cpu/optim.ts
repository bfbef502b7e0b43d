/**
 * optim — the optimizer steps' element loops on the cpu (the formulas are derived in
 * src/optim/sgd.ts, adam.ts, rmsprop.ts and adagrad.ts, where these loops lived before they moved
 * behind the kernel seam, so a device backend can run them where the parameters are).
 *
 * One fused pass over the elements each: new arrays for θ and the state instead of the dozen a
 * chain of tensor ops allocates (on a large model, fresh memory costs more than the arithmetic),
 * or, with `inPlace` (types.ts), no new array at all: θ' and the state go into the storage they
 * came from. Each element reads only its own index, so writing over the inputs is safe.
 * Each stored value is read back, so later formulas see it rounded to the parameter's dtype, as
 * a chain of float32 ops (and PyTorch) would.
 */
import { allocate, type FloatDType } from '../../dtype.js';
import { Tensor } from '../../tensor.js';
import { storageOf } from '../../tensor-storage.js';
import type { AdagradStepOptions, AdamStepOptions, AdamStepResult, RmspropStepOptions, RmspropStepResult, SgdStepOptions } from '../types.js';

export function sgdStep(param: Tensor, grad: Tensor, momentumBuffer: Tensor | null, options: SgdStepOptions): { readonly param: Tensor; readonly momentumBuffer: Tensor | null } {
  const { lr, momentum, dampening, weightDecay, nesterov, maximize } = options;
  const dtype = param.dtype as FloatDType;
  const n = param.numel();
  const [theta, g0] = [storageOf(param), storageOf(grad)];
  const b0 = momentumBuffer === null ? null : storageOf(momentumBuffer); // null: the first step, where b = d
  const into = options.inPlace === true;
  const b = momentum === 0 ? null : into && b0 !== null ? b0 : allocate(dtype, n);
  const next = into ? theta : allocate(dtype, n);
  for (let i = 0; i < n; i++) {
    let d = maximize ? -g0[i]! : g0[i]!;
    if (weightDecay !== 0) d += weightDecay * theta[i]!;
    if (b !== null) {
      b[i] = b0 === null ? d : momentum * b0[i]! + (1 - dampening) * d;
      d = nesterov ? d + momentum * b[i]! : b[i]!;
    }
    next[i] = theta[i]! - lr * d;
  }
  return { param: next === theta ? param : new Tensor(next, param.shape), momentumBuffer: b === null ? null : b === b0 ? momentumBuffer : new Tensor(b, param.shape) };
}

export function adamStep(param: Tensor, grad: Tensor, expAvg: Tensor, expAvgSq: Tensor, maxExpAvgSq: Tensor | null, options: AdamStepOptions): AdamStepResult {
  const { beta1, beta2, eps, stepSize, sqrtBias2, shrink, l2, maximize } = options;
  const dtype = param.dtype as FloatDType;
  const n = param.numel();
  const [theta, g0, m0, v0] = [storageOf(param), storageOf(grad), storageOf(expAvg), storageOf(expAvgSq)];
  const vmax0 = maxExpAvgSq === null ? null : storageOf(maxExpAvgSq);
  const into = options.inPlace === true;
  const [next, m, v] = into ? [theta, m0, v0] : [allocate(dtype, n), allocate(dtype, n), allocate(dtype, n)];
  const vmax = vmax0 === null ? null : into ? vmax0 : allocate(dtype, n);
  for (let i = 0; i < n; i++) {
    let g = maximize ? -g0[i]! : g0[i]!;
    if (l2 !== 0) g += l2 * theta[i]!;
    m[i] = beta1 * m0[i]! + (1 - beta1) * g;
    v[i] = beta2 * v0[i]! + (1 - beta2) * g * g;
    let vi = v[i]!;
    if (vmax !== null) vi = vmax[i] = Math.max(vmax0![i]!, vi);
    next[i] = theta[i]! * shrink - stepSize * (m[i]! / (Math.sqrt(vi) / sqrtBias2 + eps));
  }
  if (into) return { param, expAvg, expAvgSq, maxExpAvgSq };
  const t = (a: typeof next) => new Tensor(a, param.shape);
  return { param: t(next), expAvg: t(m), expAvgSq: t(v), maxExpAvgSq: vmax === null ? null : t(vmax) };
}

export function rmspropStep(param: Tensor, grad: Tensor, squareAvg: Tensor, gradAvg: Tensor | null, momentumBuffer: Tensor | null, options: RmspropStepOptions): RmspropStepResult {
  const { lr, alpha, eps, weightDecay, momentum, maximize } = options;
  const c = 1 - alpha;
  const dtype = param.dtype as FloatDType;
  const n = param.numel();
  const [theta, g0, s0] = [storageOf(param), storageOf(grad), storageOf(squareAvg)];
  const [ga0, b0] = [gradAvg === null ? null : storageOf(gradAvg), momentumBuffer === null ? null : storageOf(momentumBuffer)];
  const into = options.inPlace === true;
  const [next, s] = into ? [theta, s0] : [allocate(dtype, n), allocate(dtype, n)];
  const [ga, b] = into ? [ga0, b0] : [ga0 === null ? null : allocate(dtype, n), b0 === null ? null : allocate(dtype, n)];
  for (let i = 0; i < n; i++) {
    let g = maximize ? -g0[i]! : g0[i]!;
    if (weightDecay !== 0) g += weightDecay * theta[i]!;
    s[i] = alpha * s0[i]! + c * g * g;
    let avg: number;
    if (ga !== null) {
      ga[i] = alpha * ga0![i]! + c * g;
      avg = Math.sqrt(s[i]! - ga[i]! * ga[i]!) + eps; // centred: the variance of g instead of its raw second moment
    } else {
      avg = Math.sqrt(s[i]!) + eps;
    }
    if (b !== null) {
      b[i] = momentum * b0![i]! + g / avg;
      next[i] = theta[i]! - lr * b[i]!;
    } else {
      next[i] = theta[i]! - lr * (g / avg);
    }
  }
  if (into) return { param, squareAvg, gradAvg, momentumBuffer };
  const t = (a: typeof next) => new Tensor(a, param.shape);
  return { param: t(next), squareAvg: t(s), gradAvg: ga === null ? null : t(ga), momentumBuffer: b === null ? null : t(b) };
}

export function adagradStep(param: Tensor, grad: Tensor, sum: Tensor, options: AdagradStepOptions): { readonly param: Tensor; readonly sum: Tensor } {
  const { clr, weightDecay, eps, maximize } = options;
  const dtype = param.dtype as FloatDType;
  const n = param.numel();
  const [theta, g0, s0] = [storageOf(param), storageOf(grad), storageOf(sum)];
  const into = options.inPlace === true;
  const [next, s] = into ? [theta, s0] : [allocate(dtype, n), allocate(dtype, n)];
  for (let i = 0; i < n; i++) {
    let g = maximize ? -g0[i]! : g0[i]!;
    if (weightDecay !== 0) g += weightDecay * theta[i]!;
    s[i] = s0[i]! + g * g;
    next[i] = theta[i]! - clr * (g / (Math.sqrt(s[i]!) + eps));
  }
  return into ? { param, sum } : { param: new Tensor(next, param.shape), sum: new Tensor(s, param.shape) };
}
