/**
 * registry — which converter exports which op, by the op's name (`OpDef.name`).
 *
 * The built-in converters live in converters/, one file per op family; each exports a record
 * from op names to converters, listed once below. A new family (attention, a Transformer block)
 * is one more file in converters/ and one more entry in BUILT_IN. An op defined outside Sapling
 * (`defineOp`) gets its export with `registerOnnxConverter`.
 */
import type { OnnxConverter } from './converters/common.js';
import { convConverters } from './converters/conv.js';
import { elementwiseConverters } from './converters/elementwise.js';
import { linearConverters } from './converters/linear.js';
import { normalizationConverters } from './converters/normalization.js';
import { poolConverters } from './converters/pool.js';
import { recurrentConverters } from './converters/recurrent.js';
import { reduceConverters } from './converters/reduce.js';
import { shapeConverters } from './converters/shape.js';
import { unaryConverters } from './converters/unary.js';

const BUILT_IN: readonly Readonly<Record<string, OnnxConverter>>[] = [
  elementwiseConverters, unaryConverters, linearConverters, convConverters, poolConverters,
  normalizationConverters, reduceConverters, shapeConverters, recurrentConverters,
];

const converters = new Map<string, OnnxConverter>(BUILT_IN.flatMap((family) => Object.entries(family)));

/**
 * Teaches exportOnnx an op: `converter` adds the ONNX nodes for one traced application of the op
 * named `opName` and defines its output (see converters/common.ts). Replaces any earlier one.
 * @example registerOnnxConverter('Cube', (g, node) => { const x = g.value(node.inputs[0]!); g.define(node.output, g.op('Mul', [g.op('Mul', [x, x]), x]), g.batchAxis(node.inputs[0]!)); })
 */
export function registerOnnxConverter(opName: string, converter: OnnxConverter): void {
  if (typeof opName !== 'string' || opName === '') throw new TypeError('registerOnnxConverter: opName must be a non-empty string');
  if (typeof converter !== 'function') throw new TypeError(`registerOnnxConverter: the converter for '${opName}' must be a function`);
  converters.set(opName, converter);
}

export function onnxConverter(opName: string): OnnxConverter | undefined {
  return converters.get(opName);
}

/** The names of the ops exportOnnx can export, sorted. */
export function onnxExportableOps(): string[] {
  return [...converters.keys()].sort();
}
