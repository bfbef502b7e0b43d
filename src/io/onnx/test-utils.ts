/**
 * test-utils — the parity check the ONNX tests share (not part of the public API): export a
 * model, run the bytes with ONNX Runtime at several batch sizes, and compare with Sapling's own
 * forward pass in eval mode at float32 tolerance.
 */
import { expect } from 'vitest';
import { noGrad } from '../../autograd/function.js';
import { randn } from '../../autograd/creation.js';
import { seededRandom } from '../../autograd/random.js';
import type { Tensor } from '../../autograd/tensor.js';
import type { AnyModule } from '../../layers/module.js';
import { expectClose } from '../../autograd/test-utils.js';
import { exportOnnxBytes, type OnnxExportOptions } from './export.js';
import { createOnnxSession } from './run-onnx.js';

/** Sapling's outputs of `model` on `inputs`, in eval mode, as a list. */
export function saplingOutputs(model: AnyModule, inputs: readonly Tensor[]): Tensor[] {
  model.eval();
  const forward = model.forward.bind(model) as unknown as (...args: readonly Tensor[]) => Tensor | Tensor[];
  const out = noGrad(() => forward(...inputs));
  return Array.isArray(out) ? out : [out];
}

export interface ParityOptions extends OnnxExportOptions {
  /** The shape of each input at batch size n (default: one input). */
  readonly shapes: (n: number) => readonly (readonly number[])[];
  /** Batch sizes to run (default [1, 7]); the first is also the traced one. */
  readonly batches?: readonly number[];
  readonly rtol?: number;
  readonly atol?: number;
  readonly seed?: number;
}

/** Exports `model` at the first batch size, runs every batch size with ONNX Runtime and compares. Returns the bytes. */
export async function expectOnnxParity(model: AnyModule, options: ParityOptions): Promise<Uint8Array> {
  const { shapes, batches = [1, 7], rtol = 1e-4, atol = 1e-5, seed = 7, ...exportOptions } = options;
  const random = seededRandom(seed);
  const inputsAt = (n: number) => shapes(n).map((s) => randn([...s], { random }));
  const bytes = exportOnnxBytes(model, inputsAt(batches[0]!), exportOptions);
  const session = await createOnnxSession(bytes);
  try {
    for (const n of batches) {
      const inputs = inputsAt(n);
      const want = saplingOutputs(model, inputs);
      const { outputs } = await session.run(inputs);
      const got = session.outputNames.map((name) => outputs[name]!);
      expect(got.length).toBe(want.length);
      got.forEach((g, i) => expectClose(g, want[i]!, { rtol, atol }));
    }
  } finally {
    await session.close();
  }
  return bytes;
}
