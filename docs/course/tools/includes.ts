/**
 * includes — how a course page and its code files stay one text.
 *
 * A page shows code only through markers that name a file under docs/course/code/:
 *   <!-- include: code/00-value.ts -->            the whole file
 *   <!-- include: code/00-value.ts#backward -->   the lines between `// #region backward` and
 *                                                 `// #endregion` in that file
 *   <!-- output: code/00-neuron.ts -->            what the program prints (console.log lines)
 * Each marker is followed by a fenced block (```ts for code, ```text for output). Region marker
 * lines never appear on the page. `sync.ts` rewrites the blocks from the files; the course test
 * fails when a page and its files differ, or when a ```ts block has no include marker. Pages
 * outside the course (SNIPPET_PAGES) use the same markers, with paths relative to the page.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder that holds the chapter pages (docs/course). */
export const COURSE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface Marker {
  readonly kind: 'include' | 'output';
  /** Path relative to docs/course, e.g. 'code/00-value.ts'. */
  readonly file: string;
  readonly region: string | null;
  /** Index of the marker line; the fence opens on the next line. */
  readonly line: number;
  /** The block's current text and the index of its closing fence. */
  readonly body: string;
  readonly end: number;
  readonly fence: string;
}

const MARKER = /^<!-- (include|output): ([\w./-]+?)(?:#([\w-]+))? -->$/;
const REGION = /^\s*\/\/ #(region|endregion)\b\s*([\w-]*)/;

/** Every include/output marker of a page, with the block that follows it. */
export function findMarkers(page: string, pageName: string): Marker[] {
  const lines = page.split('\n');
  const markers: Marker[] = [];
  lines.forEach((text, line) => {
    const m = MARKER.exec(text);
    if (!m) return;
    const fence = lines[line + 1] ?? '';
    if (!/^```\w+$/.test(fence)) throw new Error(`${pageName}:${line + 1}: the marker "${text}" must be followed by a fenced block, found "${fence}"`);
    const end = lines.indexOf('```', line + 2);
    if (end < 0) throw new Error(`${pageName}:${line + 2}: the block after "${text}" is never closed`);
    const kind = m[1] as 'include' | 'output';
    markers.push({ kind, file: m[2]!, region: m[3] ?? null, line, body: lines.slice(line + 2, end).join('\n'), end, fence });
  });
  return markers;
}

/** Line numbers (1-based) of ```ts blocks that no include marker introduces. */
export function unmarkedTsBlocks(page: string): number[] {
  const lines = page.split('\n');
  const found: number[] = [];
  let inFence = false;
  lines.forEach((text, i) => {
    if (!text.startsWith('```')) return;
    if (!inFence && /^```(ts|typescript)\s*$/.test(text) && !MARKER.test(lines[i - 1] ?? '')) found.push(i + 1);
    inFence = !inFence;
  });
  return found;
}

/** The repository's root folder. */
export const REPO_ROOT = join(COURSE_DIR, '..', '..');

/**
 * Pages outside the course that show code the same way, relative to the repository root; a
 * marker's file is relative to its page's folder (e.g. from-pytorch/tensors.ts beside
 * docs/from-pytorch.md). The docs snippet test and build.ts handle them like the chapters.
 */
export const SNIPPET_PAGES: readonly string[] = ['docs/from-pytorch.md', 'src/data/README.md'];

/** The text a marker shows: a whole file or one region, without region marker lines; `file` is relative to `base`. */
export function includedText(file: string, region: string | null, base = COURSE_DIR): string {
  const source = readFileSync(join(base, file), 'utf8').replace(/\n+$/, '');
  const lines = source.split('\n');
  let selected = lines;
  if (region !== null) {
    const start = lines.findIndex((l) => REGION.exec(l)?.[1] === 'region' && REGION.exec(l)?.[2] === region);
    if (start < 0) throw new Error(`${file}: no "// #region ${region}"`);
    let depth = 0;
    let end = -1;
    for (let i = start + 1; i < lines.length && end < 0; i++) {
      const kind = REGION.exec(lines[i]!)?.[1];
      if (kind === 'region') depth++;
      if (kind === 'endregion' && depth-- === 0) end = i;
    }
    if (end < 0) throw new Error(`${file}: "// #region ${region}" has no "// #endregion"`);
    selected = lines.slice(start + 1, end);
  }
  return selected.filter((l) => !REGION.test(l)).join('\n');
}

/** The page with every include and output block replaced by `text(marker)`. */
export function rewrite(page: string, text: (marker: Marker) => string, pageName: string): string {
  const lines = page.split('\n');
  for (const marker of findMarkers(page, pageName).reverse()) {
    lines.splice(marker.line + 2, marker.end - marker.line - 2, ...text(marker).split('\n'));
  }
  return lines.join('\n');
}
