import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mlpModel } from '../../models/onnx-builder.ts';
import { pendulumSwingup } from '../../sim/tasks/pendulum-swingup.ts';
import { stateFromJointPositions } from '../../sim/robot/pose-state.ts';
import type { ControlContext, Controller } from '../controller.ts';
import { onnxPolicy } from './onnx-policy.ts';

/** A linear policy raw = obs · W on the pendulum: obs = [q, 0.5·dq, last raw action]; torque = 2·raw. */
const W = [-3, -1, 0.5];

function writePolicy(overrides: { controlHz?: number; physicsHz?: number; joints?: string[]; type?: string } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'onnx-policy-'));
  writeFileSync(join(dir, 'policy.onnx'), mlpModel([{ weight: Float32Array.from(W), bias: new Float32Array(1), inSize: 3, outSize: 1, activation: 'none' }], { batch: 1 }));
  const joints = overrides.joints ?? ['hinge'];
  const card = {
    schemaVersion: 1,
    name: 'pendulum-linear',
    kind: 'policy',
    model: 'policy.onnx',
    inputs: [{ name: 'obs', shape: [1, 3], dtype: 'float32' }],
    outputs: [{ name: 'actions', shape: [1, 1], dtype: 'float32' }],
    policy: {
      joints,
      defaultPose: [0],
      observation: {
        terms: [
          { name: 'joint_pos', size: 1 },
          { name: 'joint_vel', size: 1, scale: 0.5 },
          { name: 'last_action', size: 1 },
        ],
      },
      action: { type: overrides.type ?? 'torque', scale: 2, clip: [-10, 10] },
      pd: { stiffness: [0], damping: [0] },
      rates: { controlHz: overrides.controlHz ?? 50, physicsHz: overrides.physicsHz ?? 100 },
    },
    provenance: { source: 'written by this test', license: 'MIT' },
  };
  writeFileSync(join(dir, 'policy.card.json'), JSON.stringify(card));
  return join(dir, 'policy.card.json');
}

async function controllerFor(card: string): Promise<{ controller: Controller; gear: number; state: (q: number, dq: number) => Float64Array }> {
  const task = pendulumSwingup.build(Object.fromEntries(pendulumSwingup.params.map((p) => [p.key, p.default])));
  const context: ControlContext = { taskId: 'pendulum-swingup', taskParams: {}, task, costWeights: () => new Float64Array(task.costTerms.length) };
  const controller = await onnxPolicy.create(context, { card, model: '' });
  controller.reset(0);
  const state = (q: number, dq: number) => {
    const s = stateFromJointPositions(task.scene, [q]);
    // Spin the pole about the hinge axis (y) at dq.
    s.set([0, dq, 0], 13 + 10);
    return s;
  };
  return { controller, gear: task.scene.actuators[0]!.gear, state };
}

describe('onnx-policy', () => {
  it('builds the observation from the robot, runs the model and maps its output to actuator commands', async () => {
    const { controller, gear, state } = await controllerFor(writePolicy());
    const first = await controller.act(state(0.3, 0.2), 0);
    const raw1 = W[0]! * 0.3 + W[1]! * 0.5 * 0.2; // no last action yet
    expect(first[0]).toBeCloseTo((2 * raw1) / gear, 5);
    const second = await controller.act(state(-0.1, 0), 0.02);
    const raw2 = W[0]! * -0.1 + W[2]! * raw1; // last raw action fed back
    expect(second[0]).toBeCloseTo((2 * raw2) / gear, 5);
    expect(controller.info?.()).toMatchObject({ 'policy rate Hz': 50, 'policy steps': 2 });
    await controller.dispose();
  });

  it('runs at the card’s rate and holds the last command in between', async () => {
    const { controller, state } = await controllerFor(writePolicy({ controlHz: 25 }));
    const a0 = await controller.act(state(0.3, 0), 0);
    const held = await controller.act(state(-0.5, 0), 0.02);
    expect(held[0]).toBe(a0[0]);
    const next = await controller.act(state(-0.5, 0), 0.04);
    expect(next[0]).not.toBe(a0[0]);
    await controller.dispose();
  });

  it('warns when the physics steps coarser than the policy was trained at, not finer', async () => {
    // The pendulum steps at 10 ms.
    const warningsAt = async (physicsHz: number) => {
      const { controller } = await controllerFor(writePolicy({ physicsHz }));
      const info = controller.info?.() ?? {};
      await controller.dispose();
      return info.warnings;
    };
    expect(await warningsAt(200)).toBe('the physics steps 10 ms, the policy was trained at 5 ms');
    expect(await warningsAt(100)).toBeUndefined();
    expect(await warningsAt(50)).toBeUndefined();
  });

  it('names the card joints the robot lacks and the actuators that take other commands', async () => {
    await expect(controllerFor(writePolicy({ joints: ['elbow'] }))).rejects.toThrow(/'elbow'.*not found on the robot/);
    await expect(controllerFor(writePolicy({ type: 'position' }))).rejects.toThrow(/joint 'hinge': the card sends position commands, the robot's actuator 'torque' is a motor actuator/);
  });

  it("feeds the task's live command, so the policy gets what the task scores", async () => {
    // raw = obs · W with obs = [vx, vy, yaw rate]: only the command moves the output.
    const dir = mkdtempSync(join(tmpdir(), 'onnx-policy-'));
    writeFileSync(join(dir, 'policy.onnx'), mlpModel([{ weight: Float32Array.of(1, 10, 100), bias: new Float32Array(1), inSize: 3, outSize: 1, activation: 'none' }], { batch: 1 }));
    const card = JSON.parse(readFileSync(writePolicy(), 'utf8')) as { policy: { observation: { terms: unknown[] } }; model: string };
    card.policy.observation.terms = [{ name: 'velocity_command', size: 3 }];
    card.model = join(dir, 'policy.onnx');
    writeFileSync(join(dir, 'policy.card.json'), JSON.stringify(card));
    const task = pendulumSwingup.build(Object.fromEntries(pendulumSwingup.params.map((p) => [p.key, p.default])));
    const command = Float64Array.of(0.5, 0, 0);
    const context: ControlContext = { taskId: 'pendulum-swingup', taskParams: {}, task: { ...task, command }, costWeights: () => new Float64Array(task.costTerms.length) };
    const controller = await onnxPolicy.create(context, { card: join(dir, 'policy.card.json'), model: '' });
    const gear = task.scene.actuators[0]!.gear;
    const s = stateFromJointPositions(task.scene, [0]);
    expect((await controller.act(s, 0))[0]).toBeCloseTo((2 * 0.5) / gear, 5);
    command.set([0, 0.2, -0.03]);
    expect((await controller.act(s, 0.02))[0]).toBeCloseTo((2 * (2 - 3)) / gear, 4);
    expect(onnxPolicy.params.map((p) => p.key)).toEqual(['card', 'model']);
    await controller.dispose();
  });
});
