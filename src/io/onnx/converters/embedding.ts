/**
 * embedding — ops/embedding.ts in ONNX: y = W[index] is Gather(W, index) along axis 0.
 *
 * The op keeps the flattened int32 indices [n] in its attrs (they are not differentiable) and
 * the output shape [*, D]; the trace counts an attrs tensor as read, so when the indices come
 * from an input (token ids) they are a value of the graph. We gather the [n, D] rows and reshape
 * them to [*, D], with −1 where the shape follows the batch (the same op in a second trace at
 * another batch size has another size there). The padding index only matters for training.
 */
import type { Shape } from '../../../autograd/shape.js';
import type { Tensor } from '../../../autograd/tensor.js';
import { int } from '../graph-builder.js';
import { hint, type OnnxConverter } from './common.js';

/** Mirrors EmbeddingAttrs in ops/embedding.ts (the fields the export reads). */
interface EmbeddingAttrs {
  readonly index: Tensor;
  readonly outShape: Shape;
}

export const embeddingConverters: Readonly<Record<string, OnnxConverter>> = {
  Embedding(g, node) {
    const weight = node.inputs[0]!;
    const { index, outShape } = node.attrs as EmbeddingAttrs;
    const h = hint(g, node);
    const rows = g.op('Gather', [g.value(weight), g.value(index)], { axis: int(0) }, `${h}/rows`);
    const twin = g.batchAxis(index) === null ? null : g.twin(node);
    const other = twin === null ? outShape : (twin.attrs as EmbeddingAttrs).outShape;
    const scaled = outShape.flatMap((d, i) => (d !== other[i] ? [i] : []));
    if (scaled.length > 1) throw g.fail(`looks up indices [${index.shape}] into [${outShape}], a shape in which the batch spreads over axes ${scaled.join(', ')}`);
    const shape = outShape.map((d, i) => (scaled.includes(i) ? -1 : d));
    g.define(node.output, g.op('Reshape', [rows, g.int64s(`${h}/shape`, shape)], {}, h.replace(/\/Embedding$/, '/embedding')), scaled[0] ?? null);
  },
};
