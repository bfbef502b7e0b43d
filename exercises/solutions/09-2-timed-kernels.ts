/** Reference solution of exercise 9.2 (exercises/09-2-timed-kernels.ts). */
import type { Kernels } from '../../src/index.js';

export type Totals = Map<string, { ms: number; calls: number }>;

export function timedKernels(k: Kernels, totals: Totals, now: () => number = () => performance.now()): Kernels {
  const wrapped: Record<string, unknown> = { ...k };
  for (const [name, fn] of Object.entries(k)) {
    if (typeof fn !== 'function') continue;
    wrapped[name] = (...args: unknown[]): unknown => {
      const key = typeof args[0] === 'string' ? `${name}:${args[0]}` : name;
      const start = now();
      try {
        return (fn as (...a: unknown[]) => unknown).apply(k, args);
      } finally {
        const entry = totals.get(key) ?? { ms: 0, calls: 0 };
        entry.ms += now() - start;
        entry.calls++;
        totals.set(key, entry);
      }
    };
  }
  return wrapped as unknown as Kernels;
}
