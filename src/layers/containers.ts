/**
 * containers — `Sequential` (a chain: each layer's output is the next one's input), and the
 * registered collections with no forward of their own, as in PyTorch: `ModuleList`,
 * `ModuleDict`, `ParameterList`, `ParameterDict`.
 *
 * The lists register their members as children (or parameters) named "0", "1", … so state-dict
 * keys read `features.0.weight`, exactly PyTorch's; the dicts use their keys. A plain JavaScript
 * array or object of layers is invisible to `parameters()` (fields register themselves only when
 * they hold a Module or a Parameter: module.ts), so these are the way to register a collection.
 * `Sequential` also accepts an object of named layers, like PyTorch's `Sequential(OrderedDict(...))`.
 * The two dicts share their Map-like members (`KeyedContainer`) and differ only in what they hold.
 */
import { Tensor } from '../autograd/tensor.js';
import { Module, Parameter, type AnyModule } from './module.js';

/** A module that maps one tensor to one tensor: what a Sequential chains. */
export type TensorModule = Module<[Tensor], Tensor>;

/**
 * Runs its layers in order: y = layerₙ(… layer₁(x)).
 * @example new Sequential(new Linear(4, 8), new Relu(), new Linear(8, 2)).forward(zeros([1, 4])).shape  // [1, 2]
 */
export class Sequential extends Module {
  readonly #layers: TensorModule[] = [];

  constructor(...layers: TensorModule[] | [Readonly<Record<string, TensorModule>>]) {
    super();
    const [first] = layers;
    if (layers.length === 1 && !(first instanceof Module) && typeof first === 'object' && first !== null) {
      for (const [name, layer] of Object.entries(first)) this.#add(name, layer);
    } else {
      for (const layer of layers as TensorModule[]) this.append(layer);
    }
  }

  #add(name: string, layer: TensorModule): void {
    this.child(name, layer);
    this.#layers.push(layer);
  }

  /** Adds a layer at the end, named by its position; returns this. */
  append(layer: TensorModule): this {
    this.#add(String(this.#layers.length), layer);
    return this;
  }

  get length(): number {
    return this.#layers.length;
  }

  /** The layer at `index` (negative counts from the end). */
  at(index: number): TensorModule {
    const layer = this.#layers.at(index);
    if (!layer) throw new RangeError(`Sequential.at: index ${index} is out of range for ${this.#layers.length} layers`);
    return layer;
  }

  [Symbol.iterator](): Iterator<TensorModule> {
    return this.#layers[Symbol.iterator]();
  }

  forward(x: Tensor): Tensor {
    let y = x;
    for (const layer of this.#layers) y = layer.forward(y);
    return y;
  }
}

/**
 * A list of registered modules; iterate over it in your own forward.
 * @example const blocks = this.child('blocks', new ModuleList([new Linear(4, 4), new Linear(4, 4)]))
 */
export class ModuleList<M extends AnyModule = AnyModule> extends Module<never[], never> {
  readonly #items: M[] = [];

  constructor(modules: Iterable<M> = []) {
    super();
    for (const m of modules) this.append(m);
  }

  append(module: M): this {
    this.child(String(this.#items.length), module);
    this.#items.push(module);
    return this;
  }

  get length(): number {
    return this.#items.length;
  }

  at(index: number): M {
    const m = this.#items.at(index);
    if (!m) throw new RangeError(`ModuleList.at: index ${index} is out of range for ${this.#items.length} modules`);
    return m;
  }

  [Symbol.iterator](): Iterator<M> {
    return this.#items[Symbol.iterator]();
  }

  /** A ModuleList has no forward of its own (as in PyTorch): iterate over it instead. */
  forward(): never {
    throw new Error('ModuleList: it has no forward(); iterate over it in the forward of the module that owns it');
  }
}

/** The entries of a record, or of an iterable of [key, value] pairs, in order. */
function entriesOf<V>(items: Readonly<Record<string, V>> | Iterable<readonly [string, V]>): [string, V][] {
  return Symbol.iterator in items ? [...(items as Iterable<readonly [string, V]>)].map(([k, v]) => [k, v]) : Object.entries(items);
}

/**
 * What `ModuleDict` and `ParameterDict` share: values of type V under string keys, registered on
 * the module by those keys, in insertion order, read as a JavaScript Map is. Each subclass says
 * in `set` what it accepts (an `In`) and how it registers it; setting an existing key replaces
 * its value in place. No forward of its own.
 */
export abstract class KeyedContainer<In, V extends In> extends Module<never[], never> {
  readonly #items = new Map<string, V>();
  readonly #label: string;

  /** `label` names the container in errors ('ModuleDict'); `items` are set in order. */
  constructor(label: string, items: Readonly<Record<string, In>> | Iterable<readonly [string, In]>) {
    super();
    this.#label = label;
    for (const [key, value] of entriesOf(items)) this.set(key, value);
  }

  /** Registers `value` under `key` (replacing, in place, what the key held); returns this. */
  abstract set(key: string, value: In): this;

  /** Keeps `value` under `key`, once `set` has registered it. */
  protected keep(key: string, value: V): void {
    this.#items.set(key, value);
  }

  /** The value under `key` (a RangeError naming the keys when there is none). */
  get(key: string): V {
    const value = this.#items.get(key);
    if (!value) throw new RangeError(`${this.#label}.get: no key '${key}' (keys: ${[...this.#items.keys()].join(', ') || 'none'})`);
    return value;
  }

  has(key: string): boolean {
    return this.#items.has(key);
  }

  /** Removes `key` and its value (PyTorch's pop); whether it was there. */
  delete(key: string): boolean {
    if (!this.#items.delete(key)) return false;
    this.unregister(key);
    return true;
  }

  keys(): string[] {
    return [...this.#items.keys()];
  }

  values(): V[] {
    return [...this.#items.values()];
  }

  entries(): [string, V][] {
    return [...this.#items.entries()];
  }

  get size(): number {
    return this.#items.size;
  }

  /** Iterates over [key, value] pairs, in insertion order. */
  [Symbol.iterator](): Iterator<[string, V]> {
    return this.#items.entries();
  }
}

/**
 * Modules under string keys, registered as children by those keys (torch.nn.ModuleDict): state
 * names read `heads.cls.weight`. Keys keep their insertion order; setting an existing key
 * replaces its module in place. No forward of its own.
 * @example new ModuleDict({ cls: new Linear(4, 2) }).get('cls').outFeatures  // 2
 */
export class ModuleDict<M extends AnyModule = AnyModule> extends KeyedContainer<M, M> {
  constructor(modules: Readonly<Record<string, M>> | Iterable<readonly [string, M]> = {}) {
    super('ModuleDict', modules);
  }

  /** Registers `module` under `key` (replacing, in place, what the key held); returns this. */
  set(key: string, module: M): this {
    if (!(module instanceof Module)) throw new TypeError(`ModuleDict.set: '${key}' must be a Module, got ${module === null ? 'null' : typeof module}`);
    this.setChild(key, module);
    this.keep(key, module);
    return this;
  }

  /** A ModuleDict has no forward of its own (as in PyTorch): pick modules from it instead. */
  forward(): never {
    throw new Error('ModuleDict: it has no forward(); pick its modules with get() in the forward of the module that owns it');
  }
}

/**
 * Parameters in a list, registered as "0", "1", … (torch.nn.ParameterList); a tensor given is
 * wrapped as a Parameter (sharing its storage). No forward of its own.
 * @example new ParameterList([zeros([2]), ones([3])]).at(1).shape  // [3]
 */
export class ParameterList extends Module<never[], never> {
  readonly #items: Parameter[] = [];

  constructor(values: Iterable<Tensor> = []) {
    super();
    for (const t of values) this.append(t);
  }

  /** Registers `value` (as a Parameter) at the end; returns this. */
  append(value: Tensor): this {
    if (!(value instanceof Tensor)) throw new TypeError(`ParameterList.append: expected a Tensor, got ${value === null ? 'null' : typeof value}`);
    this.#items.push(this.param(String(this.#items.length), value));
    return this;
  }

  get length(): number {
    return this.#items.length;
  }

  /** The parameter at `index` (negative counts from the end). */
  at(index: number): Parameter {
    const p = this.#items.at(index);
    if (!p) throw new RangeError(`ParameterList.at: index ${index} is out of range for ${this.#items.length} parameters`);
    return p;
  }

  [Symbol.iterator](): Iterator<Parameter> {
    return this.#items[Symbol.iterator]();
  }

  /** A ParameterList has no forward of its own (as in PyTorch). */
  forward(): never {
    throw new Error('ParameterList: it has no forward(); use its parameters in the forward of the module that owns it');
  }
}

/**
 * Parameters under string keys, registered by those keys (torch.nn.ParameterDict); a tensor
 * given is wrapped as a Parameter. Setting an existing key replaces it in place. No forward.
 * @example new ParameterDict({ scale: ones([1]) }).get('scale').requiresGrad  // true
 */
export class ParameterDict extends KeyedContainer<Tensor, Parameter> {
  constructor(values: Readonly<Record<string, Tensor>> | Iterable<readonly [string, Tensor]> = {}) {
    super('ParameterDict', values);
  }

  /** Registers `value` (as a Parameter) under `key`, replacing in place what the key held; returns this. */
  set(key: string, value: Tensor): this {
    if (!(value instanceof Tensor)) throw new TypeError(`ParameterDict.set: '${key}' must be a Tensor, got ${value === null ? 'null' : typeof value}`);
    this.keep(key, this.setParam(key, value));
    return this;
  }

  /** A ParameterDict has no forward of its own (as in PyTorch). */
  forward(): never {
    throw new Error('ParameterDict: it has no forward(); use its parameters in the forward of the module that owns it');
  }
}
