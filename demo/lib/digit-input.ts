/**
 * digit-input — a drawing turned into an MNIST digit, the way the dataset's own digits were made
 * (LeCun et al.): the ink's bounding box is scaled to fit 20 × 20 pixels (keeping its aspect
 * ratio, averaging the source pixels each target pixel covers), then placed in a 28 × 28 field
 * so that its centre of mass falls on the centre. Pure functions on arrays: the browser tests and
 * Node can run them too.
 *
 *   ink [H, W] in [0, 1]  →  bounding box  →  [≤ 20, ≤ 20] box filter  →  [28, 28], centred by mass
 */

/** The 28 × 28 MNIST-style image of `ink` (row-major, H × W, values in [0, 1]), or null when nothing is drawn. */
export function mnistFromInk(ink: Float32Array, width: number, height: number): Float32Array | null {
  let top = height;
  let bottom = -1;
  let left = width;
  let right = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x]! > 0.05) {
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
        left = Math.min(left, x);
        right = Math.max(right, x);
      }
    }
  }
  if (bottom < 0) return null;
  const boxW = right - left + 1;
  const boxH = bottom - top + 1;
  const scale = 20 / Math.max(boxW, boxH);
  const w = Math.max(1, Math.round(boxW * scale));
  const h = Math.max(1, Math.round(boxH * scale));
  // Box filter: target pixel (i, j) averages the source pixels whose centres fall inside it.
  const small = new Float32Array(w * h);
  for (let i = 0; i < h; i++) {
    const y0 = top + Math.floor((i * boxH) / h);
    const y1 = Math.max(y0 + 1, top + Math.floor(((i + 1) * boxH) / h));
    for (let j = 0; j < w; j++) {
      const x0 = left + Math.floor((j * boxW) / w);
      const x1 = Math.max(x0 + 1, left + Math.floor(((j + 1) * boxW) / w));
      let sum = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sum += ink[y * width + x]!;
      small[i * w + j] = sum / ((y1 - y0) * (x1 - x0));
    }
  }
  let mass = 0;
  let cy = 0;
  let cx = 0;
  for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) {
    const v = small[i * w + j]!;
    mass += v;
    cy += v * i;
    cx += v * j;
  }
  const dy = Math.round(14 - cy / mass - 0.5);
  const dx = Math.round(14 - cx / mass - 0.5);
  const out = new Float32Array(28 * 28);
  for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) {
    const y = i + dy;
    const x = j + dx;
    if (y >= 0 && y < 28 && x >= 0 && x < 28) out[y * 28 + x] = Math.min(1, small[i * w + j]!);
  }
  return out;
}
