import { describe, expect, it } from 'vitest';
import { importRobot } from '../importers/import-robot.ts';
import { projectPath } from '../project-paths.ts';
import { applyDriveSetup, type DriveSetup } from './drive-setup.ts';
import { robotToScene } from './robot-scene.ts';

const GO2 = projectPath('assets/robots/go2/example-robot-data/robots/go2_description/urdf/go2.urdf');

const setup: DriveSetup = {
  source: 'test.card.json',
  joints: ['FR_thigh_joint', 'FR_calf_joint', 'FL_calf_joint', 'FR_wheel_joint'],
  types: ['position', 'velocity', 'torque', 'velocity'],
  defaultPose: [0.8, 0, 0, 0],
  stiffness: [25, 0, 0, 0],
  servoDamping: [0.5, 0.3, 0, 0.3],
  jointDamping: [0.1, 0.2, 0, 0],
  torqueLimit: [20, 20, 15, 5],
  armature: [0.05, 0, 0, 0],
  physicsHz: 200,
  controlHz: 50,
};

describe('applyDriveSetup', () => {
  it('drives the card’s joints as the trainer did: servos, velocity drives, motors, limits, armature, joint damping', () => {
    const model = importRobot(GO2);
    const problems = applyDriveSetup(model, setup);
    expect(problems).toEqual(["test.card.json: joint 'FR_wheel_joint' is not in the robot; its gains are not applied"]);
    const { scene } = robotToScene(model, { visuals: false });
    const actuator = (joint: string) => scene.actuators.find((a) => scene.joints[a.joint]!.name === joint)!;
    expect(actuator('FR_thigh_joint')).toMatchObject({ kind: 'position', kp: 25, kv: 0.5, forceLimit: 20 });
    expect(actuator('FR_calf_joint')).toMatchObject({ kind: 'velocity', kv: 0.3, forceLimit: 20 });
    // A torque motor: the card's limit replaces the URDF's effort (45.43 N·m on the calves) and bounds its command.
    expect(actuator('FL_calf_joint')).toMatchObject({ kind: 'motor', forceLimit: 15, ctrlRange: [-15, 15] });
    // Joint damping is passive, on the joint, apart from the servo's kv.
    const joint = (name: string) => scene.joints.find((j) => j.name === name)!;
    expect([joint('FR_thigh_joint').damping, joint('FR_calf_joint').damping, joint('FL_calf_joint').damping ?? 0]).toEqual([0.1, 0.2, 0]);
    // Armature: the thigh's body gains 0.05 kg·m² about every axis (robot-scene.ts, addArmature).
    const plain = robotToScene(importRobot(GO2), { visuals: false }).scene;
    const thigh = (s: typeof scene) => s.bodies[s.joints.find((j) => j.name === 'FR_thigh_joint')!.child]!.inertial!.principal;
    const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);
    expect(sum(thigh(scene)) - sum(thigh(plain))).toBeCloseTo(0.15, 9);
  });
});
