/**
 * mujoco-rollout-step-us: CPU µs per physics step of an MPPI rollout on the cart-pole in MuJoCo (one
 * thread, the planner's default 32 samples × 1 s at the control step), split into MuJoCo's own step and
 * everything around it (state read, residual, cost, spline). Measured side by side in one process, in
 * interleaved rounds: the rollout world as planners build it (fused steps) and a plain one (mj_step, then
 * the kinematics again for the state read), and mj_step alone. CPU time, so that other processes on a
 * shared machine slow it less than they slow the wall clock.
 */
import { cpuUsage } from 'node:process';
import { RolloutRunner, type RolloutRequest } from '../../control/sampling/rollout.ts';
import { loadMujoco } from '../../sim/mujoco/load-mujoco.ts';
import { MujocoWorld } from '../../sim/mujoco/mujoco-world.ts';
import { defaults } from '../../sim/params.ts';
import { Random } from '../../sim/random.ts';
import { cartpoleSwingup } from '../../sim/tasks/cartpole-swingup.ts';
import { median, round, type BenchResult } from '../result.ts';

const ROUNDS = 9;
const PLANS_PER_ROUND = 10;

const cpuMicros = () => {
  const { user, system } = cpuUsage();
  return user + system;
};

export async function mujocoRolloutStep(): Promise<BenchResult> {
  const task = cartpoleSwingup.build(defaults(cartpoleSwingup.params));
  // The planner's default model step: the control period.
  const scene = { ...task.scene, timestep: task.timing.controlDt };
  const mj = await loadMujoco();
  const fused = new MujocoWorld(mj, scene, { fuseSteps: true });
  const plain = new MujocoWorld(mj, scene);
  const random = new Random(0);
  const samples = 32;
  const knots = 8;
  const request: RolloutRequest = {
    state: task.reset(random),
    knots: Float64Array.from({ length: samples * knots * task.actionDim }, () => random.range(-1, 1)),
    shape: { knots, actionDim: task.actionDim, horizon: 1, interpolation: 'cubic' },
    sampleCount: samples,
    steps: Math.round(1 / task.timing.controlDt),
    weights: Float64Array.from(task.costTerms, (t) => t.weight),
    trace: false,
  };
  const runners = { fused: new RolloutRunner(fused, task), plain: new RolloutRunner(plain, task) };
  const times: Record<'fused' | 'plain' | 'mjStep', number[]> = { fused: [], plain: [], mjStep: [] };
  // mujoco-js's own objects, for mj_step alone on the same model.
  type Step = typeof mj.mj_step;
  const raw = plain as unknown as { model: Parameters<Step>[0]; data: Parameters<Step>[1] };
  for (let round = 0; round <= ROUNDS; round++) {
    for (const name of ['fused', 'plain'] as const) {
      const t = cpuMicros();
      let steps = 0;
      for (let p = 0; p < PLANS_PER_ROUND; p++) steps += runners[name].run(request, 0, samples).physicsSteps;
      // Round 0 warms up.
      if (round) times[name].push((cpuMicros() - t) / steps);
    }
    const t = cpuMicros();
    for (let p = 0; p < PLANS_PER_ROUND * samples; p++) {
      plain.setState(request.state);
      for (let i = 0; i < request.steps; i++) mj.mj_step(raw.model, raw.data);
    }
    if (round) times.mjStep.push((cpuMicros() - t) / (PLANS_PER_ROUND * samples * request.steps));
  }
  fused.dispose();
  plain.dispose();
  const inside = median(times.mjStep);
  const total = median(times.fused);
  return {
    name: 'mujoco-rollout-step-us',
    value: round(total, 2),
    unit: 'µs CPU',
    details: {
      insideMjStep: round(inside, 2),
      outsideMjStep: round(total - inside, 2),
      plainWorld: round(median(times.plain), 2),
      plainOutsideMjStep: round(median(times.plain) - inside, 2),
      fusedSpeedup: round(median(times.plain) / total, 2),
    },
  };
}
