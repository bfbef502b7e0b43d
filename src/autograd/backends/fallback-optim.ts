/**
 * fallback-optim — the optimizer steps (types.ts's sgdStep, adamStep, rmspropStep, adagradStep)
 * as compositions of core kernels: one elementwise kernel per term of the formulas in
 * src/optim/sgd.ts, adam.ts, rmsprop.ts and adagrad.ts, each result rounded to the parameter's
 * dtype as it is stored, as the cpu loops round theirs.
 */
import type { Tensor } from '../tensor.js';
import { scalar } from './fallback-rnn.js';
import type { AdagradStepOptions, AdamStepOptions, AdamStepResult, CoreKernels, RmspropStepOptions, RmspropStepResult, SgdStepOptions } from './types.js';

export function optimizerFallbacks(k: CoreKernels) {
  /** a·x + b·y, with a missing term (null) left out. */
  const combine = (x: Tensor, a: number, y: Tensor | null, b: number): Tensor => {
    const ax = a === 1 ? x : k.binary('mul', x, scalar(a, x.dtype), x.dtype);
    return y === null ? ax : k.binary('add', ax, k.binary('mul', y, scalar(b, x.dtype), x.dtype), x.dtype);
  };

  function sgdStep(param: Tensor, grad: Tensor, momentumBuffer: Tensor | null, o: SgdStepOptions): { readonly param: Tensor; readonly momentumBuffer: Tensor | null } {
    let d = o.maximize ? k.unary('neg', grad) : grad; //                               g (negated when maximizing)
    if (o.weightDecay !== 0) d = combine(d, 1, param, o.weightDecay); //              g + λθ
    let b: Tensor | null = null;
    if (o.momentum !== 0) {
      b = momentumBuffer === null ? d : combine(momentumBuffer, o.momentum, d, 1 - o.dampening); // μb + (1 − τ)d
      d = o.nesterov ? combine(d, 1, b, o.momentum) : b; //                          d + μb, or b
    }
    return { param: combine(param, 1, d, -o.lr), momentumBuffer: b }; //              θ − ηd
  }

  function adamStep(param: Tensor, grad: Tensor, expAvg: Tensor, expAvgSq: Tensor, maxExpAvgSq: Tensor | null, o: AdamStepOptions): AdamStepResult {
    const t = param.dtype;
    let g = o.maximize ? k.unary('neg', grad) : grad;
    if (o.l2 !== 0) g = combine(g, 1, param, o.l2); //                                g + λθ
    const m = combine(expAvg, o.beta1, g, 1 - o.beta1); //                           β₁m + (1 − β₁)g
    const v = combine(expAvgSq, o.beta2, k.binary('mul', g, g, t), 1 - o.beta2); //  β₂v + (1 − β₂)g²
    const vmax = maxExpAvgSq === null ? null : k.binary('maximum', maxExpAvgSq, v, t);
    const denom = combine(k.unary('sqrt', vmax ?? v), 1 / o.sqrtBias2, null, 0); //   √v / √(1 − β₂ᵗ)
    const ratio = k.binary('div', m, k.binary('add', denom, scalar(o.eps, t), t), t); // m / (… + ε)
    return { param: combine(param, o.shrink, ratio, -o.stepSize), expAvg: m, expAvgSq: v, maxExpAvgSq: vmax };
  }

  function rmspropStep(param: Tensor, grad: Tensor, squareAvg: Tensor, gradAvg: Tensor | null, momentumBuffer: Tensor | null, o: RmspropStepOptions): RmspropStepResult {
    const t = param.dtype;
    let g = o.maximize ? k.unary('neg', grad) : grad;
    if (o.weightDecay !== 0) g = combine(g, 1, param, o.weightDecay); //               g + λθ
    const s = combine(squareAvg, o.alpha, k.binary('mul', g, g, t), 1 - o.alpha); //  αs + (1 − α)g²
    const ga = gradAvg === null ? null : combine(gradAvg, o.alpha, g, 1 - o.alpha); // αḡ + (1 − α)g
    const variance = ga === null ? s : k.binary('sub', s, k.binary('mul', ga, ga, t), t); // s − ḡ² (centred)
    const ratio = k.binary('div', g, k.binary('add', k.unary('sqrt', variance), scalar(o.eps, t), t), t); // g / (√… + ε)
    const b = momentumBuffer === null ? null : combine(momentumBuffer, o.momentum, ratio, 1); // μb + g / a
    return { param: combine(param, 1, b ?? ratio, -o.lr), squareAvg: s, gradAvg: ga, momentumBuffer: b }; // θ − η·(b or g / a)
  }

  function adagradStep(param: Tensor, grad: Tensor, sum: Tensor, o: AdagradStepOptions): { readonly param: Tensor; readonly sum: Tensor } {
    const t = param.dtype;
    let g = o.maximize ? k.unary('neg', grad) : grad;
    if (o.weightDecay !== 0) g = combine(g, 1, param, o.weightDecay); //               g + λθ
    const s = k.binary('add', sum, k.binary('mul', g, g, t), t); //                    s + g²
    const ratio = k.binary('div', g, k.binary('add', k.unary('sqrt', s), scalar(o.eps, t), t), t); // g / (√s + ε)
    return { param: combine(param, 1, ratio, -o.clr), sum: s }; //                     θ − η̃·g / (√s + ε)
  }

  return { sgdStep, adamStep, rmspropStep, adagradStep };
}
