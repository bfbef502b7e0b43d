/**
 * run-program — runs one chapter program in this process and collects what it prints and the
 * figures it exports (`export const figures = { 'name.svg': svg }`), for sync.ts and the test.
 * Programs run top to bottom when imported, as `npx tsx docs/course/code/<file>` would run them.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';
import { COURSE_DIR } from './includes.js';

export interface ProgramRun {
  /** Every console.log line, joined with newlines. */
  readonly output: string;
  /** File name → SVG text. */
  readonly figures: Readonly<Record<string, string>>;
}

/** The chapter programs, 'code/00-value.ts' first. */
export function programFiles(): string[] {
  return readdirSync(join(COURSE_DIR, 'code')).filter((f) => /^\d\d-[\w-]+\.ts$/.test(f)).sort().map((f) => `code/${f}`);
}

/** Runs `file` (relative to `base`, the course folder by default) and collects its output and figures. */
export async function runProgram(file: string, base = COURSE_DIR): Promise<ProgramRun> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]): void => {
    lines.push(format(...args));
  };
  let module: { readonly figures?: unknown };
  try {
    module = (await import(pathToFileURL(join(base, file)).href)) as { readonly figures?: unknown };
  } finally {
    console.log = log;
  }
  const figures = module.figures ?? {};
  if (typeof figures !== 'object' || figures === null || !Object.values(figures).every((svg) => typeof svg === 'string')) {
    throw new TypeError(`${file}: \`figures\` must map file names to SVG strings`);
  }
  return { output: lines.join('\n'), figures: figures as Record<string, string> };
}
