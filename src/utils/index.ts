/**
 * `sapling/utils` — what training scripts want beside the framework: a progress bar and SVG
 * plots (line charts, scatter plots, heatmaps, confusion matrices, image grids), plus a
 * dependency-free PNG encoder. Everything here returns text or bytes and imports no Node
 * built-in, so it runs in a browser too; the caller decides where the output goes.
 * @module sapling/utils
 */
export { ProgressBar, type ProgressOptions, type ProgressStream } from './progress-bar.js';
export { lineChart, chartRow, type ChartOptions, type Series } from './line-chart.js';
export { scatterPlot, type ScatterOptions, type PointGroup } from './scatter-plot.js';
export { heatmap, confusionMatrixPlot, type HeatmapOptions, type ConfusionMatrixPlotOptions } from './heatmap.js';
export { imageGrid, imageGridPixels, type ImageGridOptions, type ImageTile, type Colormap, type ValueRange } from './image-grid.js';
export { encodePng, type EncodePngOptions, type RgbaImage } from './png.js';
export { niceTicks, logTicks, sideBySide, escapeXml, PALETTE } from './svg.js';
