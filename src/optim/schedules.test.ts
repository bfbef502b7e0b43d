/**
 * Schedules by hand: values worked out from the formulas in schedules/, resuming every schedule
 * from a state dict, and argument checks. (The newer families have their own tests beside them in
 * schedules/; sequences against PyTorch are in torch-parity.test.ts.)
 */
import { describe, expect, test } from 'vitest';
import { zeros } from '../autograd/creation.js';
import { Adam } from './adam.js';
import { RMSprop } from './rmsprop.js';
import {
  ChainedScheduler,
  CosineAnnealingLR,
  CosineAnnealingWarmRestarts,
  ExponentialLR,
  LambdaLR,
  LinearLR,
  MultiStepLR,
  OneCycleLR,
  ReduceLROnPlateau,
  SequentialLR,
  StepLR,
  type ScheduledOptimizer,
  type SteppedScheduler,
} from './schedules.js';
import { SGD } from './sgd.js';

const sgd = (lr = 1, groups = 1): SGD => new SGD(Array.from({ length: groups }, () => ({ params: [zeros([1]).requiresGrad_()] })), { lr });
const sequence = (schedule: SteppedScheduler, steps: number): number[] => {
  const lrs = [schedule.getLastLr()[0]!];
  for (let i = 0; i < steps; i++) {
    schedule.step();
    lrs.push(schedule.getLastLr()[0]!);
  }
  return lrs;
};

describe('StepLR', () => {
  test('η₀·γ^⌊t/stepSize⌋, written into the optimizer', () => {
    const opt = sgd(1);
    const schedule = new StepLR(opt, { stepSize: 2, gamma: 0.5 });
    expect(sequence(schedule, 4)).toEqual([1, 1, 0.5, 0.5, 0.25]);
    expect(opt.paramGroups[0]!.lr).toBe(0.25);
    expect(schedule.lastStep).toBe(4);
  });
});

describe('CosineAnnealingLR', () => {
  test('without warm-up: half a cosine from η₀ to ηmin over tMax steps', () => {
    const lrs = sequence(new CosineAnnealingLR(sgd(1), { tMax: 4, etaMin: 0.2 }), 4);
    const want = [1, 0.2 + 0.8 * (1 + Math.SQRT1_2) / 2, 0.6, 0.2 + 0.8 * (1 - Math.SQRT1_2) / 2, 0.2];
    lrs.forEach((lr, i) => expect(lr).toBeCloseTo(want[i]!, 15));
  });

  test('with warm-up from 0 (Hugging Face’s cosine schedule with warm-up)', () => {
    // W = 2, T = 6: 0, ½, then 1, cos² steps down to 0 at t = 6.
    const lrs = sequence(new CosineAnnealingLR(sgd(2), { tMax: 6, warmupSteps: 2 }), 6);
    const hf = (t: number): number => (t < 2 ? t / 2 : 0.5 * (1 + Math.cos((Math.PI * (t - 2)) / 4)));
    lrs.forEach((lr, t) => expect(lr).toBeCloseTo(2 * hf(t), 15));
    expect(lrs.slice(0, 3)).toEqual([0, 1, 2]);
  });

  test('refuses tMax ≤ warmupSteps and a warm-up factor outside [0, 1]', () => {
    expect(() => new CosineAnnealingLR(sgd(), { tMax: 3, warmupSteps: 3 })).toThrow(/tMax must be an integer > warmupSteps \(3\)/);
    expect(() => new CosineAnnealingLR(sgd(), { tMax: 3, warmupSteps: 1, warmupStartFactor: 2 })).toThrow(/warmupStartFactor must be in \[0, 1\]/);
  });
});

describe('OneCycleLR', () => {
  test('starts at maxLr/25, peaks at maxLr at step 0.3·N − 1, ends at maxLr/25e4', () => {
    const opt = sgd();
    const schedule = new OneCycleLR(opt, { maxLr: 1, totalSteps: 11 });
    const lrs = sequence(schedule, 10);
    expect(lrs[0]).toBeCloseTo(1 / 25, 15);
    expect(Math.max(...lrs)).toBeCloseTo(1, 1); // the peak at step 2.3 falls between steps 2 and 3
    expect(lrs[10]).toBeCloseTo(1 / 25 / 1e4, 18);
    expect(opt.paramGroups[0]!.momentum).toBeCloseTo(0.95, 15);
  });

  test('stepping past totalSteps throws and changes nothing', () => {
    const opt = sgd();
    const schedule = new OneCycleLR(opt, { maxLr: 1, totalSteps: 3 });
    for (let i = 0; i < 3; i++) schedule.step(); // step N itself is allowed, as in PyTorch
    const lr = opt.paramGroups[0]!.lr;
    expect(() => schedule.step()).toThrow(/tried to step 4 times; the schedule has 3 total steps/);
    expect(opt.paramGroups[0]!.lr).toBe(lr);
    expect(schedule.lastStep).toBe(3);
  });

  test('cycles β₁ of Adam and momentum of RMSprop', () => {
    const adam = new Adam([zeros([1]).requiresGrad_()], { betas: [0.5, 0.9] });
    new OneCycleLR(adam, { maxLr: 0.1, totalSteps: 10, maxMomentum: 0.8 });
    expect(adam.paramGroups[0]!.betas).toEqual([0.8, 0.9]);
    const rms = new RMSprop([zeros([1]).requiresGrad_()]);
    new OneCycleLR(rms, { maxLr: 0.1, totalSteps: 10 });
    expect(rms.paramGroups[0]!.momentum).toBe(0.95);
  });

  test('refuses a missing length, per-group lists of the wrong size, and pctStart > 1', () => {
    expect(() => new OneCycleLR(sgd(), { maxLr: 1 })).toThrow(/give either totalSteps or both epochs and stepsPerEpoch/);
    expect(() => new OneCycleLR(sgd(1, 2), { maxLr: [1], totalSteps: 5 })).toThrow(/maxLr needs one number per parameter group \(2\)/);
    expect(() => new OneCycleLR(sgd(), { maxLr: 1, totalSteps: 5, pctStart: 1.5 })).toThrow(/pctStart must be in \[0, 1\]/);
  });
});

describe('ReduceLROnPlateau', () => {
  test('reduces after more than `patience` bad steps, then waits `cooldown`', () => {
    const opt = sgd(1);
    const plateau = new ReduceLROnPlateau(opt, { patience: 1, factor: 0.5, cooldown: 1 });
    const lrs: number[] = [];
    for (const loss of [5, 4, 4, 4, 4, 4, 4]) {
      plateau.step(loss);
      lrs.push(opt.paramGroups[0]!.lr);
    }
    // bad steps: 4 (1), 4 (2 > 1 → halve, cooldown 1), 4 (cooldown: forgiven), 4 (1), 4 (2 → halve)
    expect(lrs).toEqual([1, 1, 1, 0.5, 0.5, 0.5, 0.25]);
    expect(plateau.getLastLr()).toEqual([0.25]);
  });

  test('never goes below minLr, and skips reductions smaller than eps', () => {
    const opt = sgd(1);
    const plateau = new ReduceLROnPlateau(opt, { patience: 0, factor: 0.1, minLr: 0.05 });
    for (let i = 0; i < 5; i++) plateau.step(1);
    expect(opt.paramGroups[0]!.lr).toBe(0.05);
  });

  test('refuses factor ≥ 1 and an unknown mode', () => {
    expect(() => new ReduceLROnPlateau(sgd(), { factor: 1 })).toThrow(/factor must be in \[0, 1\)/);
    expect(() => new ReduceLROnPlateau(sgd(), { mode: 'up' as never })).toThrow(/mode must be 'min' or 'max'/);
  });

  test('its state dict survives JSON (best is null before the first metric)', () => {
    const opt = sgd(1);
    const plateau = new ReduceLROnPlateau(opt, { patience: 2 });
    expect(plateau.stateDict().best).toBeNull();
    plateau.step(3);
    plateau.step(4);
    const copy = new ReduceLROnPlateau(sgd(1), { patience: 2 });
    copy.loadStateDict(JSON.parse(JSON.stringify(plateau.stateDict())));
    expect(copy.stateDict()).toEqual(plateau.stateDict());
    for (const s of [plateau, copy]) {
      s.step(5); // bad step 2 of patience 2
      s.step(6); // bad step 3: reduce
    }
    expect(copy.getLastLr()).toEqual([0.1]);
    expect(plateau.getLastLr()).toEqual([0.1]);
  });
});

describe('resuming a schedule from its state dict', () => {
  const makers: Record<string, (o: ScheduledOptimizer) => SteppedScheduler> = {
    StepLR: (o) => new StepLR(o, { stepSize: 3, gamma: 0.3 }),
    MultiStepLR: (o) => new MultiStepLR(o, { milestones: [2, 5], gamma: 0.5 }),
    ExponentialLR: (o) => new ExponentialLR(o, { gamma: 0.8 }),
    LinearLR: (o) => new LinearLR(o, { startFactor: 0, totalIters: 6 }),
    LambdaLR: (o) => new LambdaLR(o, { lrLambda: (t) => 1 / (t + 1) }),
    CosineAnnealingLR: (o) => new CosineAnnealingLR(o, { tMax: 9, warmupSteps: 3, etaMin: 0.01 }),
    CosineAnnealingWarmRestarts: (o) => new CosineAnnealingWarmRestarts(o, { t0: 2, tMult: 2, etaMin: 0.01 }),
    OneCycleLR: (o) => new OneCycleLR(o, { maxLr: 0.5, totalSteps: 10, threePhase: true }),
    SequentialLR: (o) => new SequentialLR(o, { schedulers: [new LinearLR(o, { totalIters: 3 }), new ExponentialLR(o, { gamma: 0.7 })], milestones: [3] }),
    ChainedScheduler: (o) => new ChainedScheduler([new StepLR(o, { stepSize: 2, gamma: 0.5 }), new CosineAnnealingLR(o, { tMax: 7, etaMin: 0.02 })]),
  };
  for (const [name, make] of Object.entries(makers)) {
    test(`${name}: 4 steps, save (through JSON), resume, 5 steps = 9 steps straight`, () => {
      const straight = sgd(0.1);
      const reference = sequence(make(straight), 9);

      const optimizer = sgd(0.1);
      const running = make(optimizer);
      const head = sequence(running, 4);
      const saved = JSON.parse(JSON.stringify(running.stateDict()));
      // A resume restores the optimizer too: its groups hold the lr the chainable form scales.
      const fresh = sgd(0.1);
      const resumed = make(fresh);
      fresh.loadStateDict(optimizer.stateDict());
      resumed.loadStateDict(saved);
      expect(resumed.getLastLr()).toEqual(running.getLastLr());
      const tail = sequence(resumed, 5).slice(1);
      expect([...head, ...tail]).toEqual(reference);
    });
  }

  test('refuses base lrs that differ, a bad step count, and a step past OneCycleLR’s end', () => {
    const schedule = new StepLR(sgd(0.1), { stepSize: 2 });
    const other = new StepLR(sgd(0.2), { stepSize: 2 }).stateDict();
    expect(() => schedule.loadStateDict(other)).toThrow(/baseLrs \[0.2\] differ from this schedule's \[0.1\]/);
    expect(() => schedule.loadStateDict({ ...schedule.stateDict(), lastStep: -1 })).toThrow(/lastStep should be a count/);
    expect(schedule.lastStep).toBe(0);
    const cycle = new OneCycleLR(sgd(), { maxLr: 1, totalSteps: 5 });
    expect(() => cycle.loadStateDict({ ...cycle.stateDict(), lastStep: 6 })).toThrow(/lastStep 6 is past this schedule's 5 total steps/);
  });
});
