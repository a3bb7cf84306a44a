import { describe, expect, it } from 'vitest';
import { axisAngle, jointPosition, jointVelocity, multiply, rotate, writeBody } from './kinematics.ts';
import type { SceneDescription } from './scene.ts';

const scene: SceneDescription = {
  name: 'two links', gravity: [0, 0, -9.81], timestep: 0.01, solverIterations: 4, actuators: [], markers: [],
  bodies: [
    { name: 'a', kind: 'dynamic', pose: { position: [0, 0, 0], rotation: [0, 0, 0, 1] }, geoms: [] },
    { name: 'b', kind: 'dynamic', pose: { position: [1, 0, 0], rotation: [0, 0, 0, 1] }, geoms: [] },
  ],
  joints: [
    { name: 'hinge', type: 'revolute', parent: 0, child: 1, anchorParent: [0.5, 0, 0], anchorChild: [-0.5, 0, 0], axis: [0, 0, 1] },
    { name: 'slide', type: 'prismatic', parent: 0, child: 1, anchorParent: [0.5, 0, 0], anchorChild: [-0.5, 0, 0], axis: [1, 0, 0] },
  ],
};

describe('kinematics', () => {
  it('rotates vectors by quaternions', () => {
    const v = rotate(axisAngle([0, 0, 1], Math.PI / 2), [1, 0, 0]);
    expect(v[0]).toBeCloseTo(0);
    expect(v[1]).toBeCloseTo(1);
    const q = multiply(axisAngle([0, 0, 1], 0.3), axisAngle([0, 0, 1], 0.4));
    expect(q[3]).toBeCloseTo(Math.cos(0.35));
  });

  it('reads revolute angle and rate from the relative pose, in the parent frame', () => {
    const s = new Float64Array(26);
    const parent = axisAngle([1, 0, 0], 0.7); // a tilted parent must not change the joint angle
    writeBody(s, 0, [0, 0, 0], parent, [0, 0, 0], [0, 0, 0]);
    const childRotation = multiply(parent, axisAngle([0, 0, 1], -1.2));
    const axisWorld = rotate(parent, [0, 0, 1]);
    writeBody(s, 1, [1, 0, 0], childRotation, [0, 0, 0], [axisWorld[0] * 2, axisWorld[1] * 2, axisWorld[2] * 2]);
    expect(jointPosition(scene, s, 0)).toBeCloseTo(-1.2);
    expect(jointVelocity(scene, s, 0)).toBeCloseTo(2);
  });

  it('reads prismatic displacement between the anchors along the axis', () => {
    const s = new Float64Array(26);
    writeBody(s, 0, [0, 0, 0]);
    writeBody(s, 1, [1.25, 0, 0], [0, 0, 0, 1], [0.5, 0, 0]);
    expect(jointPosition(scene, s, 1)).toBeCloseTo(0.25);
    expect(jointVelocity(scene, s, 1)).toBeCloseTo(0.5);
  });
});
