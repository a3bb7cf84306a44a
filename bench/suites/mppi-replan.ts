/**
 * mppi-cartpole-replan-hz: closed-loop MPPI plans per wall second on cart-pole, default settings, with the
 * rollout threads already running;
 * mppi-cartpole-replan-hz-mujoco: the same with the rollouts simulated in MuJoCo (controller.engine);
 * mujoco-rollout-step-us: where a MuJoCo rollout's time goes, per physics step (mujoco-rollout-step.ts).
 */
import { runEpisode } from '../../engine/run-episode.ts';
import { defaults } from '../../sim/params.ts';
import { mppi } from '../../control/sampling/mppi.ts';
import { round, type BenchSuite } from '../result.ts';
import { mujocoRolloutStep } from './mujoco-rollout-step.ts';

export const mppiReplan: BenchSuite = {
  name: 'mppi-replan',
  async run() {
    // First, with this process's JIT as fresh as a rollout worker's (the episodes below would warm it to other shapes).
    const rolloutStep = await mujocoRolloutStep();
    // Rollout threads start once per process and stay, as in the studio: a 1 s episode on each engine
    // first, so the figures are the planning rate and not each thread starting and compiling its engine
    // (1–1.4 s of a 6 s episode on a loaded machine). The cold figures stay in the details.
    // The cart-pole plans in MuJoCo by default: the Rapier figures ask for Rapier.
    const cold = await runEpisode({ taskId: 'cartpole-swingup', controllerId: 'mppi', seed: 0, seconds: 1, controllerParams: { engine: 'rapier' } });
    const coldMujoco = await runEpisode({ taskId: 'cartpole-swingup', controllerId: 'mppi', seed: 0, seconds: 1, controllerParams: { engine: 'mujoco' } });
    const result = await runEpisode({ taskId: 'cartpole-swingup', controllerId: 'mppi', seed: 0, seconds: 6, controllerParams: { engine: 'rapier' } });
    const onMujoco = await runEpisode({ taskId: 'cartpole-swingup', controllerId: 'mppi', seed: 0, seconds: 6, controllerParams: { engine: 'mujoco' } });
    return [
      {
        name: 'mppi-cartpole-replan-hz',
        value: round(result.timing.replanHz, 1),
        unit: 'Hz',
        target: '>= 50',
        details: { settings: defaults(mppi.params), planMs: result.timing.planMs, success: result.success, coldStartReplanHz: cold.timing.replanHz },
      },
      {
        name: 'mppi-cartpole-replan-hz-mujoco',
        value: round(onMujoco.timing.replanHz, 1),
        unit: 'Hz',
        target: '>= 200',
        details: { planMs: onMujoco.timing.planMs, success: onMujoco.success, coldStartReplanHz: coldMujoco.timing.replanHz },
      },
      rolloutStep,
    ];
  },
};
