/**
 * SequentialLR and ChainedScheduler by hand: whose turn it is, restarts at milestones, chaining
 * equal to stepping each schedule yourself, refusals, and state dicts that load all or nothing.
 * (Sequences against PyTorch are in ../torch-parity.test.ts; resuming in ../schedules.test.ts.)
 */
import { describe, expect, test } from 'vitest';
import { zeros } from '../../autograd/creation.js';
import { SGD } from '../sgd.js';
import { ChainedScheduler, SequentialLR } from './composite.js';
import { CosineAnnealingWarmRestarts } from './cosine.js';
import type { SteppedScheduler } from './lr-schedule.js';
import { ExponentialLR, LinearLR, MultiStepLR, StepLR } from './multiplicative.js';
import { ReduceLROnPlateau } from './reduce-lr-on-plateau.js';

const sgd = (lr = 1): SGD => new SGD([zeros([1]).requiresGrad_()], { lr });
const sequence = (schedule: SteppedScheduler, steps: number): number[] => {
  const lrs = [schedule.getLastLr()[0]!];
  for (let i = 0; i < steps; i++) {
    schedule.step();
    lrs.push(schedule.getLastLr()[0]!);
  }
  return lrs;
};

describe('SequentialLR', () => {
  test('resets the lr the sub-schedules changed, then hands over at each milestone from step 0', () => {
    const opt = sgd(1);
    const warmup = new LinearLR(opt, { startFactor: 0.25, totalIters: 3 });
    const hold = new StepLR(opt, { stepSize: 100 });
    const decay = new ExponentialLR(opt, { gamma: 0.5 });
    const schedule = new SequentialLR(opt, { schedulers: [warmup, hold, decay], milestones: [3, 5] });
    // warm-up 0.25, 0.5, 0.75; StepLR from its step 0 (η₀) at 3; ExponentialLR from its step 0 at 5
    const lrs = sequence(schedule, 7);
    lrs.forEach((lr, i) => expect(lr, `step ${i}`).toBeCloseTo([0.25, 0.5, 0.75, 1, 1, 1, 0.5, 0.25][i]!, 15));
    expect([schedule.lastStep, warmup.lastStep, hold.lastStep, decay.lastStep]).toEqual([7, 2, 1, 2]);
  });

  test('refuses a schedule on another optimizer, a wrong milestone count, and milestones that do not increase', () => {
    const opt = sgd();
    const a = new StepLR(opt, { stepSize: 1 });
    const b = new StepLR(opt, { stepSize: 1 });
    expect(() => new SequentialLR(opt, { schedulers: [a, new StepLR(sgd(), { stepSize: 1 })], milestones: [2] })).toThrow(/schedulers\[1\] drives a different optimizer/);
    expect(() => new SequentialLR(opt, { schedulers: [a, b], milestones: [] })).toThrow(/expected 1 milestone\(s\) for 2 schedulers/);
    expect(() => new SequentialLR(opt, { schedulers: [a, b, a], milestones: [3, 3] })).toThrow(/milestones must be increasing integers ≥ 1/);
  });
});

describe('ChainedScheduler', () => {
  test('is the same as stepping each schedule yourself, in order', () => {
    const byHand = sgd(1);
    const own = [new ExponentialLR(byHand, { gamma: 0.9 }), new MultiStepLR(byHand, { milestones: [2], gamma: 0.5 })];
    const chainedOpt = sgd(1);
    const chained = new ChainedScheduler([new ExponentialLR(chainedOpt, { gamma: 0.9 }), new MultiStepLR(chainedOpt, { milestones: [2], gamma: 0.5 })]);
    const lrs = [byHand.paramGroups[0]!.lr];
    for (let t = 1; t <= 4; t++) {
      own.forEach((s) => s.step());
      lrs.push(byHand.paramGroups[0]!.lr);
    }
    expect(sequence(chained, 4)).toEqual(lrs);
    lrs.forEach((lr, t) => expect(lr).toBeCloseTo(0.9 ** t * (t >= 2 ? 0.5 : 1), 15));
  });

  test('refuses ReduceLROnPlateau, an empty list, and schedules on different optimizers', () => {
    const opt = sgd();
    expect(() => new ChainedScheduler([new StepLR(opt, { stepSize: 1 }), new ReduceLROnPlateau(opt) as never])).toThrow(/ReduceLROnPlateau, whose step needs a metric/);
    expect(() => new ChainedScheduler([])).toThrow(/non-empty list/);
    expect(() => new ChainedScheduler([new StepLR(opt, { stepSize: 1 }), new StepLR(sgd(), { stepSize: 1 })])).toThrow(/schedulers\[1\] drives a different optimizer/);
  });

  test('a state dict one of whose schedules refuses loads nothing', () => {
    const opt = sgd(1);
    const exp = new ExponentialLR(opt, { gamma: 0.5 });
    const restarts = new CosineAnnealingWarmRestarts(opt, { t0: 3 });
    const chained = new ChainedScheduler([exp, restarts]);
    chained.step();
    const good = chained.stateDict();
    const bad = { ...good, schedulers: [{ ...(good.schedulers as object[])[0]!, lastStep: 5 }, { ...(good.schedulers as object[])[1]!, tI: 0 }] };
    expect(() => chained.loadStateDict(bad as never)).toThrow(/refused \(nothing was loaded\)[\s\S]*tI should be an integer/);
    expect(exp.lastStep).toBe(1); // the first schedule's state was put back
  });
});
