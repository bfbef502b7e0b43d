/**
 * ONNX export: the public surface. `exportOnnxBytes` and `toOnnxModel` run anywhere; `exportOnnx`
 * writes a file (Node only: export-file.ts, exported by ../node.ts). The ONNX Runtime runner (run-onnx.ts) is not re-exported here: it is
 * Node-only and loads the optional `onnxruntime-node` package; import it from its file.
 */
export { DEFAULT_OPSET, MAX_OPSET, MIN_OPSET, exportOnnxBytes, toOnnxModel, type OnnxExportOptions } from './export.js';
export { OnnxExportError, OnnxGraphBuilder, type TracedNode } from './graph-builder.js';
export { onnxExportableOps, registerOnnxConverter } from './registry.js';
export type { OnnxConverter } from './converters/common.js';
export type { OnnxAttribute, OnnxGraph, OnnxModel, OnnxNode, OnnxTensor, OnnxValueInfo } from './onnx-proto.js';
