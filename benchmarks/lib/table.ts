/** table — a markdown table whose columns are also padded to line up in a terminal. */

export type Align = 'left' | 'right';

export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[] = []): string {
  const widths = header.map((h, c) => Math.max(3, h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const pad = (cell: string, c: number): string =>
    align[c] === 'right' ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!);
  const line = (cells: readonly string[]): string => `| ${header.map((_, c) => pad(cells[c] ?? '', c)).join(' | ')} |`;
  const rule = `|${widths.map((w, c) => (align[c] === 'right' ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** Milliseconds with three significant-ish digits: 0.0123, 1.23, 12.3, 123. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  if (ms >= 1) return ms.toFixed(2);
  return ms.toPrecision(3);
}
