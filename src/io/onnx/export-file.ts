/**
 * export-file — exportOnnx to a path (Node only: it writes with node:fs).
 *
 * The bytes come from exportOnnxBytes (export.ts, isomorphic); the file is written atomically
 * (../atomic-write.ts), so a crash or a failed export never leaves a torn .onnx file behind.
 */
import type { Tensor } from '../../autograd/tensor.js';
import type { AnyModule } from '../../layers/module.js';
import { writeFileAtomic } from '../atomic-write.js';
import { exportOnnxBytes, type OnnxExportOptions } from './export.js';

/**
 * Traces `model` on `exampleInput` in eval mode and writes the ONNX model to `path`; returns its size in bytes.
 * @example exportOnnx(model, zeros([1, 1, 28, 28]), 'mnist-cnn.onnx', { opset: 17, dynamicBatch: true })
 */
export function exportOnnx(model: AnyModule, exampleInput: Tensor | readonly Tensor[], path: string, options: OnnxExportOptions = {}): number {
  const bytes = exportOnnxBytes(model, exampleInput, options);
  writeFileAtomic(path, [bytes]);
  return bytes.byteLength;
}
