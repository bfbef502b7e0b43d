/**
 * GRU — a stack of gated recurrent unit layers over a sequence, PyTorch's `nn.GRU`; and GruCell,
 * one step (`nn.GRUCell`). The maths, with its hand-derived backward, is in two fused ops:
 * src/autograd/ops/gru-sequence.ts runs one layer and direction over the whole sequence (what Gru
 * uses), src/autograd/ops/gru-cell.ts one step (GruCell). The loop over layers and directions,
 * the layout and the options are LSTM's (lstm.ts).
 *
 * Shapes: x [T, N, I] (or [N, T, I] with batchFirst, or [T, I]) → output [T, N, D·H] and
 * h [L·D, N, H]. Parameters weight_ih_l{k}[_reverse] [3H, ·], weight_hh_l{k}[_reverse] [3H, H],
 * bias_ih…, bias_hh… [3H], gates packed r, z, n; all drawn from U(−1/√H, 1/√H).
 */
import { gruCell } from '../autograd/ops/gru-cell.js';
import { gruSequence } from '../autograd/ops/gru-sequence.js';
import { zeros } from '../autograd/creation.js';
import { fmt } from '../autograd/shape.js';
import type { Tensor } from '../autograd/tensor.js';
import { cellWeights, RecurrentBase, type CellOptions, type CellWeights, type RecurrentOptions } from './lstm.js';
import { Module } from './module.js';

/** What `Gru.forward` returns: the output sequence and the final hidden state of every layer and direction. */
export interface GruOutput {
  readonly output: Tensor;
  /** Final hidden state of every layer and direction, [L·D, N, H]. */
  readonly h: Tensor;
}

/**
 * A multi-layer GRU over a sequence.
 * @example new Gru(3, 5, { bidirectional: true }).forward(zeros([7, 2, 3])).output.shape  // [7, 2, 10]
 */
export class Gru extends RecurrentBase<[x: Tensor, h0?: Tensor | null], GruOutput> {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions = {}) {
    super('Gru', 3, 1, inputSize, hiddenSize, options);
  }

  forward(x: Tensor, h0: Tensor | null = null): GruOutput {
    const initial = h0 ? (index: number, N: number) => this.stateBlock(h0, 'h0', index, N) : null;
    const { output, finals, unbatched } = this.runSequence((seq, h, w, reverse) => gruSequence(seq, h, w.wIh, w.wHh, w.bIh, w.bHh, reverse), x, initial);
    return { output, h: this.collect(finals, 0, unbatched) };
  }
}

/**
 * One GRU step, x [N, I] and h [N, H] → h' [N, H] (zeros when h is not given).
 * @example new GruCell(3, 4).forward(zeros([2, 3])).shape  // [2, 4]
 */
export class GruCell extends Module<[x: Tensor, h?: Tensor | null], Tensor> {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly weights: CellWeights;

  constructor(inputSize: number, hiddenSize: number, options: CellOptions = {}) {
    super();
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.weights = cellWeights(this, 'GruCell', 3, inputSize, hiddenSize, options);
  }

  forward(x: Tensor, h: Tensor | null = null): Tensor {
    if (x.ndim !== 2 || x.shape[1] !== this.inputSize) throw new RangeError(`GruCell: expected x [N, ${this.inputSize}], got ${fmt(x.shape)}`);
    const { wIh, wHh, bIh, bHh } = this.weights;
    return gruCell(x, h ?? zeros([x.shape[0]!, this.hiddenSize], { dtype: wIh.dtype }), wIh, wHh, bIh, bHh);
  }

  protected override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}`;
  }
}
