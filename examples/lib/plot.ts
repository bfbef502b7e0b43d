/**
 * plot — line charts as standalone SVG files, with no dependency: axes with "nice" ticks, one
 * polyline per series, a legend. Enough for training curves and spectra; not a plotting library.
 *
 * @example
 * writeFileSync('curves.svg', lineChart({ title: 'loss', series: [{ name: 'train', y: [2.3, 0.4, 0.2] }] }));
 */
export interface Series {
  readonly name: string;
  /** y values; x defaults to 1, 2, 3, … */
  readonly y: readonly number[];
  readonly x?: readonly number[];
}

export interface ChartOptions {
  readonly title: string;
  readonly series: readonly Series[];
  readonly xLabel?: string;
  readonly yLabel?: string;
  readonly width?: number;
  readonly height?: number;
  /** Plot y on a log10 axis (all values must be positive). */
  readonly logY?: boolean;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];

/** About five round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** Ticks 1, 2, 5 × 10^k inside [lo, hi], where lo and hi are log10 values; returned as log10 too. */
export function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  for (let k = Math.floor(lo); k <= Math.ceil(hi); k++) {
    for (const m of [1, 2, 5]) {
      const t = k + Math.log10(m);
      if (t >= lo && t <= hi) ticks.push(t);
    }
  }
  return ticks.length >= 2 ? ticks : niceTicks(lo, hi);
}

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const label = (v: number): string => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(1) : String(Number(v.toPrecision(4))));

/** One chart as an SVG document. */
export function lineChart(options: ChartOptions): string {
  const { title, series, xLabel = '', yLabel = '', width = 640, height = 400, logY = false } = options;
  const margin = { left: 64, right: 150, top: 36, bottom: 48 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const f = (v: number): number => (logY ? Math.log10(v) : v);
  const points = series.map((s) => s.y.map((y, i) => [s.x?.[i] ?? i + 1, f(y)] as const).filter(([, y]) => Number.isFinite(y)));
  const xs = points.flat().map(([x]) => x);
  const ys = points.flat().map(([, y]) => y);
  const [x0, x1] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  let [y0, y1] = ys.length ? [Math.min(...ys), Math.max(...ys)] : [0, 1];
  if (y0 === y1) [y0, y1] = [y0 - 1, y1 + 1];
  const pad = (y1 - y0) * 0.05;
  [y0, y1] = [y0 - pad, y1 + pad];
  const sx = (x: number): number => margin.left + (x1 === x0 ? plotW / 2 : ((x - x0) / (x1 - x0)) * plotW);
  const sy = (y: number): number => margin.top + plotH - ((y - y0) / (y1 - y0)) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="15">${escape(title)}</text>`,
    `<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`,
  ];
  const yTicks = logY ? logTicks(y0, y1) : niceTicks(y0, y1);
  const xTicks = niceTicks(x0, x1).filter((t) => !xs.every(Number.isInteger) || Number.isInteger(t));
  for (const t of yTicks) {
    const y = sy(t);
    parts.push(`<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${y}" y2="${y}" stroke="#ddd"/>`);
    parts.push(`<text x="${margin.left - 6}" y="${y + 4}" text-anchor="end">${label(logY ? 10 ** t : t)}</text>`);
  }
  for (const t of xTicks) {
    const x = sx(t);
    parts.push(`<line x1="${x}" x2="${x}" y1="${margin.top + plotH}" y2="${margin.top + plotH + 5}" stroke="#333"/>`);
    parts.push(`<text x="${x}" y="${margin.top + plotH + 18}" text-anchor="middle">${label(t)}</text>`);
  }
  parts.push(`<text x="${margin.left + plotW / 2}" y="${height - 8}" text-anchor="middle">${escape(xLabel)}</text>`);
  parts.push(`<text transform="translate(14 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escape(yLabel)}${logY && yLabel ? ' (log scale)' : ''}</text>`);
  points.forEach((pts, k) => {
    const color = COLORS[k % COLORS.length]!;
    const d = pts.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ');
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${d}"/>`);
    if (pts.length <= 40) for (const [x, y] of pts) parts.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="3" fill="${color}"/>`);
    const ly = margin.top + 12 + 18 * k;
    parts.push(`<line x1="${width - margin.right + 12}" x2="${width - margin.right + 32}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"/>`);
    parts.push(`<text x="${width - margin.right + 38}" y="${ly + 4}">${escape(series[k]!.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** Several charts side by side in one SVG. */
export function chartRow(charts: readonly ChartOptions[]): string {
  const width = charts.reduce((w, c) => w + (c.width ?? 640), 0);
  const height = Math.max(...charts.map((c) => c.height ?? 400));
  let x = 0;
  const inner = charts.map((c) => {
    const svg = lineChart(c).replace(/^<svg[^>]*>/, `<svg x="${x}" y="0" width="${c.width ?? 640}" height="${c.height ?? 400}">`);
    x += c.width ?? 640;
    return svg;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">\n${inner.join('\n')}\n</svg>`;
}
