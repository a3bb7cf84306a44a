// Prints vitest's JSON report as the plain closing line 'N passed, N failed, N skipped', and with
// --npm-test-seconds S how long `npm test` took against its budget (issue 12: ≤ 6 minutes on 2 cores).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const BUDGET_SECONDS = 360;
const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'npm-test-seconds': { type: 'string' } } });
const report = JSON.parse(readFileSync(positionals[0] ?? 'test-results/vitest.json', 'utf8'));
const skipped = report.numPendingTests + (report.numTodoTests ?? 0);
console.log(`${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`);
if (values['npm-test-seconds'] !== undefined) {
  const seconds = Number(values['npm-test-seconds']);
  const clock = `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  console.log(`npm test took ${clock} (${seconds} s; budget ${BUDGET_SECONDS} s on a quiet 2-core machine${seconds > BUDGET_SECONDS ? ': over' : ''})`);
}
process.exit(report.numFailedTests > 0 ? 1 : 0);
