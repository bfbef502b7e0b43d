/**
 * select — which test files `npm run exercise -- <chapter>` runs: those of chapters 0–9 whose
 * names start with the chapter's two digits.
 */
import { readdirSync } from 'node:fs';

/** The exercise test files of `chapter` ('3' or '03') in `dir`, or an error that says why none. */
export function exerciseTests(chapter: string | undefined, dir: string): string[] {
  const usage = 'usage: npm run exercise -- <chapter>   (0–9; e.g. npm run exercise -- 3)';
  if (chapter === undefined || !/^\d{1,2}$/.test(chapter)) throw new RangeError(`exercise: expected a chapter number, got ${chapter === undefined ? 'nothing' : `"${chapter}"`}\n${usage}`);
  const number = String(Number(chapter));
  const prefix = `${number.padStart(2, '0')}-`;
  const files = readdirSync(dir).filter((f) => f.startsWith(prefix) && f.endsWith('.test.ts')).sort();
  if (files.length === 0) throw new RangeError(`exercise: chapter ${number} has no exercises\n${usage}`);
  return files;
}
