/**
 * StepLR's family by hand: MultiStepLR, ExponentialLR, LinearLR and LambdaLR from their formulas,
 * the chainable form (a hand-set lr is scaled, not overwritten; two schedules multiply), and
 * argument checks. (Sequences against PyTorch are in ../torch-parity.test.ts.)
 */
import { describe, expect, test } from 'vitest';
import { zeros } from '../../autograd/creation.js';
import { SGD } from '../sgd.js';
import type { SteppedScheduler } from './lr-schedule.js';
import { ExponentialLR, LambdaLR, LinearLR, MultiStepLR, StepLR } from './multiplicative.js';

const sgd = (lr = 1, groups = 1): SGD => new SGD(Array.from({ length: groups }, () => ({ params: [zeros([1]).requiresGrad_()] })), { lr });
const sequence = (schedule: SteppedScheduler, steps: number): number[] => {
  const lrs = [schedule.getLastLr()[0]!];
  for (let i = 0; i < steps; i++) {
    schedule.step();
    lrs.push(schedule.getLastLr()[0]!);
  }
  return lrs;
};
const close = (got: number[], want: number[]): void => got.forEach((v, i) => expect(v, `step ${i}`).toBeCloseTo(want[i]!, 14));

describe('MultiStepLR', () => {
  test('γ at each milestone, γ² at a milestone listed twice; milestones may come unsorted', () => {
    const schedule = new MultiStepLR(sgd(1), { milestones: [4, 1, 4], gamma: 0.5 });
    expect(schedule.milestones).toEqual([1, 4, 4]);
    expect(sequence(schedule, 5)).toEqual([1, 0.5, 0.5, 0.5, 0.125, 0.125]);
  });

  test('refuses negative or fractional milestones and γ ≤ 0', () => {
    expect(() => new MultiStepLR(sgd(), { milestones: [2, -1] })).toThrow(/milestones must be a list of integers ≥ 0/);
    expect(() => new MultiStepLR(sgd(), { milestones: [1.5] })).toThrow(/milestones must be a list of integers ≥ 0/);
    expect(() => new MultiStepLR(sgd(), { milestones: [1], gamma: 0 })).toThrow(/gamma must be a number > 0/);
  });
});

describe('ExponentialLR', () => {
  test('η₀·γ^t in every group', () => {
    const opt = sgd(2, 2);
    const schedule = new ExponentialLR(opt, { gamma: 0.5 });
    expect(sequence(schedule, 3)).toEqual([2, 1, 0.5, 0.25]);
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.25, 0.25]);
  });
});

describe('LinearLR', () => {
  test('defaults: a warm-up from η₀/3 to η₀ over 5 steps, then η₀', () => {
    close(sequence(new LinearLR(sgd(3)), 7), [1, 1.4, 1.8, 2.2, 2.6, 3, 3, 3]);
  });

  test('a warm-up from 0 (PyTorch 1.13 divides by zero here): the first step adds η₀/T', () => {
    close(sequence(new LinearLR(sgd(1), { startFactor: 0, totalIters: 4 }), 5), [0, 0.25, 0.5, 0.75, 1, 1]);
  });

  test('a decay to 0 stays at 0', () => {
    close(sequence(new LinearLR(sgd(1), { startFactor: 1, endFactor: 0, totalIters: 2 }), 4), [1, 0.5, 0, 0, 0]);
  });

  test('refuses factors outside [0, 1] and totalIters < 1', () => {
    expect(() => new LinearLR(sgd(), { startFactor: 1.5 })).toThrow(/startFactor must be in \[0, 1\]/);
    expect(() => new LinearLR(sgd(), { endFactor: -0.1 })).toThrow(/endFactor must be in \[0, 1\]/);
    expect(() => new LinearLR(sgd(), { totalIters: 0 })).toThrow(/totalIters must be an integer ≥ 1/);
  });
});

describe('LambdaLR', () => {
  test('η₀·λ(t), one function per group', () => {
    const opt = sgd(1, 2);
    const schedule = new LambdaLR(opt, { lrLambda: [(t) => t + 1, (t) => 0.5 ** t] });
    schedule.step();
    schedule.step();
    expect(schedule.getLastLr()).toEqual([3, 0.25]);
  });

  test('overwrites an lr set by hand (it has no chainable form, as in PyTorch)', () => {
    const opt = sgd(1);
    const schedule = new LambdaLR(opt, { lrLambda: () => 0.5 });
    opt.paramGroups[0]!.lr = 7;
    schedule.step();
    expect(opt.paramGroups[0]!.lr).toBe(0.5);
  });

  test('refuses a wrong number of functions, and a factor that is not a finite number ≥ 0 (changing nothing)', () => {
    expect(() => new LambdaLR(sgd(1, 2), { lrLambda: [(t) => t] })).toThrow(/one function per parameter group \(2\)/);
    const opt = sgd(1);
    const schedule = new LambdaLR(opt, { lrLambda: (t) => (t < 2 ? 1 : Number.NaN) });
    schedule.step();
    expect(() => schedule.step()).toThrow(/lrLambda for group 0 returned NaN at step 2/);
    expect(schedule.lastStep).toBe(1);
    expect(opt.paramGroups[0]!.lr).toBe(1);
  });
});

describe('the chainable form', () => {
  test('an lr set by hand between steps is scaled, not overwritten (as in PyTorch)', () => {
    const opt = sgd(1);
    const schedule = new StepLR(opt, { stepSize: 2, gamma: 0.1 });
    schedule.step(); // t = 1: no decay
    opt.paramGroups[0]!.lr = 4;
    schedule.step(); // t = 2: ×0.1
    expect(opt.paramGroups[0]!.lr).toBeCloseTo(0.4, 15);
  });

  test('two schedules stepped on one optimizer multiply, and the second one’s η₀ is the first lr', () => {
    const opt = sgd(1);
    const warmup = new LinearLR(opt, { startFactor: 0.5, totalIters: 2 });
    const decay = new ExponentialLR(opt, { gamma: 0.5 });
    expect(decay.baseLrs).toEqual([1]); // PyTorch's initial_lr, not the 0.5 the warm-up had set
    const lrs = [opt.paramGroups[0]!.lr];
    for (let t = 1; t <= 3; t++) {
      warmup.step();
      decay.step();
      lrs.push(opt.paramGroups[0]!.lr);
    }
    close(lrs, [0.5, 0.75 * 0.5, 1 * 0.25, 1 * 0.125]);
  });
});
