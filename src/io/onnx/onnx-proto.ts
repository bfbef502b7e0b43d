/**
 * onnx-proto — the ONNX messages the exporter writes, as plain objects, and their encoders.
 *
 * The field numbers are onnx.proto's (github.com/onnx/onnx, onnx/onnx.proto, IR version 10):
 *   ModelProto     ir_version 1, producer_name 2, producer_version 3, doc_string 6, graph 7, opset_import 8
 *   OperatorSetId  domain 1, version 2
 *   GraphProto     node 1, name 2, initializer 5, doc_string 10, input 11, output 12
 *   NodeProto      input 1, output 2, name 3, op_type 4, attribute 5
 *   AttributeProto name 1, f 2, i 3, s 4, t 5, floats 7, ints 8, type 20
 *   TensorProto    dims 1, data_type 2, name 8, raw_data 9
 *   ValueInfoProto name 1, type 2;  TypeProto tensor_type 1;  TypeProto.Tensor elem_type 1, shape 2
 *   TensorShapeProto dim 1;  Dimension dim_value 1, dim_param 2
 * Only this subset is written: tensors always as raw_data (little-endian bytes, row-major),
 * attributes only of the kinds the converters use. Nothing here knows about Sapling's graph.
 */
import { ProtoWriter } from './protobuf.js';

/** TensorProto.DataType values. */
export const ONNX_DTYPE = { float32: 1, int32: 6, int64: 7, float64: 11 } as const;
export type OnnxDType = keyof typeof ONNX_DTYPE;
/** Element types a Cast may produce (its `to` attribute), bool included. */
export const ONNX_ELEM_TYPE = { ...ONNX_DTYPE, bool: 9 } as const;

/** A constant tensor: an initializer, or the value of an attribute. */
export interface OnnxTensor {
  readonly name: string;
  readonly dtype: OnnxDType;
  readonly dims: readonly number[];
  /** The elements, row-major; int64 data is given as numbers (every value a safe integer). */
  readonly data: Float32Array | Float64Array | Int32Array | readonly number[];
}

/** An attribute value: the encoder picks the AttributeProto type from the JavaScript type. */
export type OnnxAttribute =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'ints'; readonly value: readonly number[] }
  | { readonly kind: 'floats'; readonly value: readonly number[] }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'tensor'; readonly value: OnnxTensor };

/** One ONNX node: its operator, name, inputs, outputs and attributes. */
export interface OnnxNode {
  readonly opType: string;
  readonly name: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: Readonly<Record<string, OnnxAttribute>>;
}

/** A graph input or output: a name, an element type and a shape whose dims are sizes or symbols. */
export interface OnnxValueInfo {
  readonly name: string;
  readonly dtype: OnnxDType;
  readonly shape: readonly (number | string)[];
}

/** An ONNX graph: its nodes, initialisers, inputs and outputs. */
export interface OnnxGraph {
  readonly name: string;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly OnnxTensor[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
}

/** An ONNX model: IR version, opset, producer and the graph, as `encodeOnnx` writes it. */
export interface OnnxModel {
  readonly irVersion: number;
  readonly opset: number;
  readonly producerName: string;
  readonly producerVersion: string;
  readonly docString: string;
  readonly graph: OnnxGraph;
}

const ATTRIBUTE_TYPE = { float: 1, int: 2, string: 3, tensor: 4, floats: 6, ints: 7 } as const;

const isLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The elements as little-endian bytes (a view, without copying, on little-endian machines). */
function rawData(t: OnnxTensor): Uint8Array {
  const { dtype, data } = t;
  if (dtype === 'int64') {
    const out = new Uint8Array(8 * data.length);
    const view = new DataView(out.buffer);
    for (let i = 0; i < data.length; i++) view.setBigInt64(8 * i, BigInt(data[i]!), true);
    return out;
  }
  const expected = { float32: Float32Array, float64: Float64Array, int32: Int32Array }[dtype];
  if (!(data instanceof expected)) throw new TypeError(`onnx: tensor '${t.name}' is ${dtype} but its data is a ${data.constructor.name}`);
  if (isLittleEndian) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(data.byteLength);
  const view = new DataView(out.buffer);
  const width = data.BYTES_PER_ELEMENT;
  for (let i = 0; i < data.length; i++) {
    if (dtype === 'float32') view.setFloat32(width * i, data[i]!, true);
    else if (dtype === 'float64') view.setFloat64(width * i, data[i]!, true);
    else view.setInt32(width * i, data[i]!, true);
  }
  return out;
}

export function encodeTensor(t: OnnxTensor): Uint8Array {
  const size = t.dims.reduce((a, d) => a * d, 1);
  if (size !== t.data.length) throw new RangeError(`onnx: tensor '${t.name}' has dims [${t.dims.join(',')}] (${size} elements) but ${t.data.length} values`);
  const w = new ProtoWriter();
  for (const d of t.dims) w.int(1, d);
  w.int(2, ONNX_DTYPE[t.dtype]).string(8, t.name).bytes(9, rawData(t));
  return w.finish();
}

function encodeAttribute(name: string, a: OnnxAttribute): Uint8Array {
  const w = new ProtoWriter().string(1, name);
  switch (a.kind) {
    case 'float': w.float(2, a.value); break;
    case 'int': w.int(3, a.value); break;
    case 'string': w.string(4, a.value); break;
    case 'tensor': w.bytes(5, encodeTensor(a.value)); break;
    case 'floats': for (const v of a.value) w.float(7, v); break;
    case 'ints': for (const v of a.value) w.int(8, v); break;
    default: { const never: never = a; throw new TypeError(`onnx: unknown attribute kind ${JSON.stringify(never)}`); }
  }
  return w.int(20, ATTRIBUTE_TYPE[a.kind]).finish();
}

function encodeNode(n: OnnxNode): Uint8Array {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name).string(4, n.opType);
  for (const [name, a] of Object.entries(n.attributes)) w.bytes(5, encodeAttribute(name, a));
  return w.finish();
}

function encodeValueInfo(v: OnnxValueInfo): Uint8Array {
  const shape = new ProtoWriter();
  for (const d of v.shape) shape.bytes(1, typeof d === 'number' ? new ProtoWriter().int(1, d).finish() : new ProtoWriter().string(2, d).finish());
  const tensorType = new ProtoWriter().int(1, ONNX_DTYPE[v.dtype]).bytes(2, shape.finish()).finish();
  const type = new ProtoWriter().bytes(1, tensorType).finish();
  return new ProtoWriter().string(1, v.name).bytes(2, type).finish();
}

function encodeGraph(g: OnnxGraph): Uint8Array {
  const w = new ProtoWriter();
  for (const n of g.nodes) w.bytes(1, encodeNode(n));
  w.string(2, g.name);
  for (const t of g.initializers) w.bytes(5, encodeTensor(t));
  for (const v of g.inputs) w.bytes(11, encodeValueInfo(v));
  for (const v of g.outputs) w.bytes(12, encodeValueInfo(v));
  return w.finish();
}

/** The bytes of a .onnx file. */
export function encodeModel(m: OnnxModel): Uint8Array {
  const opset = new ProtoWriter().string(1, '').int(2, m.opset).finish();
  return new ProtoWriter()
    .int(1, m.irVersion)
    .string(2, m.producerName)
    .string(3, m.producerVersion)
    .string(6, m.docString)
    .bytes(7, encodeGraph(m.graph))
    .bytes(8, opset)
    .finish();
}
