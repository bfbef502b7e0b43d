/** The autograd package: tensors, ops, the engine and the tools to prove gradients. */
export { Tensor, type NestedArray } from './tensor.js';
import './tensor-methods.js'; // attaches a.add(b), y.backward(), … to every Tensor
export type { DType, FloatDType, DataArray } from './dtype.js';
export type { Shape } from './shape.js';
export * from './creation.js';
export * from './ops/index.js';
export { apply, defineOp, noGrad, enableGrad, isGradEnabled, detectAnomaly, AnomalyError, Context, type OpDef, type GradsOf, type Node } from './function.js';
export { backward, type BackwardOptions } from './engine.js';
export { gradcheck, type GradcheckOptions } from './gradcheck.js';
export { manualSeed, seededRandom, getRngState, setRngState, StatefulRandom, checkRandomState, type Random, type RandomState } from './random.js';
export { kernels, useKernels, setBackend, getBackend, backendKernels, setNumThreads, getNumThreads, type AvailableBackend, type BackendOptions } from './backends/index.js';
export type { Kernels, CoreKernels, FusedKernels } from './backends/types.js';
export { getThreading, type Threading } from './backends/index.js';
