/**
 * svd-compress — a photograph compressed by keeping the k largest singular triplets of each colour
 * channel (Eckart–Young: U_k Σ_k V_kᵀ is the closest rank-k matrix), with the two numbers that
 * judge it. Pure functions on Sapling's linalg, shared by the SVD page and the browser test's Node
 * side, so the page's PSNR can be checked against Node's.
 *
 *   stored numbers  3 · k · (m + n + 1)   (U_k: m × k, V_k: n × k, σ: k, per channel)
 *   ratio           3 · m · n / stored
 *   PSNR            10 · log10(255² / MSE), MSE over the 8-bit (rounded, clipped) reconstruction
 */
import * as linalg from '../../src/linalg/index.js'; // relative, not 'sapling': Node runs this file too (demo/tests)

export interface Photo {
  readonly width: number;
  readonly height: number;
  /** RGB bytes, row-major, 3 per pixel. */
  readonly rgb: Uint8Array;
}

/** The three channels as height × width matrices and their SVDs (U, Σ, V). */
export function decompose(photo: Photo): linalg.SvdResult[] {
  const { width: n, height: m, rgb } = photo;
  return [0, 1, 2].map((c) => {
    const a = new linalg.Matrix(m, n);
    for (let i = 0; i < m * n; i++) a.data[i] = rgb[3 * i + c]!;
    return linalg.svd(a);
  });
}

/** The rank-k reconstruction as RGB bytes (rounded and clipped to 0…255). */
export function reconstruct(photo: Photo, svds: readonly linalg.SvdResult[], k: number): Uint8Array {
  const out = new Uint8Array(photo.rgb.length);
  svds.forEach((d, c) => {
    const approx = linalg.truncate(d.U, d.S, d.V, k).approximation.data;
    for (let i = 0; i < approx.length; i++) out[3 * i + c] = Math.min(255, Math.max(0, Math.round(approx[i]!)));
  });
  return out;
}

/** Peak signal-to-noise ratio of `approx` against the photo, in dB (Infinity when equal). */
export function psnr(photo: Photo, approx: Uint8Array): number {
  let se = 0;
  for (let i = 0; i < approx.length; i++) se += (approx[i]! - photo.rgb[i]!) ** 2;
  const mse = se / approx.length;
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}

/** How many times fewer numbers rank k stores than the photo has. */
export function compressionRatio(photo: Photo, k: number): number {
  return (photo.width * photo.height) / (k * (photo.width + photo.height + 1));
}
