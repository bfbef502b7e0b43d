/**
 * optim — the SGD, Adam, RMSprop and Adagrad steps as WGSL passes (src/optim/sgd.ts, adam.ts,
 * rmsprop.ts and adagrad.ts derive the formulas; cpu/optim.ts is the same loop on the host): every thread reads
 * θ, g and the state of one element and writes θ' and the new state, so a step costs one
 * dispatch per parameter and leaves nothing on the host. The hyper-parameters travel as f32 meta
 * words. WebGPU guarantees eight storage buffers per shader, the meta words included: AMSGrad's
 * step would bind ten, so index.ts runs it as fallback-optim.ts's composition instead; centred
 * RMSprop with momentum would bind ten too, and runs as two passes (the running averages, then
 * the update reading them back). */
import type { Tensor } from '../../tensor.js';
import { deviceArrayOf } from '../../tensor-storage.js';
import type { AdagradStepOptions, AdamStepOptions, AdamStepResult, RmspropStepOptions, RmspropStepResult, SgdStepOptions } from '../types.js';
import { f32Bits, launch, MAIN_1D, PRELUDE, WORKGROUP } from './gpu.js';
import type { GpuArray } from './gpu-array.js';
import { emptyTensor, Operands } from './strided.js';

const bind = (names: readonly string[], first: number, access: 'read' | 'read_write') =>
  names.map((n, k) => `@group(0) @binding(${first + k}) var<storage, ${access}> ${n}: array<f32>;`).join('\n');

/** meta = [n, lr, momentum, dampening, weightDecay, nesterov, maximize] (floats as bits). */
const SGD = (hasBuffer: boolean, momentum: boolean) => `${PRELUDE}
${bind(['theta', 'grad', ...(hasBuffer ? ['b0'] : [])], 1, 'read')}
${bind(['next', ...(momentum ? ['b'] : [])], hasBuffer ? 4 : 3, 'read_write')}
${MAIN_1D}
  let lr = metaF(1u); let mu = metaF(2u); let tau = metaF(3u); let wd = metaF(4u);
  var d = select(grad[i], -grad[i], args[6] != 0u);
  if (wd != 0.0) { d += wd * theta[i]; }
  ${momentum ? `let bi = ${hasBuffer ? 'mu * b0[i] + (1.0 - tau) * d' : 'd'};
  b[i] = bi;
  d = select(bi, d + mu * bi, args[5] != 0u);` : ''}
  next[i] = theta[i] - lr * d;
}`;

const out = (t: Tensor, what: string): GPUBuffer => (deviceArrayOf(t) as GpuArray).buffer(what);

export function sgdStep(param: Tensor, grad: Tensor, momentumBuffer: Tensor | null, o: SgdStepOptions): { readonly param: Tensor; readonly momentumBuffer: Tensor | null } {
  const next = emptyTensor(param.shape, 'float32');
  const b = o.momentum !== 0 ? emptyTensor(param.shape, 'float32') : null;
  const buffer = b !== null ? momentumBuffer : null; // without momentum the buffer is never read
  if (param.numel() > 0) {
    const ops = new Operands();
    const inputs = [param, grad, ...(buffer !== null ? [buffer] : [])].map((t) => ops.buffer(t, 'sgdStep'));
    const meta = [param.numel(), ...[o.lr, o.momentum, o.dampening, o.weightDecay].map(f32Bits), o.nesterov ? 1 : 0, o.maximize ? 1 : 0];
    launch({ source: SGD(buffer !== null, b !== null), meta, inputs, outputs: [next, ...(b !== null ? [b] : [])].map((t) => out(t, 'sgdStep')), groups: Math.ceil(param.numel() / WORKGROUP) });
    ops.done();
  }
  return { param: next, momentumBuffer: b };
}

/** meta = [n, beta1, beta2, eps, stepSize, sqrtBias2, shrink, l2, maximize] (floats as bits). */
const ADAM = `${PRELUDE}
${bind(['theta', 'grad', 'm0', 'v0'], 1, 'read')}
${bind(['next', 'm', 'v'], 5, 'read_write')}
${MAIN_1D}
  let beta1 = metaF(1u); let beta2 = metaF(2u); let eps = metaF(3u); let stepSize = metaF(4u);
  let sqrtBias2 = metaF(5u); let shrink = metaF(6u); let l2 = metaF(7u);
  var g = select(grad[i], -grad[i], args[8] != 0u);
  if (l2 != 0.0) { g += l2 * theta[i]; }
  let mi = beta1 * m0[i] + (1.0 - beta1) * g;
  let vi = beta2 * v0[i] + (1.0 - beta2) * g * g;
  m[i] = mi;
  v[i] = vi;
  next[i] = theta[i] * shrink - stepSize * (mi / (sqrt(vi) / sqrtBias2 + eps));
}`;

/** Adam's step without AMSGrad (which index.ts composes instead): θ', m', v'. */
export function adamStep(param: Tensor, grad: Tensor, expAvg: Tensor, expAvgSq: Tensor, o: AdamStepOptions): AdamStepResult {
  const [next, m, v] = [0, 1, 2].map(() => emptyTensor(param.shape, 'float32')) as [Tensor, Tensor, Tensor];
  if (param.numel() > 0) {
    const ops = new Operands();
    const inputs = [param, grad, expAvg, expAvgSq].map((t) => ops.buffer(t, 'adamStep'));
    const meta = [param.numel(), ...[o.beta1, o.beta2, o.eps, o.stepSize, o.sqrtBias2, o.shrink, o.l2].map(f32Bits), o.maximize ? 1 : 0];
    launch({ source: ADAM, meta, inputs, outputs: [next, m, v].map((t) => out(t, 'adamStep')), groups: Math.ceil(param.numel() / WORKGROUP) });
    ops.done();
  }
  return { param: next, expAvg: m, expAvgSq: v, maxExpAvgSq: null };
}

/**
 * An RMSprop pass, meta = [n, lr, alpha, eps, weightDecay, momentum, maximize] (floats as bits):
 * 'whole' does the step; 'averages' only writes s' (and ḡ'), and 'update' reads them back as
 * s and ga to write θ' (and b').
 */
function rmspropSource(part: 'whole' | 'averages' | 'update', centred: boolean, momentum: boolean): string {
  const [averages, update] = [part !== 'update', part !== 'averages'];
  const state = (names: readonly string[]) => (centred ? names : names.slice(0, 1));
  const reads = ['theta', 'grad', ...state(averages ? ['s0', 'ga0'] : ['s', 'ga']), ...(update && momentum ? ['b0'] : [])];
  const writes = [...(update ? ['next'] : []), ...(averages ? state(['s', 'ga']) : []), ...(update && momentum ? ['b'] : [])];
  return `${PRELUDE}
${bind(reads, 1, 'read')}
${bind(writes, 1 + reads.length, 'read_write')}
${MAIN_1D}
  let lr = metaF(1u); let alpha = metaF(2u); let eps = metaF(3u); let wd = metaF(4u); let mu = metaF(5u);
  var g = select(grad[i], -grad[i], args[6] != 0u);
  if (wd != 0.0) { g += wd * theta[i]; }
  ${averages ? 'let si = alpha * s0[i] + (1.0 - alpha) * g * g;\n  s[i] = si;' : 'let si = s[i];'}
  ${!centred ? '' : averages ? 'let gai = alpha * ga0[i] + (1.0 - alpha) * g;\n  ga[i] = gai;' : 'let gai = ga[i];'}
  ${!update ? '' : `let a = sqrt(${centred ? 'si - gai * gai' : 'si'}) + eps;
  ${momentum ? 'let bi = mu * b0[i] + g / a;\n  b[i] = bi;\n  next[i] = theta[i] - lr * bi;' : 'next[i] = theta[i] - lr * (g / a);'}`}
}`;
}

/** RMSprop's step: θ', s' (and ḡ' when centred, b' with momentum); one pass, or two when centred with momentum. */
export function rmspropStep(param: Tensor, grad: Tensor, squareAvg: Tensor, gradAvg: Tensor | null, momentumBuffer: Tensor | null, o: RmspropStepOptions): RmspropStepResult {
  const fresh = () => emptyTensor(param.shape, 'float32');
  const [next, s] = [fresh(), fresh()];
  const [ga, b] = [gradAvg === null ? null : fresh(), momentumBuffer === null ? null : fresh()];
  const n = param.numel();
  if (n > 0) {
    const ops = new Operands();
    const bufs = (ts: readonly (Tensor | null)[]) => ts.filter((t): t is Tensor => t !== null).map((t) => ops.buffer(t, 'rmspropStep'));
    const meta = [n, ...[o.lr, o.alpha, o.eps, o.weightDecay, o.momentum].map(f32Bits), o.maximize ? 1 : 0];
    const pass = (part: 'whole' | 'averages' | 'update', inputs: readonly (Tensor | null)[], outputs: readonly (Tensor | null)[]) =>
      launch({ source: rmspropSource(part, ga !== null, b !== null), meta, inputs: bufs(inputs), outputs: bufs(outputs), groups: Math.ceil(n / WORKGROUP) });
    if (ga !== null && b !== null) {
      pass('averages', [param, grad, squareAvg, gradAvg], [s, ga]);
      pass('update', [param, grad, s, ga, momentumBuffer], [next, b]);
    } else {
      pass('whole', [param, grad, squareAvg, gradAvg, momentumBuffer], [next, s, ga, b]);
    }
    ops.done();
  }
  return { param: next, squareAvg: s, gradAvg: ga, momentumBuffer: b };
}

/** meta = [n, clr, weightDecay, eps, maximize] (floats as bits). */
const ADAGRAD = `${PRELUDE}
${bind(['theta', 'grad', 's0'], 1, 'read')}
${bind(['next', 's'], 4, 'read_write')}
${MAIN_1D}
  let clr = metaF(1u); let wd = metaF(2u); let eps = metaF(3u);
  var g = select(grad[i], -grad[i], args[4] != 0u);
  if (wd != 0.0) { g += wd * theta[i]; }
  let si = s0[i] + g * g;
  s[i] = si;
  next[i] = theta[i] - clr * (g / (sqrt(si) + eps));
}`;

/** Adagrad's step: θ' and s'. */
export function adagradStep(param: Tensor, grad: Tensor, sum: Tensor, o: AdagradStepOptions): { readonly param: Tensor; readonly sum: Tensor } {
  const [next, s] = [emptyTensor(param.shape, 'float32'), emptyTensor(param.shape, 'float32')];
  if (param.numel() > 0) {
    const ops = new Operands();
    const inputs = [param, grad, sum].map((t) => ops.buffer(t, 'adagradStep'));
    const meta = [param.numel(), ...[o.clr, o.weightDecay, o.eps].map(f32Bits), o.maximize ? 1 : 0];
    launch({ source: ADAGRAD, meta, inputs, outputs: [next, s].map((t) => out(t, 'adagradStep')), groups: Math.ceil(param.numel() / WORKGROUP) });
    ops.done();
  }
  return { param: next, sum: s };
}
