/**
 * LSTM — a stack of long short-term memory layers over a sequence, PyTorch's `nn.LSTM`, and
 * LstmCell, one step (`nn.LSTMCell`). The maths and its backward are two fused ops
 * (ops/lstm-sequence.ts over the whole sequence, ops/lstm-cell.ts one step); this file holds the
 * weights and the loop over layers and directions (GRU shares it, with gruSequence).
 *
 * Shapes (L layers, D = 2 if bidirectional else 1): x [T, N, I] (or [N, T, I] with batchFirst,
 * or unbatched [T, I]); output [T, N, D·H], the last layer's h at every step, both directions
 * side by side; state.h, state.c [L·D, N, H], ordered layer 0 forward, layer 0 reverse, layer 1 …
 * Layer l > 0 reads layer l − 1's output, with dropout in training (not after the last layer).
 * Parameters carry PyTorch's names and order (see RecurrentBase), gates packed i, f, g, o (Keras
 * packs i, f, c, o, transposed: a porting trap); every weight and bias ~ U(−1/√H, 1/√H). BPTT is
 * a loop inside the op, so 1,000 steps cannot overflow the stack, and the graph holds one node
 * per layer and direction. The reverse direction's outputs are put back in time order.
 */
import { zeros } from '../autograd/creation.js';
import type { FloatDType } from '../autograd/dtype.js';
import { cat, slice, stack } from '../autograd/ops/indexing.js';
import { lstmCell } from '../autograd/ops/lstm-cell.js';
import { lstmSequence } from '../autograd/ops/lstm-sequence.js';
import { reshape, squeeze, transpose, unsqueeze } from '../autograd/ops/shape.js';
import { defaultRandom, type Random } from '../autograd/random.js';
import { fmt } from '../autograd/shape.js';
import type { Tensor } from '../autograd/tensor.js';
import { dropout } from './dropout.js';
import { uniform } from './init.js';
import { requireSize } from './linear.js';
import { Module, type Parameter } from './module.js';

/** h and c of every layer and direction, [L·D, N, H] each (or [L·D, H] for an unbatched input). */
export interface LstmState {
  readonly h: Tensor;
  readonly c: Tensor;
}

/** What `Lstm.forward` returns: the output sequence and the final state (h and c of every layer and direction). */
export interface LstmOutput {
  readonly output: Tensor;
  readonly state: LstmState;
}

/**
 * Options of `Lstm` and `Gru`: layers, bias, batch-first layout, dropout between layers, bidirectionality, dtype and the generator.
 */
export interface RecurrentOptions {
  /** Stacked layers (default 1). */
  readonly numLayers?: number;
  /** Learn b_ih and b_hh (default true). */
  readonly bias?: boolean;
  /** Input and output are [N, T, ·] instead of [T, N, ·] (default false). */
  readonly batchFirst?: boolean;
  /** Dropout probability on the outputs of every layer but the last, in training (default 0). */
  readonly dropout?: number;
  /** Run a second layer from the last step to the first and join the two (default false). */
  readonly bidirectional?: boolean;
  readonly dtype?: FloatDType;
  /** Generator for the initial weights and the dropout masks (default: the global one). */
  readonly random?: Random;
}

/**
 * One layer and direction over a whole time-major sequence: (x [T, N, in], s0 [N, w·H], weights,
 * reverse) → [T, N, w·H], the packed state after every step, in time order.
 */
export type SequenceRun = (x: Tensor, state0: Tensor, weights: CellWeights, reverse: boolean) => Tensor;

/** The four tensors of one layer and direction; biases are constant zeros when `bias: false`. */
export interface CellWeights {
  readonly wIh: Parameter;
  readonly wHh: Parameter;
  readonly bIh: Tensor;
  readonly bHh: Tensor;
}

/**
 * The machinery LSTM and GRU share: PyTorch-named weights for every layer and direction —
 *   weight_ih_l{k}[_reverse] [gates·H, I or D·H]   weight_hh_l{k}[_reverse] [gates·H, H]
 *   bias_ih_l{k}[_reverse] [gates·H]               bias_hh_l{k}[_reverse] [gates·H]
 * registered in PyTorch's order, so a state dict loads by name — and
 * the loop over layers and directions, with one op per layer and direction over the whole
 * sequence (`runSequence`: lstmSequence for LSTM, gruSequence for GRU). `gates` is 4 (LSTM) or 3
 * (GRU); `stateWidth` is how many [N, H] blocks the packed state holds: 2 for [h ‖ c], 1 for GRU's h.
 */
export abstract class RecurrentBase<Args extends readonly unknown[], Out> extends Module<Args, Out> {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly batchFirst: boolean;
  readonly bidirectional: boolean;
  readonly dropout: number;
  /** weights[layer][direction]. */
  readonly weights: readonly (readonly CellWeights[])[];
  readonly #random: Random | undefined;
  readonly #kind: string;
  readonly #stateWidth: number;

  constructor(kind: string, gates: number, stateWidth: number, inputSize: number, hiddenSize: number, options: RecurrentOptions) {
    super();
    const { numLayers = 1, bias = true, batchFirst = false, dropout: p = 0, bidirectional = false, dtype = 'float32' } = options;
    requireSize(kind, 'inputSize', inputSize);
    requireSize(kind, 'hiddenSize', hiddenSize);
    requireSize(kind, 'numLayers', numLayers);
    if (!(p >= 0 && p <= 1)) throw new RangeError(`${kind}: dropout must be a probability in [0, 1], got ${p}`);
    this.#kind = kind;
    this.#stateWidth = stateWidth;
    this.#random = options.random;
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.numLayers = numLayers;
    this.batchFirst = batchFirst;
    this.bidirectional = bidirectional;
    this.dropout = p;
    const D = bidirectional ? 2 : 1;
    const weights: CellWeights[][] = [];
    for (let layer = 0; layer < numLayers; layer++) {
      const layerIn = layer === 0 ? inputSize : D * hiddenSize;
      const row: CellWeights[] = [];
      for (let dir = 0; dir < D; dir++) {
        row.push(cellWeights(this, kind, gates, layerIn, hiddenSize, { bias, dtype, ...(options.random ? { random: options.random } : {}) }, `_l${layer}${dir === 1 ? '_reverse' : ''}`));
      }
      weights.push(row);
    }
    this.weights = weights;
  }

  /** Checks x and reads its layout: `seq` is x with a batch axis (N = 1 for a 2-D input). */
  #layout(x: Tensor): { seq: Tensor; timeAxis: 0 | 1; T: number; N: number; unbatched: boolean } {
    const unbatched = x.ndim === 2;
    if ((x.ndim !== 3 && !unbatched) || x.shape[x.ndim - 1] !== this.inputSize) {
      throw new RangeError(`${this.#kind}: expected input ${this.batchFirst ? '[N, T, I]' : '[T, N, I]'} or [T, I] with I = ${this.inputSize}, got ${fmt(x.shape)}`);
    }
    const seq = unbatched ? unsqueeze(x, 1) : x; //                              [T, 1, I] or as given
    const timeAxis = !unbatched && this.batchFirst ? 1 : 0;
    const T = seq.shape[timeAxis]!;
    const N = seq.shape[1 - timeAxis]!;
    if (T === 0) throw new RangeError(`${this.#kind}: the sequence is empty (input ${fmt(x.shape)})`);
    return { seq, timeAxis, T, N, unbatched };
  }

  /** The packed start state [N, w·H] of layer-and-direction `index`: the user's, or zeros. */
  #startState(initial: ((index: number, N: number) => Tensor) | null, index: number, N: number, like: Tensor): Tensor {
    const width = this.#stateWidth * this.hiddenSize;
    const state = initial ? initial(index, N) : zeros([N, width], { dtype: like.dtype });
    if (state.shape[0] !== N || state.shape[1] !== width) throw new RangeError(`${this.#kind}: initial state ${index} must be [${N}, ${width}], got ${fmt(state.shape)}`);
    return state;
  }

  /**
   * Runs every layer and direction over x with one op per layer and direction (`layerRun`,
   * lstmSequence or gruSequence). `initial` holds the packed start states [N, w·H] in PyTorch's
   * order (or null for zeros). Returns the output sequence and the final packed states in the same order.
   * `unbatched` is true for a 2-D input (then N = 1 inside).
   */
  protected runSequence(layerRun: SequenceRun, x: Tensor, initial: ((index: number, N: number) => Tensor) | null): { output: Tensor; finals: Tensor[]; unbatched: boolean } {
    const { seq, timeAxis, T, N, unbatched } = this.#layout(x);
    const H = this.hiddenSize;
    const D = this.bidirectional ? 2 : 1;
    let input = timeAxis === 1 ? transpose(seq, 0, 1) : seq; //                 [T, N, I], time-major inside
    const finals: Tensor[] = [];
    for (let layer = 0; layer < this.numLayers; layer++) {
      const hs: Tensor[] = [];
      for (let dir = 0; dir < D; dir++) {
        const weights = this.weights[layer]![dir]!;
        const index = layer * D + dir;
        const states = layerRun(input, this.#startState(initial, index, N, weights.wIh), weights, dir === 1); // [T, N, w·H]
        const last = dir === 0 ? T - 1 : 0; //                                   the reverse direction ends at t = 0
        finals.push(reshape(slice(states, [{ start: last, stop: last + 1 }]), [N, states.shape[2]!])); // [N, w·H]
        hs.push(this.#stateWidth === 1 ? states : slice(states, [null, null, { start: 0, stop: H }])); // h_t [T, N, H]
      }
      input = D === 1 ? hs[0]! : cat(hs, 2); //                                  [T, N, D·H]
      if (layer < this.numLayers - 1 && this.training && this.dropout > 0) input = dropout(input, this.dropout, true, this.#random);
    }
    let output = timeAxis === 1 ? transpose(input, 0, 1) : input; //             [T, N, D·H] or [N, T, D·H]
    if (unbatched) output = squeeze(output, 1); //                               [T, D·H]
    return { output, finals, unbatched };
  }

  /** Block `block` ([N, H]) of each packed final state, stacked to [L·D, N, H] (or [L·D, H]). */
  protected collect(finals: readonly Tensor[], block: number, unbatched: boolean): Tensor {
    const H = this.hiddenSize;
    const parts = finals.map((s) => (this.#stateWidth === 1 ? s : slice(s, [null, { start: block * H, stop: (block + 1) * H }])));
    const out = stack(parts, 0); //                                               [L·D, N, H]
    return unbatched ? squeeze(out, 1) : out;
  }

  /** Checks a user state [L·D, N, H] (or [L·D, H]) and returns its `index`-th [N, H] block. */
  protected stateBlock(t: Tensor, name: string, index: number, N: number): Tensor {
    const LD = this.numLayers * (this.bidirectional ? 2 : 1);
    const H = this.hiddenSize;
    const batched = t.ndim === 3;
    if (!(batched ? t.shape[0] === LD && t.shape[1] === N && t.shape[2] === H : t.ndim === 2 && N === 1 && t.shape[0] === LD && t.shape[1] === H)) {
      throw new RangeError(`${this.#kind}: ${name} must be [${LD}, ${N}, ${H}] (layers × directions, batch, hidden), got ${fmt(t.shape)}`);
    }
    return reshape(slice(t, [{ start: index, stop: index + 1 }, ...t.shape.slice(1).map(() => null)]), [N, H]);
  }

  protected override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}, numLayers=${this.numLayers}, batchFirst=${this.batchFirst}, bidirectional=${this.bidirectional}, dropout=${this.dropout}`;
  }
}

/**
 * A multi-layer LSTM over a sequence; returns the last layer's outputs and every final (h, c).
 * @example new Lstm(3, 5, { numLayers: 2 }).forward(zeros([7, 2, 3])).output.shape  // [7, 2, 5]
 */
export class Lstm extends RecurrentBase<[x: Tensor, state?: LstmState | null], LstmOutput> {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions = {}) {
    super('Lstm', 4, 2, inputSize, hiddenSize, options);
  }

  forward(x: Tensor, state: LstmState | null = null): LstmOutput {
    const initial = state ? (index: number, N: number) => cat([this.stateBlock(state.h, 'h0', index, N), this.stateBlock(state.c, 'c0', index, N)], 1) : null;
    const { output, finals, unbatched } = this.runSequence((seq, s0, w, reverse) => lstmSequence(seq, s0, w.wIh, w.wHh, w.bIh, w.bHh, reverse), x, initial);
    return { output, state: { h: this.collect(finals, 0, unbatched), c: this.collect(finals, 1, unbatched) } };
  }
}

/** Options of `LstmCell` and `GruCell`: the bias and the generator. */
export interface CellOptions {
  readonly bias?: boolean;
  readonly dtype?: FloatDType;
  readonly random?: Random;
}

/**
 * Registers PyTorch's cell parameters on `m`: weight_ih, weight_hh, bias_ih, bias_hh, each name
 * followed by `suffix` (a layer's `_l0`, `_l1_reverse`, …; nothing for a single cell), every one
 * ~ U(−1/√H, 1/√H), PyTorch's default, drawn in that order.
 */
export function cellWeights(m: Module<never, unknown>, kind: string, gates: number, inputSize: number, hiddenSize: number, options: CellOptions, suffix = ''): CellWeights {
  requireSize(kind, 'inputSize', inputSize);
  requireSize(kind, 'hiddenSize', hiddenSize);
  const { bias = true, dtype = 'float32' } = options;
  const random = options.random ?? defaultRandom();
  const bound = 1 / Math.sqrt(hiddenSize);
  const draw = (shape: number[]): Tensor => uniform(zeros(shape, { dtype }), -bound, bound, { random });
  const wIh = m.param(`weight_ih${suffix}`, draw([gates * hiddenSize, inputSize]));
  const wHh = m.param(`weight_hh${suffix}`, draw([gates * hiddenSize, hiddenSize]));
  const bIh = bias ? m.param(`bias_ih${suffix}`, draw([gates * hiddenSize])) : zeros([gates * hiddenSize], { dtype });
  const bHh = bias ? m.param(`bias_hh${suffix}`, draw([gates * hiddenSize])) : zeros([gates * hiddenSize], { dtype });
  return { wIh, wHh, bIh, bHh };
}

/**
 * One LSTM step, x [N, I] and (h, c) [N, H] → (h', c'); zeros when no state is given.
 * @example new LstmCell(3, 4).forward(zeros([2, 3])).h.shape  // [2, 4]
 */
export class LstmCell extends Module<[x: Tensor, state?: LstmState | null], LstmState> {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly weights: CellWeights;

  constructor(inputSize: number, hiddenSize: number, options: CellOptions = {}) {
    super();
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.weights = cellWeights(this, 'LstmCell', 4, inputSize, hiddenSize, options);
  }

  forward(x: Tensor, state: LstmState | null = null): LstmState {
    const H = this.hiddenSize;
    if (x.ndim !== 2 || x.shape[1] !== this.inputSize) throw new RangeError(`LstmCell: expected x [N, ${this.inputSize}], got ${fmt(x.shape)}`);
    const N = x.shape[0]!;
    const { wIh, wHh, bIh, bHh } = this.weights;
    const packed = state ? cat([state.h, state.c], 1) : zeros([N, 2 * H], { dtype: wIh.dtype }); //  [N, 2H]
    const next = lstmCell(x, packed, wIh, wHh, bIh, bHh);
    return { h: slice(next, [null, { start: 0, stop: H }]), c: slice(next, [null, { start: H, stop: 2 * H }]) };
  }

  protected override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}`;
  }
}
