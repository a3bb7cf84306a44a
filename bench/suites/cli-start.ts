/**
 * How long `actuate tasks --json` takes from a shell, wall-clock: what every CLI command pays before it
 * does anything. Measured beside `node -e 0` (Node's own start) in the same run, interleaved.
 */
import { execFileSync } from 'node:child_process';
import { projectPath } from '../../sim/project-paths.ts';
import { median, round, type BenchSuite } from '../result.ts';

const RUNS = 7;

function wallMs(args: string[]): number {
  const started = performance.now();
  execFileSync(process.execPath, args, { stdio: 'ignore' });
  return performance.now() - started;
}

export const cliStart: BenchSuite = {
  name: 'cli-start',
  async run() {
    const bin = projectPath('bin/actuate.js');
    wallMs([bin, 'tasks', '--json']); // brings dist/ up to date, warms the file cache
    const cli: number[] = [];
    const node: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      cli.push(wallMs([bin, 'tasks', '--json']));
      node.push(wallMs(['-e', '0']));
    }
    return [
      {
        name: 'cli-start-ms',
        value: round(median(cli), 0),
        unit: 'ms',
        target: '<= 800',
        details: { command: 'actuate tasks --json', runs: RUNS, nodeStartMs: round(median(node), 0), minMs: round(Math.min(...cli), 0) },
      },
    ];
  },
};
