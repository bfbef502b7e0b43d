/**
 * The exercises themselves, as the learner receives them: every exercise has a test file and a
 * reference solution exporting the same names; every exercise still throws a clear
 * "not implemented yet: <what to do>" from at least one of its functions or methods (so nobody
 * ships a filled-in exercise by mistake), and no solution throws it. (This file is not an
 * exercise test, so its imports are never redirected to the solutions.)
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, test } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const exercises = readdirSync(here).filter((f) => /^\d\d-\d-[\w-]+\.ts$/.test(f) && !f.endsWith('.test.ts')).sort();
const STUB = /^not implemented yet: /;

/** Every callable member of a module: its functions, and each class's constructor and prototype methods. */
function members(module: Record<string, unknown>): { name: string; call: () => unknown }[] {
  return Object.entries(module).flatMap(([name, value]) => {
    if (typeof value !== 'function') return [];
    const fn = value as (...args: unknown[]) => unknown;
    const isClass = /^class\b/.test(Function.prototype.toString.call(value));
    if (!isClass) return [{ name, call: () => fn() }];
    const ctor = value as new (...args: unknown[]) => unknown;
    const proto = ctor.prototype as Record<string, unknown>;
    const methods = Object.getOwnPropertyNames(proto).filter((m) => m !== 'constructor' && typeof proto[m] === 'function');
    return [
      { name: `new ${name}`, call: () => new ctor() },
      ...methods.map((m) => ({ name: `${name}.${m}`, call: () => (proto[m] as () => unknown).call(Object.create(proto)) })),
    ];
  });
}

/** The message of what `call` throws, or null. */
function thrown(call: () => unknown): string | null {
  try {
    call();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

const load = async (path: string): Promise<Record<string, unknown>> => (await import(pathToFileURL(path).href)) as Record<string, unknown>;

describe('the exercises as handed out', () => {
  test('26 exercises across chapters 0–6 and 8, each with a test and a solution', () => {
    expect(exercises).toHaveLength(26);
    expect([...new Set(exercises.map((f) => f.slice(0, 2)))]).toEqual(['00', '01', '02', '03', '04', '05', '06', '08']);
    const files = new Set(readdirSync(here));
    const solutions = new Set(readdirSync(join(here, 'solutions')));
    for (const f of exercises) {
      expect(files.has(f.replace(/\.ts$/, '.test.ts')), `${f} has no test file`).toBe(true);
      expect(solutions.has(f), `${f} has no solution in exercises/solutions/`).toBe(true);
    }
  });

  for (const file of exercises) {
    test(`${file}: still a stub with a clear message; its solution exports the same names and is complete`, async () => {
      const stub = await load(join(here, file));
      const solution = await load(join(here, 'solutions', file));
      expect(Object.keys(solution).sort(), `${file}: the solution exports other names than the exercise`).toEqual(Object.keys(stub).sort());
      const messages = members(stub).map((m) => thrown(m.call)).filter((m): m is string => m !== null && m.startsWith('not implemented'));
      expect(messages.length, `${file}: nothing throws "not implemented yet: …" — is the exercise filled in?`).toBeGreaterThan(0);
      for (const message of messages) expect(message, `${file}: a stub message must say what to do`).toMatch(/^not implemented yet: \S.{30,}/);
      for (const m of members(solution)) expect(thrown(m.call) ?? '', `solutions/${file}: ${m.name} is still a stub`).not.toMatch(STUB);
    });
  }
});
