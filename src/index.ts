/**
 * Sapling — a deep learning framework written from scratch in TypeScript.
 * The public surface; everything here is re-exported from the folders that define it.
 */
export * from './autograd/index.js';
export * as optim from './optim/index.js';
export * as metrics from './metrics/index.js';
export * from './data/index.js';
export * from './io/index.js';
export * from './layers/index.js';
export * as linalg from './linalg/index.js';
export * as forecast from './forecast/index.js';
export * from './models/index.js';
export * as text from './text/index.js';
export * as features from './features/index.js';
