/**
 * solutions-plugin — the switch between the learner's code and the reference solutions.
 *
 * An exercise test imports the exercise the way a learner reads it: `import { … } from
 * './03-train-step.js'`. By default (`npm test`, CI) this plugin resolves that import to
 * `exercises/solutions/03-train-step.ts`, so the suite proves the solutions and never runs the
 * stubs. `npm run exercise -- <chapter>` sets SAPLING_EXERCISES=yours, and the same tests run
 * against the files in exercises/ that the learner fills in. Only imports of `./NN-name.js`
 * made by an exercise test (`exercises/NN-name.test.ts`) are redirected.
 */
import { basename, dirname, join } from 'node:path';

export const MODE_VARIABLE = 'SAPLING_EXERCISES';

/** Where an exercise test's import should resolve, or null to leave it alone. */
export function solutionPath(source: string, importer: string | undefined, mode: string | undefined): string | null {
  if (mode === 'yours' || importer === undefined) return null;
  if (!/^\d\d-[\w-]+\.test\.ts$/.test(basename(importer)) || basename(dirname(importer)) !== 'exercises') return null;
  const match = /^\.\/(\d\d-[\w-]+)\.js$/.exec(source);
  return match ? join(dirname(importer), 'solutions', `${match[1]}.ts`) : null;
}

/** The vite/vitest plugin: `plugins: [exerciseSolutions()]`. */
export function exerciseSolutions(): { name: string; enforce: 'pre'; resolveId(source: string, importer?: string): string | null } {
  return {
    name: 'sapling-exercise-solutions',
    enforce: 'pre',
    resolveId: (source, importer) => solutionPath(source, importer?.replace(/\?.*$/, ''), process.env[MODE_VARIABLE]),
  };
}
