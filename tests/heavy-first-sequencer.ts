/**
 * Test-file order for a clean checkout (CI), where Vitest has no timings cached and starts the largest
 * files first: the long closed-loop files start first instead, so the suite does not end waiting on one
 * of them alone. With timings cached (a developer's machine), Vitest's own order (longest first) holds.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** The longest files, longest first (measured in full-suite runs on 2 cores). */
const LONGEST = ['tests/integration/task-defaults-', 'tests/browser/', 'tests/integration/ros1.test.ts', 'tests/integration/serial-bus.test.ts'];

export class HeavyFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification) => {
      const i = LONGEST.findIndex((prefix) => file.moduleId.includes(`/${prefix}`));
      return i < 0 ? LONGEST.length : i;
    };
    // Array.prototype.sort is stable: the rest keep Vitest's order.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
