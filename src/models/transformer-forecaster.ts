/**
 * TransformerForecaster — a small Transformer encoder over a window of past days that predicts the
 * next value, with an optional linear shortcut over the last few days (an AR term, as in LSTNet).
 *
 *   x: the window, days s − L + 1 … s, F features per day               [B, L, F]
 *   embed: Linear(F, d)                                                  → [B, L, d]
 *   + positions (learned table, or the fixed sinusoids)                  → [B, L, d]
 *   encoder: numLayers pre-norm TransformerEncoderLayers, final LayerNorm → [B, L, d]
 *   readout: the last day's vector h_L → Linear(d, 1)                     → [B, 1]
 *   + shortcut: Linear(k·F, 1) on the last k days, flattened (k = skipDays; 0 = none)
 * The last day's vector after self-attention has gathered what it needs from the other days, so
 * the attention of query L over keys 1 … L says which past days fed the forecast
 * (`attentionMaps`: every layer's weights, [B, L, L] averaged over heads or [B, H, L, L]).
 */
import type { FloatDType } from '../autograd/dtype.js';
import { add } from '../autograd/ops/elementwise.js';
import { slice } from '../autograd/ops/indexing.js';
import { reshape } from '../autograd/ops/shape.js';
import type { Random } from '../autograd/random.js';
import { fmt } from '../autograd/shape.js';
import type { Tensor } from '../autograd/tensor.js';
import { noGrad } from '../autograd/function.js';
import { LayerNorm } from '../layers/layer-norm.js';
import { Linear, requireSize } from '../layers/linear.js';
import { Module } from '../layers/module.js';
import { LearnedPositionalEmbedding, SinusoidalPositionalEncoding } from '../layers/positional.js';
import { TransformerEncoder, TransformerEncoderLayer } from '../layers/transformer.js';

/** The sizes and choices of a TransformerForecaster: window, features, width, heads, layers, positions, shortcut. */
export interface TransformerForecasterOptions {
  /** Days per window L. */
  readonly lookback: number;
  /** Features per day F. */
  readonly features: number;
  /** Width d of the token vectors (default 32). */
  readonly dModel?: number;
  readonly nhead?: number;
  readonly numLayers?: number;
  /** Width of each layer's feed-forward block (default 2d). */
  readonly dimFeedforward?: number;
  readonly dropout?: number;
  readonly positional?: 'learned' | 'sinusoidal';
  /** Days in the linear shortcut (default 0: none). */
  readonly skipDays?: number;
  readonly dtype?: FloatDType;
  readonly random?: Random;
}

/**
 * A small pre-norm Transformer encoder over a window of past days that predicts the next value
 * (see the file header for the shapes).
 * @example new TransformerForecaster({ lookback: 14, features: 6 }).forward(zeros([8, 14, 6])).shape  // [8, 1]
 */
export class TransformerForecaster extends Module<[x: Tensor], Tensor> {
  readonly lookback: number;
  readonly features: number;
  readonly dModel: number;
  readonly skipDays: number;
  readonly embed: Linear;
  readonly positions: LearnedPositionalEmbedding | SinusoidalPositionalEncoding;
  readonly encoder: TransformerEncoder;
  readonly head: Linear;
  readonly skip: Linear | null;

  constructor(options: TransformerForecasterOptions) {
    super();
    const { lookback, features, dModel = 32, nhead = 4, numLayers = 1, dropout = 0.1, positional = 'learned', skipDays = 0, dtype = 'float32', random } = options;
    requireSize('TransformerForecaster', 'lookback', lookback);
    requireSize('TransformerForecaster', 'features', features);
    if (!Number.isInteger(skipDays) || skipDays < 0 || skipDays > lookback) throw new RangeError(`TransformerForecaster: skipDays must be an integer in [0, ${lookback}], got ${skipDays}`);
    this.lookback = lookback;
    this.features = features;
    this.dModel = dModel;
    this.skipDays = skipDays;
    const withRandom = random ? { random } : {};
    this.embed = this.child('embed', new Linear(features, dModel, { dtype, ...withRandom }));
    this.positions = this.child('positions', positional === 'learned'
      ? new LearnedPositionalEmbedding(dModel, { maxLen: lookback, batchFirst: true, dtype, ...withRandom })
      : new SinusoidalPositionalEncoding(dModel, { maxLen: lookback, batchFirst: true, dtype }));
    const layer = new TransformerEncoderLayer(dModel, nhead, { dimFeedforward: options.dimFeedforward ?? 2 * dModel, dropout, batchFirst: true, normFirst: true, dtype, ...withRandom });
    this.encoder = this.child('encoder', new TransformerEncoder(layer, numLayers, new LayerNorm(dModel, { dtype })));
    this.head = this.child('head', new Linear(dModel, 1, { dtype, ...withRandom }));
    this.skip = skipDays > 0 ? this.child('skip', new Linear(skipDays * features, 1, { dtype, ...withRandom })) : null;
  }

  forward(x: Tensor): Tensor {
    const B = this.#check(x);
    const h = this.encoder.forward(this.positions.forward(this.embed.forward(x))); //   [B, L, d]
    const last = reshape(slice(h, [null, { start: this.lookback - 1 }]), [B, this.dModel]); // [B, d]
    const y = this.head.forward(last); //                                                [B, 1]
    if (!this.skip) return y;
    const recent = slice(x, [null, { start: this.lookback - this.skipDays }]); //       [B, k, F]
    return add(y, this.skip.forward(reshape(recent, [B, this.skipDays * this.features])));
  }

  /**
   * Each layer's self-attention weights: [B, L, L] per layer averaged over heads, or [B, H, L, L]
   * with averageHeads false; row i = query day i, column j = key day j (rows sum to 1).
   * Computed without a graph, in the current mode.
   */
  attentionMaps(x: Tensor, options: { readonly averageHeads?: boolean } = {}): Tensor[] {
    this.#check(x);
    const { averageHeads = true } = options;
    return noGrad(() => {
      let h = this.positions.forward(this.embed.forward(x));
      const maps: Tensor[] = [];
      for (const layer of this.encoder.layers) {
        const q = layer.normFirst ? layer.norm1.forward(h) : h; // what the layer's self_attn sees
        maps.push(layer.selfAttn.forward(q, q, q, { needWeights: true, averageAttnWeights: averageHeads }).weights!);
        h = layer.forward(h);
      }
      return maps;
    });
  }

  #check(x: Tensor): number {
    if (x.ndim !== 3 || x.shape[1] !== this.lookback || x.shape[2] !== this.features) {
      throw new RangeError(`TransformerForecaster: expected x [B, ${this.lookback}, ${this.features}], got ${fmt(x.shape)}`);
    }
    return x.shape[0]!;
  }
}
