/**
 * wasm — the hot kernels on TensorFlow.js's WebAssembly backend (`@tensorflow/tfjs-backend-wasm`,
 * XNNPACK inside) and Sapling's own SIMD modules, cut into shares over worker threads; every other
 * kernel is cpu's. Loaded only by `setBackend('wasm')` (a dynamic import in ../index.ts), so
 * `import 'sapling'` on the cpu backend loads none of it.
 *
 * Each kernel family is one file (matmul, conv-forward, conv-input, conv-filter, max-pool, rnn,
 * optim, gelu, softmax, layer-norm): it checks that tfjs can take the call (float32, a conv tfjs accepts; else the cpu kernel runs,
 * exactly), asks plan.ts how to cut it, and runs the shares (shares/, the same code on every
 * thread: pool.ts). Every call copies its inputs into the wasm heap and its result out, and frees
 * every tfjs tensor before it returns, except the resident weights (shares/resident.ts). What the
 * platform provides — worker threads, where the binaries are — comes from its host (host.ts).
 */
import { cpuKernels } from '../cpu/index.js';
import type { Kernels } from '../types.js';
import { runner } from './common.js';
import { wasmConv2dBackpropFilter } from './conv-filter.js';
import { wasmFusedConv2d } from './conv-forward.js';
import { wasmConv2dBackpropInput } from './conv-input.js';
import { wasmMatmul, wasmMatmulTransposed } from './matmul.js';
import { wasmGeluWithDerivative } from './gelu.js';
import { wasmLayerNorm, wasmLayerNormBackward } from './layer-norm.js';
import { wasmMaxPool2d } from './max-pool.js';
import { wasmAdagradStep, wasmAdamStep, wasmRmspropStep, wasmSgdStep } from './optim.js';
import { wasmRecurrent } from './rnn.js';
import { wasmSoftmaxLastAxis } from './softmax.js';
import { defaultHost, type WasmHostLoader, type WasmPaths } from './host.js';
import { useSharePool } from './parallel.js';
import { loadTfWasm, tfWasmThreads } from './tf-load.js';
import { configureThreads } from './threads.js';

export { loadTfWasm };
export { getNumThreads, setNumThreads, threading } from './threads.js';
export type { Threading, WasmHost, WasmHostLoader, WasmPaths } from './host.js';

export interface WasmKernelOptions {
  /** The platform's host (host.ts); default: Node's in Node, the web one elsewhere. */
  readonly host?: WasmHostLoader | null;
  /** Where the tfjs-wasm binaries are, overriding the host's default (a browser's bundler URLs). */
  readonly wasmPaths?: WasmPaths | null;
  /** Threads asked for at load: a browser's tfjs Web Workers are fixed then. */
  readonly threads?: number;
}

/** The wasm kernels, built once tfjs is loaded. */
export async function createWasmKernels(options: WasmKernelOptions = {}): Promise<Kernels> {
  const host = await (options.host ?? defaultHost)();
  const wasmPaths = options.wasmPaths ?? host.wasmPaths;
  const asked = host.pool === null ? options.threads ?? host.cores() : null;
  const tf = await loadTfWasm({ wasmPaths, ...(asked === null ? {} : { threads: asked }) });
  useSharePool(host.pool);
  configureThreads(host, tfWasmThreads(), asked);
  const run = runner(tf);
  const fusedConv2d = wasmFusedConv2d(run);
  const matmul = wasmMatmul(run);
  return {
    ...cpuKernels,
    name: 'wasm',
    matmul,
    matmulTransposed: wasmMatmulTransposed(run, matmul),
    conv2d: (x, w, attrs) => fusedConv2d(x, w, attrs, {}),
    fusedConv2d,
    conv2dBackpropInput: wasmConv2dBackpropInput(run),
    conv2dBackpropFilter: wasmConv2dBackpropFilter(run),
    maxPool2d: wasmMaxPool2d(run),
    ...wasmRecurrent(run),
    sgdStep: wasmSgdStep,
    adamStep: wasmAdamStep,
    rmspropStep: wasmRmspropStep,
    adagradStep: wasmAdagradStep,
    geluWithDerivative: wasmGeluWithDerivative,
    softmaxLastAxis: wasmSoftmaxLastAxis,
    layerNorm: wasmLayerNorm,
    layerNormBackward: wasmLayerNormBackward,
  };
}
