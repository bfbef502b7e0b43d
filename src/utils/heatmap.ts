/**
 * heatmap — a matrix as coloured cells with row and column labels, axis labels, the value in each
 * cell (when there is room) and a colour bar, as a standalone SVG document; `confusionMatrixPlot`
 * is a heatmap of counts with rows the true class and columns the predicted one, as
 * scikit-learn's ConfusionMatrixDisplay draws it.
 *
 * Colours: 'sequential' runs from white (the minimum) to dark blue (the maximum); 'diverging'
 * runs from blue (−m) through white (0) to red (+m), m = max |value|, for signed matrices such as
 * correlations or weights.
 */
import { escapeXml, svgDocument, tickLabel } from './svg.js';

/** What `heatmap` draws. */
export interface HeatmapOptions {
  readonly title: string;
  /** The matrix, one array per row; every row has the same length. */
  readonly values: readonly (readonly number[])[];
  readonly rowLabels?: readonly string[];
  readonly columnLabels?: readonly string[];
  /** What the rows and the columns are (e.g. 'true class', 'predicted class'). */
  readonly yLabel?: string;
  readonly xLabel?: string;
  readonly colors?: 'sequential' | 'diverging';
  /** Print each value in its cell (default: when cells are at least 28 px wide). */
  readonly showValues?: boolean;
  /** How a value is printed in its cell (default: four significant digits). */
  readonly format?: (value: number) => string;
  /** Cell size in pixels (default: fits the matrix into about 480 px, between 6 and 48). */
  readonly cellSize?: number;
}

/** An [r, g, b] between two colours, t in [0, 1]. */
const mix = (a: readonly number[], b: readonly number[], t: number): number[] => a.map((v, i) => Math.round(v + (b[i]! - v) * t));
const WHITE = [255, 255, 255];
const BLUE = [8, 48, 107];
const DIVERGING_BLUE = [33, 102, 172];
const DIVERGING_RED = [178, 24, 43];
const rgb = (c: readonly number[]): string => `rgb(${c.join(',')})`;

/**
 * A heatmap of `values` as an SVG document.
 * @example heatmap({ title: 'w', values: [[1, -1], [0, 2]], colors: 'diverging' }).includes('<rect')  // true
 */
export function heatmap(options: HeatmapOptions): string {
  const { title, values, rowLabels = [], columnLabels = [], xLabel = '', yLabel = '', colors = 'sequential', format = tickLabel } = options;
  const rows = values.length;
  const cols = values[0]?.length ?? 0;
  values.forEach((row, i) => {
    if (row.length !== cols) throw new RangeError(`heatmap: row ${i} has ${row.length} values, row 0 has ${cols}`);
  });
  const cell = options.cellSize ?? Math.max(6, Math.min(48, Math.floor(480 / Math.max(rows, cols, 1))));
  const showValues = options.showValues ?? cell >= 28;
  const flat = values.flat().filter(Number.isFinite);
  const lo = flat.length ? Math.min(...flat) : 0;
  const hi = flat.length ? Math.max(...flat) : 1;
  const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
  const colorOf = (v: number): number[] => {
    if (!Number.isFinite(v)) return [200, 200, 200];
    if (colors === 'diverging') return v >= 0 ? mix(WHITE, DIVERGING_RED, v / m) : mix(WHITE, DIVERGING_BLUE, -v / m);
    return mix(WHITE, BLUE, hi === lo ? 0 : (v - lo) / (hi - lo));
  };
  const longest = (labels: readonly string[]): number => Math.max(0, ...labels.map((l) => l.length));
  const left = 40 + 7 * longest(rowLabels);
  const top = 48 + (columnLabels.length ? 7 * Math.min(longest(columnLabels), 14) : 0);
  const width = left + cols * cell + 110;
  const height = top + rows * cell + 44;
  const parts: string[] = [`<text x="${width / 2}" y="20" text-anchor="middle" font-size="15">${escapeXml(title)}</text>`];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = values[i]![j]!;
      const c = colorOf(v);
      const x = left + j * cell;
      const y = top + i * cell;
      parts.push(`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${rgb(c)}"><title>${escapeXml(`${rowLabels[i] ?? i}, ${columnLabels[j] ?? j}: ${format(v)}`)}</title></rect>`);
      if (showValues) {
        const dark = 0.299 * c[0]! + 0.587 * c[1]! + 0.114 * c[2]! < 128; // dark cell: white text
        parts.push(`<text x="${x + cell / 2}" y="${y + cell / 2 + 4}" text-anchor="middle" font-size="${Math.min(12, cell / 3)}" fill="${dark ? 'white' : 'black'}">${escapeXml(format(v))}</text>`);
      }
    }
  }
  parts.push(`<rect x="${left}" y="${top}" width="${cols * cell}" height="${rows * cell}" fill="none" stroke="#333"/>`);
  rowLabels.slice(0, rows).forEach((label, i) => parts.push(`<text x="${left - 6}" y="${top + i * cell + cell / 2 + 4}" text-anchor="end">${escapeXml(label)}</text>`));
  columnLabels.slice(0, cols).forEach((label, j) => {
    const x = left + j * cell + cell / 2;
    parts.push(`<text transform="translate(${x + 4} ${top - 6}) rotate(-45)" text-anchor="start">${escapeXml(label)}</text>`);
  });
  parts.push(`<text x="${left + (cols * cell) / 2}" y="${height - 12}" text-anchor="middle">${escapeXml(xLabel)}</text>`);
  parts.push(`<text transform="translate(14 ${top + (rows * cell) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(yLabel)}</text>`);
  // Colour bar: ten steps from the bottom (minimum, or −m) to the top (maximum, or +m).
  const barX = left + cols * cell + 24;
  const barH = Math.max(rows * cell, 100);
  const [barLo, barHi] = colors === 'diverging' ? [-m, m] : [lo, hi];
  for (let k = 0; k < 10; k++) {
    const v = barLo + ((k + 0.5) / 10) * (barHi - barLo);
    parts.push(`<rect x="${barX}" y="${(top + barH - ((k + 1) * barH) / 10).toFixed(1)}" width="14" height="${(barH / 10).toFixed(1)}" fill="${rgb(colorOf(v))}"/>`);
  }
  parts.push(`<rect x="${barX}" y="${top}" width="14" height="${barH}" fill="none" stroke="#333"/>`);
  parts.push(`<text x="${barX + 18}" y="${top + 8}">${escapeXml(tickLabel(barHi))}</text>`);
  parts.push(`<text x="${barX + 18}" y="${top + barH}">${escapeXml(tickLabel(barLo))}</text>`);
  return svgDocument(width, Math.max(height, top + barH + 44), parts);
}

/** What `confusionMatrixPlot` draws. */
export interface ConfusionMatrixPlotOptions {
  /** counts[i][j]: examples of true class i predicted as class j (`metrics.confusionMatrix`'s layout). */
  readonly matrix: readonly (readonly number[])[];
  /** Class names, in class order (default 0, 1, 2, …). */
  readonly classNames?: readonly string[];
  readonly title?: string;
  /** Colour and print each row as fractions of its true class (recall on the diagonal) instead of counts. */
  readonly normalize?: boolean;
}

/**
 * A confusion matrix as an SVG heatmap: rows are true classes, columns predictions.
 * @example confusionMatrixPlot({ matrix: metrics.confusionMatrix(labels, predictions), classNames: ['cat', 'dog'] })
 */
export function confusionMatrixPlot(options: ConfusionMatrixPlotOptions): string {
  const { matrix, normalize = false } = options;
  const names = options.classNames ?? matrix.map((_, i) => String(i));
  if (names.length !== matrix.length) throw new RangeError(`confusionMatrixPlot: ${names.length} class names for a ${matrix.length}-class matrix`);
  const values = normalize
    ? matrix.map((row) => {
        const total = row.reduce((a, b) => a + b, 0);
        return row.map((v) => (total === 0 ? 0 : v / total));
      })
    : matrix;
  const total = matrix.flat().reduce((a, b) => a + b, 0);
  const correct = matrix.reduce((a, row, i) => a + (row[i] ?? 0), 0);
  return heatmap({
    title: options.title ?? `confusion matrix (accuracy ${total ? ((100 * correct) / total).toFixed(2) : '–'}%)`,
    values,
    rowLabels: names,
    columnLabels: names,
    yLabel: 'true class',
    xLabel: 'predicted class',
    format: normalize ? (v) => v.toFixed(2) : (v) => String(v),
  });
}
