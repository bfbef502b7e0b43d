/**
 * Matrix — the one data type of `linalg`: a dense float64 matrix of `rows × cols`, stored
 * row-major in a `Float64Array` (entry (i, j) lives at `data[i * cols + j]`).
 *
 * Why a separate type and not a Tensor? Every algorithm here is a sequence of in-place row
 * operations on one array; a 2-D float64 array with no graph, no dtype switch and no strides is
 * the shape those loops want. Conversions to and from Sapling tensors and scijs ndarrays live in
 * `convert.ts`, at the edge. Row-major matters for speed: the kernels in this folder arrange their
 * work so that the innermost loop runs along a row (contiguous memory).
 *
 * Shapes may be empty (0 × n) as values; the decompositions reject them with a clear error.
 */

/** A matrix written as nested arrays, one inner array per row. */
export type NestedRows = readonly (readonly number[])[];

/**
 * A dense float64 matrix in row-major order, the type every `linalg` routine takes and returns; `fromTensor` / `toTensor` cross to Sapling tensors.
 * @example linalg.Matrix.from([[1, 2], [3, 4]]).transpose().data  // Float64Array [1, 3, 2, 4]
 */
export class Matrix {
  readonly rows: number;
  readonly cols: number;
  /** Row-major entries; `data[i * cols + j]` is entry (i, j). Shared, not copied. */
  readonly data: Float64Array;

  /**
   * Wraps `data` (not copied), or allocates zeros when `data` is omitted.
   * @example new Matrix(2, 2, new Float64Array([1, 2, 3, 4])).get(1, 0)  // 3
   */
  constructor(rows: number, cols: number, data?: Float64Array) {
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
      throw new RangeError(`Matrix: shape must be two non-negative integers, got [${rows}, ${cols}]`);
    }
    if (data !== undefined && data.length !== rows * cols) {
      throw new RangeError(`Matrix: ${data.length} values cannot fill shape [${rows}, ${cols}] (needs ${rows * cols})`);
    }
    this.rows = rows;
    this.cols = cols;
    this.data = data ?? new Float64Array(rows * cols);
  }

  /**
   * A matrix from nested rows (copied).
   * @example Matrix.from([[1, 2], [3, 4]]).shape  // [2, 2]
   */
  static from(rows: NestedRows): Matrix {
    const m = rows.length;
    const n = m === 0 ? 0 : rows[0]!.length;
    const out = new Matrix(m, n);
    for (let i = 0; i < m; i++) {
      const row = rows[i]!;
      if (row.length !== n) throw new RangeError(`Matrix.from: row ${i} has ${row.length} entries but row 0 has ${n}`);
      out.data.set(row, i * n);
    }
    return out;
  }

  /** A `rows × cols` matrix of zeros. */
  static zeros(rows: number, cols: number): Matrix {
    return new Matrix(rows, cols);
  }

  /**
   * The identity (or, when rectangular, ones on the main diagonal).
   * @example Matrix.eye(2).toArray()  // [[1, 0], [0, 1]]
   */
  static eye(rows: number, cols = rows): Matrix {
    const out = new Matrix(rows, cols);
    for (let i = 0; i < Math.min(rows, cols); i++) out.data[i * cols + i] = 1;
    return out;
  }

  /**
   * A square (or `rows × cols`) matrix with `values` on its diagonal.
   * @example Matrix.diag([2, 3]).toArray()  // [[2, 0], [0, 3]]
   */
  static diag(values: ArrayLike<number>, rows = values.length, cols = rows): Matrix {
    const out = new Matrix(rows, cols);
    const k = Math.min(rows, cols, values.length);
    for (let i = 0; i < k; i++) out.data[i * cols + i] = values[i]!;
    return out;
  }

  /**
   * A matrix whose entries are `f(i, j)`.
   * @example Matrix.build(2, 2, (i, j) => 1 / (i + j + 1)).get(1, 1)  // 0.3333333333333333
   */
  static build(rows: number, cols: number, f: (i: number, j: number) => number): Matrix {
    const out = new Matrix(rows, cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out.data[i * cols + j] = f(i, j);
    return out;
  }

  get shape(): [number, number] {
    return [this.rows, this.cols];
  }

  get isSquare(): boolean {
    return this.rows === this.cols;
  }

  get(i: number, j: number): number {
    return this.data[i * this.cols + j]!;
  }

  set(i: number, j: number, value: number): void {
    this.data[i * this.cols + j] = value;
  }

  /** A deep copy. */
  clone(): Matrix {
    return new Matrix(this.rows, this.cols, this.data.slice());
  }

  /**
   * Aᵀ as a new matrix, copied in 32 × 32 tiles so both sides stay in cache.
   * @example Matrix.from([[1, 2, 3]]).transpose().toArray()  // [[1], [2], [3]]
   */
  transpose(): Matrix {
    const { rows: m, cols: n, data: a } = this;
    const out = new Matrix(n, m);
    const t = out.data;
    const B = 32;
    for (let i0 = 0; i0 < m; i0 += B) {
      const i1 = Math.min(m, i0 + B);
      for (let j0 = 0; j0 < n; j0 += B) {
        const j1 = Math.min(n, j0 + B);
        for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) t[j * m + i] = a[i * n + j]!;
      }
    }
    return out;
  }

  /**
   * The product A · B.
   * @example Matrix.from([[1, 2], [3, 4]]).matmul(Matrix.eye(2)).toArray()  // [[1, 2], [3, 4]]
   */
  matmul(b: Matrix): Matrix {
    if (this.cols !== b.rows) throw new RangeError(`matmul: cannot multiply [${this.shape}] by [${b.shape}]`);
    return multiply(this, b);
  }

  /** Row i as a new Float64Array. */
  row(i: number): Float64Array {
    return this.data.slice(i * this.cols, (i + 1) * this.cols);
  }

  /** Column j as a new Float64Array. */
  column(j: number): Float64Array {
    const out = new Float64Array(this.rows);
    for (let i = 0; i < this.rows; i++) out[i] = this.data[i * this.cols + j]!;
    return out;
  }

  /** The main diagonal as a new Float64Array. */
  diagonal(): Float64Array {
    const k = Math.min(this.rows, this.cols);
    const out = new Float64Array(k);
    for (let i = 0; i < k; i++) out[i] = this.data[i * this.cols + i]!;
    return out;
  }

  /** Rows r0..r1-1 and columns c0..c1-1 as a new matrix. */
  slice(r0: number, r1: number, c0 = 0, c1 = this.cols): Matrix {
    if (r0 < 0 || r1 > this.rows || r0 > r1 || c0 < 0 || c1 > this.cols || c0 > c1) {
      throw new RangeError(`slice: rows ${r0}..${r1} and columns ${c0}..${c1} do not fit in [${this.shape}]`);
    }
    const out = new Matrix(r1 - r0, c1 - c0);
    for (let i = r0; i < r1; i++) out.data.set(this.data.subarray(i * this.cols + c0, i * this.cols + c1), (i - r0) * out.cols);
    return out;
  }

  /** Entry-wise A − B. */
  sub(b: Matrix): Matrix {
    sameShape('sub', this, b);
    const out = new Matrix(this.rows, this.cols);
    for (let i = 0; i < out.data.length; i++) out.data[i] = this.data[i]! - b.data[i]!;
    return out;
  }

  /** Entry-wise A + B. */
  add(b: Matrix): Matrix {
    sameShape('add', this, b);
    const out = new Matrix(this.rows, this.cols);
    for (let i = 0; i < out.data.length; i++) out.data[i] = this.data[i]! + b.data[i]!;
    return out;
  }

  /** s · A. */
  scale(s: number): Matrix {
    const out = new Matrix(this.rows, this.cols);
    for (let i = 0; i < out.data.length; i++) out.data[i] = s * this.data[i]!;
    return out;
  }

  /** Nested rows (for printing and tests). */
  toArray(): number[][] {
    const out: number[][] = [];
    for (let i = 0; i < this.rows; i++) out.push(Array.from(this.data.subarray(i * this.cols, (i + 1) * this.cols)));
    return out;
  }

  toString(): string {
    return `Matrix [${this.rows}, ${this.cols}] ${JSON.stringify(this.toArray())}`;
  }
}

function sameShape(op: string, a: Matrix, b: Matrix): void {
  if (a.rows !== b.rows || a.cols !== b.cols) throw new RangeError(`${op}: shapes [${a.shape}] and [${b.shape}] differ`);
}

/**
 * C = A · B, row-major. The kernel walks four rows of A at a time and streams rows of B
 * through them (i-k-j order), so the innermost loop reads B and writes C contiguously and each
 * loaded B entry feeds four multiply-adds. Columns are cut into panels of 256 so the four rows
 * of C being accumulated stay in L1 cache.
 */
export function multiply(a: Matrix, b: Matrix, out: Matrix = new Matrix(a.rows, b.cols)): Matrix {
  const m = a.rows;
  const K = a.cols;
  const n = b.cols;
  const A = a.data;
  const Bd = b.data;
  const C = out.data;
  C.fill(0);
  const PANEL = 256;
  for (let j0 = 0; j0 < n; j0 += PANEL) {
    const j1 = Math.min(n, j0 + PANEL);
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      const c0 = i * n;
      const c1 = c0 + n;
      const c2 = c1 + n;
      const c3 = c2 + n;
      const a0 = i * K;
      for (let k = 0; k < K; k++) {
        const x0 = A[a0 + k]!;
        const x1 = A[a0 + K + k]!;
        const x2 = A[a0 + 2 * K + k]!;
        const x3 = A[a0 + 3 * K + k]!;
        const bk = k * n;
        for (let j = j0; j < j1; j++) {
          const y = Bd[bk + j]!;
          C[c0 + j] = C[c0 + j]! + x0 * y;
          C[c1 + j] = C[c1 + j]! + x1 * y;
          C[c2 + j] = C[c2 + j]! + x2 * y;
          C[c3 + j] = C[c3 + j]! + x3 * y;
        }
      }
    }
    for (; i < m; i++) {
      const ci = i * n;
      for (let k = 0; k < K; k++) {
        const x = A[i * K + k]!;
        const bk = k * n;
        for (let j = j0; j < j1; j++) C[ci + j] = C[ci + j]! + x * Bd[bk + j]!;
      }
    }
  }
  return out;
}
