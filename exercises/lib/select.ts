/**
 * select — which test files `npm run exercise -- <chapter>` runs. Chapters 7 (attention and
 * Transformers) and 9 (performance) come with issues 16 and 17; asking for them says so.
 */
import { readdirSync } from 'node:fs';

export const LATER: Readonly<Record<string, string>> = {
  '7': 'chapter 7 (attention and Transformers) comes with issue 16; its exercises are not written yet',
  '9': 'chapter 9 (performance) comes with issue 17; its exercises are not written yet',
};

/** The exercise test files of `chapter` ('3' or '03') in `dir`, or an error that says why none. */
export function exerciseTests(chapter: string | undefined, dir: string): string[] {
  const usage = 'usage: npm run exercise -- <chapter>   (0–6 or 8; e.g. npm run exercise -- 3)';
  if (chapter === undefined || !/^\d{1,2}$/.test(chapter)) throw new RangeError(`exercise: expected a chapter number, got ${chapter === undefined ? 'nothing' : `"${chapter}"`}\n${usage}`);
  const number = String(Number(chapter));
  if (LATER[number]) throw new RangeError(`exercise: ${LATER[number]}\n${usage}`);
  const prefix = `${number.padStart(2, '0')}-`;
  const files = readdirSync(dir).filter((f) => f.startsWith(prefix) && f.endsWith('.test.ts')).sort();
  if (files.length === 0) throw new RangeError(`exercise: chapter ${number} has no exercises\n${usage}`);
  return files;
}
