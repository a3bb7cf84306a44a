import { afterAll, describe, expect, it } from 'vitest';
import { RolloutPool, rolloutThreadCount, stopRolloutThreads } from './rollout-pool.ts';
import { RolloutRunner, type RolloutRequest } from './rollout.ts';
import { loadRapier } from '../../sim/rapier/load-rapier.ts';
import { PhysicsWorld } from '../../sim/rapier/physics-world.ts';
import { defaults } from '../../sim/params.ts';
import { Random } from '../../sim/random.ts';
import { stateFromJointPositions } from '../../sim/robot/pose-state.ts';
import { findTask } from '../../sim/tasks/index.ts';
import { buildRolloutWorld, type RolloutWorldSpec } from './rollout-world.ts';

const def = findTask('cartpole-swingup');
const params = defaults(def.params);
const task = def.build(params);
const random = new Random(5);
const shape = { knots: 4, actionDim: 1, horizon: 0.5, interpolation: 'linear' as const };
const request: RolloutRequest = {
  state: task.reset(random),
  knots: Float64Array.from({ length: 9 * 4 }, () => random.range(-1, 1)),
  shape,
  sampleCount: 9,
  steps: 25,
  weights: Float64Array.from(task.costTerms, (t) => t.weight),
  trace: true,
};
const pools: RolloutPool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.dispose()));
  await stopRolloutThreads();
});

describe('RolloutPool', () => {
  it('gives the same costs and traces on 1 and 3 workers as in this thread', async () => {
    const world = new PhysicsWorld(await loadRapier(), task.scene);
    const inline = new RolloutRunner(world, task).run(request, 0, request.sampleCount);
    for (const n of [1, 3]) {
      const pool = await RolloutPool.create(def.id, params, n);
      pools.push(pool);
      // Workers alone (live planning), then with the waiting caller's thread rolling out too (lock-step).
      for (const callerWaits of [false, true]) {
        const result = await pool.run(request, { callerWaits });
        expect(Array.from(result.costs)).toEqual(Array.from(inline.costs));
        expect(Array.from(result.traces!)).toEqual(Array.from(inline.traces!));
        expect(result.physicsSteps).toBe(inline.physicsSteps);
      }
    }
    world.dispose();
  });

  it("rolls out fixed shares where a rollout depends on its world's history (Rapier): plans repeat, live or lock-step", async () => {
    // The SO-101 and its cube in Rapier: once a world has rolled the arm out at the cube, its rollouts
    // from the start differ (in the last bits) from a new world's (docs/physics.md, "Rollout threads").
    const push = findTask('so101-push');
    const spec: RolloutWorldSpec = { taskId: push.id, taskParams: defaults(push.params), modelTimestep: undefined, engine: 'rapier' };
    const pushTask = push.build(spec.taskParams);
    const atCube = stateFromJointPositions(pushTask.scene, [-0.3, 0.8, -0.9, 1.6, 0, 0]);
    atCube.set([0.3, 0.1, 0.015, 0, 0, 0, 1], (pushTask.scene.bodies.length - 1) * 13);
    const r = new Random(1);
    // One sample at the cube, then eight from the start: which world rolled out the first decides the costs of the rest.
    const plans = ([[atCube, 1], [pushTask.reset(new Random(0)), 8]] as const).map(([state, samples]): RolloutRequest => {
      const hold = pushTask.holdAction!(state);
      const knots = Float64Array.from({ length: samples * 3 * hold.length }, (_, i) => hold[i % hold.length]! + r.range(-0.1, 0.1));
      return { state, knots, shape: { knots: 3, actionDim: hold.length, horizon: 0.6, interpolation: 'linear' }, sampleCount: samples, steps: 15, weights: Float64Array.from(pushTask.costTerms, (t) => t.weight), trace: false };
    });
    // Two participants' shares on new worlds: samples ⌊i·n/2⌋ … ⌊(i+1)·n/2⌋ − 1 on world i, in order.
    const worlds = [await buildRolloutWorld(spec), await buildRolloutWorld(spec)];
    const expected = plans.map((plan) => Array.from({ length: plan.sampleCount }, (_, k) => worlds[k < Math.floor(plan.sampleCount / 2) ? 0 : 1]!.runner.rollout(plan, k, undefined, 0)));
    const fresh = await buildRolloutWorld(spec);
    expect(fresh.runner.rollout(plans[1]!, 7, undefined, 0)).not.toBe(expected[1]![7]);
    for (const w of [...worlds, fresh]) w.world.dispose();
    // Two threads, or one and the waiting caller's: the same shares, the same costs bitwise.
    for (const callerWaits of [false, true]) {
      const pool = await RolloutPool.create(spec.taskId, spec.taskParams, 2, undefined, 'rapier');
      pools.push(pool);
      for (const [i, plan] of plans.entries()) expect(Array.from((await pool.run(plan, { callerWaits })).costs)).toEqual(expected[i]);
    }
  });

  it('grows its shared job for a larger request, and reports a failed rollout by its message', async () => {
    const pool = await RolloutPool.create(def.id, params, 2);
    pools.push(pool);
    // 60 samples × 100 steps of traces (70 KiB) do not fit the first 64 KiB.
    const knots = Float64Array.from({ length: 60 * 4 }, (_, i) => Math.sin(i));
    const large = await pool.run({ ...request, knots, sampleCount: 60, steps: 100 });
    expect(large.costs.length).toBe(60);
    expect(large.traces!.length).toBe(60 * 100 * 3);
    expect(large.costs.every((c) => Number.isFinite(c) && c > 0)).toBe(true);
    // A state of the wrong size fails in the worlds' setState; the pool then refuses further requests.
    await expect(pool.run({ ...request, state: new Float64Array(5) })).rejects.toThrow(/state has 5 values/);
    await expect(pool.run(request)).rejects.toThrow(/state has 5 values/);
  });

  it('gives distinct samples finite, distinct costs', async () => {
    const pool = await RolloutPool.create(def.id, params, 2);
    pools.push(pool);
    const costs = (await pool.run(request)).costs;
    expect(costs.every((c) => Number.isFinite(c) && c > 0)).toBe(true);
    expect(new Set(costs).size).toBe(costs.length);
  });

  it('reports a task the worker cannot build', async () => {
    await expect(RolloutPool.create('no-such-task', params, 1)).rejects.toThrow("unknown task 'no-such-task'");
  });

  it('keeps its threads for the next pool: a new task or controller builds worlds, not threads', async () => {
    const first = await RolloutPool.create(def.id, params, 2);
    const threads = rolloutThreadCount();
    expect(threads).toBeGreaterThanOrEqual(2);
    const expected = await first.run(request);
    // The next controller's pool is made before the old one is let go; both share the threads.
    const pendulum = findTask('pendulum-swingup');
    const other = await RolloutPool.create(pendulum.id, defaults(pendulum.params), 2);
    await first.dispose();
    await expect(first.run(request)).rejects.toThrow('used after dispose');
    const again = await RolloutPool.create(def.id, params, 2);
    pools.push(other, again);
    expect(rolloutThreadCount()).toBe(threads);
    expect(Array.from((await again.run(request)).costs)).toEqual(Array.from(expected.costs));
  });

  it('replaces a stopped thread with a fresh one', async () => {
    await stopRolloutThreads();
    expect(rolloutThreadCount()).toBe(0);
    const pool = await RolloutPool.create(def.id, params, 1);
    pools.push(pool);
    expect(rolloutThreadCount()).toBe(1);
    expect((await pool.run(request)).costs.length).toBe(request.sampleCount);
  });
});
