/** Reference solution of exercise 9.3 (exercises/09-3-conv-loops.ts). */

export interface ConvShape {
  readonly x: readonly [number, number, number, number];
  readonly w: readonly [number, number, number, number];
  readonly padding: number;
}

function sizes({ x: [N, C, H, W], w: [O, Cw, KH, KW], padding: p }: ConvShape) {
  if (C !== Cw) throw new RangeError(`conv: x [${N}, ${C}, ${H}, ${W}] has ${C} channels but w [${O}, ${Cw}, ${KH}, ${KW}] expects ${Cw}`);
  return { N, C, H, W, O, KH, KW, p, OH: H + 2 * p - KH + 1, OW: W + 2 * p - KW + 1 };
}

export function convDirect(x: Float32Array, w: Float32Array, shape: ConvShape): Float32Array {
  const { N, C, H, W, O, KH, KW, p, OH, OW } = sizes(shape);
  const y = new Float32Array(N * O * OH * OW);
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      for (let i = 0; i < OH; i++) {
        for (let j = 0; j < OW; j++) {
          let sum = 0;
          for (let c = 0; c < C; c++) {
            for (let a = 0; a < KH; a++) {
              const r = i + a - p;
              if (r < 0 || r >= H) continue; //        a padding row: x is 0 there
              for (let b = 0; b < KW; b++) {
                const s = j + b - p;
                if (s >= 0 && s < W) sum += w[((o * C + c) * KH + a) * KW + b]! * x[((n * C + c) * H + r) * W + s]!;
              }
            }
          }
          y[((n * O + o) * OH + i) * OW + j] = sum;
        }
      }
    }
  }
  return y;
}

export function convIm2col(x: Float32Array, w: Float32Array, shape: ConvShape): Float32Array {
  const { N, C, H, W, O, KH, KW, p, OH, OW } = sizes(shape);
  const [K, P] = [C * KH * KW, OH * OW];
  const y = new Float32Array(N * O * P);
  const cols = new Float32Array(K * P);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      for (let a = 0; a < KH; a++) {
        for (let b = 0; b < KW; b++) {
          const row = ((c * KH + a) * KW + b) * P;
          for (let i = 0; i < OH; i++) {
            const r = i + a - p;
            for (let j = 0; j < OW; j++) {
              const s = j + b - p;
              cols[row + i * OW + j] = r >= 0 && r < H && s >= 0 && s < W ? x[((n * C + c) * H + r) * W + s]! : 0;
            }
          }
        }
      }
    }
    for (let o = 0; o < O; o++) {
      const out = (n * O + o) * P;
      for (let k = 0; k < K; k++) {
        const wok = w[o * K + k]!;
        for (let q = 0; q < P; q++) y[out + q]! += wok * cols[k * P + q]!;
      }
    }
  }
  return y;
}
