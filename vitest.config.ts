import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'examples/**/*.test.ts', 'benchmarks/**/*.test.ts'],
    testTimeout: 60_000,
    // Tensor's fluent methods are attached by this module (the package index imports it too).
    setupFiles: ['src/autograd/tensor-methods.ts'],
  },
});
