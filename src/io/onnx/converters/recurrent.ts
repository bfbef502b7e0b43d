/**
 * recurrent — one LSTM or GRU layer and direction (ops/lstm-sequence.ts, ops/gru-sequence.ts) as
 * ONNX LSTM / GRU over the whole sequence.
 *
 * Parity traps, both converted here:
 *   gate order   PyTorch packs the LSTM's gates i, f, g, o and ONNX i, o, f, c (c is PyTorch's g);
 *                the GRU's r, z, n and ONNX z, r, h. The H-row blocks of W_ih, W_hh and the biases
 *                are reordered: LSTM blocks [0, 3, 1, 2], GRU blocks [1, 0, 2].
 *   biases       ONNX takes B = [Wb ‖ Rb], [1, 2·gates·H]: b_ih and b_hh side by side, not summed
 *                (the GRU needs them apart: its n gate is tanh(x·W_inᵀ + b_in + r ⊙ (h·W_hnᵀ + b_hn)),
 *                which is ONNX's linear_before_reset = 1, set here).
 * Sapling's LSTM op returns S [T, N, 2H], the packed [h_t ‖ c_t] of every step, while ONNX's LSTM
 * returns Y (every h_t), Y_h and Y_c (the last step's h and c). The layer only reads S through
 * slices — the h columns of every step, or the last step — so we convert those slices here: each
 * becomes Y, Y_h, Y_c or Concat(Y_h, Y_c). A slice that needs c_t of an earlier step is refused.
 * A constant all-zero start state (the layers' default) is left out; ONNX starts from zeros too.
 */
import type { Tensor } from '../../../autograd/tensor.js';
import { int, str, type OnnxGraphBuilder, type TracedNode } from '../graph-builder.js';
import { type OnnxConverter } from './common.js';

/** Mirrors LstmSequenceAttrs / GruSequenceAttrs. */
interface SequenceAttrs {
  readonly reverse: boolean;
}

/** Mirrors SliceAttrs in ops/indexing.ts. */
interface SliceAttrs {
  readonly starts: readonly number[];
  readonly steps: readonly number[];
  readonly sizes: readonly number[];
}

/** `t` with its H-row blocks in `order`, with a leading axis of 1 (ONNX's num_directions). */
function reordered(g: OnnxGraphBuilder, t: Tensor, H: number, order: readonly number[], suffix: string): string {
  if (!g.isConstant(t)) throw g.fail(`its weight ${JSON.stringify(t.shape)} depends on the input; ONNX takes the weights as constants`);
  const block = H * (t.ndim === 2 ? t.shape[1]! : 1);
  const src = t.storage;
  const out = t.dtype === 'float64' ? new Float64Array(src.length) : new Float32Array(src.length);
  order.forEach((from, to) => out.set(src.subarray(from * block, (from + 1) * block), to * block));
  const name = `${g.nameOf(t) ?? g.current}.${suffix}`;
  return g.literal(name, t.dtype === 'float64' ? 'float64' : 'float32', [1, ...t.shape], out);
}

/** B = [Wb ‖ Rb] [1, 2·G·H], each reordered. */
function biases(g: OnnxGraphBuilder, bIh: Tensor, bHh: Tensor, H: number, order: readonly number[], suffix: string): string {
  for (const b of [bIh, bHh]) if (!g.isConstant(b)) throw g.fail('its biases depend on the input; ONNX takes them as constants');
  const size = bIh.numel();
  const out = bIh.dtype === 'float64' ? new Float64Array(2 * size) : new Float32Array(2 * size);
  [bIh, bHh].forEach((b, k) => order.forEach((from, to) => out.set(b.storage.subarray(from * H, (from + 1) * H), k * size + to * H)));
  const name = `${(g.nameOf(bIh) ?? g.current).replace(/bias_ih/, 'bias')}.${suffix}`;
  return g.literal(name, bIh.dtype === 'float64' ? 'float64' : 'float32', [1, 2 * size], out);
}

/** True when `t` is a constant of zeros (the layers' default start state). */
const isZeroConstant = (g: OnnxGraphBuilder, t: Tensor): boolean => g.isConstant(t) && t.storage.every((v) => v === 0);

/** The batch sits on axis 1 of the time-major x [T, N, I]. */
function timeMajorBatch(g: OnnxGraphBuilder, x: Tensor): 1 | null {
  const b = g.batchAxis(x);
  if (b !== null && b !== 1) throw g.fail(`expects a time-major input [T, N, I] with the batch on axis 1, got [${x.shape}] with the batch on axis ${b}`);
  return b;
}

/** Columns [from, from + width) of a start state [N, w·H], as [1, N, width] for ONNX. */
function startState(g: OnnxGraphBuilder, state: Tensor, from: number, width: number, h: string): string {
  const cols = g.op('Slice', [g.value(state), g.int64s(`${h}/starts`, [from]), g.int64s(`${h}/ends`, [from + width]), g.int64s(`${h}/axes`, [1])], {}, `${h}/cols`);
  return g.op('Unsqueeze', [cols, g.int64s(`${h}/axes0`, [0])], {}, h);
}

/** The traced slices of S and which part each takes; throws for any other reader. */
function packedReaders(g: OnnxGraphBuilder, node: TracedNode, T: number, H: number, reverse: boolean) {
  if (g.isOutput(node.output)) throw g.fail('its packed [h ‖ c] sequence is a model output; ONNX\'s LSTM gives c only for the last step');
  const last = reverse ? 0 : T - 1;
  return g.consumers(node.output).map((reader) => {
    const a = reader.attrs as SliceAttrs;
    if (reader.name !== 'Slice' || a.steps.some((s) => s !== 1) || a.starts[1] !== 0 || a.sizes[1] !== node.output.shape[1]) {
      throw g.fail(`its packed [h ‖ c] output is read by ${reader.name} in a way ONNX's LSTM outputs cannot give`);
    }
    const [t0, tn, c0, cn] = [a.starts[0]!, a.sizes[0]!, a.starts[2]!, a.sizes[2]!];
    const time = t0 === last && tn === 1 ? 'last' : t0 === 0 && tn === T ? 'all' : null;
    const part = c0 === 0 && cn === H ? 'h' : c0 === H && cn === H ? 'c' : c0 === 0 && cn === 2 * H ? 'hc' : null;
    if (time === null || part === null || (time === 'all' && part !== 'h')) {
      throw g.fail(`reads steps [${t0}, ${t0 + tn}) and columns [${c0}, ${c0 + cn}) of the packed [h ‖ c] output; ONNX's LSTM gives every h_t but c only for the last step`);
    }
    return { reader, time, part } as const;
  });
}

export const recurrentConverters: Readonly<Record<string, OnnxConverter>> = {
  LstmSequence(g, node) {
    const [x, state0, wIh, wHh, bIh, bHh] = node.inputs as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
    const { reverse } = node.attrs as SequenceAttrs;
    const [T, H] = [x.shape[0]!, wHh.shape[1]!];
    const batch = timeMajorBatch(g, x);
    const h = (g.nameOf(wIh) ?? 'lstm').replace(/\.weight_ih/, '/LSTM');
    const readers = packedReaders(g, node, T, H, reverse);
    const order = [0, 3, 1, 2]; // i, f, g, o → i, o, f, c
    const initial = isZeroConstant(g, state0) ? [] : ['', startState(g, state0, 0, H, `${h}/h0`), startState(g, state0, H, H, `${h}/c0`)];
    const inputs = [g.value(x), reordered(g, wIh, H, order, 'iofc'), reordered(g, wHh, H, order, 'iofc'), biases(g, bIh, bHh, H, order, 'iofc'), ...initial];
    const [Y, Yh, Yc] = g.ops('LSTM', inputs, { hidden_size: int(H), direction: str(reverse ? 'reverse' : 'forward') }, 3, h) as [string, string, string];
    g.absorb(node.output); // S itself has no ONNX value: its readers take Y, Y_h and Y_c
    let squeezed: string | null = null;
    let packedLast: string | null = null;
    for (const { reader, time, part } of readers) {
      if (time === 'all') squeezed ??= g.op('Squeeze', [Y, g.int64s(`${h}/dir_axis`, [1])], {}, `${h}/Y`); // [T, 1, N, H] → [T, N, H]
      else if (part === 'hc') packedLast ??= g.op('Concat', [Yh, Yc], { axis: int(2) }, `${h}/last`); // [1, N, 2H]
      g.define(reader.output, time === 'all' ? squeezed! : part === 'h' ? Yh : part === 'c' ? Yc : packedLast!, batch);
    }
  },
  GruSequence(g, node) {
    const [x, h0, wIh, wHh, bIh, bHh] = node.inputs as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
    const { reverse } = node.attrs as SequenceAttrs;
    const H = wHh.shape[1]!;
    const batch = timeMajorBatch(g, x);
    const h = (g.nameOf(wIh) ?? 'gru').replace(/\.weight_ih/, '/GRU');
    const order = [1, 0, 2]; // r, z, n → z, r, h
    const initial = isZeroConstant(g, h0) ? [] : ['', g.op('Unsqueeze', [g.value(h0), g.int64s(`${h}/h0_axes`, [0])], {}, `${h}/h0`)];
    const inputs = [g.value(x), reordered(g, wIh, H, order, 'zrh'), reordered(g, wHh, H, order, 'zrh'), biases(g, bIh, bHh, H, order, 'zrh'), ...initial];
    const attributes = { hidden_size: int(H), direction: str(reverse ? 'reverse' : 'forward'), linear_before_reset: int(1) };
    const [Y] = g.ops('GRU', inputs, attributes, 2, h) as [string, string];
    g.define(node.output, g.op('Squeeze', [Y, g.int64s(`${h}/dir_axis`, [1])], {}, `${h}/Y`), batch); // [T, N, H]
  },
};
