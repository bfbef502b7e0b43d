/**
 * run-onnx — runs an exported model with ONNX Runtime (Node only), for serving and comparisons.
 *
 * `createOnnxSession` loads a model once (bytes or a path) into an `onnxruntime-node` session;
 * `session.run(batch)` feeds Sapling tensors, returns the outputs as Sapling tensors and the
 * wall-clock latency of the run itself (not counting the copies in and out). ONNX Runtime is an
 * optional package: it is imported on first use, and a clear error says how to install it when
 * it is missing. Only the few members we call are typed here, so Sapling's own types do not
 * depend on the package.
 */
import { Tensor } from '../../autograd/tensor.js';

interface OrtTensor {
  readonly data: unknown;
  readonly dims: readonly number[];
}
interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}
interface OrtModule {
  readonly InferenceSession: { create(model: Uint8Array | string, options?: object): Promise<OrtSession> };
  readonly Tensor: new (type: string, data: Float32Array | Float64Array | Int32Array, dims: readonly number[]) => OrtTensor;
}

export interface OnnxRunResult {
  /** The first output (a classifier's logits). */
  readonly logits: Tensor;
  /** Every output by its graph name. */
  readonly outputs: Readonly<Record<string, Tensor>>;
  /** Milliseconds the session's run took. */
  readonly latencyMs: number;
}

export interface OnnxSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Runs the model on one batch (one tensor per graph input). */
  run(batch: Tensor | readonly Tensor[]): Promise<OnnxRunResult>;
  /** Frees the session's native memory. */
  close(): Promise<void>;
}

export interface OnnxSessionOptions {
  /** Threads ONNX Runtime may use inside one op (default: its own choice, all cores). */
  readonly intraOpNumThreads?: number;
}

let ortModule: Promise<OrtModule> | null = null;

async function loadOrt(): Promise<OrtModule> {
  ortModule ??= import('onnxruntime-node').then(
    (m: object) => ('InferenceSession' in m ? m : (m as { default: unknown }).default) as OrtModule,
    (e: unknown) => {
      ortModule = null;
      throw new Error(`runOnnx: cannot load onnxruntime-node (${(e as Error).message}); install it with npm install onnxruntime-node (set ONNXRUNTIME_NODE_INSTALL=skip to skip its CUDA download)`);
    },
  );
  return ortModule;
}

const ORT_TYPE = { float32: 'float32', float64: 'float64', int32: 'int32' } as const;

function toSapling(name: string, t: OrtTensor): Tensor {
  const { data, dims } = t;
  if (!(data instanceof Float32Array || data instanceof Float64Array || data instanceof Int32Array)) {
    throw new TypeError(`runOnnx: output '${name}' has elements of a type Sapling does not store (${Object.prototype.toString.call(data)})`);
  }
  return new Tensor(data, [...dims]);
}

/**
 * Loads an ONNX model (the bytes from exportOnnxBytes, or a path) into an ONNX Runtime session.
 * @example const session = await createOnnxSession(exportOnnxBytes(model, x)); const { logits, latencyMs } = await session.run(x)
 */
export async function createOnnxSession(model: Uint8Array | string, options: OnnxSessionOptions = {}): Promise<OnnxSession> {
  const ort = await loadOrt();
  const sessionOptions = options.intraOpNumThreads === undefined ? {} : { intraOpNumThreads: options.intraOpNumThreads };
  const session = await ort.InferenceSession.create(model, sessionOptions);
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(batch) {
      const inputs = batch instanceof Tensor ? [batch] : [...batch];
      if (inputs.length !== session.inputNames.length) {
        throw new RangeError(`runOnnx: the model has ${session.inputNames.length} inputs (${session.inputNames.join(', ')}), got ${inputs.length} tensors`);
      }
      const feeds: Record<string, OrtTensor> = {};
      inputs.forEach((x, i) => (feeds[session.inputNames[i]!] = new ort.Tensor(ORT_TYPE[x.dtype], x.storage, x.shape)));
      const start = performance.now();
      const results = await session.run(feeds);
      const latencyMs = performance.now() - start;
      const outputs: Record<string, Tensor> = {};
      for (const name of session.outputNames) outputs[name] = toSapling(name, results[name]!);
      return { logits: outputs[session.outputNames[0]!]!, outputs, latencyMs };
    },
    close: () => session.release(),
  };
}

/** Runs `model` once on `batch` in a fresh session and closes it: outputs and latency. */
export async function runOnnx(model: Uint8Array | string, batch: Tensor | readonly Tensor[], options: OnnxSessionOptions = {}): Promise<OnnxRunResult> {
  const session = await createOnnxSession(model, options);
  try {
    return await session.run(batch);
  } finally {
    await session.close();
  }
}
