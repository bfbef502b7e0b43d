import { describe, expect, test } from 'vitest';
import { seededRandom } from '../../random.js';
import { nchwToNhwc, nchwToNhwcStrided, nhwcToNchw, splitRange, transposeInto } from './layout.js';

/** dst[dOff + b·dBatch + j·dRow + i] = src[sOff + b·sBatch + i·sRow + j·sCol], one element at a time. */
function reference(
  src: Float32Array, sOff: number, sBatch: number, sRow: number, sCol: number,
  dst: Float32Array, dOff: number, dBatch: number, dRow: number, batch: number, rows: number, cols: number,
): void {
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) dst[dOff + b * dBatch + j * dRow + i] = src[sOff + b * sBatch + i * sRow + j * sCol]!;
    }
  }
}

describe('transposeInto', () => {
  // rows and cols around the tile (32) and the 4-column step, source contiguous along j or not,
  // offsets, and destinations with room between rows
  const cases = [
    { batch: 1, rows: 1, cols: 1, sCol: 1 },
    { batch: 2, rows: 3, cols: 5, sCol: 1 },
    { batch: 3, rows: 33, cols: 7, sCol: 1 },
    { batch: 1, rows: 64, cols: 1024, sCol: 1 },
    { batch: 2, rows: 31, cols: 66, sCol: 1 },
    { batch: 2, rows: 5, cols: 9, sCol: 3 },
    { batch: 1, rows: 40, cols: 35, sCol: 2 },
  ];
  test.each(cases)('%o matches the element-by-element definition', ({ batch, rows, cols, sCol }) => {
    const random = seededRandom(rows * 1000 + cols);
    const sRow = sCol === 1 ? cols + 2 : 1;
    const sBatch = rows * sRow * sCol + 5;
    const sOff = 3;
    const src = Float32Array.from({ length: sOff + batch * sBatch + rows * cols * sCol * 2 + 64 }, () => random());
    const dRow = rows + 1;
    const dBatch = cols * dRow + 2;
    const dOff = 4;
    const size = dOff + batch * dBatch + 8;
    const got = new Float32Array(size).fill(-1);
    const want = new Float32Array(size).fill(-1);
    transposeInto(src, sOff, sBatch, sRow, sCol, got, dOff, dBatch, dRow, batch, rows, cols);
    reference(src, sOff, sBatch, sRow, sCol, want, dOff, dBatch, dRow, batch, rows, cols);
    expect(Array.from(got)).toEqual(Array.from(want)); // untouched padding included
  });

  test('NCHW → NHWC → NCHW is the identity', () => {
    const [N, C, P] = [2, 5, 13];
    const x = Float32Array.from({ length: N * C * P }, (_, i) => i);
    const nhwc = new Float32Array(x.length);
    nchwToNhwc(x, nhwc, N, C, P);
    expect(nhwc[(1 * P + 4) * C + 3]).toBe(x[(1 * C + 3) * P + 4]);
    const back = new Float32Array(x.length);
    nhwcToNchw(nhwc, back, N, P, C, C * P);
    expect(Array.from(back)).toEqual(Array.from(x));
  });

  test.each([[2, 5, 9, 7, 3, 2], [1, 8, 4, 4, 2, 2], [3, 3, 5, 6, 1, 4]])('nchwToNhwcStrided [%i, %i, %i, %i] stride (%i, %i) picks dst[n, i, j, c] = src[n, c, i·sh, j·sw]', (N, C, H, W, sh, sw) => {
    const OH = Math.floor((H - 1) / sh) + 1;
    const OW = Math.floor((W - 1) / sw) + 1;
    const x = Float32Array.from({ length: N * C * H * W }, (_, i) => i);
    const got = new Float32Array(N * OH * OW * C).fill(-1);
    nchwToNhwcStrided(x, got, N, C, H, W, OH, OW, sh, sw);
    const want: number[] = [];
    for (let n = 0; n < N; n++) for (let i = 0; i < OH; i++) for (let j = 0; j < OW; j++) for (let c = 0; c < C; c++) want.push(x[((n * C + c) * H + i * sh) * W + j * sw]!);
    expect(Array.from(got)).toEqual(want);
  });

  test('splitRange gives near-equal contiguous parts covering the range', () => {
    expect(splitRange(10, 3)).toEqual([[0, 4], [4, 7], [7, 10]]);
    expect(splitRange(2, 2)).toEqual([[0, 1], [1, 2]]);
  });
});
