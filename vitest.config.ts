import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', 'scratch/**', 'out/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: integration tests start worker threads of their own.
    maxWorkers: 2,
  },
});
