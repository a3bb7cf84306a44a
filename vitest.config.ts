import { defineConfig } from 'vitest/config';
import { HeavyFirstSequencer } from './tests/heavy-first-sequencer.ts';

/** Tests that compare rates measured while they run: alone, after the rest, so other files do not share their 2 cores. */
const MEASURING = ['tests/integration/big-robot-load.test.ts', 'tests/integration/edit-storm.test.ts', 'tests/integration/big-model-check.test.ts'];
const EXCLUDE = ['node_modules/**', 'dist/**', 'scratch/**', 'out/**'];
/**
 * Tests whose pass depends on rates or real-time behaviour (messages per second, keys held for a time, a
 * servo reached in time), against processes of their own: each keeps a fresh worker, so nothing a file
 * before it left behind shares its time.
 */
const REAL_TIME = ['tests/browser/**/*.test.ts', 'tests/integration/ros1*.test.ts', 'tests/integration/rosbridge.test.ts', 'tests/integration/serial-bus*.test.ts'];

export default defineConfig({
  test: {
    // Closed-loop episodes take 10–40 s on 2 quiet cores; a busy machine must not turn them into failures.
    testTimeout: 180_000,
    hookTimeout: 60_000,
    // Two cores: integration tests start worker threads of their own.
    maxWorkers: 2,
    sequence: { sequencer: HeavyFirstSequencer },
    projects: [
      // The unit tests beside the code share their worker's modules (no per-file isolation): half the CPU
      // time of isolated files (70 vs 135 CPU-s for 84 files), most of which went to importing them again.
      { extends: true, test: { name: 'unit', include: ['**/*.test.ts'], exclude: [...EXCLUDE, 'tests/**'], isolate: false } },
      // The other integration files share their worker's modules too: each paid 2–3 CPU-s importing the
      // engine again in a fresh process (9 files side by side: 69 → 48 CPU-s, import 61 → 20 s).
      { extends: true, test: { name: 'integration', include: ['tests/**/*.test.ts'], exclude: [...EXCLUDE, ...MEASURING, ...REAL_TIME], isolate: false } },
      { extends: true, test: { name: 'real-time', include: REAL_TIME, exclude: EXCLUDE } },
      // One file at a time: each compares rates, and two at once would share the cores.
      { extends: true, test: { name: 'measuring', include: MEASURING, exclude: EXCLUDE, fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
});
