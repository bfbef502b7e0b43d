import { describe, test } from 'vitest';
import { optim, zeros } from '../src/index.js';
import { expectClose } from './lib/check.js';
import { warmupCosine } from './03-3-warmup-cosine.js';

describe('exercise 3.3 — cosine with warm-up', () => {
  const options = { baseLr: 0.1, warmupSteps: 10, totalSteps: 100 };

  test('landmarks: 0 at the start, the base rate after warm-up, half way, the minimum at the end', () => {
    expectClose(warmupCosine(0, options), 0, { what: 'warmupCosine(0)', hint: 'the warm-up starts at 0: η₀ · t / W with t = 0' });
    expectClose(warmupCosine(5, options), 0.05, { what: 'warmupCosine(5), half way through a 10-step warm-up', hint: 'during the warm-up η = η₀ · t / W' });
    expectClose(warmupCosine(10, options), 0.1, { what: 'warmupCosine(10), the end of the warm-up', hint: 'at t = W the cosine starts at its top: (1 + cos 0) / 2 = 1' });
    expectClose(warmupCosine(55, options), 0.05, { what: 'warmupCosine(55), half way through the cosine', hint: 'the cosine part runs over t − W from 0 to T − W; half way cos(π/2) = 0 gives η₀/2' });
    expectClose(warmupCosine(100, options), 0, { what: 'warmupCosine(100), the last step', hint: 'at t = T, cos(π) = −1 gives ηmin' });
    expectClose(warmupCosine(100, { ...options, minLr: 0.01 }), 0.01, { what: 'warmupCosine(100) with minLr 0.01', hint: 'η = ηmin + (η₀ − ηmin)(1 + cos(…)) / 2' });
  });

  test('every step agrees with optim.CosineAnnealingLR', () => {
    const optimizer = new optim.SGD([zeros([1], { requiresGrad: true })], { lr: 0.1 });
    const schedule = new optim.CosineAnnealingLR(optimizer, { tMax: 100, warmupSteps: 10, etaMin: 0.002 });
    for (let t = 0; t <= 100; t++) {
      expectClose(warmupCosine(t, { ...options, minLr: 0.002 }), optimizer.paramGroups[0]!.lr, { what: `warmupCosine(${t}) against CosineAnnealingLR`, hint: t < 10 ? 'during the warm-up η = η₀ · t / W' : 'after the warm-up η = ηmin + (η₀ − ηmin)(1 + cos(π (t − W) / (T − W))) / 2', atol: 1e-12 });
      schedule.step();
    }
  });
});
