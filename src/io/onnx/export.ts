/**
 * export — a Sapling model as an ONNX model, by tracing (isomorphic: no Node built-ins).
 *
 *   1. trace      run forward in eval mode on the example input and read the autograd graph back
 *                 (trace.ts); then once more on an input with one more row and other values
 *   2. compare    both traces must record the same ops: a different list means the forward pass
 *                 branches on the data, which a trace cannot capture
 *   3. convert    each op, in order, through its converter (registry.ts); the second trace tells the
 *                 shape converters which sizes follow the batch
 *   4. check      every constant the graph took from the first trace must equal its counterpart
 *                 in the second: a difference means a value computed from the input outside the
 *                 recorded graph (under noGrad, from a comparison) or sized by the batch
 *   5. encode     parameters and buffers as initializers under their state-dict names, the batch
 *                 as the symbolic dim `batch`, and the protobuf bytes (onnx-proto.ts)
 * Like PyTorch's `torch.onnx.export`, which also traces, it records one path through the code.
 */
import { noGrad } from '../../autograd/function.js';
import { cat, slice } from '../../autograd/ops/indexing.js';
import { isFloat } from '../../autograd/dtype.js';
import { fmt } from '../../autograd/shape.js';
import { Tensor } from '../../autograd/tensor.js';
import type { AnyModule } from '../../layers/module.js';
import { OnnxExportError, OnnxGraphBuilder, type TracedNode } from './graph-builder.js';
import { encodeModel, type OnnxModel, type OnnxValueInfo } from './onnx-proto.js';
import { onnxConverter, onnxExportableOps } from './registry.js';
import { traceModel, type Trace } from './trace.js';

/** Options of `exportOnnx`: the opset, a dynamic batch axis, names and metadata. */
export interface OnnxExportOptions {
  /** The ONNX operator set (default 17; 13 to 21). LayerNorm needs 17 or later. */
  readonly opset?: number;
  /** Axis 0 of every input is the symbolic dim `batch`, so the model runs at any batch size (default true). */
  readonly dynamicBatch?: boolean;
  /** Names of the graph inputs (default `input`, or `input0`, `input1`, … for several). */
  readonly inputNames?: readonly string[];
  /** Names of the graph outputs (default `output`, or `output0`, … for several). */
  readonly outputNames?: readonly string[];
  /** Stored in the file's doc_string. */
  readonly docString?: string;
}

/** The ONNX opset `exportOnnx` writes unless told otherwise. */
export const DEFAULT_OPSET = 17;
/** The oldest ONNX opset `exportOnnx` can write. */
export const MIN_OPSET = 13;
/** The newest ONNX opset `exportOnnx` can write. */
export const MAX_OPSET = 21;

/** The IR version each ONNX release paired with its newest opset (onnx/docs/Versioning.md). */
function irVersionFor(opset: number): number {
  return opset <= 14 ? 7 : opset <= 18 ? 8 : opset <= 20 ? 9 : 10;
}

function namesFor(given: readonly string[] | undefined, count: number, base: string, what: string): string[] {
  const names = given ? [...given] : count === 1 ? [base] : Array.from({ length: count }, (_, i) => `${base}${i}`);
  if (names.length !== count || new Set(names).size !== count || names.some((n) => typeof n !== 'string' || n === '')) {
    throw new RangeError(`exportOnnx: ${what} must be ${count} distinct non-empty names, got ${JSON.stringify(given)}`);
  }
  return names;
}

/** The second trace's input: one row more (under a dynamic batch) and other values, so that batch-sized and input-derived constants show. */
function variant(x: Tensor, dynamicBatch: boolean): Tensor {
  return noGrad(() => {
    const grown = dynamicBatch ? cat([x, slice(x, [{ start: 0, stop: 1 }])], 0) : x;
    return isFloat(grown.dtype) ? grown.mul(0.75).add(0.125) : grown.detach();
  });
}

function sameValues(a: Tensor, b: Tensor): boolean {
  if (a === b) return true;
  if (a.dtype !== b.dtype || fmt(a.shape) !== fmt(b.shape)) return false;
  const [x, y] = [a.storage, b.storage];
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
  return true;
}

function compareTraces(first: Trace, second: Trace): Map<TracedNode, TracedNode> {
  const a = first.steps.map((s) => s.name);
  const b = second.steps.map((s) => s.name);
  const at = a.findIndex((name, i) => name !== b[i]);
  if (at >= 0 || a.length !== b.length) {
    const where = at >= 0 ? at : Math.min(a.length, b.length);
    throw new OnnxExportError(
      `exportOnnx: the forward pass recorded different ops for another input (op ${where}: ${a[where] ?? 'none'} vs ${b[where] ?? 'none'}); it branches on the data or the batch size, and a trace records only one path`,
      a[where] ?? 'forward',
    );
  }
  return new Map(first.steps.map((s, i) => [s, second.steps[i]!]));
}

/**
 * The ONNX model of `model` (as plain objects, before encoding): trace, convert and check.
 * @example toOnnxModel(new Linear(3, 2), zeros([1, 3])).graph.nodes.map((n) => n.opType)  // ['Gemm', 'Identity']
 */
export function toOnnxModel(model: AnyModule, exampleInput: Tensor | readonly Tensor[], options: OnnxExportOptions = {}): OnnxModel {
  const { opset = DEFAULT_OPSET, dynamicBatch = true, docString = '' } = options;
  if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) throw new RangeError(`exportOnnx: opset must be an integer from ${MIN_OPSET} to ${MAX_OPSET}, got ${opset}`);
  const examples = exampleInput instanceof Tensor ? [exampleInput] : [...exampleInput];
  if (examples.length === 0 || !examples.every((x) => x instanceof Tensor)) throw new TypeError('exportOnnx: exampleInput must be a Tensor or a non-empty array of Tensors');
  if (dynamicBatch) {
    examples.forEach((x, i) => {
      if (x.ndim === 0 || x.shape[0] === 0) throw new RangeError(`exportOnnx: input ${i} ${fmt(x.shape)} has no batch axis to make dynamic; pass dynamicBatch: false`);
    });
  }
  const inputNames = namesFor(options.inputNames, examples.length, 'input', 'inputNames');

  const first = traceModel(model, examples);
  const second = traceModel(model, examples.map((x) => variant(x, dynamicBatch)));
  const outputNames = namesFor(options.outputNames, first.outputs.length, 'output', 'outputNames');
  const twins = compareTraces(first, second);
  const leafTwins = new Map<Tensor, Tensor>();
  for (const [step, twin] of twins) {
    step.inputs.forEach((t, j) => {
      if (!first.dependsOnInput(t) && !leafTwins.has(t)) leafTwins.set(t, twin.inputs[j]!);
    });
  }

  const names = new Map<Tensor, string>();
  for (const [name, t] of [...model.namedParameters(), ...model.namedBuffers()]) names.set(t, name);
  const g = new OnnxGraphBuilder({
    opset, dynamicBatch, names,
    dependsOnInput: first.dependsOnInput,
    consumers: first.consumers,
    outputs: first.outputs,
    twin: (node) => (dynamicBatch ? twins.get(node) ?? null : null),
  });
  first.inputs.forEach((t, i) => g.defineInput(t, inputNames[i]!, dynamicBatch ? 0 : null));
  for (const name of outputNames) g.reserve(name);

  for (const step of first.steps) {
    if (g.isDefined(step.output)) continue; // absorbed by an earlier converter (the bias Add of a Gemm)
    const convert = onnxConverter(step.name);
    const shapes = `inputs ${step.inputs.map((t) => fmt(t.shape)).join(', ')} → output ${fmt(step.output.shape)}`;
    if (!convert) {
      throw new OnnxExportError(`exportOnnx: op '${step.name}' (${shapes}) has no ONNX export; exportable ops: ${onnxExportableOps().join(', ')}. Add one with registerOnnxConverter('${step.name}', …)`, step.name);
    }
    g.current = step.name;
    convert(g, step);
    if (!g.isDefined(step.output)) throw new OnnxExportError(`exportOnnx: the converter of '${step.name}' (${shapes}) did not define its output`, step.name);
  }

  for (const { tensor, by } of g.constantsUsed) {
    const twin = leafTwins.get(tensor);
    if (twin !== undefined && !sameValues(tensor, twin)) {
      throw new OnnxExportError(
        `exportOnnx: ${by} reads a constant ${tensor.dtype}${fmt(tensor.shape)} that differs for another input${fmt(twin.shape) !== fmt(tensor.shape) ? ` (shape ${fmt(twin.shape)} there)` : ''}: ` +
          'it was computed from the input outside the recorded graph (under noGrad, by a comparison) or sized by the batch, and a constant in the graph would be wrong for other inputs',
        by,
      );
    }
  }

  g.current = 'output';
  const outputs: OnnxValueInfo[] = first.outputs.map((t, i) => {
    const name = outputNames[i]!;
    const b = g.batchAxis(t);
    g.nodes.push({ opType: 'Identity', name: `${name}_node`, inputs: [g.value(t)], outputs: [name], attributes: {} });
    const twinSize = second.outputs[i]!.shape[b ?? 0];
    const symbol = b !== null && t.shape[b] === examples[0]!.shape[0] && twinSize === t.shape[b]! + 1 ? 'batch' : `${name}_dim${b}`;
    return { name, dtype: t.dtype, shape: t.shape.map((d, axis) => (axis === b ? symbol : d)) };
  });
  const inputs: OnnxValueInfo[] = first.inputs.map((t, i) => ({
    name: inputNames[i]!, dtype: t.dtype, shape: t.shape.map((d, axis) => (dynamicBatch && axis === 0 ? 'batch' : d)),
  }));
  return {
    irVersion: irVersionFor(opset),
    opset,
    producerName: 'sapling',
    producerVersion: '0.1.0',
    docString,
    graph: { name: model.constructor.name, nodes: g.nodes, initializers: g.initializers, inputs, outputs },
  };
}

/**
 * The .onnx file of `model` as bytes, without touching the file system (browsers too).
 * @example const bytes = exportOnnxBytes(model, zeros([1, 1, 28, 28]));  // Uint8Array, ONNX protobuf
 */
export function exportOnnxBytes(model: AnyModule, exampleInput: Tensor | readonly Tensor[], options: OnnxExportOptions = {}): Uint8Array {
  return encodeModel(toOnnxModel(model, exampleInput, options));
}
