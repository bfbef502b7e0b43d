/**
 * lineChart — one polyline per series on numeric axes with round ticks, a legend and axis
 * labels, as a standalone SVG document; `chartRow` puts several charts side by side. Training
 * curves, spectra, learning-rate schedules. A series with one point is drawn as a dot, and a
 * y range of one value is padded by ±5% of it (not ±1), so a one-epoch accuracy of 0.97 sits on
 * an axis around 0.97, not on one from 0 to 2.
 *
 * @example
 * writeFileSync('curves.svg', lineChart({ title: 'loss', xLabel: 'epoch', yLabel: 'loss', series: [{ name: 'train', y: [2.3, 0.4, 0.2] }] }));
 */
import { drawAxes, drawLegend, paddedRange, PALETTE, sideBySide, svgDocument } from './svg.js';

/** One named curve. */
export interface Series {
  readonly name: string;
  /** The y values. */
  readonly y: readonly number[];
  /** The x values (default 1, 2, 3, …). */
  readonly x?: readonly number[];
}

/** What `lineChart` draws. */
export interface ChartOptions {
  readonly title: string;
  readonly series: readonly Series[];
  readonly xLabel?: string;
  readonly yLabel?: string;
  /** Pixels (default 640 × 400). */
  readonly width?: number;
  readonly height?: number;
  /** Plot y on a log10 axis (values ≤ 0 are left out). */
  readonly logY?: boolean;
  /** Fix the y axis to [min, max] (before the log when `logY`) instead of fitting the data, e.g. [0, 1] for accuracy. */
  readonly yRange?: readonly [number, number];
}

/**
 * A line chart as an SVG document: one polyline per series (dots too when a series has at most
 * 40 points), round ticks on both axes, axis labels and a legend.
 * @example lineChart({ title: 'accuracy', series: [{ name: 'val', y: [0.97] }] }).startsWith('<svg')  // true
 */
export function lineChart(options: ChartOptions): string {
  const { title, series, xLabel = '', yLabel = '', width = 640, height = 400, logY = false, yRange } = options;
  const f = (v: number): number => (logY ? Math.log10(v) : v);
  const points = series.map((s) => s.y.map((y, i) => [s.x?.[i] ?? i + 1, f(y)] as const).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)));
  const xs = points.flat().map(([x]) => x);
  const [x0, x1] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  const [y0, y1] = yRange ? [f(yRange[0]), f(yRange[1])] : paddedRange(points.flat().map(([, y]) => y));
  const parts: string[] = [];
  const axes = drawAxes(
    parts,
    { width, height, left: 64, right: 150, top: 36, bottom: 48 },
    title,
    { lo: x0, hi: x1, label: xLabel, integerTicks: xs.length > 0 && xs.every(Number.isInteger) },
    { lo: y0, hi: y1, label: yLabel, log: logY },
  );
  points.forEach((pts, k) => {
    const color = PALETTE[k % PALETTE.length]!;
    const d = pts.map(([x, y]) => `${axes.sx(x).toFixed(1)},${axes.sy(y).toFixed(1)}`).join(' ');
    if (pts.length > 1) parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${d}"/>`);
    if (pts.length <= 40) for (const [x, y] of pts) parts.push(`<circle cx="${axes.sx(x).toFixed(1)}" cy="${axes.sy(y).toFixed(1)}" r="3" fill="${color}"/>`);
  });
  drawLegend(parts, width - 150 + 12, 36 + 12, series.map((s, k) => ({ name: s.name, color: PALETTE[k % PALETTE.length]! })), 'line');
  return svgDocument(width, height, parts);
}

/**
 * Several line charts side by side in one SVG document.
 * @example chartRow([{ title: 'loss', series }, { title: 'accuracy', series: acc }])
 */
export function chartRow(charts: readonly ChartOptions[]): string {
  return sideBySide(charts.map(lineChart));
}
