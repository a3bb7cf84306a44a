/**
 * `actuate eval --task T --controller C --episodes N`: runs N closed-loop episodes (seeds S, S+1, …)
 * and reports the success rate, the return's mean and spread, and each task metric's mean.
 */
import { parseArgs } from 'node:util';
import { runEpisode } from '../../engine/run-episode.ts';
import { parseEngine } from '../episode-options.ts';
import { findController } from '../../control/registry.ts';
import { findTask } from '../../sim/tasks/index.ts';
import { parseSetOptions } from '../set-options.ts';
import { UsageError } from '../usage-error.ts';

export interface EvalResult {
  task: string;
  controller: string;
  episodes: number;
  seed: number;
  successRate: number;
  returnMean: number;
  returnStd: number;
  metrics: Record<string, number>;
}

export async function evalCommand(argv: string[]): Promise<string> {
  const { values } = parseArgs({
    args: argv,
    options: {
      task: { type: 'string' },
      controller: { type: 'string' },
      episodes: { type: 'string', default: '10' },
      seed: { type: 'string', default: '0' },
      set: { type: 'string', multiple: true, default: [] },
      json: { type: 'boolean', default: false },
      engine: { type: 'string', default: 'rapier' },
    },
  });
  const engine = parseEngine(values.engine!);
  if (!values.task) throw new UsageError('--task is required (see `actuate tasks`)');
  if (!values.controller) throw new UsageError('--controller is required (see `actuate controllers`)');
  try {
    findTask(values.task);
    findController(values.controller);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const episodes = Number(values.episodes);
  if (!Number.isInteger(episodes) || episodes < 1) throw new UsageError(`--episodes must be a whole number ≥ 1, got '${values.episodes}'`);
  const seed = Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed must be a whole number ≥ 0, got '${values.seed}'`);
  const set = parseSetOptions(values.set!, values.task, values.controller);
  const returns: number[] = [];
  const metricSums: Record<string, number> = {};
  const metricCounts: Record<string, number> = {};
  let successes = 0;
  for (let e = 0; e < episodes; e++) {
    let r;
    try {
      r = await runEpisode({ taskId: values.task, controllerId: values.controller, seed: seed + e, taskParams: set.task, controllerParams: set.controller, costWeights: set.cost, engine });
    } catch (err) {
      if ((err as Error).name === 'ParamError' || (err as Error).name === 'CardError' || (err as Error).name === 'ModelLoadError') throw new UsageError((err as Error).message);
      throw err;
    }
    if (r.error) throw new Error(`episode ${e} (seed ${seed + e}): ${r.error}`);
    returns.push(r.return);
    if (r.success) successes++;
    for (const [k, v] of Object.entries(r.metrics)) {
      metricSums[k] = (metricSums[k] ?? 0) + v;
      metricCounts[k] = (metricCounts[k] ?? 0) + 1;
    }
    if (!values.json && process.stderr.isTTY) process.stderr.write(`\repisode ${e + 1}/${episodes}`);
  }
  if (!values.json && process.stderr.isTTY) process.stderr.write('\n');
  const mean = returns.reduce((a, b) => a + b, 0) / episodes;
  const std = Math.sqrt(returns.reduce((a, b) => a + (b - mean) ** 2, 0) / episodes);
  const result: EvalResult = {
    task: values.task,
    controller: values.controller,
    episodes,
    seed,
    successRate: successes / episodes,
    returnMean: round(mean),
    returnStd: round(std),
    // Each metric's mean over the episodes that report it (`reachedAt` exists only where the goal was reached).
    metrics: Object.fromEntries(Object.entries(metricSums).map(([k, v]) => [k, round(v / metricCounts[k]!)])),
  };
  if (values.json) return JSON.stringify(result);
  return `${result.task} with ${result.controller}: ${successes}/${episodes} episodes succeeded, return ${result.returnMean} ± ${result.returnStd}\n  metrics: ${Object.entries(result.metrics).map(([k, v]) => `${k}=${v}`).join(' ')}`;
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
