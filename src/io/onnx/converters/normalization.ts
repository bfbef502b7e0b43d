/**
 * normalization — BatchNorm and LayerNorm (ops/batch-norm.ts, ops/layer-norm.ts) in ONNX.
 *
 * BatchNorm in eval mode normalises with constants, y = γ·(x − μ)/√(σ² + ε) + β, which is ONNX
 * Batchnormalization with the running mean and variance. The op keeps μ and s = 1/√(σ² + ε) in
 * its attrs; when the layer's buffers `<prefix>.running_mean` / `running_var` hold exactly that μ
 * we write them under their names, else μ and σ² = 1/s² − ε (float64, then the input's dtype).
 * A BatchNorm that used batch statistics was traced in training mode and is refused.
 *
 * LayerNorm normalises over the last k axes: ONNX LayerNormalization (opset ≥ 17) with axis =
 * −k, a scale of ones and no bias where the layer has none.
 */
import type { Tensor } from '../../../autograd/tensor.js';
import { float, int, type OnnxGraphBuilder } from '../graph-builder.js';
import { hint, sameBatch, type OnnxConverter } from './common.js';
import { nchwBatch } from './conv.js';

/** Mirrors BatchNormAttrs in ops/batch-norm.ts. */
interface BatchNormAttrs {
  readonly statistics: 'batch' | 'running';
  readonly mean: Tensor;
  readonly invStd: Tensor;
  readonly eps: number;
}

/** Mirrors LayerNormAttrs in ops/layer-norm.ts. */
interface LayerNormAttrs {
  readonly axes: readonly number[];
  readonly eps: number;
  readonly hasWeight: boolean;
  readonly hasBias: boolean;
}

/** The layer's running_mean and running_var buffers, when they are what the op normalised with. */
function runningBuffers(g: OnnxGraphBuilder, gamma: Tensor, mean: Tensor): [Tensor, Tensor] | null {
  const name = g.nameOf(gamma);
  if (name === undefined || !name.endsWith('weight')) return null;
  const prefix = name.slice(0, -'weight'.length);
  const runningMean = g.named(`${prefix}running_mean`);
  const runningVar = g.named(`${prefix}running_var`);
  if (!runningMean || !runningVar || runningMean.numel() !== mean.numel()) return null;
  const m = runningMean.storage;
  return mean.storage.every((v, i) => v === m[i]) ? [runningMean, runningVar] : null;
}

function floatLiteral(g: OnnxGraphBuilder, hintName: string, like: Tensor, values: ArrayLike<number>): string {
  const data = like.dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
  return g.literal(hintName, like.dtype === 'float64' ? 'float64' : 'float32', [values.length], data);
}

export const normalizationConverters: Readonly<Record<string, OnnxConverter>> = {
  BatchNorm(g, node) {
    const [x, gamma, beta] = node.inputs as [Tensor, Tensor, Tensor];
    const { statistics, mean, invStd, eps } = node.attrs as BatchNormAttrs;
    if (statistics !== 'running') {
      throw g.fail(`normalised input ${JSON.stringify(x.shape)} with its batch statistics; call model.eval() (exportOnnx does) and give the layer running statistics`);
    }
    const batch = nchwBatch(g, x);
    const h = hint(g, node);
    const buffers = runningBuffers(g, gamma, mean);
    const prefix = g.nameOf(gamma)?.slice(0, -'weight'.length) ?? `${h}/`;
    const [meanName, varName] = buffers
      ? [g.value(buffers[0]), g.value(buffers[1])]
      : [
          floatLiteral(g, `${prefix}running_mean`, x, mean.storage),
          floatLiteral(g, `${prefix}running_var`, x, Array.from(invStd.storage, (s) => 1 / (s * s) - eps)),
        ];
    const out = g.op('BatchNormalization', [g.value(x), g.value(gamma), g.value(beta), meanName, varName], { epsilon: float(eps) }, h.replace(/\/BatchNorm$/, '/BatchNormalization'));
    g.define(node.output, out, batch);
  },
  LayerNorm(g, node) {
    const [x, ...params] = node.inputs as [Tensor, ...Tensor[]];
    const { axes, eps, hasWeight, hasBias } = node.attrs as LayerNormAttrs;
    if (g.opset < 17) throw g.fail('ONNX has LayerNormalization from opset 17; export with { opset: 17 } or later');
    const b = g.batchAxis(x);
    if (b !== null && axes.includes(b)) throw g.fail(`normalises over the batch axis ${b} of [${x.shape}]`);
    const h = hint(g, node);
    const shape = x.shape.slice(x.ndim - axes.length);
    const size = shape.reduce((a, d) => a * d, 1);
    const weight = hasWeight ? g.value(params[0]!) : g.literal(`${h}/ones`, x.dtype === 'float64' ? 'float64' : 'float32', shape, x.dtype === 'float64' ? new Float64Array(size).fill(1) : new Float32Array(size).fill(1));
    const bias = hasBias ? [g.value(params[hasWeight ? 1 : 0]!)] : [];
    sameBatch(g, node, g.op('LayerNormalization', [g.value(x), weight, ...bias], { axis: int(-axes.length), epsilon: float(eps) }, h.replace(/\/LayerNorm$/, '/LayerNormalization')));
  },
};
