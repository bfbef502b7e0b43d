/**
 * Positional embeddings: attention itself is blind to order (permuting the keys permutes nothing
 * in the output), so a Transformer adds to each token's vector one that depends on its position.
 *
 *   SinusoidalPositionalEncoding (Vaswani et al. 2017, §3.5), fixed, no parameters:
 *     PE[t, 2i] = sin(t / 10000^(2i/d)),   PE[t, 2i+1] = cos(t / 10000^(2i/d))
 *   Each pair of columns turns at its own frequency, so PE[t + k] is a rotation of PE[t] that
 *   depends only on k, and the table extends to any length. (Its `pe` table is a buffer left
 *   out of the state dict: it is a function of d and maxLen.)
 *   LearnedPositionalEmbedding: a trained [maxLen, d] table (`weight`, as an Embedding's), as in
 *   BERT and GPT-2, initialised N(0, 0.02²) as they do; it cannot go beyond maxLen.
 * Both map x [T, N, d] (PyTorch's tutorial layout; [N, T, d] with batchFirst; or [T, d]) to
 * dropout(x + P[offset … offset + T − 1]), the rows broadcast over the batch.
 */
import { arange, zeros } from '../autograd/creation.js';
import type { FloatDType } from '../autograd/dtype.js';
import { add, mul } from '../autograd/ops/elementwise.js';
import { slice, stack } from '../autograd/ops/indexing.js';
import { reshape } from '../autograd/ops/shape.js';
import { cos, exp, sin } from '../autograd/ops/unary.js';
import { defaultRandom, type Random } from '../autograd/random.js';
import { fmt } from '../autograd/shape.js';
import type { Tensor } from '../autograd/tensor.js';
import { dropout } from './dropout.js';
import { normal } from './init.js';
import { requireSize } from './linear.js';
import { Module, type Parameter } from './module.js';

/** Options of the positional encodings: the longest sequence, dropout, batch-first layout, dtype and the generator. */
export interface PositionalOptions {
  /** The longest sequence (default 5000 for the sinusoidal table, 512 for the learned one). */
  readonly maxLen?: number;
  /** Dropout on the sum in training (default 0). */
  readonly dropout?: number;
  /** x is [N, T, d] instead of [T, N, d] (default false). */
  readonly batchFirst?: boolean;
  readonly dtype?: FloatDType;
  /** Generator for the initial table (learned) and the dropout masks (default: the global one). */
  readonly random?: Random;
}

/**
 * The [length, d] sinusoid table of the file header.
 * @example sinusoidalPositions(2, 4).toArray()  // [[0, 1, 0, 1], [sin 1, cos 1, sin 0.01, cos 0.01]]
 */
export function sinusoidalPositions(length: number, d: number, dtype: FloatDType = 'float32'): Tensor {
  requireSize('sinusoidalPositions', 'length', length, 0);
  requireSize('sinusoidalPositions', 'd', d);
  const pairs = Math.ceil(d / 2);
  const t = reshape(arange(0, length, 1, { dtype: 'float64' }), [length, 1]);
  const frequency = exp(mul(arange(0, 2 * pairs, 2, { dtype: 'float64' }), -Math.log(10000) / d)); //  10000^(−2i/d), [pairs]
  const angle = mul(t, frequency); //                                                        [length, pairs]
  const table = reshape(stack([sin(angle), cos(angle)], 2), [length, 2 * pairs]); //          sin, cos interleaved
  return slice(table, [null, { stop: d }]).to(dtype); //                                      an odd d drops the last cos
}

/** x + table rows [0, T) broadcast over the batch axis of x's layout. */
function addRows(x: Tensor, table: Tensor, batchFirst: boolean, layer: string): Tensor {
  const d = table.shape[1]!;
  if ((x.ndim !== 2 && x.ndim !== 3) || x.shape[x.ndim - 1] !== d) {
    throw new RangeError(`${layer}: expected x ${batchFirst ? '[N, T, d]' : '[T, N, d]'} or [T, d] with d = ${d}, got ${fmt(x.shape)}`);
  }
  const T = x.shape[x.ndim === 3 && batchFirst ? 1 : 0]!;
  const rows = slice(table, [{ stop: T }]); //                                                  [T, d]
  return add(x, x.ndim === 3 && !batchFirst ? reshape(rows, [T, 1, d]) : rows);
}

function checkLength(T: number, offset: number, maxLen: number, layer: string): void {
  if (!Number.isInteger(offset) || offset < 0 || offset + T > maxLen) {
    throw new RangeError(`${layer}: positions ${offset} … ${offset + T - 1} do not fit in maxLen ${maxLen}`);
  }
}

/**
 * Adds the fixed sinusoid table of Vaswani et al. to a sequence.
 * @example new SinusoidalPositionalEncoding(16).forward(zeros([10, 2, 16])).shape  // [10, 2, 16]
 */
export class SinusoidalPositionalEncoding extends Module<[x: Tensor, offset?: number], Tensor> {
  readonly dModel: number;
  readonly maxLen: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  readonly pe: Tensor;
  readonly #random: Random | undefined;

  constructor(dModel: number, options: PositionalOptions = {}) {
    super();
    const { maxLen = 5000, dropout: p = 0, batchFirst = false, dtype = 'float32' } = options;
    requireSize('SinusoidalPositionalEncoding', 'maxLen', maxLen);
    if (!(p >= 0 && p <= 1)) throw new RangeError(`SinusoidalPositionalEncoding: dropout must be a probability in [0, 1], got ${p}`);
    this.dModel = dModel;
    this.maxLen = maxLen;
    this.dropout = p;
    this.batchFirst = batchFirst;
    this.#random = options.random;
    this.pe = this.buffer('pe', sinusoidalPositions(maxLen, dModel, dtype), { persistent: false });
  }

  forward(x: Tensor, offset = 0): Tensor {
    const T = x.shape[x.ndim === 3 && this.batchFirst ? 1 : 0] ?? 0;
    checkLength(T, offset, this.maxLen, 'SinusoidalPositionalEncoding');
    const table = offset === 0 ? this.pe : slice(this.pe, [{ start: offset }]);
    return dropout(addRows(x, table, this.batchFirst, 'SinusoidalPositionalEncoding'), this.dropout, this.training, this.#random);
  }

  protected override extraRepr(): string {
    return `dModel=${this.dModel}, maxLen=${this.maxLen}, dropout=${this.dropout}`;
  }
}

/**
 * Adds a trained vector per position (BERT's and GPT-2's position embeddings).
 * @example new LearnedPositionalEmbedding(16, { maxLen: 64 }).forward(zeros([10, 2, 16])).shape  // [10, 2, 16]
 */
export class LearnedPositionalEmbedding extends Module<[x: Tensor, offset?: number], Tensor> {
  readonly dModel: number;
  readonly maxLen: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  readonly weight: Parameter;
  readonly #random: Random | undefined;

  constructor(dModel: number, options: PositionalOptions = {}) {
    super();
    const { maxLen = 512, dropout: p = 0, batchFirst = false, dtype = 'float32' } = options;
    requireSize('LearnedPositionalEmbedding', 'dModel', dModel);
    requireSize('LearnedPositionalEmbedding', 'maxLen', maxLen);
    if (!(p >= 0 && p <= 1)) throw new RangeError(`LearnedPositionalEmbedding: dropout must be a probability in [0, 1], got ${p}`);
    this.dModel = dModel;
    this.maxLen = maxLen;
    this.dropout = p;
    this.batchFirst = batchFirst;
    this.#random = options.random;
    this.weight = this.param('weight', normal(zeros([maxLen, dModel], { dtype }), 0, 0.02, { random: options.random ?? defaultRandom() }));
  }

  forward(x: Tensor, offset = 0): Tensor {
    const T = x.shape[x.ndim === 3 && this.batchFirst ? 1 : 0] ?? 0;
    checkLength(T, offset, this.maxLen, 'LearnedPositionalEmbedding');
    const table = offset === 0 ? this.weight : slice(this.weight, [{ start: offset }]);
    return dropout(addRows(x, table, this.batchFirst, 'LearnedPositionalEmbedding'), this.dropout, this.training, this.#random);
  }

  protected override extraRepr(): string {
    return `maxLen=${this.maxLen}, dModel=${this.dModel}`;
  }
}
