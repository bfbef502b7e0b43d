/**
 * BagOfWords — text to sparse vectors, scikit-learn's `CountVectorizer` + `normalize`:
 *
 *   tokens      the matches of a pattern in the lower-cased text (default [a-z0-9$!']{2,30})
 *   vocabulary  the tokens found in at least `minDf` training documents; if more than
 *               `maxFeatures` remain, the most frequent ones (by document frequency when
 *               binary, by count otherwise; equal frequencies in alphabetical order, where
 *               sklearn's unstable sort leaves them unspecified); sorted alphabetically
 *   values      1 per vocabulary token present (binary) or its count, then each row scaled
 *               to unit L2 norm (or L1, or left as is); unknown tokens are ignored
 * Rows are returned sparse (CSR: indptr, indices, values), because a mail uses ~170 of ~34,000
 * words. `sparseToDense` gives the [N, V] matrix a Linear layer takes; `sparseToPadded` gives
 * [N, L] word indices with their values, so that x·W, for W [V, D], is one embedding lookup and
 * a weighted sum over L — the same product at the cost of the words present.
 */
import { Tensor } from '../autograd/tensor.js';

/** The spam protocol's token pattern (scikit-learn `token_pattern`), applied to lower-cased text. */
export const DEFAULT_TOKEN_PATTERN = "[a-z0-9$!']{2,30}";

/**
 * Options of `BagOfWords.fit`: the document-frequency cut-off, the vocabulary size, binary counts, normalisation and the token pattern.
 */
export interface BagOfWordsOptions {
  /** Keep tokens present in at least this many training documents (default 2). */
  readonly minDf?: number;
  /** Keep at most this many tokens, the most frequent (default 50,000). */
  readonly maxFeatures?: number;
  /** 1 for a token present, instead of its count (default true). */
  readonly binary?: boolean;
  /** Row normalisation (default 'l2'). */
  readonly norm?: 'l2' | 'l1' | null;
  /** The token regular expression's source, applied with the global flag (default DEFAULT_TOKEN_PATTERN). */
  readonly tokenPattern?: string;
}

/** Rows of a sparse matrix in compressed sparse row form: row i's columns are indices[indptr[i] … indptr[i+1]). */
export interface SparseRows {
  readonly rows: number;
  readonly columns: number;
  readonly indptr: Int32Array;
  /** Column indices, increasing within each row. */
  readonly indices: Int32Array;
  readonly values: Float64Array;
}

/** What `toJSON` writes and `fromJSON` reads: enough to featurise new text in another process or a browser. */
export interface BagOfWordsJson {
  readonly vocabulary: readonly string[];
  readonly options: Required<Omit<BagOfWordsOptions, 'norm'>> & { readonly norm: 'l2' | 'l1' | null };
}

/**
 * The tokens of a text: the pattern's matches in the lower-cased text, in order, repeats kept.
 * @example tokenize("FREE $$$ offer!!! Don't miss it") // ['free', '$$$', 'offer!!!', "don't", 'miss', 'it']
 */
export function tokenize(text: string, tokenPattern = DEFAULT_TOKEN_PATTERN): string[] {
  return text.toLowerCase().match(new RegExp(tokenPattern, 'g')) ?? [];
}

/**
 * A bag-of-words featuriser (scikit-learn's CountVectorizer): fitted on training texts, it turns texts into count or binary vectors over its vocabulary, and saves to JSON.
 */
export class BagOfWords {
  readonly vocabulary: readonly string[];
  readonly options: BagOfWordsJson['options'];
  private readonly index: ReadonlyMap<string, number>;

  private constructor(vocabulary: readonly string[], options: BagOfWordsJson['options']) {
    this.vocabulary = vocabulary;
    this.options = options;
    this.index = new Map(vocabulary.map((t, i) => [t, i]));
  }

  /**
   * Learns the vocabulary of the training texts.
   * @example BagOfWords.fit(['free offer', 'free money', 'meeting notes']).vocabulary  // ['free']
   */
  static fit(texts: readonly string[], options: BagOfWordsOptions = {}): BagOfWords {
    const where = 'BagOfWords.fit';
    const resolved = resolveOptions(options, where);
    if (texts.length === 0) throw new RangeError(`${where}: no training texts`);
    const documentFrequency = new Map<string, number>();
    const count = new Map<string, number>();
    for (const text of texts) {
      const tokens = tokenize(text, resolved.tokenPattern);
      for (const t of tokens) count.set(t, (count.get(t) ?? 0) + 1);
      for (const t of new Set(tokens)) documentFrequency.set(t, (documentFrequency.get(t) ?? 0) + 1);
    }
    let kept = [...documentFrequency].filter(([, df]) => df >= resolved.minDf).map(([t]) => t);
    const alphabetical = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
    if (kept.length > resolved.maxFeatures) {
      const frequency = resolved.binary ? documentFrequency : count;
      kept = kept.sort((a, b) => frequency.get(b)! - frequency.get(a)! || alphabetical(a, b)).slice(0, resolved.maxFeatures);
    }
    return new BagOfWords(kept.sort(alphabetical), resolved);
  }

  /** A featuriser from `toJSON`'s output. */
  static fromJSON(json: BagOfWordsJson): BagOfWords {
    const resolved = resolveOptions(json.options, 'BagOfWords.fromJSON');
    return new BagOfWords([...json.vocabulary], resolved);
  }

  toJSON(): BagOfWordsJson {
    return { vocabulary: this.vocabulary, options: this.options };
  }

  /** The column of a token, or −1 when it is not in the vocabulary. */
  indexOf(token: string): number {
    return this.index.get(token) ?? -1;
  }

  /**
   * The rows of the given texts, sparse.
   * @example BagOfWords.fit(['a1 b2', 'a1 b2 c3'], { minDf: 1 }).transform(['b2 zz a1']).values  // Float64Array [0.7071…, 0.7071…]
   */
  transform(texts: readonly string[]): SparseRows {
    const { binary, norm, tokenPattern } = this.options;
    const indptr = new Int32Array(texts.length + 1);
    const indices: number[] = [];
    const values: number[] = [];
    texts.forEach((text, i) => {
      const counts = new Map<number, number>();
      for (const t of tokenize(text, tokenPattern)) {
        const column = this.index.get(t);
        if (column !== undefined) counts.set(column, (counts.get(column) ?? 0) + 1);
      }
      const columns = [...counts.keys()].sort((a, b) => a - b);
      const row = columns.map((c) => (binary ? 1 : counts.get(c)!));
      const scale = norm === 'l2' ? Math.sqrt(row.reduce((a, v) => a + v * v, 0)) : norm === 'l1' ? row.reduce((a, b) => a + b, 0) : 1;
      columns.forEach((c, k) => {
        indices.push(c);
        values.push(scale > 0 ? row[k]! / scale : row[k]!);
      });
      indptr[i + 1] = indices.length;
    });
    return { rows: texts.length, columns: this.vocabulary.length, indptr, indices: Int32Array.from(indices), values: Float64Array.from(values) };
  }
}

function resolveOptions(options: BagOfWordsOptions, where: string): BagOfWordsJson['options'] {
  const { minDf = 2, maxFeatures = 50_000, binary = true, norm = 'l2', tokenPattern = DEFAULT_TOKEN_PATTERN } = options;
  if (!Number.isInteger(minDf) || minDf < 1) throw new RangeError(`${where}: minDf must be an integer ≥ 1, got ${minDf}`);
  if (!Number.isInteger(maxFeatures) || maxFeatures < 1) throw new RangeError(`${where}: maxFeatures must be an integer ≥ 1, got ${maxFeatures}`);
  if (norm !== 'l2' && norm !== 'l1' && norm !== null) throw new RangeError(`${where}: norm must be 'l2', 'l1' or null, got ${String(norm)}`);
  try {
    new RegExp(tokenPattern, 'g');
  } catch (e) {
    throw new TypeError(`${where}: tokenPattern ${JSON.stringify(tokenPattern)} is not a regular expression: ${(e as Error).message}`);
  }
  return { minDf, maxFeatures, binary, norm, tokenPattern };
}

/** The chosen rows (all by default) of a sparse matrix, in that order. */
function pick(rows: SparseRows, select: ArrayLike<number> | undefined, where: string): number[] {
  const chosen = select === undefined ? Array.from({ length: rows.rows }, (_, i) => i) : Array.from(select);
  chosen.forEach((r) => {
    if (!Number.isInteger(r) || r < 0 || r >= rows.rows) throw new RangeError(`${where}: row ${r} is out of range for ${rows.rows} rows`);
  });
  return chosen;
}

/**
 * The chosen rows as a dense float32 matrix [N, V].
 * @example sparseToDense({ rows: 1, columns: 3, indptr: Int32Array.of(0, 1), indices: Int32Array.of(2), values: Float64Array.of(1) }).toArray()  // [[0, 0, 1]]
 */
export function sparseToDense(rows: SparseRows, select?: ArrayLike<number>): Tensor {
  const chosen = pick(rows, select, 'sparseToDense');
  const out = new Float32Array(chosen.length * rows.columns);
  chosen.forEach((r, i) => {
    for (let k = rows.indptr[r]!; k < rows.indptr[r + 1]!; k++) out[i * rows.columns + rows.indices[k]!] = rows.values[k]!;
  });
  return new Tensor(out, [chosen.length, rows.columns]);
}

/**
 * The chosen rows as padded lists: `index` [N, L] int32 columns and `weight` [N, L] float32
 * values, L the longest chosen row (at least 1); padding is column 0 with weight 0, so
 * Σ_l weight[n, l] · W[index[n, l]] is row n times W.
 */
export function sparseToPadded(rows: SparseRows, select?: ArrayLike<number>): { index: Tensor; weight: Tensor } {
  const chosen = pick(rows, select, 'sparseToPadded');
  const length = Math.max(1, ...chosen.map((r) => rows.indptr[r + 1]! - rows.indptr[r]!));
  const index = new Int32Array(chosen.length * length);
  const weight = new Float32Array(chosen.length * length);
  chosen.forEach((r, i) => {
    const start = rows.indptr[r]!;
    for (let k = start; k < rows.indptr[r + 1]!; k++) {
      index[i * length + k - start] = rows.indices[k]!;
      weight[i * length + k - start] = rows.values[k]!;
    }
  });
  return { index: new Tensor(index, [chosen.length, length]), weight: new Tensor(weight, [chosen.length, length]) };
}
