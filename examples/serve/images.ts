/**
 * images — a request's image, decoded and prepared as the model's training images were.
 *
 * Decoding: PNG (pngjs) or JPEG (jpeg-js), chosen by the first bytes, not the Content-Type;
 * the size is read from the header and refused above 16.7 million pixels before any decoding.
 * Preparing, for a model of C channels and S × S pixels:
 *   transparency over white → grey (0.299 R + 0.587 G + 0.114 B) when C = 1 → centre square →
 *   box filter to S × S (each target pixel averages the source area it covers) → for the
 *   28-pixel grey datasets, inverted when the border is mostly light (they show light on dark)
 *   → (v / 255 − mean) / std per channel.
 * JSON pixels skip decoding and resizing: they must already be S × S (grey) or S × S × 3.
 */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { RequestError } from './errors.js';

export const MAX_PIXELS = 4096 * 4096;

/** RGBA bytes, row-major. */
export interface Rgba {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** What a model expects: channels, side, standardisation, whether to invert light backgrounds. */
export interface InputSpec {
  readonly channels: 1 | 3;
  readonly size: number;
  readonly mean: readonly number[];
  readonly std: readonly number[];
  readonly autoInvert: boolean;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function decodeImage(bytes: Uint8Array): Rgba {
  const isPng = bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b);
  const isJpeg = bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  if (!isPng && !isJpeg) {
    throw new RequestError('not_an_image', `the body is neither PNG nor JPEG (its first bytes are ${[...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ')})`);
  }
  if (isPng && bytes.length >= 24) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    refuseHuge(view.getUint32(16), view.getUint32(20));
  }
  try {
    if (isPng) {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { width: png.width, height: png.height, data: png.data };
    }
    const image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_PIXELS / 1e6, maxMemoryUsageInMB: 512 });
    return { width: image.width, height: image.height, data: image.data };
  } catch (e) {
    const message = (e as Error).message;
    if (/maxResolutionInMP|maxMemoryUsageInMB/.test(message)) throw new RequestError('image_too_large', `the JPEG is larger than ${MAX_PIXELS.toLocaleString('en')} pixels (${message})`);
    throw new RequestError('undecodable_image', `the ${isPng ? 'PNG' : 'JPEG'} decoder rejected the image: ${message}`);
  }
}

function refuseHuge(width: number, height: number): void {
  if (width * height > MAX_PIXELS) throw new RequestError('image_too_large', `the image is ${width} × ${height} pixels; at most ${MAX_PIXELS.toLocaleString('en')} are accepted`);
}

/** The model's input [C, S, S] from a decoded image. */
export function prepareImage(image: Rgba, spec: InputSpec): Float32Array {
  const { width, height, data } = image;
  const S = spec.size;
  if (width < S || height < S) throw new RequestError('image_too_small', `the image is ${width} × ${height}; the model reads ${S} × ${S}, so at least that is needed (enlarging would invent detail)`);
  const side = Math.min(width, height);
  const x0 = Math.floor((width - side) / 2);
  const y0 = Math.floor((height - side) / 2);
  const channel = (x: number, y: number, c: number): number => {
    const i = 4 * ((y0 + y) * width + x0 + x);
    const a = data[i + 3]! / 255; // transparent pixels become white
    const v = spec.channels === 1 ? 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]! : data[i + c]!;
    return v * a + 255 * (1 - a);
  };
  const out = new Float32Array(spec.channels * S * S);
  const scale = side / S;
  for (let c = 0; c < spec.channels; c++) {
    for (let ty = 0; ty < S; ty++) {
      for (let tx = 0; tx < S; tx++) {
        if (scale === 1) {
          out[(c * S + ty) * S + tx] = channel(tx, ty, c);
          continue;
        }
        const sx0 = tx * scale, sx1 = (tx + 1) * scale, sy0 = ty * scale, sy1 = (ty + 1) * scale;
        let total = 0, weight = 0;
        for (let y = Math.floor(sy0); y < Math.ceil(sy1); y++) {
          const wy = Math.min(y + 1, sy1) - Math.max(y, sy0);
          for (let x = Math.floor(sx0); x < Math.ceil(sx1); x++) {
            const w = wy * (Math.min(x + 1, sx1) - Math.max(x, sx0));
            total += w * channel(x, y, c);
            weight += w;
          }
        }
        out[(c * S + ty) * S + tx] = total / weight;
      }
    }
  }
  return standardize(out, spec);
}

/** The model's input [C, S, S] from JSON pixels (S × S grey, or S × S × 3 RGB, values 0…255). */
export function preparePixels(pixels: unknown, spec: InputSpec): Float32Array {
  if (pixels === undefined) throw new RequestError('missing_pixels', 'the JSON body has no "pixels" (an H × W or H × W × 3 array of 0…255 values)');
  const S = spec.size;
  const expected = spec.channels === 1 ? `${S} × ${S} (or ${S} × ${S} × 3)` : `${S} × ${S} × 3`;
  if (!Array.isArray(pixels) || pixels.length !== S) throw new RequestError('wrong_shape', `"pixels" must be ${expected}; got ${describe(pixels)}`);
  const out = new Float32Array(spec.channels * S * S);
  for (let y = 0; y < S; y++) {
    const row: unknown = pixels[y];
    if (!Array.isArray(row) || row.length !== S) throw new RequestError('wrong_shape', `"pixels" must be ${expected}; row ${y} is ${describe(row)}`);
    for (let x = 0; x < S; x++) {
      const cell: unknown = row[x];
      const rgb = Array.isArray(cell) ? cell : [cell];
      if (rgb.length !== 1 && rgb.length !== 3) throw new RequestError('wrong_shape', `"pixels" must be ${expected}; pixel [${y}][${x}] has ${rgb.length} values`);
      if (rgb.length === 1 && spec.channels === 3) throw new RequestError('wrong_shape', `"pixels" must be ${expected}: this model reads colour`);
      for (const v of rgb) {
        if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 255) throw new RequestError('invalid_pixels', `pixel [${y}][${x}] is ${JSON.stringify(v)}; pixels are numbers in 0…255`);
      }
      const values = rgb as number[];
      if (spec.channels === 1) out[y * S + x] = values.length === 3 ? 0.299 * values[0]! + 0.587 * values[1]! + 0.114 * values[2]! : values[0]!;
      else for (let c = 0; c < 3; c++) out[(c * S + y) * S + x] = values[c]!;
    }
  }
  return standardize(out, { ...spec, autoInvert: false }); // JSON pixels are taken as the model sees them
}

function describe(v: unknown): string {
  return Array.isArray(v) ? `an array of ${v.length}` : v === null ? 'null' : typeof v;
}

/** Inverts light-background grey images if asked, then (v / 255 − mean) / std per channel. */
function standardize(values: Float32Array, spec: InputSpec): Float32Array {
  const S = spec.size;
  let invert = false;
  if (spec.autoInvert && spec.channels === 1) {
    let border = 0;
    for (let i = 0; i < S; i++) border += values[i]! + values[(S - 1) * S + i]! + values[i * S]! + values[i * S + S - 1]!;
    invert = border / (4 * S) > 127.5;
  }
  for (let c = 0; c < spec.channels; c++) {
    const mean = spec.mean[c]!;
    const std = spec.std[c]!;
    for (let i = c * S * S; i < (c + 1) * S * S; i++) values[i] = ((invert ? 255 - values[i]! : values[i]!) / 255 - mean) / std;
  }
  return values;
}
