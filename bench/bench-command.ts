/** `actuate bench [--json] [--only name…]`: runs the benchmark suites and prints their results. */
import { execFile } from 'node:child_process';
import { parseArgs } from 'node:util';
import { machineInfo } from './machine.ts';
import type { BenchResult, BenchSuite } from './result.ts';
import { cliStart } from './suites/cli-start.ts';
import { editStormSuite } from './suites/edit-storm.ts';
import { jointModels } from './suites/joint-models.ts';
import { livePlanning } from './suites/live-planning.ts';
import { mppiOnnxReplan } from './suites/mppi-onnx-replan.ts';
import { mppiReplan } from './suites/mppi-replan.ts';
import { mujocoComparison } from './suites/mujoco-comparison.ts';
import { onnxInference } from './suites/onnx.ts';
import { rapierBuilds } from './suites/rapier-builds.ts';
import { recordingOverhead } from './suites/recording-overhead.ts';
import { ros1Loopback } from './suites/ros1-loopback.ts';
import { rolloutScaling } from './suites/rollout-scaling.ts';
import { serialBus } from './suites/serial-bus.ts';
import { deployLoop } from './suites/deploy-loop.ts';
import { teleopLoop } from './suites/teleop-loop.ts';
import { stepUs } from './suites/step-us.ts';
import { studioOverhead } from './suites/studio-overhead.ts';
import { learnerThroughput } from './suites/learner.ts';
import { worldModelLearner } from './suites/world-model-learner.ts';
import { vecEnvSteps } from './suites/vec-env.ts';
import { vecEnvLayout } from './suites/vec-env-layout.ts';
import { projectPath } from '../sim/project-paths.ts';

export const SUITES: readonly BenchSuite[] = [cliStart, studioOverhead, rolloutScaling, mppiReplan, rapierBuilds, mujocoComparison, stepUs, onnxInference, mppiOnnxReplan, jointModels, livePlanning, serialBus, deployLoop, teleopLoop, recordingOverhead, ros1Loopback, learnerThroughput, worldModelLearner, vecEnvSteps, vecEnvLayout, editStormSuite];

export async function benchCommand(argv: string[], suites: readonly BenchSuite[] = SUITES): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { json: { type: 'boolean', default: false }, only: { type: 'string', multiple: true, default: [] } },
  });
  const only = values.only!;
  const unknown = only.filter((n) => !suites.some((s) => s.name === n));
  if (unknown.length) {
    console.error(`actuate: unknown suite ${unknown.join(', ')}; suites: ${suites.map((s) => s.name).join(', ')}`);
    return 2;
  }
  const results: BenchResult[] = [];
  const chosen = suites.filter((s) => !only.length || only.includes(s.name));
  for (const suite of chosen) {
    if (!values.json) process.stderr.write(`running ${suite.name}…\n`);
    // Several suites: each runs in a fresh process, so one suite's heap, JIT and threads cannot slow the next.
    // A suite that fails becomes a result carrying its error; the others are still measured and printed.
    const suiteResults = await (chosen.length > 1 && suites === SUITES ? runInChild(suite.name) : suite.run()).catch((err: Error) => [failed(suite.name, err)]);
    for (const r of suiteResults) {
      results.push(r);
      if (!values.json) console.log(formatResult(r));
    }
  }
  if (values.json) console.log(JSON.stringify({ machine: machineInfo(), results }));
  return results.some((r) => r.value === null) ? 1 : 0;
}

function formatResult(r: BenchResult): string {
  if (r.value === null) return `${r.name.padEnd(40)} FAILED: ${String(r.details?.error)}`;
  return `${r.name.padEnd(40)} ${String(r.value).padStart(10)} ${r.unit}${r.target ? `  (target ${r.target})` : ''}`;
}

function failed(suite: string, err: Error): BenchResult {
  return { name: suite, value: null, unit: 'failed', details: { error: err.message } };
}

const BIN = projectPath('bin/actuate.js');

/** Runs one suite in a child process; its own failures come back as failed results in its JSON. */
function runInChild(name: string): Promise<BenchResult[]> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [BIN, 'bench', '--json', '--only', name], { maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      try {
        resolve((JSON.parse(stdout) as { results: BenchResult[] }).results);
      } catch {
        reject(new Error(`suite ${name} exited ${err?.code ?? 0} without results: ${stderr.trim().split('\n').slice(-3).join(' ') || err?.message}`));
      }
    });
  });
}
