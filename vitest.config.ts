import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { exerciseSolutions } from './exercises/lib/solutions-plugin.js';

export default defineConfig({
  // Snippets written as a user writes them (`import … from 'sapling'`) run against src/node.ts (the package's Node entry), as tsconfig's paths type-check them.
  resolve: {
    alias: [
      { find: /^sapling$/, replacement: fileURLToPath(new URL('./src/node.ts', import.meta.url)) },
      { find: /^sapling\/utils$/, replacement: fileURLToPath(new URL('./src/utils/index.ts', import.meta.url)) },
    ],
  },
  // Exercise tests run against exercises/solutions/ unless SAPLING_EXERCISES=yours (npm run exercise).
  plugins: [exerciseSolutions()],
  test: {
    include: ['src/**/*.test.ts', 'examples/**/*.test.ts', 'benchmarks/**/*.test.ts', 'docs/**/*.test.ts', 'exercises/**/*.test.ts'],
    testTimeout: 60_000,
    // Tensor's fluent methods are attached by this module (the package index imports it too).
    setupFiles: ['src/autograd/tensor-methods.ts'],
  },
});
