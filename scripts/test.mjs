// `npm test`: builds what the tests load, then runs Vitest while the type checks and the linter run beside
// it, one at a time at a lower CPU priority. Vitest leaves about a third of 2 cores idle on average (tests
// waiting on browsers, ROS masters and serial buses), and the checks' ≈ 75 CPU-seconds fit there instead of
// taking ≈ 45 s before the first test. Arguments go to Vitest; the checks' results print after its own.
// Exits 1 if a build, a check or a test failed.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BUILDS, CHECKS, describeResult, reportFailures, runChecks } from './check.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const builds = await runChecks(BUILDS, { onResult: (r) => console.log(describeResult(r)) });
if (!reportFailures(builds)) process.exit(1);

const checks = runChecks(CHECKS, { lanes: 1, niceness: 10 });
const vitest = spawn(process.execPath, [`${ROOT}node_modules/vitest/vitest.mjs`, 'run', ...process.argv.slice(2)], { cwd: ROOT, stdio: 'inherit' });
const testsPassed = await new Promise((resolve) => {
  vitest.on('error', (err) => {
    console.error(`cannot start vitest: ${err.message}`);
    resolve(false);
  });
  vitest.on('close', (code) => resolve(code === 0));
});
const results = await checks;
console.log(`\n${results.map(describeResult).join('\n')}`);
const checksPassed = reportFailures(results);
process.exit(testsPassed && checksPassed ? 0 : 1);
