import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ControlContext } from '../../control/controller.ts';
import { worldModelMpc } from '../../control/world-model/world-model-mpc.ts';
import { defaults } from '../../sim/params.ts';
import { loadRapier } from '../../sim/rapier/load-rapier.ts';
import { PhysicsWorld } from '../../sim/rapier/physics-world.ts';
import { Random } from '../../sim/random.ts';
import { buildTask } from '../env/task-build.ts';
import { readWorldModelCheckpoint, writeWorldModelCheckpoint, writeWorldModelExport } from '../run-dir.ts';
import { WorldModelTrainer, type WorldModelMetrics } from './world-model-trainer.ts';

const dir = mkdtempSync(join(tmpdir(), 'actuate-wm-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('world-model training (TD-MPC2)', () => {
  it('learns online on cart-pole swing-up planning with the model it learns, resumes exactly from its checkpoint, and world-model-mpc runs the exported model on the task', async () => {
    // CI-sized: small networks, 200 random steps, then 300 planned steps (32 samples × 2 iterations) with an update every 10th.
    const trainer = await WorldModelTrainer.create({ taskId: 'cartpole-swingup', seed: 3, latentDim: 8, hidden: [32], batchSize: 32, seedSteps: 200, updatesPerStep: 0.1, learningRate: 1e-3, planSamples: 32, planIterations: 2 });
    const losses: number[] = [];
    trainer.onUpdate = (s) => {
      losses.push(s.reward_loss);
      for (const k of ['consistency_loss', 'value_loss', 'policy_loss', 'grad_norm'] as const) expect(Number.isFinite(s[k])).toBe(true);
    };
    const m = await trainer.iterate();
    expect(m.envSteps).toBe(500);
    expect(m.episodes).toBe(1);
    // The burst on the random data (200 updates), then one per 10 steps.
    expect(m.updates).toBe(200 + 300 / 10);
    expect(losses).toHaveLength(m.updates);
    expect(m.planMsPerAction).toBeGreaterThan(0);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(losses.slice(-50))).toBeLessThan(0.5 * mean(losses.slice(0, 50)));
    writeWorldModelExport(dir, trainer.export({ returnMean: m.returnMean! }));

    // --resume: the checkpoint (through checkpoint.json) continues exactly as the run that wrote it.
    writeWorldModelCheckpoint(dir, await trainer.checkpoint());
    const resumed = await WorldModelTrainer.create({ taskId: 'cartpole-swingup', seed: 99 }, readWorldModelCheckpoint(dir));
    const [a, b] = [await trainer.iterate(), await resumed.iterate()];
    const deterministic = (x: WorldModelMetrics) => ({ ...x, wallSeconds: 0, envStepsPerSecond: 0, updatesPerSecond: 0, planMsPerAction: 0 });
    expect(b.updates).toBe(230 + 50);
    expect(deterministic(b)).toEqual(deterministic(a));
    await Promise.all([trainer.dispose(), resumed.dispose()]);

    const { task } = buildTask('cartpole-swingup');
    const context: ControlContext = { taskId: 'cartpole-swingup', taskParams: {}, task, costWeights: () => Float64Array.from(task.costTerms, (t) => t.weight) };
    const controller = await worldModelMpc.create(context, { ...defaults(worldModelMpc.params), card: join(dir, 'world-model.card.json'), samples: 64, elites: 8, iterations: 2 });
    controller.reset(0);
    const world = new PhysicsWorld(await loadRapier(), task.scene);
    const state = task.reset(new Random(0));
    world.setState(state);
    const substeps = Math.round(task.timing.controlDt / task.scene.timestep);
    for (let t = 0; t < 25; t++) {
      const ctrl = await controller.act(state, t * task.timing.controlDt);
      expect(Math.abs(ctrl[0]!)).toBeLessThanOrEqual(1); // cart-pole's control range
      for (let s = 0; s < substeps; s++) world.step(ctrl);
      world.getState(state);
    }
    expect(state.every(Number.isFinite)).toBe(true);
    world.dispose();
    await controller.dispose();
  });
});
