/** `actuate bench [--json] [--only name…]`: runs the benchmark suites and prints their results. */
import { parseArgs } from 'node:util';
import { machineInfo } from './machine.ts';
import type { BenchResult, BenchSuite } from './result.ts';
import { mppiReplan } from './suites/mppi-replan.ts';
import { mujocoComparison } from './suites/mujoco-comparison.ts';
import { onnxInference } from './suites/onnx.ts';
import { rapierBuilds } from './suites/rapier-builds.ts';
import { rolloutScaling } from './suites/rollout-scaling.ts';
import { studioOverhead } from './suites/studio-overhead.ts';

export const SUITES: readonly BenchSuite[] = [studioOverhead, rolloutScaling, mppiReplan, rapierBuilds, mujocoComparison, onnxInference];

export async function benchCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { json: { type: 'boolean', default: false }, only: { type: 'string', multiple: true, default: [] } },
  });
  const only = values.only!;
  const unknown = only.filter((n) => !SUITES.some((s) => s.name === n));
  if (unknown.length) {
    console.error(`actuate: unknown suite ${unknown.join(', ')}; suites: ${SUITES.map((s) => s.name).join(', ')}`);
    return 2;
  }
  const results: BenchResult[] = [];
  for (const suite of SUITES) {
    if (only.length && !only.includes(suite.name)) continue;
    if (!values.json) process.stderr.write(`running ${suite.name}…\n`);
    for (const r of await suite.run()) {
      results.push(r);
      if (!values.json) console.log(`${r.name.padEnd(40)} ${String(r.value).padStart(10)} ${r.unit}${r.target ? `  (target ${r.target})` : ''}`);
    }
  }
  if (values.json) console.log(JSON.stringify({ machine: machineInfo(), results }));
  return 0;
}
