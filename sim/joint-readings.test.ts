import { describe, expect, it } from 'vitest';
import { defaults } from './params.ts';
import { stateFromJointPositions } from './robot/pose-state.ts';
import { pendulumSwingup } from './tasks/pendulum-swingup.ts';
import { jointReadings } from './joint-readings.ts';

const task = pendulumSwingup.build(defaults(pendulumSwingup.params));
const motor = task.scene.actuators[0]!;

describe('jointReadings', () => {
  it('reads joint position and the motor torque gear · clamped command', () => {
    const state = stateFromJointPositions(task.scene, [0.7]);
    const r = jointReadings(task.scene, state, [0.5]);
    expect(r.position[motor.joint]).toBeCloseTo(0.7, 6);
    expect(r.velocity[motor.joint]).toBeCloseTo(0, 6);
    expect(r.torque[motor.joint]).toBeCloseTo(motor.gear * Math.min(0.5, motor.ctrlRange[1]), 9);
    expect(jointReadings(task.scene, state, [1e6]).torque[motor.joint]).toBeCloseTo(motor.gear * motor.ctrlRange[1], 9);
  });

  it('gives a position servo kp·(ctrl − q) − kv·q̇ clamped to its force limit', () => {
    const scene = { ...task.scene, actuators: [{ ...motor, kind: 'position' as const, kp: 10, kv: 2, forceLimit: 3, ctrlRange: [-5, 5] as [number, number] }] };
    const state = stateFromJointPositions(scene, [0.1]);
    expect(jointReadings(scene, state, [0.2]).torque[motor.joint]).toBeCloseTo(10 * 0.1, 6);
    expect(jointReadings(scene, state, [2]).torque[motor.joint]).toBeCloseTo(3, 9);
    expect(jointReadings(scene, state, [-2]).torque[motor.joint]).toBeCloseTo(-3, 9);
  });
});
