import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', 'scratch/**', 'out/**'],
    // Closed-loop episodes take 10–40 s on 2 quiet cores; a busy machine must not turn them into failures.
    testTimeout: 180_000,
    hookTimeout: 60_000,
    // Two cores: integration tests start worker threads of their own.
    maxWorkers: 2,
  },
});
