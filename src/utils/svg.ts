/**
 * svg — what every plot shares: text escaping, round tick values, tick labels, a colour palette,
 * the SVG document, and a pair of numeric axes (frame, grid lines, ticks, axis labels, title).
 *
 * Each plot is one function from plain data to the text of a standalone SVG document, so it
 * runs anywhere (Node, a browser, a worker) and the caller decides where it goes. The plots are
 * enough for training curves, spectra and small studies; they are not a plotting library.
 */

/** Ten distinct colours (matplotlib's "tab10"), used in order for series and groups. */
export const PALETTE: readonly string[] = [
  '#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf',
];

/**
 * Text made safe to put inside an SVG element or attribute.
 * @example escapeXml('loss < 1 & "falling"')  // 'loss &lt; 1 &amp; &quot;falling&quot;'
 */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * A short label for a tick value: four significant digits, exponent notation when tiny or huge.
 * @example [tickLabel(0.30000000000000004), tickLabel(25000), tickLabel(0.0001)]  // ['0.3', '2.5e+4', '1.0e-4']
 */
export function tickLabel(value: number): string {
  const a = Math.abs(value);
  return a >= 1e4 || (a < 1e-3 && value !== 0) ? value.toExponential(1) : String(Number(value.toPrecision(4)));
}

/**
 * About `count` round tick values (1, 2 or 5 × 10^k apart) covering [lo, hi].
 * @example niceTicks(0, 1)  // [0, 0.2, 0.4, 0.6, 0.8, 1]
 */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/**
 * Ticks at 1, 2 and 5 × 10^k inside [lo, hi], where lo and hi are log10 values; returned as log10
 * values too (falls back to `niceTicks` when fewer than two fit). Over more than two decades only
 * the powers of ten are ticked, and over more than eight only every second or third of them.
 * @example logTicks(-2, 0).map((t) => 10 ** t)  // ≈ [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1]
 */
export function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  const decades = hi - lo;
  const every = Math.max(1, Math.ceil(decades / 8));
  for (let k = Math.floor(lo); k <= Math.ceil(hi); k++) {
    if (k % every !== 0) continue;
    for (const m of decades > 2 ? [1] : [1, 2, 5]) {
      const t = k + Math.log10(m);
      if (t >= lo - 1e-12 && t <= hi + 1e-12) ticks.push(t);
    }
  }
  return ticks.length >= 2 ? ticks : niceTicks(lo, hi);
}

/** Opens an SVG document of the given size on a white background; `body` holds its elements. */
export function svgDocument(width: number, height: number, body: readonly string[], fontSize = 12): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="${fontSize}">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    ...body,
    '</svg>',
  ].join('\n');
}

/**
 * Several SVG documents side by side in one (each keeps its own size).
 * @example sideBySide([lineChart(a), scatterPlot(b)])  // one SVG, a's width + b's width wide
 */
export function sideBySide(svgs: readonly string[]): string {
  const size = (svg: string, name: 'width' | 'height'): number => Number(new RegExp(`^<svg[^>]*\\s${name}="([\\d.]+)"`).exec(svg)?.[1] ?? 0);
  const width = svgs.reduce((w, svg) => w + size(svg, 'width'), 0);
  const height = Math.max(0, ...svgs.map((svg) => size(svg, 'height')));
  let x = 0;
  const inner = svgs.map((svg) => {
    const w = size(svg, 'width');
    const nested = svg.replace(/^<svg[^>]*>/, `<svg x="${x}" y="0" width="${w}" height="${size(svg, 'height')}" viewBox="0 0 ${w} ${size(svg, 'height')}">`);
    x += w;
    return nested;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">\n${inner.join('\n')}\n</svg>`;
}

/** One numeric axis: its range (already log10 when `log`), its label, and whether ticks must be integers. */
export interface AxisRange {
  readonly lo: number;
  readonly hi: number;
  readonly label: string;
  readonly log?: boolean;
  readonly integerTicks?: boolean;
}

/** A plot area and the maps from data coordinates to pixels. */
export interface Axes {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
  readonly sx: (x: number) => number;
  readonly sy: (y: number) => number;
}

/**
 * The range of `values` widened by 5% on each side; a single value gets ±5% of itself (±0.5
 * around 0), so one point does not blow the axis up to a range of 2.
 * @example paddedRange([0.97])  // [0.9215, 1.0185]
 */
export function paddedRange(values: readonly number[]): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (lo === hi) {
    const half = lo === 0 ? 0.5 : Math.abs(lo) * 0.05;
    return [lo - half, hi + half];
  }
  const pad = (hi - lo) * 0.05;
  [lo, hi] = [lo - pad, hi + pad];
  return [lo, hi];
}

/**
 * Draws a frame, grid lines, ticks and tick labels, both axis labels and the title into `parts`,
 * and returns the plot area with its coordinate maps.
 */
export function drawAxes(
  parts: string[],
  box: { readonly width: number; readonly height: number; readonly left: number; readonly right: number; readonly top: number; readonly bottom: number },
  title: string,
  x: AxisRange,
  y: AxisRange,
): Axes {
  const width = box.width - box.left - box.right;
  const height = box.height - box.top - box.bottom;
  const { left, top } = box;
  const sx = (v: number): number => left + (x.hi === x.lo ? width / 2 : ((v - x.lo) / (x.hi - x.lo)) * width);
  const sy = (v: number): number => top + height - (y.hi === y.lo ? height / 2 : ((v - y.lo) / (y.hi - y.lo)) * height);
  const ticks = (a: AxisRange): number[] => (a.log ? logTicks(a.lo, a.hi) : niceTicks(a.lo, a.hi)).filter((t) => !a.integerTicks || Number.isInteger(t));
  const text = (a: AxisRange, t: number): string => tickLabel(a.log ? 10 ** t : t);
  parts.push(`<text x="${box.width / 2}" y="20" text-anchor="middle" font-size="15">${escapeXml(title)}</text>`);
  for (const t of ticks(y)) {
    const py = sy(t).toFixed(1);
    parts.push(`<line x1="${left}" x2="${left + width}" y1="${py}" y2="${py}" stroke="#ddd"/>`);
    parts.push(`<text x="${left - 6}" y="${(sy(t) + 4).toFixed(1)}" text-anchor="end">${text(y, t)}</text>`);
  }
  for (const t of ticks(x)) {
    const px = sx(t).toFixed(1);
    parts.push(`<line x1="${px}" x2="${px}" y1="${top + height}" y2="${top + height + 5}" stroke="#333"/>`);
    parts.push(`<text x="${px}" y="${top + height + 18}" text-anchor="middle">${text(x, t)}</text>`);
  }
  parts.push(`<rect x="${left}" y="${top}" width="${width}" height="${height}" fill="none" stroke="#333"/>`);
  const logNote = (a: AxisRange): string => (a.log && a.label ? ' (log scale)' : '');
  parts.push(`<text x="${left + width / 2}" y="${box.height - 8}" text-anchor="middle">${escapeXml(x.label)}${logNote(x)}</text>`);
  parts.push(`<text transform="translate(14 ${top + height / 2}) rotate(-90)" text-anchor="middle">${escapeXml(y.label)}${logNote(y)}</text>`);
  return { left, top, width, height, sx, sy };
}

/** A legend: one coloured mark and name per entry, stacked from (x, y). */
export function drawLegend(parts: string[], x: number, y: number, entries: readonly { readonly name: string; readonly color: string }[], mark: 'line' | 'dot'): void {
  entries.forEach(({ name, color }, k) => {
    const ly = y + 18 * k;
    parts.push(
      mark === 'line'
        ? `<line x1="${x}" x2="${x + 20}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"/>`
        : `<circle cx="${x + 10}" cy="${ly}" r="5" fill="${color}"/>`,
    );
    parts.push(`<text x="${x + 26}" y="${ly + 4}">${escapeXml(name)}</text>`);
  });
}
