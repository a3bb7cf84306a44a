/**
 * The world-model learner (train/learner/world-model-step-graph.ts): one TD-MPC2 training step — TD
 * target from the EMA Q heads, model and policy losses, hand-derived backward passes, two clipped Adam
 * steps over a 3-step latent rollout — at `train --algo world-model`'s default size (latent 32, hidden
 * 128-128, 2 Q heads, batch 128, horizon 3, cart-pole's 5 observations and 1 action), on one ORT thread as the trainer runs it:
 *   world-model-updates-per-s   updates per wall second (target ≥ 100: 100 k environment steps at one
 *                               update per step in under 17 minutes)
 * and the trainer's planner while it collects (latent MPPI at the default 256 samples × 4 iterations,
 * horizon 3, on the live-parameter graphs), with the value of each iteration's samples in one call
 * (rollout-value graph) and, side by side, in 2H + 2 calls:
 *   world-model-plan-ms-per-action   wall ms per planned action, one-call value
 */
import { OnnxLatentModel } from '../../control/world-model/latent-model.ts';
import { LatentMppi } from '../../control/world-model/latent-mppi.ts';
import { Random } from '../../sim/random.ts';
import { latentModelGraphs, rolloutValueGraph } from '../../train/export/world-model-export.ts';
import { learnerRuntime } from '../../train/learner/learner.ts';
import { freshWorldModelState, WorldModelLearner } from '../../train/learner/world-model-learner.ts';
import { ReplayBuffer } from '../../train/world-model/replay-buffer.ts';
import { collectingPlanSettings, WORLD_MODEL_DEFAULTS } from '../../train/world-model/world-model-trainer.ts';
import { initWorldModel, type WorldModelNetSpec } from '../../train/world-model/world-model-net.ts';
import { median, round, type BenchResult, type BenchSuite } from '../result.ts';

async function run(): Promise<BenchResult[]> {
  const d = WORLD_MODEL_DEFAULTS;
  const spec: WorldModelNetSpec = { obsDim: 5, actionDim: 1, latentDim: d.latentDim, hidden: d.hidden, qHeads: d.qHeads };
  const random = new Random(1);
  const learner = await WorldModelLearner.create(spec, freshWorldModelState(spec, initWorldModel(spec, random)), { horizon: d.horizon, rho: d.rho });
  const buffer = new ReplayBuffer(4096, spec.obsDim, spec.actionDim);
  const row = (n: number) => Array.from({ length: n }, () => random.normal());
  for (let i = 0; i < buffer.capacity; i++) buffer.add(row(5), [2 * random.uniform() - 1], random.normal(), row(5), false, 1);
  const hyper = { learningRate: d.learningRate, maxGradNorm: d.maxGradNorm, discount: 0.99, consistencyCoef: d.consistencyCoef, rewardCoef: d.rewardCoef, valueCoef: d.valueCoef, entropyCoef: d.entropyCoef, qScale: 1, targetRate: d.targetRate };
  const normal = () => random.normal();
  for (let i = 0; i < 5; i++) await learner.step(buffer.sample(d.batchSize, d.horizon, random), hyper, normal);
  const ms: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let r = 0; r < 40; r++) {
    const batch = buffer.sample(d.batchSize, d.horizon, random);
    const t0 = performance.now();
    await learner.step(batch, hyper, normal);
    ms.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  const plan = await planCost(spec, learner);
  await learner.dispose();
  const cpuShare = (cpu.user + cpu.system) / 1000 / ms.reduce((a, b) => a + b, 0);
  const details = { latentDim: spec.latentDim, hidden: spec.hidden, qHeads: spec.qHeads, batch: d.batchSize, horizon: d.horizon, threads: 1, stepMsMedian: round(median(ms), 2), cpuSecondsPerWallSecond: round(cpuShare, 2), updatesPerCpuSecond: Math.round(1000 / median(ms) / cpuShare), note: 'on a shared machine the wall figure falls with the CPU share this process got; updatesPerCpuSecond does not' };
  return [{ name: 'world-model-updates-per-s', value: round(1000 / median(ms), 1), unit: 'updates/s', target: '>= 100', details }, plan];
}

/** Median wall ms per planned action with the one-call value, and with the per-function calls, alternating. */
async function planCost(spec: WorldModelNetSpec, learner: WorldModelLearner): Promise<BenchResult> {
  const d = WORLD_MODEL_DEFAULTS;
  const runtime = learnerRuntime();
  const settings = collectingPlanSettings(d, 0.99);
  const graphs = latentModelGraphs(spec, 'bench');
  const models = [await OnnxLatentModel.load({ ...graphs, value: rolloutValueGraph(spec, settings.horizon as number) }, runtime, () => learner.parameterFeeds()), await OnnxLatentModel.load(graphs, runtime, () => learner.parameterFeeds())];
  const planners = models.map((m) => new LatentMppi(m));
  const ms: number[][] = [[], []];
  const calls = [0, 0];
  const obs = [0.1, 0.9, 0.4, 0, 0];
  for (let r = 0; r < 45; r++) {
    for (let k = 0; k < 2; k++) {
      const t0 = performance.now();
      calls[k] = (await planners[k]!.plan(obs, settings)).modelCalls;
      if (r >= 5) ms[k]!.push(performance.now() - t0);
    }
  }
  await Promise.all(models.map((m) => m.dispose()));
  const [one, many] = ms.map((x) => median(x)) as [number, number];
  const details = { samples: d.planSamples, iterations: d.planIterations, horizon: settings.horizon, oneCallValue: { msMedian: round(one, 2), modelCalls: calls[0] }, perFunctionCalls: { msMedian: round(many, 2), modelCalls: calls[1] }, speedup: round(many / one, 2) };
  return { name: 'world-model-plan-ms-per-action', value: round(one, 2), unit: 'ms', details };
}

export const worldModelLearner: BenchSuite = { name: 'world-model', run };
