/**
 * common — what several converters share: the converter type, a name hint per op, and the
 * batch-axis rules of elementwise and shape-preserving ops.
 *
 * A converter reads one traced op (its Sapling name, input tensors, attrs and output) and adds
 * the ONNX nodes that compute the same output, then defines the output's value. It may also
 * define the outputs of later ops it absorbs (MatMul takes the bias Add into a Gemm); the export
 * skips an op whose output is already defined.
 */
import { fmt } from '../../../autograd/shape.js';
import type { OnnxGraphBuilder, TracedNode } from '../graph-builder.js';

/** Turns one traced Sapling op into ONNX nodes on the graph builder. */
export type OnnxConverter = (g: OnnxGraphBuilder, node: TracedNode) => void;

/** A readable name for the op's outputs: the module path of its first named input (`layer1.0.conv1`), or the op's name. */
export function hint(g: OnnxGraphBuilder, node: TracedNode): string {
  for (const t of node.inputs) {
    const name = g.nameOf(t);
    if (name !== undefined) {
      const dot = name.lastIndexOf('.');
      return dot > 0 ? `${name.slice(0, dot)}/${node.name}` : node.name;
    }
  }
  return node.name;
}

/** The output keeps input `index`'s batch axis (unary ops, normalisations, softmax). */
export function sameBatch(g: OnnxGraphBuilder, node: TracedNode, name: string, index = 0): void {
  g.define(node.output, name, g.batchAxis(node.inputs[index]!));
}

/**
 * The batch axis of a broadcasting op's output: every input that has one must put it at the same
 * output axis (inputs align on their last axes), and under a dynamic batch a constant may not
 * have a size other than 1 there (it would only fit the traced batch size).
 */
export function broadcastBatch(g: OnnxGraphBuilder, node: TracedNode): number | null {
  const rank = node.output.ndim;
  let axis: number | null = null;
  for (const t of node.inputs) {
    const b = g.batchAxis(t);
    if (b === null) continue;
    const at = b + rank - t.ndim;
    if (axis !== null && axis !== at) throw g.fail(`inputs ${node.inputs.map((x) => fmt(x.shape)).join(', ')} carry the batch on different axes`);
    axis = at;
  }
  if (axis !== null && g.dynamicBatch) {
    for (const t of node.inputs) {
      if (g.batchAxis(t) !== null) continue;
      const local = axis - (rank - t.ndim);
      if (local >= 0 && t.shape[local] !== 1) {
        throw g.fail(`a constant ${fmt(t.shape)} has the traced batch size ${t.shape[local]} on the batch axis, so the graph would only run at that size; export with dynamicBatch: false`);
      }
    }
  }
  return axis;
}

/** The batch axis of input `index` after it went through a permutation `perm` (out axis j = in axis perm[j]). */
export function permutedBatch(batchAxis: number | null, perm: readonly number[]): number | null {
  return batchAxis === null ? null : perm.indexOf(batchAxis);
}
