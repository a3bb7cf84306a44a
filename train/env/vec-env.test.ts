import { describe, expect, it } from 'vitest';
import { totalCost, residualSize } from '../../sim/cost.ts';
import { jointPosition } from '../../sim/kinematics.ts';
import { loadRapier } from '../../sim/rapier/load-rapier.ts';
import { policyLayout } from '../policy-layout.ts';
import { buildTask } from './task-build.ts';
import { VecEnv } from './vec-env.ts';
import { VecEnvPool } from './vec-env-pool.ts';

describe('vectorized environments', () => {
  it("feed a policy the task's state-dependent command (ant-walk: the way to +x) in the velocity_command slot", async () => {
    const R = await loadRapier();
    const { task } = buildTask('ant-walk', { speed: 0.8 });
    const layout = policyLayout(task);
    const at = layout.policy.observation.terms.findIndex((t) => t.name === 'velocity_command');
    const offset = layout.policy.observation.terms.slice(0, at).reduce((n, t) => n + t.size, 0);
    const features = new VecEnv(R, task, layout, 1, 1).reset();
    // Facing +x at reset: vx = speed (× legged_gym's scale 2), no sideways speed, no turn.
    expect(features[offset]).toBeCloseTo(1.6, 2);
    expect(Math.abs(features[offset + 1]!)).toBeLessThan(0.02);
    expect(Math.abs(features[offset + 2]!)).toBeLessThan(0.01);
  });

  it('observe as the card says, reward −cost·dt, truncate at the episode length with the final observation, and reset', async () => {
    const R = await loadRapier();
    const { task } = buildTask('pendulum-swingup', {});
    const layout = policyLayout(task);
    // Pendulum: joint_pos (hinge, an unlimited angle → cos, sin) and joint_vel.
    expect(layout.angleIndices).toEqual([0]);
    expect(layout.featureDim).toBe(3);
    const env = new VecEnv(R, task, layout, 3, 1);
    let features = env.reset();
    const steps = Math.round(task.timing.episodeSeconds / task.timing.controlDt);
    const residual = new Float64Array(residualSize(task.costTerms));
    const weights = task.costTerms.map((t) => t.weight);
    let last;
    for (let t = 0; t < steps; t++) {
      const before = features.slice();
      last = env.step(Float32Array.of(0.5, -0.5, 2)); // the third is clipped to the control range (1)
      if (t === 0) {
        // Features are [ω, cos q, sin q]; cos q ≈ 1 hanging.
        expect(before[1]).toBeGreaterThan(0.99);
        expect(last.rewards[0]).toBeLessThan(0);
      }
      if (t < steps - 1) {
        expect(Array.from(last.truncated)).toEqual([0, 0, 0]);
        expect(last.episodes).toEqual([]);
      }
      features = last.features;
    }
    expect(Array.from(last!.truncated)).toEqual([1, 1, 1]);
    expect(Array.from(last!.terminated)).toEqual([0, 0, 0]);
    expect(last!.episodes).toHaveLength(3);
    expect(last!.episodes.every((e) => e.length === steps && !e.terminated)).toBe(true);
    // Final observation is the end of the episode (spun up), the returned one a fresh hanging reset.
    expect(Math.abs(last!.finalFeatures[0]!)).toBeGreaterThan(0.1);
    expect(last!.features[1]).toBeGreaterThan(0.99);
    expect(Math.abs(last!.features[0]!)).toBe(0);
    // Env 2 was pushed at the clipped torque, env 1 the opposite way: their returns differ.
    expect(last!.episodes[1]!.return).not.toBeCloseTo(last!.episodes[2]!.return, 3);
    // Rewards are −cost·dt: check one step against the task's own cost on the world's state.
    const single = new VecEnv(R, task, layout, 1, 5);
    single.reset();
    const r = single.step(Float32Array.of(1));
    const world = (single as unknown as { envs: { state: Float64Array }[] }).envs[0]!.state;
    task.residual(world, [1], residual);
    expect(r.rewards[0]).toBeCloseTo(-totalCost(task.costTerms, weights, residual) * task.timing.controlDt, 6);
    expect(Math.atan2(r.features[2]!, r.features[1]!)).toBeCloseTo(jointPosition(task.scene, world, 0), 5);
    env.dispose();
    single.dispose();
  });

  it('staggers first episodes when training (random lengths, marked partial), then runs whole ones; a shorter training episode length truncates with bootstrapping', async () => {
    const R = await loadRapier();
    const { task } = buildTask('pendulum-swingup', {});
    const layout = policyLayout(task);
    const full = 50; // 1 s at 50 Hz
    const n = 8;
    const env = new VecEnv(R, task, layout, n, 4, 0, { staggerEpisodes: true, episodeSeconds: full * task.timing.controlDt });
    env.reset();
    const ends: { step: number; env: number; length: number; partial: boolean }[] = [];
    for (let t = 1; t <= 2 * full; t++) {
      const r = env.step(new Float32Array(n));
      r.truncated.forEach((x, i) => x && ends.push({ step: t, env: i, length: 0, partial: false }));
      const fresh = ends.slice(-r.episodes.length);
      r.episodes.forEach((e, k) => Object.assign(fresh[k]!, { length: e.length, partial: e.partial }));
      expect(Array.from(r.terminated)).toEqual(new Array(n).fill(0));
    }
    // Every environment's first episode ends within the first episode length, at spread-out steps, marked partial…
    const firsts = Array.from({ length: n }, (_, i) => ends.find((e) => e.env === i)!);
    expect(firsts.every((e) => e.step <= full && e.length === e.step)).toBe(true);
    expect(new Set(firsts.map((e) => e.step)).size).toBeGreaterThan(n / 2);
    expect(firsts.filter((e) => e.partial).length).toBeGreaterThanOrEqual(n - 1);
    // …and the next one lasts exactly the (shortened) training episode length and counts as a whole episode.
    const seconds = ends.filter((e) => !firsts.includes(e));
    expect(seconds.length).toBe(n);
    expect(seconds.every((e) => e.length === full && !e.partial)).toBe(true);
    env.dispose();
    // Without staggering (evaluation), every first episode is whole.
    const plain = new VecEnv(R, task, layout, 2, 4);
    plain.reset();
    let r;
    for (let t = 0; t < 500; t++) r = plain.step(new Float32Array(2));
    expect(r!.episodes.map((e) => [e.length, e.partial])).toEqual([[500, false], [500, false]]);
    plain.dispose();
  });

  it('gives the same results on 1 and 2 worker threads (seeds follow the environment, not the split)', async () => {
    const run = async (workers: number) => {
      const pool = await VecEnvPool.create({ taskId: 'cartpole-swingup', envs: 5, workers, seed: 9, featureDim: 5, actionDim: 1 });
      try {
        const first = await pool.reset();
        const step = await pool.step(Float32Array.of(1, -1, 0.5, 0, -0.3));
        return [first, step.features, step.rewards];
      } finally {
        await pool.dispose();
      }
    };
    const one = await run(1);
    const two = await run(2);
    one.forEach((a, i) => expect(Array.from(two[i]!)).toEqual(Array.from(a)));
  });

  it('names a bad task parameter', async () => {
    await expect(VecEnvPool.create({ taskId: 'cartpole-swingup', taskParams: { start: 'sideways' }, envs: 1, workers: 1, seed: 0, featureDim: 5, actionDim: 1 })).rejects.toThrow(/task.start must be one of hanging, upright/);
  });
});
