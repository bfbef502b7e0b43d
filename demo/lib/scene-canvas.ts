/**
 * scene-canvas — the Segment page's scene as numbers: a size × size grey image in [0, 1], edited
 * by pen strokes and by pasting 28 × 28 MNIST digits, with the same ink model as the digit scenes
 * the U-Net learnt from (src/data/digit-scenes.ts): a digit of intensity a is painted as
 * v ← a + (1 − a)·v. Pure functions, so the browser tests can rebuild a scene in Node.
 */

/** The grey pixels of a square scene, row-major. */
export interface Scene {
  readonly size: number;
  readonly pixels: Float32Array;
}

/** An empty (black) scene. */
export function emptyScene(size = 64): Scene {
  return { size, pixels: new Float32Array(size * size) };
}

/**
 * A pen stroke from `from` to `to` (scene coordinates, pixel centres at k + ½) of the given
 * radius: each pixel takes the larger of its value and the pen's coverage, 1 within the radius
 * falling linearly to 0 one pixel further out (an anti-aliased line, like a scanned pen).
 */
export function stroke(scene: Scene, from: readonly [number, number], to: readonly [number, number], radius = 1.3): void {
  const { size, pixels } = scene;
  const [x0, y0] = from;
  const [dx, dy] = [to[0] - x0, to[1] - y0];
  const length2 = dx * dx + dy * dy;
  const reach = radius + 1;
  const [left, right] = [Math.max(0, Math.floor(Math.min(x0, to[0]) - reach)), Math.min(size - 1, Math.ceil(Math.max(x0, to[0]) + reach))];
  const [top, bottom] = [Math.max(0, Math.floor(Math.min(y0, to[1]) - reach)), Math.min(size - 1, Math.ceil(Math.max(y0, to[1]) + reach))];
  for (let y = top; y <= bottom; y++) {
    for (let x = left; x <= right; x++) {
      const [px, py] = [x + 0.5 - x0, y + 0.5 - y0];
      const t = length2 === 0 ? 0 : Math.min(1, Math.max(0, (px * dx + py * dy) / length2));
      const distance = Math.hypot(px - t * dx, py - t * dy);
      const coverage = Math.min(1, Math.max(0, radius + 1 - distance));
      const i = y * size + x;
      if (coverage > pixels[i]!) pixels[i] = coverage;
    }
  }
}

/** Pastes a 28 × 28 digit (values in [0, 1]) with its top-left corner at (top, left), clipped to the scene. */
export function pasteDigit(scene: Scene, digit: ArrayLike<number>, top: number, left: number): void {
  const { size, pixels } = scene;
  if (digit.length !== 28 * 28) throw new RangeError(`pasteDigit: a digit has 784 pixels, got ${digit.length}`);
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const [sy, sx] = [top + y, left + x];
      const a = digit[y * 28 + x]!;
      if (sy < 0 || sy >= size || sx < 0 || sx >= size || a <= 0) continue;
      const i = sy * size + sx;
      pixels[i] = a + (1 - a) * pixels[i]!;
    }
  }
}
