/**
 * Sapling — a deep learning framework written from scratch in TypeScript.
 * The public surface; everything here is re-exported from the folders that define it.
 */
export * from './autograd/index.js';
