/**
 * Parity with PyTorch 1.13: optimizers, gradient clipping and schedules, checked without Python.
 *
 * The expected numbers come from src/optim/fixtures/torch-optim.json, written by
 * scripts/make-optim-fixtures.py (its header describes the problem: four parameters, one of
 * which never gets a gradient, and a small tanh regression plus quartic and quadratic terms).
 * To regenerate it, from the repository root:
 *
 *     /usr/bin/python3 scripts/make-optim-fixtures.py
 *
 * Optimizers run K steps (or a case's own count) twice: in float64 against PyTorch's float64
 * trajectory, step by step (rtol 1e-12, atol 1e-14: only summation order and the rounding of
 * scalar factors differ), and in float32 against PyTorch's float32 end point (rtol 1e-5,
 * atol 1e-6: a few float32 roundings per step). Schedules are written in the fixture as Sapling
 * specs ({ kind, options }, nested for SequentialLR and ChainedScheduler) and built here by
 * `makeSchedule`; LambdaLR's functions are named in LAMBDAS, as in the script.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { tensor } from '../autograd/creation.js';
import type { FloatDType } from '../autograd/dtype.js';
import type { Tensor } from '../autograd/tensor.js';
import { Adadelta } from './adadelta.js';
import { Adagrad } from './adagrad.js';
import { Adam, AdamW, type AdamOptions } from './adam.js';
import { clipGradNorm, clipGradValue } from './clip-grad.js';
import { NAdam } from './nadam.js';
import type { Optimizer, BaseOptions, OptionValue } from './optimizer.js';
import { RAdam } from './radam.js';
import { RMSprop } from './rmsprop.js';
import {
  ChainedScheduler,
  CosineAnnealingLR,
  CosineAnnealingWarmRestarts,
  ExponentialLR,
  LambdaLR,
  LinearLR,
  LrSchedule,
  MultiStepLR,
  OneCycleLR,
  ReduceLROnPlateau,
  SequentialLR,
  StepLR,
  type LrLambda,
  type LrScheduler,
  type ScheduledOptimizer,
  type SteppedScheduler,
} from './schedules.js';
import { SGD } from './sgd.js';

interface FixtureTensor {
  readonly shape: number[];
  readonly data: number[];
}
type Options = Record<string, OptionValue>;
type Values = Record<string, number[]>;
/** A schedule as the fixture writes it: Sapling's class name and options (schedules nested as specs). */
interface ScheduleSpec {
  readonly kind: string;
  readonly options: Record<string, unknown>;
}

const OPTIMIZER_KINDS = ['SGD', 'Adam', 'AdamW', 'RMSprop', 'Adagrad', 'Adadelta', 'NAdam', 'RAdam'] as const;

interface OptimCase {
  readonly name: string;
  readonly optimizer: (typeof OPTIMIZER_KINDS)[number];
  readonly options: Options;
  readonly groups: { params: string[]; options: Options }[] | null;
  readonly schedule: ScheduleSpec | null;
  readonly steps?: number;
  readonly float64: Values[];
  readonly float32Final: Values;
}

interface ClipCase {
  readonly name: string;
  readonly fn: 'clip_grad_norm' | 'clip_grad_value';
  readonly args: (number | 'Infinity')[];
  readonly gradsBefore: Values;
  readonly gradsAfter: Values;
  readonly totalNorm: number | null;
}

interface ScheduleCase {
  readonly name: string;
  readonly optimizer: 'SGD' | 'Adam';
  readonly lrs: number[];
  readonly schedule: ScheduleSpec;
  readonly lr: number[][];
  readonly momentum?: number[][];
  readonly metrics?: number[];
  /** CosineAnnealingWarmRestarts: the epoch passed to each step (null: a plain step()). */
  readonly epochs?: (number | null)[];
}

interface Fixture {
  readonly torch: string;
  readonly steps: number;
  readonly data: Record<'X' | 'Y' | 'k' | 't', FixtureTensor>;
  readonly init: Record<'w' | 'b' | 'v' | 'u', FixtureTensor>;
  readonly optimizers: OptimCase[];
  readonly clipping: ClipCase[];
  readonly schedules: ScheduleCase[];
}

const FIXTURE = JSON.parse(readFileSync(new URL('./fixtures/torch-optim.json', import.meta.url), 'utf8')) as Fixture;
const NAMES = ['w', 'b', 'v', 'u'] as const;
type Params = Record<(typeof NAMES)[number], Tensor>;

const makeParams = (dtype: FloatDType): Params => {
  const make = (t: FixtureTensor): Tensor => tensor(t.data, t.shape, { dtype, requiresGrad: true });
  const { w, b, v, u } = FIXTURE.init;
  return { w: make(w), b: make(b), v: make(v), u: make(u) };
};

/** L = mean((tanh(X·w + b) − Y)²) + 0.05·Σw⁴ + Σ k·(v − t)²; u is left out on purpose. */
function loss(p: Params, dtype: FloatDType): Tensor {
  const data = (t: FixtureTensor): Tensor => tensor(t.data, t.shape, { dtype });
  const { X, Y, k, t } = FIXTURE.data;
  const r = data(X).matmul(p.w).add(p.b).tanh().sub(data(Y));
  const fit = r.mul(r).mean();
  const quartic = p.w.pow(4).sum().mul(0.05);
  const d = p.v.sub(data(t));
  return fit.add(quartic).add(data(k).mul(d).mul(d).sum());
}

type AnyOptimizer = Optimizer<BaseOptions, object>;

function makeOptimizer(kind: OptimCase['optimizer'], params: Tensor[] | { params: Tensor[] }[], options: Options): AnyOptimizer {
  const o = options as never;
  switch (kind) {
    case 'SGD':
      return new SGD(params, o);
    case 'Adam':
      return new Adam(params, o);
    case 'AdamW':
      return new AdamW(params, o);
    case 'RMSprop':
      return new RMSprop(params, o);
    case 'Adagrad':
      return new Adagrad(params, o);
    case 'Adadelta':
      return new Adadelta(params, o);
    case 'NAdam':
      return new NAdam(params, o);
    case 'RAdam':
      return new RAdam(params, o);
  }
}

/** LambdaLR's functions, by the names scripts/make-optim-fixtures.py gives them. */
const LAMBDAS: Record<string, LrLambda> = {
  '0.95^t': (t) => 0.95 ** t,
  '1/(t//3+1)': (t) => 1 / (Math.floor(t / 3) + 1),
  'noam(4)': (t) => Math.min((t + 1) / 4, Math.sqrt(4 / (t + 1))),
};

/** Builds a step-counting schedule from its spec; sub-schedules first, in order, as the script does. */
function makeStepped(optimizer: ScheduledOptimizer, spec: ScheduleSpec): SteppedScheduler {
  const o = spec.options as never;
  const children = (): SteppedScheduler[] => (spec.options.schedulers as ScheduleSpec[]).map((s) => makeStepped(optimizer, s));
  switch (spec.kind) {
    case 'StepLR':
      return new StepLR(optimizer, o);
    case 'MultiStepLR':
      return new MultiStepLR(optimizer, o);
    case 'ExponentialLR':
      return new ExponentialLR(optimizer, o);
    case 'LinearLR':
      return new LinearLR(optimizer, o);
    case 'LambdaLR': {
      const names = spec.options.lrLambda as string | string[];
      return new LambdaLR(optimizer, { lrLambda: typeof names === 'string' ? LAMBDAS[names]! : names.map((n) => LAMBDAS[n]!) });
    }
    case 'CosineAnnealingLR':
      return new CosineAnnealingLR(optimizer, o);
    case 'CosineAnnealingWarmRestarts':
      return new CosineAnnealingWarmRestarts(optimizer, o);
    case 'OneCycleLR':
      return new OneCycleLR(optimizer, o);
    case 'SequentialLR':
      return new SequentialLR(optimizer, { schedulers: children() as LrSchedule[], milestones: spec.options.milestones as number[] });
    case 'ChainedScheduler':
      return new ChainedScheduler(children());
  }
  throw new Error(`unknown schedule ${spec.kind}`);
}

/** Any schedule from its spec, stepped with the case's metric or epoch where it has one. */
function makeSchedule(optimizer: ScheduledOptimizer, spec: ScheduleSpec): LrScheduler & { step(arg?: number | null): void } {
  if (spec.kind === 'ReduceLROnPlateau') {
    const plateau = new ReduceLROnPlateau(optimizer, spec.options as never);
    return { step: (m) => plateau.step(m!), getLastLr: () => plateau.getLastLr(), stateDict: () => plateau.stateDict(), loadStateDict: (d) => plateau.loadStateDict(d) };
  }
  const schedule = makeStepped(optimizer, spec);
  const step = (arg?: number | null): void => {
    if (typeof arg === 'number') (schedule as CosineAnnealingWarmRestarts).step(arg);
    else schedule.step();
  };
  return { step, getLastLr: () => schedule.getLastLr(), stateDict: () => schedule.stateDict(), loadStateDict: (d) => schedule.loadStateDict(d) };
}

/** Fails naming the worst element when |got − want| > atol + rtol·|want| anywhere. */
function expectClose(got: ArrayLike<number>, want: readonly number[], rtol: number, atol: number, what: string): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  let worst = -1;
  let excess = 0;
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i]! - want[i]!) - (atol + rtol * Math.abs(want[i]!));
    if (!(err <= excess) || Number.isNaN(got[i]!)) {
      excess = Number.isNaN(got[i]!) ? Infinity : err;
      worst = i;
    }
  }
  if (worst >= 0) expect.fail(`${what}: element ${worst}: got ${got[worst]}, PyTorch ${want[worst]} (rtol ${rtol}, atol ${atol})`);
}

/** Runs one optimizer case in `dtype` and returns every parameter after every step. */
function runCase(c: OptimCase, dtype: FloatDType): Values[] {
  const p = makeParams(dtype);
  const params = c.groups === null ? NAMES.map((n) => p[n]) : c.groups.map((g) => ({ params: g.params.map((n) => p[n as keyof Params]), ...g.options }));
  const optimizer = makeOptimizer(c.optimizer, params, c.options);
  const schedule = c.schedule === null ? null : makeSchedule(optimizer, c.schedule);
  const steps: Values[] = [];
  for (let i = 0; i < (c.steps ?? FIXTURE.steps); i++) {
    optimizer.zeroGrad();
    loss(p, dtype).backward();
    optimizer.step();
    schedule?.step();
    steps.push(Object.fromEntries(NAMES.map((n) => [n, Array.from(p[n].dataSync())])));
  }
  return steps;
}

describe(`optimizers match PyTorch ${FIXTURE.torch}`, () => {
  test('the fixture covers every optimizer', () => {
    expect(new Set(FIXTURE.optimizers.map((c) => c.optimizer))).toEqual(new Set(OPTIMIZER_KINDS));
  });

  for (const c of FIXTURE.optimizers) {
    test(`${c.name}: float64, every step`, () => {
      const steps = runCase(c, 'float64');
      steps.forEach((values, i) => {
        for (const n of NAMES) expectClose(values[n]!, c.float64[i]![n]!, 1e-12, 1e-14, `${c.name}, step ${i + 1}, ${n}`);
      });
      // u never had a gradient: it must not have moved.
      expect(steps.at(-1)!.u).toEqual(FIXTURE.init.u.data);
    });

    test(`${c.name}: float32, after ${c.steps ?? FIXTURE.steps} steps`, () => {
      const last = runCase(c, 'float32').at(-1)!;
      for (const n of NAMES) expectClose(last[n]!, c.float32Final[n]!, 1e-5, 1e-6, `${c.name}, float32, ${n}`);
    });
  }
});

describe(`gradient clipping matches PyTorch ${FIXTURE.torch}`, () => {
  for (const c of FIXTURE.clipping) {
    test(c.name, () => {
      const p = makeParams('float64');
      loss(p, 'float64').backward();
      for (const n of Object.keys(c.gradsBefore)) expectClose(p[n as keyof Params].grad!.dataSync(), c.gradsBefore[n]!, 1e-12, 1e-14, `${c.name}: gradient ${n} before`);
      const params = NAMES.map((n) => p[n]);
      const args = c.args.map((a) => (a === 'Infinity' ? Infinity : a));
      if (c.fn === 'clip_grad_norm') {
        const total = clipGradNorm(params, args[0]!, args[1]!);
        expectClose([total.item()], [c.totalNorm!], 1e-12, 0, `${c.name}: total norm`);
      } else {
        clipGradValue(params, args[0]!);
      }
      for (const n of Object.keys(c.gradsAfter)) expectClose(p[n as keyof Params].grad!.dataSync(), c.gradsAfter[n]!, 1e-12, 1e-14, `${c.name}: gradient ${n} after`);
      expect(p.u.grad).toBeNull();
    });
  }
});

describe(`schedules match PyTorch ${FIXTURE.torch}`, () => {
  for (const c of FIXTURE.schedules) {
    test(c.name, () => {
      const params = c.lrs.map(() => tensor([0], { requiresGrad: true }));
      const groups = params.map((q, i) => ({ params: [q], lr: c.lrs[i]! }));
      const optimizer: AnyOptimizer = c.optimizer === 'SGD' ? new SGD(groups, { lr: c.lrs[0]!, momentum: 0.9 }) : new Adam(groups, { lr: c.lrs[0]! });
      const schedule = makeSchedule(optimizer, c.schedule);
      const lrNow = (): number[] => optimizer.paramGroups.map((g) => g.lr);
      const momentumNow = (): number[] =>
        optimizer.paramGroups.map((g) => ('betas' in g ? (g as unknown as AdamOptions).betas[0] : (g as unknown as { momentum: number }).momentum));
      const lrs = [lrNow()];
      const momentums = [momentumNow()];
      for (let i = 0; i < c.lr.length - 1; i++) {
        schedule.step(c.metrics?.[i] ?? c.epochs?.[i]);
        lrs.push(lrNow());
        momentums.push(momentumNow());
        expect(schedule.getLastLr()).toEqual(lrNow());
      }
      // Closed forms against PyTorch's recursive ones: equal to rounding.
      lrs.forEach((lr, i) => expectClose(lr, c.lr[i]!, 1e-12, 1e-15, `${c.name}: lr after ${i} steps`));
      if (c.momentum !== undefined) momentums.forEach((m, i) => expectClose(m, c.momentum![i]!, 1e-12, 1e-15, `${c.name}: momentum after ${i} steps`));
    });
  }
});
