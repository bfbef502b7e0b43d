import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'examples/**/*.test.ts', 'benchmarks/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
