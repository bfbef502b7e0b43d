/**
 * heatmap — a matrix as a standalone SVG: one coloured cell per entry (white → dark blue, scaled
 * from 0 or the smallest value to the largest), row and column labels, the value printed in each
 * cell when there is room, and a colour bar. Enough for attention maps; no dependency.
 *
 * @example
 * writeFileSync('attention.svg', heatmap({ title: 'attention', rows: ['winter'], columns: ['t−1', 't'], values: [[0.3, 0.7]] }));
 */
export interface HeatmapOptions {
  readonly title: string;
  readonly rows: readonly string[];
  readonly columns: readonly string[];
  /** values[i][j] for row i, column j. */
  readonly values: readonly (readonly number[])[];
  readonly xLabel?: string;
  readonly yLabel?: string;
  /** Width of one cell in pixels (default 28) and height (default 36). */
  readonly cellWidth?: number;
  readonly cellHeight?: number;
  /** Print each value in its cell with this many decimals (default 2; null: no text). */
  readonly decimals?: number | null;
  /** Colour scale from 0 (default) or from the smallest value ('min'). */
  readonly from?: 'zero' | 'min';
}

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** White (t = 0) to dark blue (t = 1), linear in RGB. */
export function blues(t: number): string {
  const u = Math.min(1, Math.max(0, t));
  const c = (a: number, b: number): number => Math.round(a + (b - a) * u);
  return `rgb(${c(255, 8)},${c(255, 48)},${c(255, 107)})`;
}

/** One heatmap as an SVG document. */
export function heatmap(options: HeatmapOptions): string {
  const { title, rows, columns, values, xLabel = '', yLabel = '', cellWidth = 28, cellHeight = 36, decimals = 2, from = 'zero' } = options;
  if (values.length !== rows.length || values.some((r) => r.length !== columns.length)) {
    throw new RangeError(`heatmap: expected ${rows.length} rows of ${columns.length} values, got ${values.length} rows of [${values.map((r) => r.length).join(', ')}]`);
  }
  const all = values.flat().filter(Number.isFinite);
  const hi = all.length ? Math.max(...all) : 1;
  const lo = from === 'min' && all.length ? Math.min(...all) : 0;
  const scale = (v: number): number => (hi > lo ? (v - lo) / (hi - lo) : 0);
  const rowLabelWidth = 8 + 7 * Math.max(0, ...rows.map((r) => r.length));
  const left = 24 + rowLabelWidth;
  const top = 40;
  const plotW = cellWidth * columns.length;
  const plotH = cellHeight * rows.length;
  const width = Math.max(left + plotW + 90, Math.ceil(7.5 * title.length) + 20);
  const height = top + plotH + 64;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="14">${escape(title)}</text>`,
  ];
  values.forEach((row, i) => {
    const y = top + i * cellHeight;
    parts.push(`<text x="${left - 6}" y="${y + cellHeight / 2 + 4}" text-anchor="end">${escape(rows[i]!)}</text>`);
    row.forEach((v, j) => {
      const x = left + j * cellWidth;
      const t = scale(v);
      parts.push(`<rect x="${x}" y="${y}" width="${cellWidth}" height="${cellHeight}" fill="${Number.isFinite(v) ? blues(t) : '#eee'}"><title>${escape(`${rows[i]}, ${columns[j]}: ${v}`)}</title></rect>`);
      if (decimals !== null && Number.isFinite(v) && cellWidth >= 24) {
        const text = v.toFixed(decimals).replace(/^0\./, '.');
        parts.push(`<text x="${x + cellWidth / 2}" y="${y + cellHeight / 2 + 4}" text-anchor="middle" font-size="9" fill="${t > 0.55 ? 'white' : '#222'}">${text}</text>`);
      }
    });
  });
  columns.forEach((c, j) => {
    const x = left + j * cellWidth + cellWidth / 2;
    parts.push(`<text x="${x}" y="${top + plotH + 14}" text-anchor="middle" font-size="10">${escape(c)}</text>`);
  });
  parts.push(`<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`);
  parts.push(`<text x="${left + plotW / 2}" y="${top + plotH + 36}" text-anchor="middle">${escape(xLabel)}</text>`);
  parts.push(`<text transform="translate(12 ${top + plotH / 2}) rotate(-90)" text-anchor="middle">${escape(yLabel)}</text>`);
  // Colour bar: ten steps from lo to hi.
  const barX = left + plotW + 24;
  const step = plotH / 10;
  for (let k = 0; k < 10; k++) parts.push(`<rect x="${barX}" y="${top + plotH - (k + 1) * step}" width="14" height="${step + 0.5}" fill="${blues((k + 0.5) / 10)}"/>`);
  parts.push(`<rect x="${barX}" y="${top}" width="14" height="${plotH}" fill="none" stroke="#333"/>`);
  parts.push(`<text x="${barX + 18}" y="${top + 10}">${Number(hi.toPrecision(3))}</text>`);
  parts.push(`<text x="${barX + 18}" y="${top + plotH}">${Number(lo.toPrecision(3))}</text>`);
  parts.push('</svg>');
  return parts.join('\n');
}
