/**
 * containers — `Sequential` (a chain: each layer's output is the next one's input) and
 * `ModuleList` (a registered list with no forward of its own), as in PyTorch.
 *
 * Both register their members as children named "0", "1", … so state-dict keys read
 * `features.0.weight`, exactly PyTorch's. A plain JavaScript array of layers would be invisible
 * to `parameters()`: registration is explicit (see module.ts), and these are the way to
 * register a list. `Sequential` also accepts an object of named layers, like PyTorch's
 * `Sequential(OrderedDict(...))`.
 */
import type { Tensor } from '../autograd/tensor.js';
import { Module, type AnyModule } from './module.js';

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
