/**
 * scatterPlot — points in groups (one colour each, with a legend) on numeric axes with round
 * ticks and axis labels, as a standalone SVG document: embeddings, PCA maps, predictions
 * against targets. Each group is one <g> element, so ten thousand points stay a small file.
 *
 * @example
 * writeFileSync('pca.svg', scatterPlot({ title: 'digits', xLabel: 'PC 1', yLabel: 'PC 2', groups: [{ name: '0', x: [0.1, 0.3], y: [1, 2] }] }));
 */
import { drawAxes, drawLegend, paddedRange, PALETTE, svgDocument } from './svg.js';

/** One named set of points, drawn in one colour. */
export interface PointGroup {
  readonly name: string;
  readonly x: readonly number[];
  readonly y: readonly number[];
}

/** What `scatterPlot` draws. */
export interface ScatterOptions {
  readonly title: string;
  readonly groups: readonly PointGroup[];
  readonly xLabel?: string;
  readonly yLabel?: string;
  /** Pixels (default 720 × 600). */
  readonly width?: number;
  readonly height?: number;
  /** Point radius in pixels (default 2). */
  readonly radius?: number;
  /** Point opacity (default 0.6): overlapping points show as darker patches. */
  readonly opacity?: number;
}

/**
 * A scatter plot as an SVG document.
 * @example scatterPlot({ title: 't', groups: [{ name: 'a', x: [1, 2], y: [3, 4] }] }).match(/<circle/g)!.length  // 3 (2 points + 1 legend mark)
 */
export function scatterPlot(options: ScatterOptions): string {
  const { title, groups, xLabel = '', yLabel = '', width = 720, height = 600, radius = 2, opacity = 0.6 } = options;
  groups.forEach((g) => {
    if (g.x.length !== g.y.length) throw new RangeError(`scatterPlot: group '${g.name}' has ${g.x.length} x values but ${g.y.length} y values`);
  });
  const [x0, x1] = paddedRange(groups.flatMap((g) => g.x));
  const [y0, y1] = paddedRange(groups.flatMap((g) => g.y));
  const parts: string[] = [];
  const axes = drawAxes(parts, { width, height, left: 64, right: 130, top: 36, bottom: 48 }, title, { lo: x0, hi: x1, label: xLabel }, { lo: y0, hi: y1, label: yLabel });
  groups.forEach((g, k) => {
    parts.push(`<g fill="${PALETTE[k % PALETTE.length]!}" fill-opacity="${opacity}">`);
    for (let i = 0; i < g.x.length; i++) {
      const x = g.x[i]!;
      const y = g.y[i]!;
      if (Number.isFinite(x) && Number.isFinite(y)) parts.push(`<circle cx="${axes.sx(x).toFixed(1)}" cy="${axes.sy(y).toFixed(1)}" r="${radius}"/>`);
    }
    parts.push('</g>');
  });
  drawLegend(parts, width - 130 + 12, 36 + 12, groups.map((g, k) => ({ name: g.name, color: PALETTE[k % PALETTE.length]! })), 'dot');
  return svgDocument(width, height, parts);
}
