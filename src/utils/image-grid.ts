/**
 * imageGrid — a batch of small images as a grid (torchvision's `make_grid`), with a title, row
 * labels, column labels and a caption under each tile, as a standalone SVG document. The pixels
 * go in as one embedded PNG (png.ts) drawn with crisp, unsmoothed pixels; the text is SVG text,
 * so labels stay sharp at any zoom. `imageGridPixels` gives the bare grid as an RGBA image for a
 * .png file.
 *
 * Values become colours through a colormap over a value range: 'grey' maps lo → black, hi →
 * white; 'grey-inverted' the reverse (dark digits on white paper); 'diverging' maps negative
 * values to blue, 0 to white and positive ones to red (weights, principal axes). The range
 * 'each' fits every tile on its own ([min, max], or ±max |v| for 'diverging').
 */
import type { Tensor } from '../autograd/tensor.js';
import { encodePng, type RgbaImage } from './png.js';
import { escapeXml, svgDocument } from './svg.js';

/**
 * How `imageGrid` turns values into colours: 'grey' (lo black, hi white), 'grey-inverted' (the reverse), 'diverging' (blue − , white 0, red +).
 */
export type Colormap = 'grey' | 'grey-inverted' | 'diverging';
/** [lo, hi], or 'each' to fit every tile on its own. */
export type ValueRange = readonly [number, number] | 'each';

/** One image: `pixels` holds height · width values (grey) or 3 · height · width (RGB, channels first). */
export interface ImageTile {
  readonly pixels: ArrayLike<number>;
  readonly height: number;
  readonly width: number;
  /** Overrides the grid's colormap for this tile (grey tiles only). */
  readonly colormap?: Colormap;
  /** Overrides the grid's value range for this tile. */
  readonly range?: ValueRange;
}

/** What `imageGrid` and `imageGridPixels` draw. */
export interface ImageGridOptions {
  /** A tensor [N, H, W], [N, 1, H, W] or [N, 3, H, W], or a list of tiles of one size. */
  readonly images: Tensor | readonly ImageTile[];
  /** Tiles per row (default 8, torchvision's `nrow`). */
  readonly columns?: number;
  readonly title?: string;
  /** A label left of each row of tiles. */
  readonly rowLabels?: readonly string[];
  /** A label above each column of tiles. */
  readonly columnLabels?: readonly string[];
  /** A caption under each tile (e.g. the predicted class). */
  readonly captions?: readonly string[];
  /** Screen pixels per image pixel (default: tiles about 84 px wide). */
  readonly scale?: number;
  /** Image pixels between tiles (default 1). */
  readonly gap?: number;
  readonly colormap?: Colormap;
  /** Default [0, 1]. */
  readonly range?: ValueRange;
  /** A zlib compressor for the embedded PNG (see `encodePng`); default: uncompressed. */
  readonly deflate?: (bytes: Uint8Array) => Uint8Array;
}

/** The tiles of a tensor [N, H, W], [N, 1, H, W] or [N, 3, H, W]. */
function tilesOf(images: Tensor | readonly ImageTile[]): readonly ImageTile[] {
  if (Array.isArray(images)) return images as readonly ImageTile[];
  const t = images as Tensor;
  const [n = 0, a = 0, b = 0, c] = t.shape;
  const channels = t.ndim === 3 ? 1 : a;
  const [height, width] = t.ndim === 3 ? [a, b] : [b, c ?? 0];
  if ((t.ndim !== 3 && t.ndim !== 4) || (channels !== 1 && channels !== 3)) {
    throw new RangeError(`imageGrid: expected a tensor [N, H, W], [N, 1, H, W] or [N, 3, H, W], got [${t.shape.join(', ')}]`);
  }
  const data = t.dataSync();
  const per = channels * height * width;
  return Array.from({ length: n }, (_, i) => ({ pixels: data.subarray(i * per, (i + 1) * per), height, width }));
}

/** An RGB triple for value v under a colormap and a range [lo, hi]. */
function colour(v: number, map: Colormap, lo: number, hi: number): [number, number, number] {
  if (!Number.isFinite(v)) return [255, 0, 255]; // NaN and ±∞ stand out in magenta
  if (map === 'diverging') {
    const s = Math.min(1, v >= 0 ? (hi > 0 ? v / hi : 0) : lo < 0 ? v / lo : 0);
    const fade = Math.round(255 * (1 - s));
    return v >= 0 ? [255, fade, fade] : [fade, fade, 255];
  }
  const t = hi === lo ? 0.5 : Math.min(1, Math.max(0, (v - lo) / (hi - lo)));
  const g = Math.round(255 * (map === 'grey' ? t : 1 - t));
  return [g, g, g];
}

/**
 * The grid's pixels, without labels: tiles in rows of `columns`, `gap` white pixels apart.
 * @example encodePng(imageGridPixels({ images: batch.slice([{ start: 0, stop: 16 }]) }))  // a 4 × 8… grid as PNG bytes
 */
export function imageGridPixels(options: ImageGridOptions): RgbaImage {
  const tiles = tilesOf(options.images);
  if (tiles.length === 0) throw new RangeError('imageGrid: no images');
  const { height: h, width: w } = tiles[0]!;
  const columns = Math.min(options.columns ?? 8, tiles.length);
  const gap = options.gap ?? 1;
  const rows = Math.ceil(tiles.length / columns);
  const width = columns * w + (columns - 1) * gap;
  const height = rows * h + (rows - 1) * gap;
  const data = new Uint8ClampedArray(width * height * 4).fill(255);
  tiles.forEach((tile, k) => {
    if (tile.height !== h || tile.width !== w) throw new RangeError(`imageGrid: tile ${k} is ${tile.height} × ${tile.width}, tile 0 is ${h} × ${w}`);
    const rgb = tile.pixels.length === 3 * h * w;
    if (!rgb && tile.pixels.length !== h * w) throw new RangeError(`imageGrid: tile ${k} has ${tile.pixels.length} values, not ${h} × ${w} (grey) or 3 × ${h} × ${w} (RGB)`);
    const map = rgb ? 'grey' : (tile.colormap ?? options.colormap ?? 'grey');
    const range = tile.range ?? options.range ?? [0, 1];
    let [lo, hi] = range === 'each' ? [Infinity, -Infinity] : range;
    if (range === 'each') {
      for (let p = 0; p < tile.pixels.length; p++) {
        const v = tile.pixels[p]!;
        if (Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
      }
      if (map === 'diverging') [lo, hi] = [-Math.max(Math.abs(lo), Math.abs(hi)), Math.max(Math.abs(lo), Math.abs(hi))];
      if (!Number.isFinite(lo)) [lo, hi] = [0, 1];
    }
    const x0 = (k % columns) * (w + gap);
    const y0 = Math.floor(k / columns) * (h + gap);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const o = 4 * ((y0 + y) * width + x0 + x);
        const p = y * w + x;
        const c = rgb
          ? [0, 1, 2].map((ch) => colour(tile.pixels[ch * h * w + p]!, 'grey', lo, hi)[0])
          : colour(tile.pixels[p]!, map, lo, hi);
        data[o] = c[0]!;
        data[o + 1] = c[1]!;
        data[o + 2] = c[2]!;
      }
    }
  });
  return { width, height, data };
}

/** Base64 of bytes, with the `btoa` that browsers and Node (≥ 16) both have. */
function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * The grid as an SVG document, with its title, row and column labels and captions.
 * @example writeFileSync('digits.svg', imageGrid({ images: x.slice([{ start: 0, stop: 16 }]), rowLabels: ['first 8', 'next 8'] }))
 */
export function imageGrid(options: ImageGridOptions): string {
  const pixels = imageGridPixels(options);
  const tiles = tilesOf(options.images);
  const { height: h, width: w } = tiles[0]!;
  const columns = Math.min(options.columns ?? 8, tiles.length);
  const gap = options.gap ?? 1;
  const scale = options.scale ?? Math.max(1, Math.round(84 / w));
  const { rowLabels = [], columnLabels = [], captions = [], title = '' } = options;
  const left = 12 + 7 * Math.max(0, ...rowLabels.map((l) => l.length));
  const top = (title ? 32 : 8) + (columnLabels.length ? 18 : 0);
  const captionSpace = captions.length ? 16 : 0;
  const rows = Math.ceil(tiles.length / columns);
  const tileW = (w + gap) * scale;
  const tileH = (h + gap) * scale + captionSpace;
  const parts: string[] = [];
  if (title) parts.push(`<text x="${left}" y="20" font-size="15">${escapeXml(title)}</text>`);
  columnLabels.slice(0, columns).forEach((label, j) => parts.push(`<text x="${left + j * tileW + (w * scale) / 2}" y="${top - 6}" text-anchor="middle">${escapeXml(label)}</text>`));
  rowLabels.slice(0, rows).forEach((label, i) => parts.push(`<text x="${left - 8}" y="${top + i * tileH + (h * scale) / 2 + 4}" text-anchor="end">${escapeXml(label)}</text>`));
  if (captionSpace === 0) {
    const src = `data:image/png;base64,${base64(encodePng(pixels, options.deflate ? { deflate: options.deflate } : {}))}`;
    parts.push(`<image x="${left}" y="${top}" width="${pixels.width * scale}" height="${pixels.height * scale}" preserveAspectRatio="none" style="image-rendering:pixelated" href="${src}"/>`);
  } else {
    // Captions sit between the rows of tiles, so each row is its own image.
    for (let i = 0; i < rows; i++) {
      const rowTiles = tiles.slice(i * columns, (i + 1) * columns);
      const row = imageGridPixels({ ...options, images: rowTiles, columns });
      const src = `data:image/png;base64,${base64(encodePng(row, options.deflate ? { deflate: options.deflate } : {}))}`;
      parts.push(`<image x="${left}" y="${top + i * tileH}" width="${row.width * scale}" height="${row.height * scale}" preserveAspectRatio="none" style="image-rendering:pixelated" href="${src}"/>`);
    }
    captions.slice(0, tiles.length).forEach((caption, k) => {
      const x = left + (k % columns) * tileW + (w * scale) / 2;
      const y = top + Math.floor(k / columns) * tileH + h * scale + 13;
      parts.push(`<text x="${x}" y="${y}" text-anchor="middle" font-size="11">${escapeXml(caption)}</text>`);
    });
  }
  const width = left + columns * tileW + 8;
  const height = top + rows * tileH + 4;
  return svgDocument(width, height, parts);
}
