/**
 * module — `Module`, the base class of every layer and model, and `Parameter`, a tensor that
 * belongs to one (PyTorch's `nn.Module` and `nn.Parameter`).
 *
 * A module owns three kinds of state, each registered explicitly in the constructor:
 *   param(name, t)    a trainable tensor (requiresGrad), returned as a `Parameter`
 *   buffer(name, t)   state that is saved but not trained (BatchNorm's running statistics)
 *   child(name, m)    a sub-module, whose state appears under "name."
 * Each returns what it registers, so a field and its registration are one line. The registry,
 * not reflection over fields, defines `parameters()`, `stateDict()` and the dotted names
 * (`layer1.0.bn1.running_mean`): the same keys, in the same order, as PyTorch's state_dict, so
 * weights move between the two by name.
 *
 * Calling a module: TypeScript objects cannot be made callable, so a module is run with
 * `m.forward(x)` (where PyTorch writes `m(x)`). `forward` is typed by the subclass: the two type
 * parameters are its argument list and its result (`Module` alone means Tensor → Tensor).
 */
import { noGrad } from '../autograd/function.js';
import { zeros } from '../autograd/creation.js';
import type { DType } from '../autograd/dtype.js';
import { fmt, type Shape } from '../autograd/shape.js';
import { relocate, storageObject, Tensor } from '../autograd/tensor.js';
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
}

/** Any module, whatever its forward's signature; what containers and iteration hand out. */
// `never` arguments make every module assignable here; call forward only through a precise type.
export type AnyModule = Module<never, unknown>;

/** A state dict: dotted names → tensors, in registration order (a plain object or a Map). */
export type StateDict = Record<string, Tensor>;

export interface LoadStateDictOptions {
  /** Refuse missing and unexpected keys (default true). Shape and dtype mismatches are always refused. */
  readonly strict?: boolean;
}

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

export interface SummaryOptions {
  /** dtype of the zero inputs (default float32; int32 for an Embedding-first model). */
  readonly dtype?: DType;
  /** Print the table with console.log (default true); it is returned either way. */
  readonly print?: boolean;
}

const describeValue = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v);

export abstract class Module<Args extends readonly unknown[] = [Tensor], Out = Tensor> {
  /** Whether the module is in training mode (Dropout drops, BatchNorm uses batch statistics). */
  training = true;
  readonly #parameters = new Map<string, Parameter>();
  readonly #buffers = new Map<string, Tensor>();
  readonly #nonPersistent = new Set<string>();
  readonly #children = new Map<string, AnyModule>();

  /** The computation; run a module with `m.forward(x)`. */
  abstract forward(...args: Args): Out;

  // ── registration ──

  #checkName(name: string, what: string): void {
    if (typeof name !== 'string' || name === '' || name.includes('.')) {
      throw new RangeError(`${this.constructor.name}.${what}: name must be a non-empty string without '.', got ${JSON.stringify(name)}`);
    }
    if (this.#parameters.has(name) || this.#buffers.has(name) || this.#children.has(name)) {
      throw new RangeError(`${this.constructor.name}.${what}: '${name}' is already registered`);
    }
  }

  /**
   * Registers a trainable tensor under `name` and returns it as a Parameter (the same object
   * when it already is one, which is how two modules share, or tie, a weight).
   * @example this.weight = this.param('weight', zeros([3, 4]))  // a Parameter [3, 4]
   */
  param(name: string, value: Tensor): Parameter {
    this.#checkName(name, 'param');
    if (!(value instanceof Tensor)) throw new TypeError(`${this.constructor.name}.param: '${name}' must be a Tensor, got ${describeValue(value)}`);
    const p = value instanceof Parameter ? value : new Parameter(value);
    this.#parameters.set(name, p);
    return p;
  }

  /**
   * Registers state that is not trained (running statistics, counters). Persistent buffers
   * (the default) appear in `stateDict()`.
   * @example this.runningMean = this.buffer('running_mean', zeros([C]))  // the same tensor
   */
  buffer<T extends Tensor>(name: string, value: T, options: { readonly persistent?: boolean } = {}): T {
    this.#checkName(name, 'buffer');
    if (!(value instanceof Tensor)) throw new TypeError(`${this.constructor.name}.buffer: '${name}' must be a Tensor, got ${describeValue(value)}`);
    this.#buffers.set(name, value);
    if (options.persistent === false) this.#nonPersistent.add(name);
    return value;
  }

  /**
   * Registers a sub-module; its state appears under `name.` in names and state dicts.
   * @example this.fc = this.child('fc', new Linear(4, 2))  // the same Linear
   */
  child<M extends AnyModule>(name: string, module: M): M {
    this.#checkName(name, 'child');
    if (!(module instanceof Module)) throw new TypeError(`${this.constructor.name}.child: '${name}' must be a Module, got ${describeValue(module)}`);
    this.#children.set(name, module);
    return module;
  }

  // ── iteration (each list in registration order; shared objects listed once) ──

  /** [name, child] for the direct children. */
  namedChildren(): [string, AnyModule][] {
    return [...this.#children];
  }

  children(): AnyModule[] {
    return [...this.#children.values()];
  }

  /** ['', this] and every descendant with its dotted name, parents before children. */
  namedModules(): [string, AnyModule][] {
    const out: [string, AnyModule][] = [];
    const seen = new Set<AnyModule>();
    const visit = (m: AnyModule, prefix: string): void => {
      if (seen.has(m)) return;
      seen.add(m);
      out.push([prefix, m]);
      for (const [name, c] of m.#children) visit(c, prefix ? `${prefix}.${name}` : name);
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
      for (const [name, p] of m.#parameters) {
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
      for (const [name, b] of m.#buffers) {
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
    return this.parameters().reduce((n, p) => n + (options.trainableOnly && !p.requiresGrad ? 0 : p.size), 0);
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

  /** The live tensors behind the state dict, recursively: own params, own buffers, then children. */
  #stateEntries(prefix = '', out: [string, Tensor][] = []): [string, Tensor][] {
    for (const [name, p] of this.#parameters) out.push([prefix + name, p]);
    for (const [name, b] of this.#buffers) if (!this.#nonPersistent.has(name)) out.push([prefix + name, b]);
    for (const [name, c] of this.#children) c.#stateEntries(`${prefix}${name}.`, out);
    return out;
  }

  /**
   * A snapshot of every parameter and persistent buffer under PyTorch's state_dict keys:
   * detached copies, so later training does not change it (keep it as a "best" checkpoint).
   * @example new Linear(2, 1).stateDict()  // { weight: Tensor [1, 2], bias: Tensor [1] }
   */
  stateDict(): StateDict {
    const dict: StateDict = {};
    noGrad(() => {
      for (const [key, t] of this.#stateEntries()) dict[key] = t.detach().clone();
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
    const expected = this.#stateEntries();
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
    if (this.#children.size === 0) return `${head})`;
    const lines = [...this.#children].map(([name, c]) => `  (${name}): ${String(c).split('\n').join('\n  ')}`);
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
        const row: SummaryRow = { name, type: m.constructor.name, depth, output: '?', params: m.#ownParameterCount() };
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
      bytes: params.reduce((n, p) => n + p.size * (p.dtype === 'float64' ? 8 : 4), 0),
    });
    if (print) console.log(text);
    return text;
  }

  /** The number of scalars in the parameters registered on this module itself. */
  #ownParameterCount(): number {
    let n = 0;
    for (const p of this.#parameters.values()) n += p.size;
    return n;
  }
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
