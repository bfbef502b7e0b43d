/**
 * elementwise — ops/elementwise.ts in ONNX: the broadcasting binary ops map one to one (ONNX
 * broadcasts as NumPy does, like Sapling), AddRelu is an Add and a Relu, Neg is Neg.
 *
 *   Add Sub Mul Div Pow   →  the ONNX op of the same name
 *   Maximum, Minimum      →  Max, Min
 *   AddRelu               →  Relu(Add(a, b))   (ResNet's residual sum; the fusion is a kernel detail)
 *   Where(cond, a, b)     →  Where(Cast(cond, bool), a, b)
 */
import { ONNX_ELEM_TYPE } from '../onnx-proto.js';
import { broadcastBatch, hint, sameBatch, type OnnxConverter } from './common.js';
import { int } from '../graph-builder.js';

function binary(onnxOp: string): OnnxConverter {
  return (g, node) => {
    const batch = broadcastBatch(g, node);
    const out = g.op(onnxOp, node.inputs.map((t) => g.value(t)), {}, hint(g, node));
    g.define(node.output, out, batch);
  };
}

export const elementwiseConverters: Readonly<Record<string, OnnxConverter>> = {
  Add: binary('Add'),
  Sub: binary('Sub'),
  Mul: binary('Mul'),
  Div: binary('Div'),
  Pow: binary('Pow'),
  Maximum: binary('Max'),
  Minimum: binary('Min'),
  AddRelu(g, node) {
    const batch = broadcastBatch(g, node);
    const h = hint(g, node);
    const sum = g.op('Add', node.inputs.map((t) => g.value(t)), {}, `${h}/add`);
    g.define(node.output, g.op('Relu', [sum], {}, h), batch);
  },
  Neg(g, node) {
    sameBatch(g, node, g.op('Neg', [g.value(node.inputs[0]!)], {}, hint(g, node)));
  },
  Where(g, node) {
    const batch = broadcastBatch(g, node);
    const [cond, a, b] = node.inputs as [typeof node.output, typeof node.output, typeof node.output];
    const mask = g.op('Cast', [g.value(cond)], { to: int(ONNX_ELEM_TYPE.bool) }, `${hint(g, node)}/mask`);
    g.define(node.output, g.op('Where', [mask, g.value(a), g.value(b)], {}, hint(g, node)), batch);
  },
};
