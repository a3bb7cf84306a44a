/** `actuate bench [--json] [--only name…]`: runs the benchmark suites and prints their results. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machineInfo } from './machine.ts';
import type { BenchResult, BenchSuite } from './result.ts';
import { jointModels } from './suites/joint-models.ts';
import { mppiOnnxReplan } from './suites/mppi-onnx-replan.ts';
import { mppiReplan } from './suites/mppi-replan.ts';
import { mujocoComparison } from './suites/mujoco-comparison.ts';
import { onnxInference } from './suites/onnx.ts';
import { rapierBuilds } from './suites/rapier-builds.ts';
import { rolloutScaling } from './suites/rollout-scaling.ts';
import { studioOverhead } from './suites/studio-overhead.ts';
import { learnerThroughput } from './suites/learner.ts';
import { vecEnvSteps } from './suites/vec-env.ts';

export const SUITES: readonly BenchSuite[] = [studioOverhead, rolloutScaling, mppiReplan, rapierBuilds, mujocoComparison, onnxInference, mppiOnnxReplan, jointModels, learnerThroughput, vecEnvSteps];

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
  const chosen = SUITES.filter((s) => !only.length || only.includes(s.name));
  for (const suite of chosen) {
    if (!values.json) process.stderr.write(`running ${suite.name}…\n`);
    // Several suites: each runs in a fresh process, so one suite's heap, JIT and threads cannot slow the next.
    const suiteResults = chosen.length > 1 ? await runInChild(suite.name) : await suite.run();
    for (const r of suiteResults) {
      results.push(r);
      if (!values.json) console.log(`${r.name.padEnd(40)} ${String(r.value).padStart(10)} ${r.unit}${r.target ? `  (target ${r.target})` : ''}`);
    }
  }
  if (values.json) console.log(JSON.stringify({ machine: machineInfo(), results }));
  return 0;
}

const BIN = fileURLToPath(new URL('../bin/actuate.js', import.meta.url));

function runInChild(name: string): Promise<BenchResult[]> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [BIN, 'bench', '--json', '--only', name], { maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`benchmark suite ${name} failed: ${stderr.trim() || err.message}`));
      else resolve((JSON.parse(stdout) as { results: BenchResult[] }).results);
    });
  });
}
