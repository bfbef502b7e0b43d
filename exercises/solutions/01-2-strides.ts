/** Reference solution of exercise 1.2 (exercises/01-2-strides.ts). */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let k = shape.length - 1; k >= 0; k--) {
    strides[k] = s;
    s *= shape[k]!;
  }
  return strides;
}

export function offsetOf(index: readonly number[], strides: readonly number[]): number {
  return index.reduce((sum, i, k) => sum + i * strides[k]!, 0);
}

export function permute(data: readonly number[], shape: readonly number[], perm: readonly number[]): number[] {
  const inStrides = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]!);
  const out: number[] = [];
  const j = outShape.map(() => 0); // the output index, advanced like an odometer
  for (let n = 0; n < data.length; n++) {
    const i = new Array<number>(shape.length);
    perm.forEach((p, k) => (i[p] = j[k]!));
    out.push(data[offsetOf(i, inStrides)]!);
    for (let k = outShape.length - 1; k >= 0 && ++j[k]! === outShape[k]; k--) j[k] = 0;
  }
  return out;
}
