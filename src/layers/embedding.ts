/**
 * Embedding — a learned lookup table: y[…, :] = W[index[…], :].
 *
 * Shapes: index [*] (int32 in [0, numEmbeddings)) → y [*, embeddingDim]; W is
 * [numEmbeddings, embeddingDim] (PyTorch's layout), initialised N(0, 1) as PyTorch does. With
 * `paddingIdx` p (negative counts from the end), row p starts at zero and never receives a
 * gradient, so it stays a "no token" vector. The op and its backward (an index-add of the
 * upstream rows) are in src/autograd/ops/embedding.ts.
 */
import { arange, zeros } from '../autograd/creation.js';
import type { FloatDType } from '../autograd/dtype.js';
import { noGrad } from '../autograd/function.js';
import { embedding } from '../autograd/ops/embedding.js';
import { ne, where } from '../autograd/ops/elementwise.js';
import { reshape } from '../autograd/ops/shape.js';
import { defaultRandom, type Random } from '../autograd/random.js';
import type { Tensor } from '../autograd/tensor.js';
import { normal } from './init.js';
import { requireSize } from './linear.js';
import { Module, type Parameter } from './module.js';

/** Options of `Embedding`: the padding index and the generator of the initial weights. */
export interface EmbeddingOptions {
  /** The index whose row is zero and gets no gradient (default none). */
  readonly paddingIdx?: number | null;
  readonly dtype?: FloatDType;
  readonly random?: Random;
}

/**
 * A table of numEmbeddings vectors of size embeddingDim.
 * @example new Embedding(10, 4).forward(tensor([[1, 2, 3]], { dtype: 'int32' })).shape  // [1, 3, 4]
 */
export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  /** The padding row, normalised to [0, numEmbeddings), or null. */
  readonly paddingIdx: number | null;
  readonly weight: Parameter;

  constructor(numEmbeddings: number, embeddingDim: number, options: EmbeddingOptions = {}) {
    super();
    requireSize('Embedding', 'numEmbeddings', numEmbeddings);
    requireSize('Embedding', 'embeddingDim', embeddingDim);
    const { paddingIdx = null, dtype = 'float32' } = options;
    if (paddingIdx !== null && (!Number.isInteger(paddingIdx) || paddingIdx < -numEmbeddings || paddingIdx >= numEmbeddings)) {
      throw new RangeError(`Embedding: paddingIdx ${paddingIdx} is out of range for ${numEmbeddings} embeddings`);
    }
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.paddingIdx = paddingIdx === null ? null : paddingIdx < 0 ? paddingIdx + numEmbeddings : paddingIdx;
    const w = normal(zeros([numEmbeddings, embeddingDim], { dtype }), 0, 1, { random: options.random ?? defaultRandom() });
    const pad = this.paddingIdx;
    if (pad !== null) {
      // Zero the padding row: keep w where a [V, 1] column is 1, i.e. everywhere but row p.
      noGrad(() => w.assign(where(reshape(ne(arange(numEmbeddings), pad), [numEmbeddings, 1]), w, 0)));
    }
    this.weight = this.param('weight', w);
  }

  forward(index: Tensor): Tensor {
    return embedding(index, this.weight, this.paddingIdx);
  }

  protected override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx === null ? '' : `, paddingIdx=${this.paddingIdx}`}`;
  }
}
