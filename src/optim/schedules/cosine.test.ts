/**
 * CosineAnnealingWarmRestarts by hand: restarts where the cycle lengths say, fractional epochs,
 * a jump across a restart that a rounded logarithm would miss, and argument checks.
 * (CosineAnnealingLR's cases are in ../schedules.test.ts; sequences against PyTorch in
 * ../torch-parity.test.ts.)
 */
import { describe, expect, test } from 'vitest';
import { zeros } from '../../autograd/creation.js';
import { SGD } from '../sgd.js';
import { CosineAnnealingLR, CosineAnnealingWarmRestarts } from './cosine.js';

const sgd = (lr = 1): SGD => new SGD([zeros([1]).requiresGrad_()], { lr });
const lrOf = (opt: SGD): number => opt.paramGroups[0]!.lr;

describe('CosineAnnealingWarmRestarts', () => {
  test('tMult 2: cycles of 3, 6, 12 steps, each from η₀ down towards ηmin', () => {
    const opt = sgd(1);
    const schedule = new CosineAnnealingWarmRestarts(opt, { t0: 3, tMult: 2, etaMin: 0.1 });
    const restarts: number[] = [];
    for (let t = 1; t <= 22; t++) {
      schedule.step();
      if (lrOf(opt) === 1) restarts.push(t);
    }
    expect(restarts).toEqual([3, 9, 21]);
    expect(schedule.cycle).toEqual({ tCur: 1, tI: 24 });
    expect(lrOf(opt)).toBeCloseTo(0.1 + 0.9 * (1 + Math.cos(Math.PI / 24)) / 2, 15);
  });

  test('step(epoch) jumps to a fractional epoch; step() then counts on from there', () => {
    const opt = sgd(1);
    const schedule = new CosineAnnealingWarmRestarts(opt, { t0: 4 });
    schedule.step(5.5); // cycle 2, 1.5 of 4 steps in
    expect(schedule.cycle).toEqual({ tCur: 1.5, tI: 4 });
    expect(schedule.lastStep).toBe(5);
    expect(lrOf(opt)).toBeCloseTo((1 + Math.cos((Math.PI * 1.5) / 4)) / 2, 15);
    schedule.step();
    expect(schedule.cycle).toEqual({ tCur: 2.5, tI: 4 });
    expect(schedule.lastStep).toBe(6);
  });

  test('an epoch exactly at a restart restarts, even where log(1000)/log(10) rounds below 3', () => {
    // Cycles of 1, 10, 100, … start at 0, 1, 11, 111: epoch 111 opens the fourth.
    const opt = sgd(1);
    const schedule = new CosineAnnealingWarmRestarts(opt, { t0: 1, tMult: 10 });
    schedule.step(111);
    expect(schedule.cycle).toEqual({ tCur: 0, tI: 1000 });
    expect(lrOf(opt)).toBe(1);
  });

  test('refuses a non-integer tMult, t0 < 1, a negative epoch and a bad loaded position', () => {
    expect(() => new CosineAnnealingWarmRestarts(sgd(), { t0: 2, tMult: 1.5 })).toThrow(/tMult must be an integer ≥ 1/);
    expect(() => new CosineAnnealingWarmRestarts(sgd(), { t0: 0 })).toThrow(/t0 must be an integer ≥ 1/);
    const schedule = new CosineAnnealingWarmRestarts(sgd(), { t0: 2 });
    expect(() => schedule.step(-1)).toThrow(/epoch must be a finite number ≥ 0/);
    expect(() => schedule.loadStateDict({ ...schedule.stateDict(), tCur: 3 })).toThrow(/tCur should be a number in \[0, tI\)/);
  });
});

describe('CosineAnnealingLR, chainable', () => {
  test('around ηmin: an lr halved by hand approaches ηmin along the same cosine, scaled', () => {
    const opt = sgd(1);
    const schedule = new CosineAnnealingLR(opt, { tMax: 4, etaMin: 0.2 });
    opt.paramGroups[0]!.lr = 0.6; // halfway between ηmin and η₀
    schedule.step();
    // η − ηmin scales by c(1)/c(0) = (1 + cos(π/4))/2
    expect(lrOf(opt)).toBeCloseTo(0.2 + 0.4 * (1 + Math.SQRT1_2) / 2, 15);
  });
});
