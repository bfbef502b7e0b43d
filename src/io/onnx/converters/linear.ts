/**
 * linear — MatMul in ONNX, and Linear's pattern as one Gemm.
 *
 * Linear computes y = x·Wᵀ + b as Permute(W), MatMul, Add. When x is 2-D, W is a parameter and
 * the product's only reader is that Add with a constant [out] bias, we write what PyTorch's
 * exporter writes: Gemm(x, W, b, transB = 1), with W under its state-dict name and its [out, in]
 * layout. Every other product is an ONNX MatMul (NumPy's rules, like Sapling's batched matmul),
 * its constant operands folded into initializers.
 */
import type { Tensor } from '../../../autograd/tensor.js';
import { int, type OnnxGraphBuilder, type TracedNode } from '../graph-builder.js';
import { hint, type OnnxConverter } from './common.js';

/** W when `b` is Permute(W, [1, 0]) of a named 2-D parameter, else null. */
function transposedParameter(g: OnnxGraphBuilder, b: Tensor): Tensor | null {
  const node = b.creator;
  if (node === null || node.name !== 'Permute' || b.ndim !== 2) return null;
  const perm = node.attrs as readonly number[];
  const w = node.inputs[0]!;
  return perm[0] === 1 && perm[1] === 0 && g.nameOf(w) !== undefined ? w : null;
}

/** The Add that adds a constant [n] bias to `y` [m, n], when it is y's only reader. */
function biasAdd(g: OnnxGraphBuilder, y: Tensor): { add: TracedNode; bias: Tensor } | null {
  const readers = g.consumers(y);
  if (readers.length !== 1 || g.isOutput(y)) return null;
  const add = readers[0]!;
  if (add.name !== 'Add') return null;
  const bias = add.inputs[0] === y ? add.inputs[1]! : add.inputs[0]!;
  const n = y.shape[1]!;
  return g.isConstant(bias) && bias.ndim === 1 && bias.shape[0] === n && bias.dtype === y.dtype ? { add, bias } : null;
}

/** Where the batch axes of a and b land in the product, checking they agree and avoid the contracted axis. */
function productBatch(g: OnnxGraphBuilder, a: Tensor, b: Tensor, rank: number): number | null {
  const ba = g.batchAxis(a);
  const bb = g.batchAxis(b);
  if (ba === a.ndim - 1 || bb === b.ndim - 2) throw g.fail(`the batch axis is the contracted axis of [${a.shape}]·[${b.shape}]`);
  const fromA = ba === null ? null : ba === a.ndim - 2 ? rank - 2 : ba + rank - a.ndim;
  const fromB = bb === null ? null : bb === b.ndim - 1 ? rank - 1 : bb + rank - b.ndim;
  if (fromA !== null && fromB !== null && fromA !== fromB) throw g.fail(`[${a.shape}] and [${b.shape}] carry the batch on different axes`);
  return fromA ?? fromB;
}

const matmul: OnnxConverter = (g, node) => {
  const [a, b] = node.inputs as [Tensor, Tensor];
  const y = node.output;
  const h = hint(g, node);
  const w = a.ndim === 2 && g.isConstant(b) && !g.isConstant(a) ? transposedParameter(g, b) : null;
  if (w !== null) {
    const gemmHint = hint(g, { ...node, inputs: [w] });
    const bias = biasAdd(g, y);
    const inputs = [g.value(a), g.value(w), ...(bias ? [g.value(bias.bias)] : [])];
    const out = g.op('Gemm', inputs, { transB: int(1) }, gemmHint.replace(/\/MatMul$/, '/Gemm'));
    const batch = productBatch(g, a, b, 2);
    if (bias) g.absorb(y);
    g.define(bias ? bias.add.output : y, out, batch);
    return;
  }
  g.define(y, g.op('MatMul', [g.value(a), g.value(b)], {}, h), productBatch(g, a, b, y.ndim));
};

export const linearConverters: Readonly<Record<string, OnnxConverter>> = { MatMul: matmul };
