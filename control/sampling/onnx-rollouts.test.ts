import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cartpoleDynamicsModel } from './cartpole-dynamics-model.ts';
import { OnnxRollouts } from './onnx-rollouts.ts';
import { loadRapier } from '../../sim/rapier/load-rapier.ts';
import { PhysicsWorld } from '../../sim/rapier/physics-world.ts';
import { defaults } from '../../sim/params.ts';
import { findTask } from '../../sim/tasks/index.ts';
import { mppi } from './mppi.ts';
import { mlpModel } from '../../models/onnx-builder.ts';
import { Random } from '../../sim/random.ts';

const def = findTask('cartpole-swingup');
const params = defaults(def.params);
const task = def.build(params);
const file = join(mkdtempSync(join(tmpdir(), 'actuate-dyn-')), 'cartpole.onnx');
writeFileSync(file, cartpoleDynamicsModel({ cartMass: 1, poleMass: 0.2, poleLength: 1, maxForce: 10, controlDt: task.timing.controlDt, substeps: 2 }));
const opened: { dispose(): Promise<void> | void }[] = [];
afterAll(async () => {
  for (const o of opened) await o.dispose();
});

describe('learned-dynamics rollouts', () => {
  it('the ONNX cart-pole model tracks Rapier over half a second', async () => {
    const world = new PhysicsWorld(await loadRapier(), task.scene);
    const start = task.reduced!.toState([0, 0.5, 0, 0]);
    world.setState(start);
    const rollouts = await OnnxRollouts.load(file, task);
    opened.push(rollouts, world);
    const shape = { knots: 2, actionDim: 1, horizon: 0.5, interpolation: 'zero' as const };
    const result = await rollouts.run({ state: start, knots: Float64Array.of(0.5, 0.5), shape, sampleCount: 1, steps: 25, weights: Float64Array.from(task.costTerms, (t) => t.weight), trace: true });
    for (let i = 0; i < 50; i++) world.step([0.5]);
    const rapier = task.tracePoint(world.getState());
    const onnx = result.traces!.slice(-3);
    expect(Math.hypot(rapier[0] - onnx[0]!, rapier[2] - onnx[2]!)).toBeLessThan(0.05);
  });

  it('refuses a model without the dynamics signature', async () => {
    const policy = join(mkdtempSync(join(tmpdir(), 'actuate-dyn-')), 'policy.onnx');
    writeFileSync(policy, mlpModel([{ weight: new Float32Array(4), bias: new Float32Array(1), inSize: 4, outSize: 1, activation: 'none' }]));
    await expect(OnnxRollouts.load(policy, task)).rejects.toThrow(/needs inputs 'state' and 'action'/);
  });

  it('MPPI planning with the ONNX model swings the real (Rapier) cart-pole up', async () => {
    // Plans only with the ONNX model (no Rapier rollouts); the world it controls is Rapier's.
    const weights = Float64Array.from(task.costTerms, (t) => t.weight);
    const controller = await mppi.create({ taskId: def.id, taskParams: params, task, costWeights: () => weights }, { ...defaults(mppi.params), dynamics: file });
    opened.push(controller);
    controller.reset(0);
    const world = new PhysicsWorld(await loadRapier(), task.scene);
    opened.push(world);
    world.setState(task.reset(new Random(0)));
    const monitor = task.monitor();
    const substeps = Math.round(task.timing.controlDt / task.scene.timestep);
    let s = world.getState();
    for (let t = 0; t < 10 / task.timing.controlDt; t++) {
      const action = await controller.act(s, t * task.timing.controlDt);
      for (let i = 0; i < substeps; i++) world.step(action);
      s = world.getState();
      monitor.record((t + 1) * task.timing.controlDt, s, action);
    }
    expect(monitor.result().metrics.uprightFraction).toBe(1);
  });
});
