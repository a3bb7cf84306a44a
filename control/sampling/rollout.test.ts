import { describe, expect, it } from 'vitest';
import { loadMujoco } from '../../sim/mujoco/load-mujoco.ts';
import { MujocoWorld } from '../../sim/mujoco/mujoco-world.ts';
import { defaults } from '../../sim/params.ts';
import { loadRapier } from '../../sim/rapier/load-rapier.ts';
import { PhysicsWorld } from '../../sim/rapier/physics-world.ts';
import { Random } from '../../sim/random.ts';
import { cartpoleSwingup } from '../../sim/tasks/cartpole-swingup.ts';
import { RolloutRunner, type RolloutRequest } from './rollout.ts';

/**
 * What rollouts compute must not change when they are made faster: these costs were recorded before
 * the 2026-12-03 speed-ups (MuJoCo's skipped collision detection, array-free joint readings and state
 * reads, the cart-pole's lighter trace) and must stay bitwise the same. A Rapier, MuJoCo or Node
 * upgrade may change the last digits; check the plans are still sound, then record them again.
 */
const RECORDED = {
  rapier: { costs: [19.8378690108795, 21.331374083353644, 19.829811240148075, 19.359135815501425], traceSum: 48.466435536392964 },
  mujoco: { costs: [19.827389344603134, 21.40399646255294, 19.83292932634398, 19.350718676858715], traceSum: 49.08912113044062 },
};

describe('RolloutRunner', () => {
  it('gives the cart-pole rollouts the costs and traces recorded before its speed-ups, in Rapier and in MuJoCo', async () => {
    const task = cartpoleSwingup.build(defaults(cartpoleSwingup.params));
    const random = new Random(2026);
    const samples = 4;
    const knots = 6;
    const request: RolloutRequest = {
      state: task.reset(random),
      knots: Float64Array.from({ length: samples * knots }, () => random.range(-1, 1)),
      shape: { knots, actionDim: 1, horizon: 1, interpolation: 'cubic' },
      sampleCount: samples,
      steps: 50,
      weights: Float64Array.from(task.costTerms, (t) => t.weight),
      trace: true,
    };
    // The planners' default model step: the control period, MuJoCo's steps fused as rollout workers build them.
    const scene = { ...task.scene, timestep: task.timing.controlDt };
    const worlds = { rapier: new PhysicsWorld(await loadRapier(), scene), mujoco: new MujocoWorld(await loadMujoco(), scene, { fuseSteps: true }) };
    for (const [engine, world] of Object.entries(worlds)) {
      const result = new RolloutRunner(world, task).run(request, 0, samples);
      const recorded = RECORDED[engine as keyof typeof RECORDED];
      expect(Array.from(result.costs), engine).toEqual(recorded.costs);
      expect(result.traces!.reduce((sum, x) => sum + x, 0), engine).toBe(recorded.traceSum);
      world.dispose();
    }
  });
});
