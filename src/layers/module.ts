/**
 * module — `Module`, the base class of every layer and model, and `Parameter`, a tensor that
 * belongs to one (PyTorch's `nn.Module` and `nn.Parameter`).
 *
 * A module owns three kinds of state:
 *   param(name, t)    a trainable tensor (requiresGrad), returned as a `Parameter`
 *   buffer(name, t)   state that is saved but not trained (BatchNorm's running statistics)
 *   child(name, m)    a sub-module, whose state appears under "name."
 * As in PyTorch, a Parameter or a Module assigned to a field (`this.fc = new Linear(4, 2)`)
 * registers itself under the field's name, in assignment order: the constructor returns a Proxy
 * whose defineProperty trap sees every field write (PyTorch's __setattr__). The explicit calls
 * still work, and name what a field cannot (`this.weightIh = this.param('weight_ih_l0', …)`);
 * a value already registered is not registered again under its field's name. The registry, not
 * a scan of fields, defines `parameters()`, `stateDict()` and the dotted names
 * (`layer1.0.bn1.running_mean`): the same keys, in the same order, as PyTorch's state_dict.
 *
 * Calling a module: TypeScript objects cannot be made callable, so a module is run with
 * `m.forward(x)` (where PyTorch writes `m(x)`). `forward` is typed by the subclass: the two type
 * parameters are its argument list and its result (`Module` alone means Tensor → Tensor).
 */
import { noGrad } from '../autograd/function.js';
import { zeros } from '../autograd/creation.js';
import type { DType } from '../autograd/dtype.js';
import { fmt, type Shape } from '../autograd/shape.js';
import { inspectCustom, Tensor } from '../autograd/tensor.js';
import { relocate, storageObject } from '../autograd/tensor-storage.js';
import { backendKernels } from '../autograd/backends/index.js';
import type { Device } from '../autograd/device.js';
import { formatSummary, type SummaryRow } from './summary.js';

/**
 * A trainable tensor: a Tensor subclass that requires a gradient from the start, so
 * `instanceof Parameter` tells trained state from buffers and activations. It shares storage
 * with the tensor it wraps and has no graph history (a leaf).
 * @example new Parameter(zeros([2])).requiresGrad  // true
 */
export class Parameter extends Tensor {
  constructor(value: Tensor, requiresGrad = true) {
    if (!(value instanceof Tensor)) throw new TypeError(`Parameter: expected a Tensor, got ${value === null ? 'null' : typeof value}`);
    super(storageObject(value), value.shape);
    if (requiresGrad) this.requiresGrad_(true);
  }

  /**
   * What `console.log(p)` prints, as PyTorch: `Parameter containing:` above the values.
   * @example console.log(new Parameter(zeros([2])))  // Parameter containing:\ntensor([0., 0.], requiresGrad=true)
   */
  override [inspectCustom](): string {
    return `Parameter containing:\n${this.toString()}`;
  }
}

/** Any module, whatever its forward's signature; what containers and iteration hand out. */
// `never` arguments make every module assignable here; call forward only through a precise type.
export type AnyModule = Module<never, unknown>;

/** A state dict: dotted names → tensors, in registration order (a plain object or a Map). */
export type StateDict = Record<string, Tensor>;

/** Options of `Module.loadStateDict`: `strict` (default true) refuses missing and unexpected keys. */
export interface LoadStateDictOptions {
  /** Refuse missing and unexpected keys (default true). Shape and dtype mismatches are always refused. */
  readonly strict?: boolean;
}

/** What `Module.loadStateDict` reports: the keys it did not find and the ones it did not expect (empty when strict). */
export interface LoadStateDictResult {
  readonly missingKeys: readonly string[];
  readonly unexpectedKeys: readonly string[];
}

/** What `loadStateDict` refuses; the message lists every problem, and nothing was loaded. */
export class StateDictError extends Error {
  readonly missingKeys: readonly string[];
  readonly unexpectedKeys: readonly string[];
  /** One line per key whose shape or dtype does not match (or whose value is not a tensor). */
  readonly mismatches: readonly string[];

  constructor(module: string, missingKeys: readonly string[], unexpectedKeys: readonly string[], mismatches: readonly string[]) {
    const parts = [
      missingKeys.length ? `missing keys: ${missingKeys.join(', ')}` : '',
      unexpectedKeys.length ? `unexpected keys: ${unexpectedKeys.join(', ')}` : '',
      mismatches.length ? `mismatched: ${mismatches.join('; ')}` : '',
    ].filter(Boolean);
    super(`loadStateDict: cannot load into ${module} (nothing was loaded): ${parts.join('; ')}`);
    this.name = 'StateDictError';
    this.missingKeys = missingKeys;
    this.unexpectedKeys = unexpectedKeys;
    this.mismatches = mismatches;
  }
}

/** Options of `Module.summary`: the dtype of the traced zero inputs and whether to print the table. */
export interface SummaryOptions {
  /** dtype of the zero inputs (default float32; int32 for an Embedding-first model). */
  readonly dtype?: DType;
  /** Print the table with console.log (default true); it is returned either way. */
  readonly print?: boolean;
}

const describeValue = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v);

/** One module's registry: its parameters, buffers and children by name, in registration order. */
interface Registry {
  readonly parameters: Map<string, Parameter>;
  readonly buffers: Map<string, Tensor>;
  readonly nonPersistent: Set<string>;
  readonly children: Map<string, AnyModule>;
  /** Names registered from a field assignment: an explicit registration of the same value replaces them. */
  readonly automatic: Set<string>;
}

/** Each module's registry, under both the module and the Proxy its constructor returns. */
const registries = new WeakMap<object, Registry>();

function registryOf(m: object): Registry {
  const r = registries.get(m);
  if (!r) throw new TypeError(`${m.constructor.name}: not a constructed Module (its registry is missing)`);
  return r;
}

/** The name `value` is registered under on this module (as a parameter, buffer or child), if any. */
function nameOf(r: Registry, value: unknown): string | undefined {
  for (const map of [r.parameters, r.buffers, r.children] as const) {
    for (const [name, v] of map as Map<string, unknown>) if (v === value) return name;
  }
  return undefined;
}

/**
 * What a field write registers (PyTorch's __setattr__): a Parameter or a Module under the
 * field's name, replacing (in place, keeping its position) what that name held; null or
 * undefined written over a registered name unregisters it. A value already registered on this
 * module, under any name, stays as it is.
 */
function registerField(owner: object, r: Registry, name: string, value: unknown): void {
  const kind = value instanceof Parameter ? 'parameters' : value instanceof Module ? 'children' : null;
  const held = r.parameters.has(name) ? 'parameters' : r.children.has(name) ? 'children' : r.buffers.has(name) ? 'buffers' : null;
  if (kind === null) {
    if (held === null || held === 'buffers') return; // buffers are plain tensors: a field write leaves them registered
    if (value === null || value === undefined) {
      r[held].delete(name);
      r.automatic.delete(name);
      return;
    }
    const given = value instanceof Tensor ? 'a plain Tensor' : describeValue(value);
    const expected = held === 'parameters' ? 'a Parameter or null expected: wrap a tensor as new Parameter(t)' : 'a Module or null expected';
    throw new TypeError(`${owner.constructor.name}: cannot assign ${given} to '${name}', which holds a registered ${held === 'parameters' ? 'parameter' : 'child module'} (${expected})`);
  }
  if (value === owner) return;
  const at = nameOf(r, value);
  if (at !== undefined) return; //                                     registered already (explicitly, or under this name)
  if (held !== null && held !== kind) {
    throw new TypeError(`${owner.constructor.name}: cannot assign ${kind === 'parameters' ? 'a Parameter' : 'a Module'} to '${name}', which holds a registered ${held === 'parameters' ? 'parameter' : held === 'buffers' ? 'buffer' : 'child module'}`);
  }
  (r[kind] as Map<string, unknown>).set(name, value); //               a Map keeps the position of a replaced key
  r.automatic.add(name);
}

/**
 * Checks an explicit registration's name on `m`. The same value already under that name is fine
 * (a field assignment registered it first: returns true); one registered from a field under
 * another name moves to this name. Module-level, not a private method: a private member would
 * not be found on the Proxy the constructor returns.
 */
function claim(m: object, name: string, what: string, value: unknown): boolean {
  if (typeof name !== 'string' || name === '' || name.includes('.')) {
    throw new RangeError(`${m.constructor.name}.${what}: name must be a non-empty string without '.', got ${JSON.stringify(name)}`);
  }
  const r = registryOf(m);
  const at = value === undefined ? undefined : nameOf(r, value);
  if (at === name) return true;
  if (at !== undefined && r.automatic.has(at)) {
    r.parameters.delete(at);
    r.children.delete(at);
    r.automatic.delete(at);
  }
  if (r.parameters.has(name) || r.buffers.has(name) || r.children.has(name)) {
    throw new RangeError(`${m.constructor.name}.${what}: '${name}' is already registered`);
  }
  return false;
}

/**
 * The base class of every layer and model, PyTorch's `nn.Module`. A subclass registers its
 * trainable tensors (`this.param`, or a Parameter assigned to a field), its saved-but-not-trained
 * state (`this.buffer`) and its sub-modules (`this.child`, or a Module assigned to a field) in the
 * constructor and says in `forward` how to compute with them; from that registry follow `parameters()`, `namedParameters()`, `stateDict()` /
 * `loadStateDict()` with PyTorch's dotted names, `train()` / `eval()`, `zeroGrad()` and
 * `summary()`. Run a module with `m.forward(x)` (TypeScript objects are not callable).
 * @example
 * class Mlp extends Module {
 *   readonly fc1 = this.child('fc1', new Linear(4, 8));
 *   readonly fc2 = this.child('fc2', new Linear(8, 2));
 *   forward(x: Tensor): Tensor { return this.fc2.forward(this.fc1.forward(x).relu()); }
 * }
 * Object.keys(new Mlp().stateDict())  // ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']
 */
export abstract class Module<Args extends readonly unknown[] = [Tensor], Out = Tensor> {
  /** Whether the module is in training mode (Dropout drops, BatchNorm uses batch statistics). */
  training = true;

  /**
   * Sets up the registry and returns a Proxy of the new module that registers every Parameter or
   * Module written to one of its fields (see the file header).
   */
  constructor() {
    const registry: Registry = { parameters: new Map(), buffers: new Map(), nonPersistent: new Set(), children: new Map(), automatic: new Set() };
    registries.set(this, registry);
    const proxy = new Proxy(this, {
      defineProperty(target, key, descriptor) {
        if (typeof key === 'string' && 'value' in descriptor) registerField(proxy, registry, key, descriptor.value);
        return Reflect.defineProperty(target, key, descriptor);
      },
    });
    registries.set(proxy, registry);
    return proxy;
  }

  /** The computation; run a module with `m.forward(x)`. */
  abstract forward(...args: Args): Out;

  // ── registration ──

  /**
   * Registers a trainable tensor under `name` and returns it as a Parameter (the same object
   * when it already is one, which is how two modules share, or tie, a weight).
   * @example this.weight = this.param('weight', zeros([3, 4]))  // a Parameter [3, 4]
   */
  param(name: string, value: Tensor): Parameter {
    if (!(value instanceof Tensor)) {
      claim(this, name, 'param', undefined);
      throw new TypeError(`${this.constructor.name}.param: '${name}' must be a Tensor, got ${describeValue(value)}`);
    }
    if (claim(this, name, 'param', value)) return value as Parameter;
    const p = value instanceof Parameter ? value : new Parameter(value);
    registryOf(this).parameters.set(name, p);
    return p;
  }

  /**
   * Registers state that is not trained (running statistics, counters). Persistent buffers
   * (the default) appear in `stateDict()`.
   * @example this.runningMean = this.buffer('running_mean', zeros([C]))  // the same tensor
   */
  buffer<T extends Tensor>(name: string, value: T, options: { readonly persistent?: boolean } = {}): T {
    const already = claim(this, name, 'buffer', value);
    if (!(value instanceof Tensor)) throw new TypeError(`${this.constructor.name}.buffer: '${name}' must be a Tensor, got ${describeValue(value)}`);
    const r = registryOf(this);
    if (!already) r.buffers.set(name, value);
    if (options.persistent === false) r.nonPersistent.add(name);
    return value;
  }

  /**
   * Registers a sub-module; its state appears under `name.` in names and state dicts.
   * @example this.fc = this.child('fc', new Linear(4, 2))  // the same Linear
   */
  child<M extends AnyModule>(name: string, module: M): M {
    const already = claim(this, name, 'child', module);
    if (!(module instanceof Module)) throw new TypeError(`${this.constructor.name}.child: '${name}' must be a Module, got ${describeValue(module)}`);
    if (!already) registryOf(this).children.set(name, module);
    return module;
  }

  /** Replaces (keeping its position) or adds the child `name`, for containers whose keys change (ModuleDict). */
  protected setChild(name: string, module: AnyModule): void {
    const r = registryOf(this);
    if (r.children.has(name)) r.children.set(name, module);
    else this.child(name, module);
  }

  /** Replaces (keeping its position) or adds the parameter `name`, for containers whose keys change (ParameterDict). */
  protected setParam(name: string, value: Tensor): Parameter {
    const r = registryOf(this);
    if (!r.parameters.has(name)) return this.param(name, value);
    const p = value instanceof Parameter ? value : new Parameter(value);
    r.parameters.set(name, p);
    return p;
  }

  /** Unregisters the parameter, buffer or child `name`; whether there was one. */
  protected unregister(name: string): boolean {
    const r = registryOf(this);
    r.automatic.delete(name);
    r.nonPersistent.delete(name);
    return r.parameters.delete(name) || r.buffers.delete(name) || r.children.delete(name);
  }

  // ── iteration (each list in registration order; shared objects listed once) ──

  /** [name, child] for the direct children. */
  namedChildren(): [string, AnyModule][] {
    return [...registryOf(this).children];
  }

  children(): AnyModule[] {
    return [...registryOf(this).children.values()];
  }

  /** ['', this] and every descendant with its dotted name, parents before children. */
  namedModules(): [string, AnyModule][] {
    const out: [string, AnyModule][] = [];
    const seen = new Set<AnyModule>();
    const visit = (m: AnyModule, prefix: string): void => {
      if (seen.has(m)) return;
      seen.add(m);
      out.push([prefix, m]);
      for (const [name, c] of registryOf(m).children) visit(c, prefix ? `${prefix}.${name}` : name);
    };
    visit(this as unknown as AnyModule, '');
    return out;
  }

  modules(): AnyModule[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** Every parameter with its dotted name (`0.weight`, `encoder.layers.1.bias`). */
  namedParameters(): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    const seen = new Set<Parameter>();
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, p] of registryOf(m).parameters) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([prefix ? `${prefix}.${name}` : name, p]);
      }
    }
    return out;
  }

  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Every buffer with its dotted name (`bn.running_mean`). */
  namedBuffers(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, b] of registryOf(m).buffers) {
        if (seen.has(b)) continue;
        seen.add(b);
        out.push([prefix ? `${prefix}.${name}` : name, b]);
      }
    }
    return out;
  }

  buffers(): Tensor[] {
    return this.namedBuffers().map(([, b]) => b);
  }

  /** The number of scalar parameters (each shared parameter counted once). */
  numParameters(options: { readonly trainableOnly?: boolean } = {}): number {
    return this.parameters().reduce((n, p) => n + (options.trainableOnly && !p.requiresGrad ? 0 : p.numel()), 0);
  }

  // ── modes and gradients ──

  /** Sets training mode on this module and every descendant; returns this. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Evaluation mode: `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /** Clears every parameter's gradient (to null, as PyTorch's default set_to_none). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /**
   * Moves every parameter, buffer and gradient to `device` ('cpu', 'wasm' or 'webgpu') in place:
   * the tensors keep their identity, so an optimizer made before still holds them. Async, since
   * leaving the GPU is a read (and the WebGPU backend loads on first use).
   * @example await model.to('webgpu'); await setBackend('webgpu')
   */
  async to(device: Device): Promise<this> {
    if (device === 'webgpu') await backendKernels('webgpu');
    for (const t of [...this.parameters(), ...this.buffers()]) {
      await relocate(t, device);
      if (t.grad !== null) await relocate(t.grad, device);
    }
    return this;
  }

  /** Calls `fn` on every module, parents first (e.g. for custom initialisation); returns this. */
  apply(fn: (module: AnyModule) => void): this {
    for (const m of this.modules()) fn(m);
    return this;
  }

  // ── state dicts ──

  /**
   * A snapshot of every parameter and persistent buffer under PyTorch's state_dict keys:
   * detached copies, so later training does not change it (keep it as a "best" checkpoint).
   * @example new Linear(2, 1).stateDict()  // { weight: Tensor [1, 2], bias: Tensor [1] }
   */
  stateDict(): StateDict {
    const dict: StateDict = {};
    noGrad(() => {
      for (const [key, t] of stateEntries(this)) dict[key] = t.detach().clone();
    });
    return dict;
  }

  /**
   * Copies the values of `dict` into this module's parameters and buffers (the tensors keep
   * their identity, so optimizers holding them see the new values). Everything is checked
   * first: on any problem it throws a StateDictError listing all of them and loads nothing.
   */
  loadStateDict(dict: Readonly<Record<string, Tensor>> | ReadonlyMap<string, Tensor>, options: LoadStateDictOptions = {}): LoadStateDictResult {
    if (typeof dict !== 'object' || dict === null || Array.isArray(dict)) {
      throw new TypeError(`${this.constructor.name}.loadStateDict: expected a state dict (a record or Map of name → Tensor), got ${describeValue(dict)}`);
    }
    if (typeof options !== 'object' || options === null) throw new TypeError(`${this.constructor.name}.loadStateDict: options must be an object, got ${describeValue(options)}`);
    const { strict = true } = options;
    const given: Map<string, unknown> = dict instanceof Map ? new Map(dict) : new Map(Object.entries(dict as Readonly<Record<string, Tensor>>));
    const expected = stateEntries(this);
    const expectedKeys = new Set(expected.map(([k]) => k));
    const missingKeys = expected.map(([k]) => k).filter((k) => !given.has(k));
    const unexpectedKeys = [...given.keys()].filter((k) => !expectedKeys.has(k));
    const mismatches: string[] = [];
    const plan: [Tensor, Tensor][] = [];
    for (const [key, target] of expected) {
      if (!given.has(key)) continue;
      const value: unknown = given.get(key);
      if (!(value instanceof Tensor)) {
        mismatches.push(`${key}: expected a Tensor, got ${describeValue(value)}`);
      } else if (fmt(value.shape) !== fmt(target.shape) || value.dtype !== target.dtype) {
        mismatches.push(`${key}: the checkpoint has ${value.dtype} ${fmt(value.shape)}, the model has ${target.dtype} ${fmt(target.shape)}`);
      } else {
        plan.push([target, value]);
      }
    }
    if (mismatches.length || (strict && (missingKeys.length || unexpectedKeys.length))) {
      throw new StateDictError(this.constructor.name, strict ? missingKeys : [], strict ? unexpectedKeys : [], mismatches);
    }
    for (const [target, value] of plan) target.assign(value);
    return { missingKeys, unexpectedKeys };
  }

  // ── description ──

  /** Extra text shown in `toString()` between the parentheses, e.g. `inFeatures=4, outFeatures=2, bias=true`. */
  protected extraRepr(): string {
    return '';
  }

  /**
   * A PyTorch-style tree of the modules.
   * @example String(new Sequential(new Relu()))  // 'Sequential(\n  (0): Relu()\n)'
   */
  toString(): string {
    const head = `${this.constructor.name}(${this.extraRepr()}`;
    const children = registryOf(this).children;
    if (children.size === 0) return `${head})`;
    const lines = [...children].map(([name, c]) => `  (${name}): ${String(c).split('\n').join('\n  ')}`);
    return `${head}\n${lines.join('\n')}\n)`;
  }

  /**
   * Runs a forward pass on zeros of `inputShape` (one shape, or one per forward argument) and
   * tabulates, for each module in call order, its output shape and the number of parameters
   * registered on it (torchinfo's table). The forward runs in eval mode under noGrad, so no
   * running statistics or random state change; the mode is restored afterwards.
   * @example console.log(new Sequential(new Linear(4, 2)).summary([1, 4], { print: false }))
   */
  summary(inputShape: Shape | readonly Shape[], options: SummaryOptions = {}): string {
    const { dtype = 'float32', print = true } = options;
    const shapes: readonly Shape[] = Array.isArray(inputShape[0]) ? (inputShape as readonly Shape[]) : [inputShape as Shape];
    const rows: SummaryRow[] = [];
    const modes = new Map(this.modules().map((m) => [m, m.training]));
    const restore: (() => void)[] = [];
    let depth = 0;
    // Wrap each module's forward in an own property that records a row (a forward hook), and
    // remove the wrappers afterwards; a module called twice gets two rows.
    for (const [name, m] of this.namedModules()) {
      const own = Object.getOwnPropertyDescriptor(m, 'forward');
      const original = m.forward as unknown as (...a: unknown[]) => unknown;
      const hooked = (...args: unknown[]): unknown => {
        const row: SummaryRow = { name, type: m.constructor.name, depth, output: '?', params: ownParameterCount(m) };
        rows.push(row);
        depth++;
        try {
          const out = original.apply(m, args);
          row.output = describeOutput(out);
          return out;
        } finally {
          depth--;
        }
      };
      Object.defineProperty(m, 'forward', { value: hooked, configurable: true, writable: true });
      restore.push(() => {
        if (own) Object.defineProperty(m, 'forward', own);
        else delete (m as { forward?: unknown }).forward;
      });
    }
    try {
      this.eval();
      noGrad(() => (this.forward as unknown as (...a: unknown[]) => unknown)(...shapes.map((s) => zeros(s, { dtype }))));
    } finally {
      for (const undo of restore) undo();
      for (const [m, mode] of modes) m.training = mode;
    }
    const params = this.parameters();
    const text = formatSummary(rows, {
      inputShapes: shapes,
      total: this.numParameters(),
      trainable: this.numParameters({ trainableOnly: true }),
      bytes: params.reduce((n, p) => n + p.numel() * (p.dtype === 'float64' ? 8 : 4), 0),
    });
    if (print) console.log(text);
    return text;
  }

}

/** The live tensors behind a state dict, recursively: own params, own persistent buffers, then children. */
function stateEntries(m: object, prefix = '', out: [string, Tensor][] = []): [string, Tensor][] {
  const r = registryOf(m);
  for (const [name, p] of r.parameters) out.push([prefix + name, p]);
  for (const [name, b] of r.buffers) if (!r.nonPersistent.has(name)) out.push([prefix + name, b]);
  for (const [name, c] of r.children) stateEntries(c, `${prefix}${name}.`, out);
  return out;
}

/** The number of scalars in the parameters registered on `m` itself. */
function ownParameterCount(m: object): number {
  let n = 0;
  for (const p of registryOf(m).parameters.values()) n += p.numel();
  return n;
}

/** A forward's result as a shape: `[2, 10]`, or a list for arrays and objects of tensors. */
function describeOutput(out: unknown): string {
  if (out instanceof Tensor) return `[${out.shape.join(', ')}]`;
  if (Array.isArray(out)) return out.map(describeOutput).join(', ');
  if (out !== null && typeof out === 'object') {
    return Object.entries(out).map(([k, v]) => `${k}: ${describeOutput(v)}`).join(', ');
  }
  return String(out);
}
