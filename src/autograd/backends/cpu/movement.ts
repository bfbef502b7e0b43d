/**
 * movement — kernels that move values without arithmetic: permute, broadcast, strided slices
 * and their adjoints, concat, pad, and the index-driven gather / scatterAdd / indexSelect /
 * indexAdd / oneHot.
 *
 * Most of them are one primitive, `copyStrided`: walk a shape, read the source with one set of
 * strides and write the destination with another. A slice reads with strides × steps from an
 * offset; a broadcast reads with stride 0 along broadcast axes; a permutation reads with the
 * permuted strides. A transpose reads its innermost axis with a large stride, which thrashes
 * the cache, so when the source's innermost stride is not 1 we copy in 32 × 32 tiles.
 */
import { allocate, type DataArray, type DType } from '../../dtype.js';
import { broadcastStrides, fmt, sizeOf, stridesOf, type Shape } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { storageOf } from '../../tensor-storage.js';
import { coalesce, forEachRow, type Plan } from './iterate.js';

const TILE = 32;
/** tilesF32's tile side (it moves four rows at a time). */
const TILE_4 = 16;

/** The shortest contiguous run copyStrided moves with one `set` instead of an element loop. */
const BLOCK_COPY_MIN = 16;

/** dst[dOff + Σ i·dStrides] = src[sOff + Σ i·sStrides] for every index i of `shape`. */
function copyStrided(
  shape: Shape,
  dst: DataArray, dOff: number, dStrides: readonly number[],
  src: DataArray, sOff: number, sStrides: readonly number[],
): void {
  if (sizeOf(shape) === 0) return;
  const plan = coalesce(shape, [dStrides, sStrides]);
  const rank = plan.shape.length;
  const [ds, ss] = plan.strides as [number[], number[]];
  if (rank >= 2 && ss[rank - 1] !== 1 && ds[rank - 1] === 1) {
    copyTiled(plan, dst, dOff, src, sOff);
    return;
  }
  const dInner = ds[rank - 1]!;
  const sInner = ss[rank - 1]!;
  forEachRow(plan, (off, n) => {
    const d = dOff + off[0]!;
    const s = sOff + off[1]!;
    if (dInner === 1 && sInner === 1) {
      // A long contiguous run is one block copy: TypedArray.prototype.set converts exactly as the
      // element loop's stores do, and for arrays of one type it is a memmove. (The loop reads and
      // writes through the DataArray union, which V8 does slowly: about 15 ns an element.)
      if (n >= BLOCK_COPY_MIN) dst.set(src.subarray(s, s + n), d);
      else for (let i = 0; i < n; i++) dst[d + i] = src[s + i]!;
    } else {
      for (let i = 0; i < n; i++) dst[d + i * dInner] = src[s + i * sInner]!;
    }
  });
}

/** The last two axes of the plan copied tile by tile (a transpose-like read pattern). */
function copyTiled(plan: Plan, dst: DataArray, dOff: number, src: DataArray, sOff: number): void {
  const rank = plan.shape.length;
  const rows = plan.shape[rank - 2]!;
  const cols = plan.shape[rank - 1]!;
  const [ds, ss] = plan.strides as [number[], number[]];
  const dRow = ds[rank - 2]!;
  const sRow = ss[rank - 2]!;
  const sCol = ss[rank - 1]!;
  // Visit every position of the leading axes: a plan over them with a trailing axis of size 1.
  const outer: Plan = {
    shape: [...plan.shape.slice(0, rank - 2), 1],
    strides: [[...ds.slice(0, rank - 2), 0], [...ss.slice(0, rank - 2), 0]],
  };
  forEachRow(outer, (off) => {
    const d0 = dOff + off[0]!;
    const s0 = sOff + off[1]!;
    // The same loop once per array type: a loop that sees one type of array is compiled for it,
    // one that sees several goes through V8's slow generic element access (4–15 ns an element).
    if (dst instanceof Float32Array && src instanceof Float32Array) return tilesF32(dst, d0, dRow, src, s0, sRow, sCol, rows, cols);
    if (dst instanceof Float64Array && src instanceof Float64Array) return tilesF64(dst, d0, dRow, src, s0, sRow, sCol, rows, cols);
    for (let i0 = 0; i0 < rows; i0 += TILE) {
      const i1 = Math.min(i0 + TILE, rows);
      for (let j0 = 0; j0 < cols; j0 += TILE) {
        const j1 = Math.min(j0 + TILE, cols);
        for (let i = i0; i < i1; i++) {
          const d = d0 + i * dRow;
          const s = s0 + i * sRow;
          for (let j = j0; j < j1; j++) dst[d + j] = src[s + j * sCol]!;
        }
      }
    }
  });
}

/**
 * copyTiled's tiles for float32 arrays: 16 × 16 tiles, four destination rows at a time, so each
 * strided read of the source is followed by three more from the same cache lines (sRow apart):
 * a [4096, 1024] transpose took 2.1 ns an element against 4.7 with one row at a time in 32 × 32
 * tiles (1 thread, shared machine).
 */
function tilesF32(dst: Float32Array, d0: number, dRow: number, src: Float32Array, s0: number, sRow: number, sCol: number, rows: number, cols: number): void {
  for (let i0 = 0; i0 < rows; i0 += TILE_4) {
    const i1 = Math.min(i0 + TILE_4, rows);
    for (let j0 = 0; j0 < cols; j0 += TILE_4) {
      const j1 = Math.min(j0 + TILE_4, cols);
      let i = i0;
      for (; i + 4 <= i1; i += 4) {
        const d = d0 + i * dRow;
        const s = s0 + i * sRow;
        for (let j = j0; j < j1; j++) {
          const q = s + j * sCol;
          const e = d + j;
          dst[e] = src[q]!;
          dst[e + dRow] = src[q + sRow]!;
          dst[e + 2 * dRow] = src[q + 2 * sRow]!;
          dst[e + 3 * dRow] = src[q + 3 * sRow]!;
        }
      }
      for (; i < i1; i++) {
        const d = d0 + i * dRow;
        const s = s0 + i * sRow;
        for (let j = j0; j < j1; j++) dst[d + j] = src[s + j * sCol]!;
      }
    }
  }
}

/** copyTiled's tiles for float64 arrays. */
function tilesF64(dst: Float64Array, d0: number, dRow: number, src: Float64Array, s0: number, sRow: number, sCol: number, rows: number, cols: number): void {
  for (let i0 = 0; i0 < rows; i0 += TILE) {
    const i1 = Math.min(i0 + TILE, rows);
    for (let j0 = 0; j0 < cols; j0 += TILE) {
      const j1 = Math.min(j0 + TILE, cols);
      for (let i = i0; i < i1; i++) {
        const d = d0 + i * dRow;
        const s = s0 + i * sRow;
        for (let j = j0; j < j1; j++) dst[d + j] = src[s + j * sCol]!;
      }
    }
  }
}

export function permute(x: Tensor, perm: readonly number[]): Tensor {
  const inStrides = stridesOf(x.shape);
  const shape = perm.map((p) => x.shape[p]!);
  const out = allocate(x.dtype, x.numel());
  copyStrided(shape, out, 0, stridesOf(shape), storageOf(x), 0, perm.map((p) => inStrides[p]!));
  return new Tensor(out, shape);
}

export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  const out = allocate(x.dtype, sizeOf(shape));
  copyStrided(shape, out, 0, stridesOf(shape), storageOf(x), 0, broadcastStrides(x.shape, shape));
  return new Tensor(out, shape);
}

export function slice(x: Tensor, starts: readonly number[], steps: readonly number[], sizes: Shape): Tensor {
  const strides = stridesOf(x.shape);
  const offset = starts.reduce((acc, s, i) => acc + s * strides[i]!, 0);
  const out = allocate(x.dtype, sizeOf(sizes));
  copyStrided(sizes, out, 0, stridesOf(sizes), storageOf(x), offset, strides.map((s, i) => s * steps[i]!));
  return new Tensor(out, sizes);
}

export function sliceScatter(x: Tensor, shape: Shape, starts: readonly number[], steps: readonly number[]): Tensor {
  const strides = stridesOf(shape);
  const offset = starts.reduce((acc, s, i) => acc + s * strides[i]!, 0);
  const out = allocate(x.dtype, sizeOf(shape));
  copyStrided(x.shape, out, offset, strides.map((s, i) => s * steps[i]!), storageOf(x), 0, stridesOf(x.shape));
  return new Tensor(out, shape);
}

export function concat(xs: readonly Tensor[], axis: number): Tensor {
  const first = xs[0]!;
  const shape = [...first.shape];
  shape[axis] = xs.reduce((acc, t) => acc + t.shape[axis]!, 0);
  const out = allocate(first.dtype, sizeOf(shape));
  const outStrides = stridesOf(shape);
  let at = 0;
  for (const t of xs) {
    copyStrided(t.shape, out, at * outStrides[axis]!, outStrides, storageOf(t), 0, stridesOf(t.shape));
    at += t.shape[axis]!;
  }
  return new Tensor(out, shape);
}

export function pad(x: Tensor, pads: readonly (readonly [number, number])[], value: number): Tensor {
  const shape = x.shape.map((d, i) => d + pads[i]![0] + pads[i]![1]);
  const out = allocate(x.dtype, sizeOf(shape));
  if (value !== 0) out.fill(value);
  const strides = stridesOf(shape);
  const offset = pads.reduce((acc, [before], i) => acc + before * strides[i]!, 0);
  copyStrided(x.shape, out, offset, strides, storageOf(x), 0, stridesOf(x.shape));
  return new Tensor(out, shape);
}

function checkIndex(v: number, size: number, op: string, axis: number): void {
  if (v < 0 || v >= size) throw new RangeError(`${op}: index ${v} is out of bounds for axis ${axis} with size ${size}`);
}

/** Calls f(outFlat, otherFlat, indexValue) over `index`'s elements for gather/scatterAdd. */
function walkIndex(index: Tensor, other: Shape, axis: number, op: string, f: (i: number, j: number) => void): void {
  if (index.ndim !== other.length) {
    throw new RangeError(`${op}: index ${fmt(index.shape)} must have as many dimensions as the tensor ${fmt(other)}`);
  }
  index.shape.forEach((d, i) => {
    if (i !== axis && d > other[i]!) throw new RangeError(`${op}: index ${fmt(index.shape)} is larger than the tensor ${fmt(other)} along axis ${i}`);
  });
  const otherStrides = stridesOf(other);
  const idx = storageOf(index);
  const counters = new Array<number>(index.ndim).fill(0);
  for (let i = 0; i < idx.length; i++) {
    const v = idx[i]!;
    checkIndex(v, other[axis]!, op, axis);
    let j = 0;
    for (let a = 0; a < counters.length; a++) j += (a === axis ? v : counters[a]!) * otherStrides[a]!;
    f(i, j);
    for (let a = counters.length - 1; a >= 0; a--) {
      if (++counters[a]! < index.shape[a]!) break;
      counters[a] = 0;
    }
  }
}

export function gather(x: Tensor, axis: number, index: Tensor): Tensor {
  const out = allocate(x.dtype, index.numel());
  const src = storageOf(x);
  walkIndex(index, x.shape, axis, 'gather', (i, j) => (out[i] = src[j]!));
  return new Tensor(out, index.shape);
}

export function scatterAdd(src: Tensor, axis: number, index: Tensor, shape: Shape): Tensor {
  const out = allocate(src.dtype, sizeOf(shape));
  const values = storageOf(src);
  if (index.ndim === 2 && shape.length === 2 && axis === 1 && index.shape[0]! <= shape[0]!) {
    // rows of [R, K] indices into rows of [R', M] (max-pool's backward): no odometer, no callback
    const [rows, k] = index.shape as [number, number];
    const m = shape[1]!;
    const idx = storageOf(index);
    for (let r = 0; r < rows; r++) {
      for (let i = r * k; i < (r + 1) * k; i++) {
        const v = idx[i]!;
        checkIndex(v, m, 'scatterAdd', axis);
        out[r * m + v]! += values[i]!;
      }
    }
    return new Tensor(out, shape);
  }
  walkIndex(index, shape, axis, 'scatterAdd', (i, j) => (out[j]! += values[i]!));
  return new Tensor(out, shape);
}

function blocks(shape: Shape, axis: number): { outer: number; inner: number } {
  return { outer: sizeOf(shape.slice(0, axis)), inner: sizeOf(shape.slice(axis + 1)) };
}

export function indexSelect(x: Tensor, axis: number, index: Tensor): Tensor {
  const { outer, inner } = blocks(x.shape, axis);
  const r = x.shape[axis]!;
  const k = index.numel();
  const shape = x.shape.map((d, i) => (i === axis ? k : d));
  const out = allocate(x.dtype, sizeOf(shape));
  const src = storageOf(x);
  const idx = storageOf(index);
  for (let j = 0; j < k; j++) checkIndex(idx[j]!, r, 'indexSelect', axis);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      const from = (o * r + idx[j]!) * inner;
      out.set(src.subarray(from, from + inner), (o * k + j) * inner);
    }
  }
  return new Tensor(out, shape);
}

export function indexAdd(src: Tensor, axis: number, index: Tensor, shape: Shape): Tensor {
  const { outer, inner } = blocks(shape, axis);
  const r = shape[axis]!;
  const k = index.numel();
  const out = allocate(src.dtype, sizeOf(shape));
  const values = storageOf(src);
  const idx = storageOf(index);
  for (let j = 0; j < k; j++) checkIndex(idx[j]!, r, 'indexAdd', axis);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      const to = (o * r + idx[j]!) * inner;
      const from = (o * k + j) * inner;
      for (let i = 0; i < inner; i++) out[to + i]! += values[from + i]!;
    }
  }
  return new Tensor(out, shape);
}

export function oneHot(indices: Tensor, numClasses: number, dtype: DType): Tensor {
  const out = allocate(dtype, indices.numel() * numClasses);
  const idx = storageOf(indices);
  for (let i = 0; i < idx.length; i++) {
    const c = idx[i]!;
    if (c < 0 || c >= numClasses || !Number.isInteger(c)) {
      throw new RangeError(`oneHot: class ${c} is out of range for ${numClasses} classes`);
    }
    out[i * numClasses + c] = 1;
  }
  return new Tensor(out, [...indices.shape, numClasses]);
}
