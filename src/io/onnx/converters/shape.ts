/**
 * shape — the movement ops of ops/shape.ts, ops/indexing.ts and ops/cast.ts in ONNX.
 *
 *   Reshape → Reshape   Permute → Transpose   BroadcastTo → Expand   Slice → Slice
 *   Concat → Concat     Pad → Pad (constant)  Cast → Cast            Clone → Identity
 *
 * Their attrs hold sizes computed at the traced batch size. Under a dynamic batch we compare them
 * with the same op in a second trace at another batch size (`g.twin`): a size that changed is
 * the batch's, and is written so that ONNX recomputes it — −1 in a Reshape target, 1 in an Expand
 * shape (Expand broadcasts both ways), and a Slice leaves out
 * the axes it keeps whole.
 */
import type { DType } from '../../../autograd/dtype.js';
import type { Shape } from '../../../autograd/shape.js';
import { ONNX_ELEM_TYPE } from '../onnx-proto.js';
import { int, ints, str, type OnnxGraphBuilder, type TracedNode } from '../graph-builder.js';
import { hint, permutedBatch, sameBatch, type OnnxConverter } from './common.js';

/** Mirrors SliceAttrs in ops/indexing.ts. */
interface SliceAttrs {
  readonly starts: readonly number[];
  readonly steps: readonly number[];
  readonly sizes: Shape;
}

/** Mirrors PadAttrs in ops/indexing.ts. */
interface PadAttrs {
  readonly pads: readonly (readonly [number, number])[];
  readonly value: number;
}

/** The positions where two equally long size lists differ: the sizes that follow the batch. */
function batchSized(g: OnnxGraphBuilder, node: TracedNode, sizes: readonly number[], twinSizes: (n: TracedNode) => readonly number[]): number[] {
  const twin = g.twin(node);
  if (twin === null) return [];
  const other = twinSizes(twin);
  return sizes.flatMap((d, i) => (d !== other[i] ? [i] : []));
}

export const shapeConverters: Readonly<Record<string, OnnxConverter>> = {
  Reshape(g, node) {
    const x = node.inputs[0]!;
    const target = node.attrs as Shape;
    const scaled = g.batchAxis(x) === null ? [] : batchSized(g, node, target, (t) => t.attrs as Shape);
    if (scaled.length > 1) throw g.fail(`reshape of [${x.shape}] to [${target}] spreads the batch over axes ${scaled.join(', ')}; ONNX's Reshape can infer only one (−1)`);
    const shape = target.map((d, i) => (scaled.includes(i) ? -1 : d));
    const out = g.op('Reshape', [g.value(x), g.int64s(`${hint(g, node)}/shape`, shape)], {}, hint(g, node));
    g.define(node.output, out, scaled[0] ?? null);
  },
  Permute(g, node) {
    const perm = node.attrs as readonly number[];
    const x = node.inputs[0]!;
    g.define(node.output, g.op('Transpose', [g.value(x)], { perm: ints(perm) }, hint(g, node)), permutedBatch(g.batchAxis(x), perm));
  },
  BroadcastTo(g, node) {
    const x = node.inputs[0]!;
    const target = node.attrs as Shape;
    const b = g.batchAxis(x);
    const at = b === null ? null : b + target.length - x.ndim;
    const scaled = b === null ? [] : batchSized(g, node, target, (t) => t.attrs as Shape);
    if (scaled.some((i) => i !== at)) throw g.fail(`broadcasts [${x.shape}] to [${target}], a size that follows the batch on an axis that does not carry it`);
    const shape = target.map((d, i) => (i === at ? 1 : d)); // 1 keeps the input's (batch) size there
    g.define(node.output, g.op('Expand', [g.value(x), g.int64s(`${hint(g, node)}/shape`, shape)], {}, hint(g, node)), at);
  },
  Slice(g, node) {
    const x = node.inputs[0]!;
    const attrs = node.attrs as SliceAttrs;
    const whole = (a: SliceAttrs, shape: Shape, axis: number): boolean => a.starts[axis] === 0 && a.steps[axis] === 1 && a.sizes[axis] === shape[axis];
    const b = g.batchAxis(x);
    const twin = g.twin(node);
    if (b !== null && (!whole(attrs, x.shape, b) || (twin !== null && !whole(twin.attrs as SliceAttrs, twin.inputs[0]!.shape, b)))) {
      throw g.fail(`slices [${x.shape}] along its batch axis ${b}; under a dynamic batch only the whole batch can be kept`);
    }
    // Axes kept whole are left out, so ONNX keeps them whole whatever their size (the batch's too).
    const axes = x.shape.flatMap((_, axis) => (whole(attrs, x.shape, axis) ? [] : [axis]));
    const h = hint(g, node);
    const out = axes.length === 0
      ? g.op('Identity', [g.value(x)], {}, h)
      : g.op('Slice', [
          g.value(x),
          g.int64s(`${h}/starts`, axes.map((a) => attrs.starts[a]!)),
          g.int64s(`${h}/ends`, axes.map((a) => attrs.starts[a]! + (attrs.sizes[a]! - 1) * attrs.steps[a]! + 1)),
          g.int64s(`${h}/axes`, axes),
          g.int64s(`${h}/steps`, axes.map((a) => attrs.steps[a]!)),
        ], {}, h);
    g.define(node.output, out, b);
  },
  Concat(g, node) {
    const axis = node.attrs as number;
    const batches = node.inputs.map((t) => g.batchAxis(t)).filter((b): b is number => b !== null);
    if (batches.some((b) => b !== batches[0])) throw g.fail(`joins tensors that carry the batch on different axes (${node.inputs.map((t) => `[${t.shape}]`).join(', ')})`);
    g.define(node.output, g.op('Concat', node.inputs.map((t) => g.value(t)), { axis: int(axis) }, hint(g, node)), batches[0] ?? null);
  },
  Pad(g, node) {
    const x = node.inputs[0]!;
    const { pads, value } = node.attrs as PadAttrs;
    const h = hint(g, node);
    const amounts = g.int64s(`${h}/pads`, [...pads.map(([before]) => before), ...pads.map(([, after]) => after)]);
    const fill = x.dtype === 'int32' ? g.literal(`${h}/value`, 'int32', [], Int32Array.of(value)) : g.scalar(`${h}/value`, value, x);
    sameBatch(g, node, g.op('Pad', [g.value(x), amounts, fill], { mode: str('constant') }, h));
  },
  Cast(g, node) {
    const to = ONNX_ELEM_TYPE[node.attrs as DType];
    sameBatch(g, node, g.op('Cast', [g.value(node.inputs[0]!)], { to: int(to) }, hint(g, node)));
  },
  Clone(g, node) {
    sameBatch(g, node, g.op('Identity', [g.value(node.inputs[0]!)], {}, hint(g, node)));
  },
};

