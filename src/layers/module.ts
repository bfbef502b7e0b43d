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
 * Beside it: the registry and the walks over it (module-registry.ts), state dicts
 * (module-state-dict.ts) and the summary table (summary.ts).
 */
import type { Shape } from '../autograd/shape.js';
import { inspectCustom, Tensor } from '../autograd/tensor.js';
import { relocate, storageObject } from '../autograd/tensor-storage.js';
import { backendKernels } from '../autograd/backends/index.js';
import type { Device } from '../autograd/device.js';
import { claim, createRegistry, describeValue, nameOf, namedModulesOf, namedTensorsOf, registryOf, shareRegistry, type Registry } from './module-registry.js';
import { loadStateDictInto, stateDictOf, type LoadStateDictOptions, type LoadStateDictResult, type StateDict } from './module-state-dict.js';
import { summarize, type SummaryOptions } from './summary.js';

export { StateDictError, type LoadStateDictOptions, type LoadStateDictResult, type StateDict } from './module-state-dict.js';
export type { SummaryOptions } from './summary.js';

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
    const registry = createRegistry(this);
    const proxy = new Proxy(this, {
      defineProperty(target, key, descriptor) {
        if (typeof key === 'string' && 'value' in descriptor) registerField(proxy, registry, key, descriptor.value);
        return Reflect.defineProperty(target, key, descriptor);
      },
    });
    shareRegistry(proxy, registry);
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
    return namedModulesOf(this as unknown as AnyModule);
  }

  modules(): AnyModule[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** Every parameter with its dotted name (`0.weight`, `encoder.layers.1.bias`). */
  namedParameters(): [string, Parameter][] {
    return namedTensorsOf(this.namedModules(), (r) => r.parameters);
  }

  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Every buffer with its dotted name (`bn.running_mean`). */
  namedBuffers(): [string, Tensor][] {
    return namedTensorsOf(this.namedModules(), (r) => r.buffers);
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
    return stateDictOf(this);
  }

  /**
   * Copies the values of `dict` into this module's parameters and buffers (the tensors keep
   * their identity, so optimizers holding them see the new values). Everything is checked
   * first: on any problem it throws a StateDictError listing all of them and loads nothing.
   */
  loadStateDict(dict: Readonly<Record<string, Tensor>> | ReadonlyMap<string, Tensor>, options: LoadStateDictOptions = {}): LoadStateDictResult {
    return loadStateDictInto(this, dict, options);
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
    return summarize(this as unknown as AnyModule, inputShape, options);
  }
}
