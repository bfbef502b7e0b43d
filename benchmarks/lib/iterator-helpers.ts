/**
 * iterator-helpers — `map` and `filter` on iterators (ES2025's iterator helpers, in Node ≥ 22),
 * added where missing. jax-js 0.1.25 calls `str.matchAll(re).map(…)` in its einsum parser (which
 * its attention and matmuls go through), which throws on Node 20. Nothing else is patched.
 */
type Helpers = { map?: unknown; filter?: unknown };
const iteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())) as Helpers;

if (typeof iteratorPrototype.map !== 'function') {
  Object.defineProperty(iteratorPrototype, 'map', {
    configurable: true, writable: true,
    value: function* map<T, U>(this: Iterator<T>, fn: (value: T, index: number) => U): Generator<U> {
      let i = 0;
      for (let r = this.next(); !r.done; r = this.next()) yield fn(r.value, i++);
    },
  });
}
if (typeof iteratorPrototype.filter !== 'function') {
  Object.defineProperty(iteratorPrototype, 'filter', {
    configurable: true, writable: true,
    value: function* filter<T>(this: Iterator<T>, fn: (value: T, index: number) => boolean): Generator<T> {
      let i = 0;
      for (let r = this.next(); !r.done; r = this.next()) if (fn(r.value, i++)) yield r.value;
    },
  });
}

export {};
