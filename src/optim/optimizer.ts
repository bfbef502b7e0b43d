/**
 * Optimizer — what every optimizer here (SGD, Adam, Adagrad …) shares: parameter groups,
 * per-parameter state, `step()`, `zeroGrad()` and a state dict that can be saved and loaded.
 *
 * As in PyTorch, an optimizer holds *parameter groups*: lists of parameters that share
 * hyper-parameters. `new SGD(model.parameters(), { lr: 0.1 })` makes one group; passing
 * `[{ params: backbone, lr: 1e-3 }, { params: head }]` makes two, and options a group leaves
 * out come from the defaults. Every group's options are plain, writable fields, which is how
 * schedules change the learning rate (`optimizer.paramGroups[0].lr = 0.01`).
 *
 * A step visits every parameter whose `grad` is set and calls the subclass's `update` under
 * `noGrad`: the update is written with tensor ops (so every element loop stays behind the
 * kernels) and written back into the parameter with `assign`. Parameters without a gradient
 * are skipped and get no state. State lives in a Map keyed by the parameter tensor, one small
 * record of tensors (moment estimates, momentum buffers) and counts (`step`) per parameter.
 * From a parameter's second step on, the fused kernels write θ and its state in place, as
 * PyTorch does (`writableInPlace`), and each write makes a new version, so a graph that saved θ
 * before the step refuses its backward.
 */
import { enableGrad, noGrad } from '../autograd/function.js';
import { Tensor } from '../autograd/tensor.js';
import { keep } from '../autograd/memory.js';
import { zerosLike } from '../autograd/creation.js';
import { isFloat } from '../autograd/dtype.js';
import { fmt } from '../autograd/shape.js';
import { bump, cacheVersion } from '../autograd/storage.js';
import { storageObject } from '../autograd/tensor-storage.js';

/** A hyper-parameter value: a number (lr, momentum …), a flag (nesterov …) or a tuple (betas). */
export type OptionValue = number | boolean | readonly number[];

/** What every optimizer's options have. */
export interface BaseOptions {
  lr: number;
}

/** A parameter group as the optimizer holds it: the parameters and every option, resolved and writable. */
export type ParamGroup<O> = { readonly params: readonly Tensor[] } & { -readonly [K in keyof O]: O[K] };

/** A parameter group as the user passes it: the parameters and any options that differ from the defaults. */
export type ParamGroupSpec<O> = { readonly params: Iterable<Tensor> } & Partial<O>;

/** The first argument of every optimizer: parameters (one group) or a list of groups. */
export type Params<O> = Iterable<Tensor> | readonly ParamGroupSpec<O>[];

/** One parameter's state: tensors shaped like the parameter, and counts. */
export type ParamState = Readonly<Record<string, Tensor | number>>;

/**
 * An optimizer's state dict, laid out as PyTorch's: parameters are numbered 0, 1, 2 … in group
 * order, `state` is keyed by that number (parameters that never had a gradient have no entry),
 * and each group lists its parameters' numbers next to its options. Tensors are copies, so the
 * dict is a snapshot that later steps do not change.
 */
export interface OptimizerStateDict {
  readonly state: Readonly<Record<number, ParamState>>;
  readonly paramGroups: readonly ParamGroupState[];
}

/** A group in a state dict: its parameters' numbers and its options. */
export type ParamGroupState = { readonly params: readonly number[] } & { readonly [option: string]: OptionValue };

/** How one state entry is stored: a tensor shaped like its parameter, a count, or a finite number (NAdam's μ product). */
export type StateKind = 'tensor' | 'count' | 'scalar';

/** `t` where `param` lives: a host state loaded into an optimizer of device parameters is uploaded (assign into zeros there). */
const onDeviceOf = (param: Tensor, t: Tensor): Tensor => (t.device === param.device ? t : zerosLike(param).assign(t));

/**
 * The base class of every optimizer, PyTorch's `torch.optim.Optimizer`: parameter groups that
 * share options (each option a writable field, which is what schedules change), per-parameter
 * state, `step()` (which updates every parameter that has a gradient, under `noGrad`),
 * `zeroGrad()`, and `stateDict()` / `loadStateDict()` in PyTorch's layout. A subclass writes
 * its update rule in one method, `update`.
 * @example
 * const optimizer = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * optimizer.zeroGrad(); loss.backward(); optimizer.step();
 */
export abstract class Optimizer<O extends BaseOptions, S extends object> {
  /** The options a group gets when it does not set its own. */
  readonly defaults: Readonly<O>;
  readonly paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state, created at a parameter's first update. */
  protected state = new Map<Tensor, S>();
  /** The storage and version each tensor a step wrote was left with (see `writableInPlace`). */
  readonly #written = new WeakMap<Tensor, { readonly storage: object; readonly version: number }>();
  /** The class name, used in error messages (a getter, so the base constructor can read it). */
  protected abstract get name(): string;
  /** Every key a state record may hold, and how it is stored (checked by loadStateDict). */
  protected abstract readonly stateKinds: Readonly<Record<string, StateKind>>;

  constructor(params: Params<O>, defaults: O) {
    this.defaults = Object.freeze({ ...defaults });
    for (const group of this.#groupsOf(params)) this.addParamGroup(group);
  }

  /** Checks one group's options; throws a RangeError naming the bad one. */
  protected abstract validate(options: Readonly<O>): void;
  /** The state of a parameter before its first update. */
  protected abstract initState(param: Tensor, group: ParamGroup<O>): S;
  /** The state keys a parameter of `group` must have once it has been updated (checked by loadStateDict). */
  protected abstract requiredState(group: ParamGroup<O>): readonly string[];
  /** Updates one parameter in place from its gradient; runs under noGrad. */
  protected abstract update(param: Tensor, grad: Tensor, state: S, group: ParamGroup<O>): void;

  /**
   * Whether a step may write `tensors` (θ and its state) in place: each still holds the array
   * our last step left it, at the version it had then — so nobody wrote it, shared it with
   * another tensor (`other.assign(θ)` makes a new version too) or was handed it (`storage`)
   * since — and none is the gradient's. A parameter's first step, the first after
   * `loadStateDict` (its state tensors are copies), and the first after anything else touched θ
   * make fresh arrays instead, which `settle` then gives the tensors, so that no array a caller
   * knows is ever written by a step. Views of θ (`detach`, `reshape`) see its updates, as in PyTorch.
   */
  protected writableInPlace(grad: Tensor, ...tensors: readonly (Tensor | null | undefined)[]): boolean {
    const gradStorage = storageObject(grad);
    return tensors.every((t) => {
      if (t === null || t === undefined) return true;
      const storage = storageObject(t);
      const last = this.#written.get(t);
      return last !== undefined && last.storage === storage && last.version === cacheVersion(storage) && storage !== gradStorage;
    });
  }

  /**
   * Gives `t` a step's `result`: written in place already (the kernel returned `t` itself), which
   * we record as a new version of its storage, or a fresh tensor, which `assign` installs; either
   * way we note the array and version `t` is left with, for `writableInPlace`.
   */
  protected settle(t: Tensor, result: Tensor): void {
    if (result === t) bump(storageObject(t), `${this.name}.step`);
    else t.assign(result);
    const storage = storageObject(t);
    const version = cacheVersion(storage);
    if (version !== null) this.#written.set(t, { storage, version });
  }

  /** Adds a group of parameters (e.g. layers unfrozen during fine-tuning). */
  addParamGroup(spec: ParamGroupSpec<O>): void {
    const { params } = spec;
    const overrides: Record<string, unknown> = { ...spec };
    delete overrides['params'];
    const list = params instanceof Tensor ? [params] : [...params];
    if (list.length === 0) throw new RangeError(`${this.name}: a parameter group has no parameters`);
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    list.forEach((p, i) => {
      if (!(p instanceof Tensor)) throw new TypeError(`${this.name}: parameter ${i} of a group is not a Tensor`);
      if (!isFloat(p.dtype)) throw new TypeError(`${this.name}: parameter ${i} is ${p.dtype}; only float32/float64 tensors can be optimized`);
      if (!p.isLeaf) throw new TypeError(`${this.name}: parameter ${i} is not a leaf (it was computed by an op); optimize the tensor it came from`);
      if (seen.has(p)) throw new RangeError(`${this.name}: a parameter appears twice (in this group or in an earlier one)`);
      seen.add(p);
    });
    for (const key of Object.keys(overrides)) {
      if (!(key in this.defaults)) throw new RangeError(`${this.name}: unknown option '${key}' (known: ${Object.keys(this.defaults).join(', ')})`);
    }
    const options = { ...this.defaults, ...overrides } as unknown as O;
    this.validate(options);
    this.paramGroups.push({ ...options, params: Object.freeze(list) } as ParamGroup<O>);
  }

  /**
   * Updates every parameter that has a gradient. With a closure (which should zero the
   * gradients, compute the loss and call backward), runs it first and returns its loss.
   */
  step(closure?: () => Tensor): Tensor | undefined {
    const loss = closure === undefined ? undefined : enableGrad(closure);
    // Check every gradient before touching any parameter, so a bad one cannot leave a half-done step.
    for (const p of this.paramGroups.flatMap((g) => g.params)) {
      const grad = p.grad;
      if (grad !== null && (grad.dtype !== p.dtype || fmt(grad.shape) !== fmt(p.shape))) {
        throw new RangeError(`${this.name}.step: gradient ${grad.dtype}${fmt(grad.shape)} does not match its parameter ${p.dtype}${fmt(p.shape)}`);
      }
    }
    noGrad(() => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          if (p.grad === null) continue;
          let state = this.state.get(p);
          if (state === undefined) {
            state = this.initState(p, group);
            this.state.set(p, state);
          }
          this.update(p, p.grad, state, group);
          // State lives across steps: no scope() around a training step may free it.
          for (const value of Object.values(state)) if (value instanceof Tensor) keep(value);
        }
      }
    });
    return loss;
  }

  /** Clears every parameter's gradient: to null (the default, as PyTorch 2) or to zeros. */
  zeroGrad(setToNone = true): void {
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (p.grad === null) continue;
        if (setToNone) p.grad = null;
        else p.grad.assign(zerosLike(p.grad)); // zeros, not grad·0, which would keep NaNs
      }
    }
  }

  /** A snapshot of the state and every group's options; see `OptimizerStateDict`. */
  stateDict(): OptimizerStateDict {
    const state: Record<number, ParamState> = {};
    const paramGroups: ParamGroupState[] = [];
    let index = 0;
    for (const group of this.paramGroups) {
      const numbers: number[] = [];
      for (const p of group.params) {
        const s = this.state.get(p);
        if (s !== undefined) {
          const entry: Record<string, Tensor | number> = {};
          for (const [key, value] of Object.entries(s) as [string, Tensor | number][]) {
            entry[key] = value instanceof Tensor ? noGrad(() => value.clone()) : value;
          }
          state[index] = entry;
        }
        numbers.push(index++);
      }
      paramGroups.push({ ...this.#optionsOf(group), params: numbers });
    }
    return { state, paramGroups };
  }

  /**
   * Restores a state dict from `stateDict()`: every group's options and every parameter's
   * state. Everything is checked first — group and parameter counts, option names and types,
   * state keys, tensor shapes — and a mismatch throws one error listing every problem, leaving
   * the optimizer as it was. Tensors are copied and cast to their parameter's dtype.
   */
  loadStateDict(dict: OptimizerStateDict): void {
    const where = `${this.name}.loadStateDict`;
    const problems: string[] = [];
    const groups = dict.paramGroups;
    if (!Array.isArray(groups) || typeof dict.state !== 'object' || dict.state === null) {
      throw new TypeError(`${where}: expected { state, paramGroups }`);
    }
    if (groups.length !== this.paramGroups.length) {
      throw new RangeError(`${where}: the state dict has ${groups.length} parameter group(s), this optimizer has ${this.paramGroups.length}`);
    }
    // Parameter numbers → our tensors, and each group's loaded options.
    const byIndex = new Map<number, { param: Tensor; group: number }>();
    const newOptions: O[] = [];
    groups.forEach((saved, g) => {
      const ours = this.paramGroups[g]!;
      const params = saved.params;
      if (!Array.isArray(params) || params.length !== ours.params.length) {
        problems.push(`group ${g}: the state dict has ${Array.isArray(params) ? params.length : 'no'} parameters, this optimizer has ${ours.params.length}`);
      } else {
        params.forEach((n, i) => {
          if (!Number.isInteger(n) || byIndex.has(n)) problems.push(`group ${g}: parameter number ${String(n)} is not an integer or appears twice`);
          else byIndex.set(n, { param: ours.params[i]!, group: g });
        });
      }
      const options: Record<string, OptionValue> = {};
      for (const key of Object.keys(this.defaults)) {
        const want = (this.defaults as unknown as Record<string, OptionValue>)[key]!;
        const got = saved[key];
        if (got === undefined) problems.push(`group ${g}: option '${key}' is missing`);
        else if (!sameKind(want, got)) problems.push(`group ${g}: option '${key}' should be ${describe(want)}, got ${describe(got)}`);
        else options[key] = Array.isArray(got) ? Object.freeze([...(got as number[])]) : got;
      }
      for (const key of Object.keys(saved)) {
        if (key !== 'params' && !(key in this.defaults)) problems.push(`group ${g}: unknown option '${key}'`);
      }
      try {
        if (Object.keys(options).length === Object.keys(this.defaults).length) this.validate(options as unknown as O);
      } catch (e) {
        problems.push(`group ${g}: ${(e as Error).message}`);
      }
      newOptions.push(options as unknown as O);
    });
    const newState = new Map<Tensor, S>();
    for (const [key, entry] of Object.entries(dict.state) as [string, ParamState][]) {
      const target = byIndex.get(Number(key));
      if (target === undefined) {
        problems.push(`state ${key}: no parameter has that number`);
        continue;
      }
      const { param, group } = target;
      const record: Record<string, Tensor | number> = {};
      for (const [name, value] of Object.entries(entry) as [string, unknown][]) {
        const kind = this.stateKinds[name];
        if (kind === undefined) problems.push(`state ${key}: unknown entry '${name}' (expected ${Object.keys(this.stateKinds).join(', ')})`);
        else if (kind === 'count' && (typeof value !== 'number' || !Number.isInteger(value) || value < 0)) {
          problems.push(`state ${key}.${name}: expected a count, got ${describe(value)}`);
        } else if (kind === 'scalar' && (typeof value !== 'number' || !Number.isFinite(value))) {
          problems.push(`state ${key}.${name}: expected a finite number, got ${describe(value)}`);
        } else if (kind === 'tensor' && !(value instanceof Tensor)) {
          problems.push(`state ${key}.${name}: expected a Tensor, got ${describe(value)}`);
        } else if (value instanceof Tensor && fmt(value.shape) !== fmt(param.shape)) {
          problems.push(`state ${key}.${name}: shape ${fmt(value.shape)} does not match its parameter's ${fmt(param.shape)}`);
        } else {
          record[name] = value instanceof Tensor ? noGrad(() => onDeviceOf(param, value.dtype === param.dtype ? value.clone() : value.to(param.dtype))) : (value as number);
        }
      }
      const options = newOptions[group];
      const resolved = options === undefined ? undefined : ({ ...options, params: this.paramGroups[group]!.params } as ParamGroup<O>);
      if (resolved !== undefined) {
        for (const name of this.requiredState(resolved)) {
          if (!(name in entry)) problems.push(`state ${key}: '${name}' is missing`);
        }
      }
      newState.set(param, record as S);
    }
    if (problems.length > 0) throw new Error(`${where}: refused (nothing was loaded):\n  ${problems.join('\n  ')}`);
    this.paramGroups.forEach((group, g) => Object.assign(group, newOptions[g]));
    this.state = newState;
  }

  /** The optimizer's state for `param` (undefined before its first update): for inspection and tests. */
  stateOf(param: Tensor): S | undefined {
    return this.state.get(param);
  }

  #optionsOf(group: ParamGroup<O>): Record<string, OptionValue> {
    const options: Record<string, OptionValue> = {};
    for (const key of Object.keys(this.defaults)) {
      const value = (group as unknown as Record<string, OptionValue>)[key]!;
      options[key] = Array.isArray(value) ? [...(value as number[])] : value;
    }
    return options;
  }

  #groupsOf(params: Params<O>): ParamGroupSpec<O>[] {
    const given: unknown = params;
    if (given instanceof Tensor) {
      throw new TypeError(`${this.name}: params should be an iterable of Tensors or of parameter groups, got a single Tensor (wrap it: [t])`);
    }
    if (given === null || typeof given !== 'object' || !(Symbol.iterator in given)) {
      throw new TypeError(`${this.name}: params should be an iterable of Tensors or of parameter groups, got ${describe(given)}`);
    }
    const items = [...(given as Iterable<unknown>)];
    if (items.length === 0) throw new RangeError(`${this.name}: got an empty parameter list`);
    if (items.every((x) => x instanceof Tensor)) return [{ params: items as Tensor[] } as unknown as ParamGroupSpec<O>];
    if (items.every((x) => typeof x === 'object' && x !== null && !(x instanceof Tensor) && 'params' in x)) return items as ParamGroupSpec<O>[];
    throw new TypeError(`${this.name}: params should be all Tensors or all parameter groups ({ params, ...options }), not a mix`);
  }
}

function sameKind(want: OptionValue, got: unknown): boolean {
  if (Array.isArray(want)) return Array.isArray(got) && got.length === want.length && got.every((v) => typeof v === 'number');
  return typeof got === typeof want;
}

function describe(v: unknown): string {
  if (v instanceof Tensor) return `a Tensor ${v.dtype}${fmt(v.shape)}`;
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (v === null) return 'null';
  return typeof v === 'number' || typeof v === 'boolean' ? `${typeof v} ${String(v)}` : typeof v;
}

/** Throws a RangeError unless `value` is a finite number ≥ `min` (and < `max` when given). */
export function checkRange(optimizer: string, option: string, value: number, min: number, max?: number): void {
  const ok = typeof value === 'number' && Number.isFinite(value) && value >= min && (max === undefined || value < max);
  if (!ok) {
    const range = max === undefined ? `≥ ${min}` : `in [${min}, ${max})`;
    throw new RangeError(`${optimizer}: ${option} must be a number ${range}, got ${String(value)}`);
  }
}
