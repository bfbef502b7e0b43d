/**
 * The optimizer contract: parameter groups, step and zeroGrad, and state dicts that resume a run
 * exactly and refuse anything that does not fit. (Update formulas are checked against PyTorch
 * in torch-parity.test.ts.)
 */
import { describe, expect, test } from 'vitest';
import { randn, tensor, zeros } from '../autograd/creation.js';
import { seededRandom } from '../autograd/random.js';
import { Tensor } from '../autograd/tensor.js';
import { storageObject } from '../autograd/tensor-storage.js';
import { Adadelta } from './adadelta.js';
import { Adagrad } from './adagrad.js';
import { Adam, AdamW } from './adam.js';
import { NAdam } from './nadam.js';
import { Optimizer, type OptimizerStateDict, type ParamGroup } from './optimizer.js';
import { RAdam } from './radam.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

const values = (t: Tensor): number[] => Array.from(t.dataSync());

/** A fixed problem: L = Σ (A·w − y)² + Σ b², with w [3, 2] and b [2]. */
function problem(dtype: 'float32' | 'float64' = 'float32') {
  const random = seededRandom(7);
  const a = randn([4, 3], { dtype, random });
  const y = randn([4, 2], { dtype, random });
  const w = randn([3, 2], { dtype, random }).requiresGrad_();
  const b = randn([2], { dtype, random }).requiresGrad_();
  const loss = (): Tensor => {
    const r = a.matmul(w).sub(y);
    return r.mul(r).sum().add(b.mul(b).sum());
  };
  return { w, b, loss };
}

type Make = (params: Tensor[]) => Optimizer<{ lr: number }, object>;
const MAKERS: Record<string, Make> = {
  'SGD nesterov': (p) => new SGD(p, { lr: 0.01, momentum: 0.9, nesterov: true, weightDecay: 1e-3 }),
  'Adam amsgrad': (p) => new Adam(p, { lr: 0.01, amsgrad: true, weightDecay: 0.01 }),
  AdamW: (p) => new AdamW(p, { lr: 0.01 }),
  'RMSprop centered momentum': (p) => new RMSprop(p, { lr: 0.01, momentum: 0.9, centered: true }),
  'Adagrad lr decay': (p) => new Adagrad(p, { lr: 0.1, lrDecay: 0.1, initialAccumulatorValue: 0.1 }),
  'Adadelta weight decay': (p) => new Adadelta(p, { weightDecay: 0.01 }),
  'NAdam momentum decay': (p) => new NAdam(p, { lr: 0.01, momentumDecay: 0.1 }),
  'RAdam (rectified from step 6)': (p) => new RAdam(p, { lr: 0.01 }),
};

function train(optimizer: Optimizer<{ lr: number }, object>, loss: () => Tensor, steps: number): number[] {
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    optimizer.zeroGrad();
    const l = loss();
    losses.push(l.item());
    l.backward();
    optimizer.step();
  }
  return losses;
}

describe('SGD by hand', () => {
  test('one plain step: w ← w − η·∇', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const opt = new SGD([w], { lr: 0.1 });
    w.mul(w).sum().backward(); // dw = 2w = [2, 4]
    opt.step();
    expect(values(w)).toEqual([Math.fround(0.8), Math.fround(1.6)]);
  });

  test('momentum: the buffer starts as the gradient, then b ← μb + g', () => {
    const w = tensor([0], { dtype: 'float64', requiresGrad: true });
    const opt = new SGD([w], { lr: 1, momentum: 0.5 });
    // L = 2w, so g = 2 every step: b = 2, 3, 3.5; w = −2, −5, −8.5
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) {
      opt.zeroGrad();
      w.mul(2).sum().backward();
      opt.step();
      seen.push(w.item());
    }
    expect(seen).toEqual([-2, -5, -8.5]);
    expect(values(opt.stateOf(w)!.momentumBuffer!)).toEqual([3.5]);
  });

  test('Adam: the first step moves every element by lr (m̂/√v̂ = sign g)', () => {
    const w = tensor([1, -2, 3], { dtype: 'float64', requiresGrad: true });
    const opt = new Adam([w], { lr: 0.1, eps: 0 });
    w.mul(w).mul(tensor([1, 5, 0.01], { dtype: 'float64' })).sum().backward();
    opt.step();
    values(w).forEach((v, i) => expect(v).toBeCloseTo([0.9, -1.9, 2.9][i]!, 14));
  });
});

describe('Adagrad, Adadelta, NAdam and RAdam by hand', () => {
  /** Runs `steps` steps of L = Σ c·w (gradient c every step) and returns w after each. */
  function constantGradient(make: (w: Tensor) => Optimizer<{ lr: number }, object>, c: number[], steps: number): number[][] {
    const w = zeros([c.length], { dtype: 'float64' }).requiresGrad_();
    const opt = make(w);
    const seen: number[][] = [];
    for (let i = 0; i < steps; i++) {
      opt.zeroGrad();
      w.mul(tensor(c, { dtype: 'float64' })).sum().backward();
      opt.step();
      seen.push(values(w));
    }
    return seen;
  }

  test('Adagrad: s = t·g², so step t moves by η̃·sign(g)/√t, with η̃ = η/(1 + (t − 1)·lrDecay)', () => {
    const ws = constantGradient((w) => new Adagrad([w], { lr: 1, lrDecay: 1, eps: 0 }), [3, -0.5], 2);
    expect(ws[0]).toEqual([-1, 1]);
    ws[1]!.forEach((v, i) => expect(v).toBeCloseTo([-1 - 0.5 / Math.SQRT2, 1 + 0.5 / Math.SQRT2][i]!, 15));
  });

  test('Adagrad: each group’s sum starts at its own initialAccumulatorValue (PyTorch uses the constructor’s for all)', () => {
    const a = zeros([1], { dtype: 'float64' }).requiresGrad_();
    const b = zeros([1], { dtype: 'float64' }).requiresGrad_();
    const opt = new Adagrad([{ params: [a] }, { params: [b], initialAccumulatorValue: 3 }], { lr: 1, eps: 0 });
    a.grad = tensor([1], { dtype: 'float64' });
    b.grad = tensor([1], { dtype: 'float64' });
    opt.step();
    expect([values(opt.stateOf(a)!.sum), values(opt.stateOf(b)!.sum)]).toEqual([[1], [4]]);
    expect(values(b)).toEqual([-0.5]);
  });

  test('Adadelta: the first step is √ε/√((1 − ρ)g² + ε)·g, and u ← (1 − ρ)Δ²', () => {
    const w = zeros([1], { dtype: 'float64' }).requiresGrad_();
    const opt = new Adadelta([w], { rho: 0.5, eps: 1 });
    w.grad = tensor([2], { dtype: 'float64' });
    opt.step(); // s = 2, Δ = √1/√3 · 2
    expect(w.item()).toBeCloseTo(-2 / Math.sqrt(3), 15);
    expect(opt.stateOf(w)!.accDelta.item()).toBeCloseTo(2 / 3, 15);
  });

  test('NAdam: the first step moves by η·(1 + μ₂(1 − β₁)/(1 − μ₁μ₂)) against the gradient’s sign', () => {
    const [b1, psi] = [0.9, 0.004];
    const mu = (t: number): number => b1 * (1 - 0.5 * 0.96 ** (t * psi));
    const size = 0.1 * (1 + (mu(2) * (1 - b1)) / (1 - mu(1) * mu(2)));
    const [w] = constantGradient((p) => new NAdam([p], { lr: 0.1, eps: 0 }), [5, -0.01], 1);
    w!.forEach((v, i) => expect(v).toBeCloseTo([-size, size][i]!, 15));
  });

  test('RAdam: five momentum steps of η·g (m̂ = g), then the first rectified step of η·r·sign(g)', () => {
    const ws = constantGradient((w) => new RAdam([w], { lr: 0.1, eps: 0 }), [2, -4], 6);
    for (let t = 0; t < 5; t++) ws[t]!.forEach((v, i) => expect(v).toBeCloseTo((t + 1) * [-0.2, 0.4][i]!, 13));
    const [b2, t] = [0.999, 6];
    const rhoInf = 2 / (1 - b2) - 1;
    const rho = rhoInf - (2 * t * b2 ** t) / (1 - b2 ** t);
    const r = Math.sqrt(((rho - 4) * (rho - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rho));
    ws[5]!.forEach((v, i) => expect(v).toBeCloseTo(5 * [-0.2, 0.4][i]! + [-0.1, 0.1][i]! * r, 13));
  });
});

describe('in-place steps (PyTorch updates θ and its state in place)', () => {
  /** The arrays behind θ and every state tensor of θ. */
  const arraysOf = (opt: Optimizer<{ lr: number }, object>, p: Tensor): object[] => [
    storageObject(p),
    ...Object.values(opt.stateOf(p) ?? {}).filter((v): v is Tensor => v instanceof Tensor).map((t) => storageObject(t)),
  ];

  test.each(['SGD nesterov', 'Adam amsgrad', 'AdamW', 'RMSprop centered momentum', 'Adagrad lr decay'])('%s: from the second step θ and its state keep their arrays, each step a new version', (name) => {
    const { w, b, loss } = problem();
    const opt = MAKERS[name]!([w, b]);
    train(opt, loss, 2);
    const arrays = arraysOf(opt, w);
    let version = w.version;
    for (let i = 0; i < 3; i++) {
      train(opt, loss, 1);
      expect(arraysOf(opt, w).every((a, k) => a === arrays[k])).toBe(true);
      expect(w.version).toBeGreaterThan(version);
      version = w.version;
    }
  });

  test('the in-place steps give the numbers the out-of-place ones gave: a run equals one restarted from its state dict every step', () => {
    const [x, y] = [problem(), problem()];
    const [a, b] = [new Adam([x.w, x.b], { lr: 0.01, amsgrad: true }), new Adam([y.w, y.b], { lr: 0.01, amsgrad: true })];
    for (let i = 0; i < 4; i++) {
      train(a, x.loss, 1);
      b.loadStateDict(b.stateDict()); // fresh state tensors: every step of b is a first, out-of-place one
      train(b, y.loss, 1);
    }
    expect(values(x.w)).toEqual(values(y.w));
    expect(values(a.stateOf(x.w)!.expAvgSq)).toEqual(values(b.stateOf(y.w)!.expAvgSq));
  });

  test('a tensor sharing θ’s array (other.assign(θ)) keeps its values: the next step gives θ a new array', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
    for (let i = 0; i < 2; i++) {
      w.grad = tensor([1, 1]);
      opt.step();
    }
    const snapshot = zeros([2]).assign(w);
    const before = values(snapshot);
    w.grad = tensor([1, 1]);
    opt.step();
    expect(values(snapshot)).toEqual(before);
    expect(values(w)).not.toEqual(before);
  });

  test('an array handed out by `storage` is never written by a step', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const opt = new Adam([w], { lr: 0.1 });
    w.grad = tensor([1, 1]);
    opt.step();
    const held = w.storage;
    const before = Array.from(held);
    for (let i = 0; i < 2; i++) {
      w.grad = tensor([1, 1]);
      opt.step();
    }
    expect(Array.from(held)).toEqual(before);
    expect(values(w)[0]).toBeLessThan(before[0]!);
  });

  test('a graph that saved θ before an in-place step refuses its backward after it', () => {
    const { w, b, loss } = problem();
    const opt = new SGD([w, b], { lr: 0.1, momentum: 0.9 });
    train(opt, loss, 2); // θ's array is the optimizer's own from here on
    const arrays = storageObject(w);
    const l = loss();
    l.backward(undefined, { retainGraph: true });
    opt.step();
    expect(storageObject(w)).toBe(arrays);
    expect(() => l.backward()).toThrow(/SGD\.step/);
  });
});

describe('parameter groups', () => {
  test('groups take the defaults they do not override, and lr is writable', () => {
    const a = zeros([2]).requiresGrad_();
    const b = zeros([3]).requiresGrad_();
    const opt = new SGD([{ params: [a] }, { params: [b], lr: 0.5, momentum: 0.9 }], { lr: 0.1 });
    expect(opt.paramGroups.map((g) => [g.lr, g.momentum, g.params.length])).toEqual([[0.1, 0, 1], [0.5, 0.9, 1]]);
    opt.paramGroups[0]!.lr = 2;
    a.grad = tensor([1, 1]);
    opt.step();
    expect(values(a)).toEqual([-2, -2]);
  });

  test('parameters without a gradient are skipped and get no state', () => {
    const a = zeros([2]).requiresGrad_();
    const b = tensor([5]).requiresGrad_();
    const opt = new Adam([a, b], { lr: 0.1 });
    a.grad = tensor([1, -1]);
    opt.step();
    expect(values(b)).toEqual([5]);
    expect(opt.stateOf(b)).toBeUndefined();
    expect(opt.stateOf(a)!.step).toBe(1);
  });

  test('addParamGroup adds a group; a parameter may not be in two', () => {
    const a = zeros([2]).requiresGrad_();
    const b = zeros([2]).requiresGrad_();
    const opt = new RMSprop([a]);
    opt.addParamGroup({ params: [b], lr: 1e-3 });
    expect(opt.paramGroups[1]!.lr).toBe(1e-3);
    expect(opt.paramGroups[1]!.alpha).toBe(0.99);
    expect(() => opt.addParamGroup({ params: [a] })).toThrow(/appears twice/);
  });

  test('step(closure) evaluates the loss with gradients on and returns it', () => {
    const { w, b, loss } = problem();
    const opt = new SGD([w, b], { lr: 0.01 });
    const l = opt.step(() => {
      opt.zeroGrad();
      const value = loss();
      value.backward();
      return value;
    });
    expect(l!.item()).toBeGreaterThan(loss().item());
  });

  test('zeroGrad sets gradients to null, or to zeros in place', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const opt = new SGD([w], { lr: 0.1 });
    w.sum().backward();
    const grad = w.grad!;
    grad.assign(tensor([NaN, 1]));
    opt.zeroGrad(false);
    expect(w.grad).toBe(grad);
    expect(values(grad)).toEqual([0, 0]);
    opt.zeroGrad();
    expect(w.grad).toBeNull();
  });
});

describe('argument checks', () => {
  const p = () => zeros([2]).requiresGrad_();
  test.each([
    ['an empty list', () => new SGD([], { lr: 0.1 }), /empty parameter list/],
    ['a single tensor', () => new SGD(p() as never, { lr: 0.1 }), /single Tensor/],
    ['a non-leaf', () => new SGD([p().mul(2)], { lr: 0.1 }), /not a leaf/],
    ['an int32 tensor', () => new SGD([zeros([2], { dtype: 'int32' })], { lr: 0.1 }), /only float32\/float64/],
    ['the same tensor twice', () => { const t = p(); return new SGD([t, t], { lr: 0.1 }); }, /appears twice/],
    ['a negative lr', () => new SGD([p()], { lr: -1 }), /lr must be a number ≥ 0/],
    ['Nesterov without momentum', () => new SGD([p()], { lr: 0.1, nesterov: true }), /Nesterov momentum needs momentum > 0/],
    ['β₂ = 1', () => new Adam([p()], { betas: [0.9, 1] }), /betas\[1\] must be a number in \[0, 1\)/],
    ['an unknown group option', () => new Adam([{ params: [p()], momentum: 0.9 } as never]), /unknown option 'momentum'/],
    ['a negative alpha', () => new RMSprop([p()], { alpha: -0.1 }), /alpha must be/],
    ['a negative lrDecay', () => new Adagrad([p()], { lrDecay: -1 }), /Adagrad: lrDecay must be a number ≥ 0/],
    ['ρ > 1', () => new Adadelta([p()], { rho: 1.5 }), /Adadelta: rho must be a number in \[0, 1\]/],
    ['a negative momentumDecay', () => new NAdam([p()], { momentumDecay: -1 }), /NAdam: momentumDecay must be a number ≥ 0/],
    ['β₁ = 1', () => new RAdam([p()], { betas: [1, 0.9] }), /RAdam: betas\[0\] must be a number in \[0, 1\)/],
  ])('refuses %s', (_what, make, message) => {
    expect(make).toThrow(message);
  });

  test('a gradient of the wrong shape is refused at step, before any parameter moves', () => {
    const ok = zeros([2]).requiresGrad_();
    ok.grad = tensor([1, 1]);
    const w = zeros([2]).requiresGrad_();
    w.grad = zeros([3]);
    expect(() => new SGD([ok, w], { lr: 1 }).step()).toThrow(/gradient float32\[3\] does not match its parameter float32\[2\]/);
    expect(values(ok)).toEqual([0, 0]);
  });
});

describe('state dicts', () => {
  for (const [name, make] of Object.entries(MAKERS)) {
    test(`${name}: 3 steps, save, load into a fresh optimizer, 3 more steps = 6 steps straight (bit for bit)`, () => {
      const straight = problem();
      const reference = train(make([straight.w, straight.b]), straight.loss, 6);

      const first = problem();
      const before = make([first.w, first.b]);
      const head = train(before, first.loss, 3);
      const saved = before.stateDict();
      // A new run: fresh tensors with the saved parameter values, a fresh optimizer, the saved state.
      const second = problem();
      second.w.assign(first.w);
      second.b.assign(first.b);
      const after = make([second.w, second.b]);
      after.loadStateDict(saved);
      const tail = train(after, second.loss, 3);
      expect([...head, ...tail]).toEqual(reference);
      expect(values(second.w)).toEqual(values(straight.w));
    });
  }

  test('the layout is PyTorch’s: numbered state, groups listing numbers and options', () => {
    const a = zeros([2]).requiresGrad_();
    const b = zeros([3]).requiresGrad_();
    const c = zeros([1]).requiresGrad_();
    const opt = new Adam([{ params: [a, b] }, { params: [c], lr: 0.5 }]);
    a.grad = tensor([1, 2]);
    c.grad = tensor([3]);
    opt.step();
    const dict = opt.stateDict();
    expect(Object.keys(dict.state)).toEqual(['0', '2']); // b had no gradient
    expect(Object.keys(dict.state[0]!)).toEqual(['step', 'expAvg', 'expAvgSq']);
    expect(dict.paramGroups).toEqual([
      { params: [0, 1], lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false },
      { params: [2], lr: 0.5, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false },
    ]);
  });

  test('a state dict is a snapshot: later steps do not change it', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
    w.grad = tensor([1, 1]);
    opt.step();
    const dict = opt.stateDict();
    opt.step();
    opt.paramGroups[0]!.lr = 7;
    expect(values(dict.state[0]!.momentumBuffer as Tensor)).toEqual([1, 1]);
    expect(dict.paramGroups[0]!.lr).toBe(0.1);
  });

  test('loading restores each group’s options (the lr a schedule had set, for instance)', () => {
    const w = zeros([2]).requiresGrad_();
    const source = new SGD([w], { lr: 0.1, momentum: 0.9 });
    source.paramGroups[0]!.lr = 0.025;
    const target = new SGD([zeros([2]).requiresGrad_()], { lr: 0.1 });
    target.loadStateDict(source.stateDict());
    expect(target.paramGroups[0]!.lr).toBe(0.025);
    expect(target.paramGroups[0]!.momentum).toBe(0.9);
  });

  test('state tensors are cast to the parameter’s dtype', () => {
    const w64 = zeros([2], { dtype: 'float64' }).requiresGrad_();
    const source = new Adam([w64]);
    w64.grad = tensor([1, 2], { dtype: 'float64' });
    source.step();
    const w32 = zeros([2]).requiresGrad_();
    const target = new Adam([w32]);
    target.loadStateDict(source.stateDict());
    expect(target.stateOf(w32)!.expAvg.dtype).toBe('float32');
  });

  describe('refusals leave the optimizer untouched', () => {
    /** An Adam with one step of state on [2, 3] and [3]; returns it and its dict. */
    function stepped() {
      const w = randn([2, 3], { random: seededRandom(1) }).requiresGrad_();
      const b = randn([3], { random: seededRandom(2) }).requiresGrad_();
      const opt = new Adam([w, b], { lr: 0.1 });
      w.grad = randn([2, 3], { random: seededRandom(3) });
      b.grad = randn([3], { random: seededRandom(4) });
      opt.step();
      return { opt, w, b, dict: opt.stateDict() };
    }
    const mutate = (dict: OptimizerStateDict, change: (d: { state: Record<number, Record<string, unknown>>; paramGroups: Record<string, unknown>[] }) => void): OptimizerStateDict => {
      const copy = { state: Object.fromEntries(Object.entries(dict.state).map(([k, v]) => [k, { ...v }])), paramGroups: dict.paramGroups.map((g) => ({ ...g })) };
      change(copy);
      return copy as unknown as OptimizerStateDict;
    };

    test.each([
      ['a different number of groups', (d: OptimizerStateDict) => ({ ...d, paramGroups: [...d.paramGroups, d.paramGroups[0]!] }), /2 parameter group\(s\), this optimizer has 1/],
      ['a different number of parameters', (d: OptimizerStateDict) => mutate(d, (m) => (m.paramGroups[0]!.params = [0])), /group 0: the state dict has 1 parameters, this optimizer has 2/],
      ['a state tensor of the wrong shape', (d: OptimizerStateDict) => mutate(d, (m) => (m.state[1]!.expAvg = zeros([4]))), /state 1.expAvg: shape \[4\] does not match its parameter's \[3\]/],
      ['an unknown state entry', (d: OptimizerStateDict) => mutate(d, (m) => (m.state[0]!.velocity = zeros([2, 3]))), /unknown entry 'velocity'/],
      ['a missing state entry', (d: OptimizerStateDict) => mutate(d, (m) => delete m.state[0]!.expAvgSq), /state 0: 'expAvgSq' is missing/],
      ['a non-integer step', (d: OptimizerStateDict) => mutate(d, (m) => (m.state[0]!.step = 1.5)), /state 0.step: expected a count/],
      ['an option of the wrong type', (d: OptimizerStateDict) => mutate(d, (m) => (m.paramGroups[0]!.amsgrad = 1)), /option 'amsgrad' should be boolean/],
      ['an invalid option value', (d: OptimizerStateDict) => mutate(d, (m) => (m.paramGroups[0]!.lr = -1)), /group 0: Adam: lr must be/],
      ['a missing option', (d: OptimizerStateDict) => mutate(d, (m) => delete m.paramGroups[0]!.eps), /option 'eps' is missing/],
      ['a parameter number used twice', (d: OptimizerStateDict) => mutate(d, (m) => (m.paramGroups[0]!.params = [0, 0])), /parameter number 0 is not an integer or appears twice/],
      ['a parameter number that does not exist', (d: OptimizerStateDict) => mutate(d, (m) => (m.state[9] = {})), /state 9: no parameter has that number/],
    ])('refuses %s', (_what, change, message) => {
      const { opt, w, b, dict } = stepped();
      const expAvg = values(opt.stateOf(w)!.expAvg);
      expect(() => opt.loadStateDict(change(dict))).toThrow(message);
      expect(() => opt.loadStateDict(change(dict))).toThrow(/refused \(nothing was loaded\)|parameter group/);
      // Nothing half-loaded: state and options are as before.
      expect(values(opt.stateOf(w)!.expAvg)).toEqual(expAvg);
      expect(opt.stateOf(b)!.step).toBe(1);
      expect(opt.paramGroups[0]!.lr).toBe(0.1);
    });

    test('NAdam’s μ product must be a finite number', () => {
      const w = zeros([2]).requiresGrad_();
      const opt = new NAdam([w]);
      w.grad = tensor([1, 2]);
      opt.step();
      const dict = mutate(opt.stateDict(), (m) => (m.state[0]!.muProduct = zeros([1])));
      expect(() => opt.loadStateDict(dict)).toThrow(/state 0.muProduct: expected a finite number, got a Tensor/);
      expect(opt.stateOf(w)!.muProduct).toBeCloseTo(0.9 * (1 - 0.5 * 0.96 ** 0.004), 7);
    });

    test('every problem is listed in one error', () => {
      const { opt, dict } = stepped();
      const bad = mutate(dict, (m) => {
        m.state[0]!.expAvg = zeros([3, 2]);
        m.paramGroups[0]!.betas = [0.9];
      });
      expect(() => opt.loadStateDict(bad)).toThrow(/betas' should be an array of length 2[\s\S]*expAvg: shape \[3,2\]/);
    });
  });
});

describe('a user-defined optimizer', () => {
  /** signSGD (Bernstein et al. 2018): θ ← θ − η·sign(g); shows how little a new optimizer needs. */
  class SignSGD extends Optimizer<{ lr: number }, Record<string, never>> {
    protected override get name(): string {
      return 'SignSGD';
    }
    protected override readonly stateKinds = {};
    constructor(params: Iterable<Tensor>, options: { lr: number }) {
      super(params, options);
    }
    protected override validate(): void {}
    protected override initState(): Record<string, never> {
      return {};
    }
    protected override requiredState(): readonly string[] {
      return [];
    }
    protected override update(param: Tensor, grad: Tensor, _state: Record<string, never>, group: ParamGroup<{ lr: number }>): void {
      param.assign(param.sub(grad.div(grad.abs().add(1e-30)).mul(group.lr)));
    }
  }

  test('steps by the sign of the gradient', () => {
    const w = tensor([1, 1, 1], { requiresGrad: true });
    w.grad = tensor([0.3, -7, 2]);
    new SignSGD([w], { lr: 0.5 }).step();
    expect(values(w)).toEqual([0.5, 1.5, 0.5]);
  });
});
