/**
 * module-registry — what a `Module` has registered (module.ts): its parameters, buffers and
 * children by name, in registration order, and the walks over a tree of modules that follow
 * from it — dotted names (`layer1.0.bn1.running_mean`), the state-dict entries, the parameter
 * count of one module.
 *
 * The registry lives in a WeakMap beside the module, not in a field: the constructor returns a
 * Proxy, and the registry must be found under the module and the Proxy alike (a private member
 * would not be found on the Proxy). This file imports module.ts as types only, so module.ts and
 * the files it delegates to (state dicts, summary) can import it without a cycle.
 */
import type { Tensor } from '../autograd/tensor.js';
import type { AnyModule, Parameter } from './module.js';

/** One module's registry: its parameters, buffers and children by name, in registration order. */
export interface Registry {
  readonly parameters: Map<string, Parameter>;
  readonly buffers: Map<string, Tensor>;
  readonly nonPersistent: Set<string>;
  readonly children: Map<string, AnyModule>;
  /** Names registered from a field assignment: an explicit registration of the same value replaces them. */
  readonly automatic: Set<string>;
}

/** Each module's registry, under both the module and the Proxy its constructor returns. */
const registries = new WeakMap<object, Registry>();

/** A new, empty registry for module `m`, found from now on under `m`. */
export function createRegistry(m: object): Registry {
  const r: Registry = { parameters: new Map(), buffers: new Map(), nonPersistent: new Set(), children: new Map(), automatic: new Set() };
  registries.set(m, r);
  return r;
}

/** Also finds `r` under `alias` (the Proxy a module's constructor returns). */
export function shareRegistry(alias: object, r: Registry): void {
  registries.set(alias, r);
}

/** The registry of module `m`; a TypeError when `m` is not a constructed Module. */
export function registryOf(m: object): Registry {
  const r = registries.get(m);
  if (!r) throw new TypeError(`${m.constructor.name}: not a constructed Module (its registry is missing)`);
  return r;
}

/** How a value that is not what was expected reads in an error message. */
export const describeValue = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v);

/** The name `value` is registered under on this module (as a parameter, buffer or child), if any. */
export function nameOf(r: Registry, value: unknown): string | undefined {
  for (const map of [r.parameters, r.buffers, r.children] as const) {
    for (const [name, v] of map as Map<string, unknown>) if (v === value) return name;
  }
  return undefined;
}

/**
 * Checks an explicit registration's name on `m`. The same value already under that name is fine
 * (a field assignment registered it first: returns true); one registered from a field under
 * another name moves to this name. Module-level, not a private method: a private member would
 * not be found on the Proxy the constructor returns.
 */
export function claim(m: object, name: string, what: string, value: unknown): boolean {
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

/** `root` (named '') and every descendant with its dotted name, parents before children; a module shared by several parents listed once. */
export function namedModulesOf(root: AnyModule): [string, AnyModule][] {
  const out: [string, AnyModule][] = [];
  const seen = new Set<AnyModule>();
  const visit = (m: AnyModule, prefix: string): void => {
    if (seen.has(m)) return;
    seen.add(m);
    out.push([prefix, m]);
    for (const [name, c] of registryOf(m).children) visit(c, prefix ? `${prefix}.${name}` : name);
  };
  visit(root, '');
  return out;
}

/** The tensors `pick` takes from each module's registry (its parameters, or its buffers), under their dotted names; a tensor shared by several modules listed once. */
export function namedTensorsOf<T extends Tensor>(modules: readonly (readonly [string, AnyModule])[], pick: (r: Registry) => ReadonlyMap<string, T>): [string, T][] {
  const out: [string, T][] = [];
  const seen = new Set<T>();
  for (const [prefix, m] of modules) {
    for (const [name, t] of pick(registryOf(m))) {
      if (seen.has(t)) continue;
      seen.add(t);
      out.push([prefix ? `${prefix}.${name}` : name, t]);
    }
  }
  return out;
}

/** The live tensors behind a state dict, recursively: own params, own persistent buffers, then children. */
export function stateEntries(m: object, prefix = '', out: [string, Tensor][] = []): [string, Tensor][] {
  const r = registryOf(m);
  for (const [name, p] of r.parameters) out.push([prefix + name, p]);
  for (const [name, b] of r.buffers) if (!r.nonPersistent.has(name)) out.push([prefix + name, b]);
  for (const [name, c] of r.children) stateEntries(c, `${prefix}${name}.`, out);
  return out;
}

/** The number of scalars in the parameters registered on `m` itself. */
export function ownParameterCount(m: object): number {
  let n = 0;
  for (const p of registryOf(m).parameters.values()) n += p.numel();
  return n;
}
