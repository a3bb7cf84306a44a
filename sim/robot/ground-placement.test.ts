import { describe, expect, it } from 'vitest';
import { axisAngle, writeBody } from '../kinematics.ts';
import type { GeomDesc, Quat, SceneDescription, Vec3 } from '../scene.ts';
import { lowestCollisionPoint } from './ground-placement.ts';

function oneBody(geom: GeomDesc, at: Vec3 = [0, 0, 1], rotation: Quat = [0, 0, 0, 1]) {
  const scene: SceneDescription = {
    name: 'probe', gravity: [0, 0, -9.81], timestep: 0.002, solverIterations: 4, joints: [], actuators: [], markers: [],
    meshes: { tetra: { positions: Float32Array.of(0, 0, -0.3, 0.1, 0, 0, 0, 0.1, 0, 0, 0, 0.2), indices: Uint32Array.of(0, 1, 2, 0, 1, 3, 0, 2, 3, 1, 2, 3) } },
    bodies: [
      { name: 'ground', kind: 'fixed', pose: { position: [0, 0, -0.05], rotation: [0, 0, 0, 1] }, geoms: [{ shape: { type: 'box', halfExtents: [20, 20, 0.05] } }] },
      { name: 'b', kind: 'dynamic', pose: { position: at, rotation }, geoms: [geom] },
    ],
  };
  const state = new Float64Array(26);
  writeBody(state, 1, at, rotation);
  return lowestCollisionPoint(scene, state);
}

describe('lowestCollisionPoint', () => {
  it('finds the bottom of boxes, spheres, capsules, cylinders and mesh hulls, turned', () => {
    expect(oneBody({ shape: { type: 'sphere', radius: 0.1 }, pose: { position: [0, 0, -0.2], rotation: [0, 0, 0, 1] } })).toBeCloseTo(0.7, 9);
    // A box turned 90° about x stands on its y half-extent.
    expect(oneBody({ shape: { type: 'box', halfExtents: [0.1, 0.3, 0.05] } }, [0, 0, 1], axisAngle([1, 0, 0], Math.PI / 2))).toBeCloseTo(0.7, 9);
    // Capsules and cylinders run along y: upright (turned onto z) they reach down by half-height + radius / half-height.
    const upright = axisAngle([1, 0, 0], Math.PI / 2);
    expect(oneBody({ shape: { type: 'capsule', radius: 0.05, halfHeight: 0.2 }, pose: { position: [0, 0, 0], rotation: upright } })).toBeCloseTo(0.75, 9);
    expect(oneBody({ shape: { type: 'cylinder', radius: 0.05, halfHeight: 0.2 }, pose: { position: [0, 0, 0], rotation: upright } })).toBeCloseTo(0.8, 9);
    expect(oneBody({ shape: { type: 'cylinder', radius: 0.05, halfHeight: 0.2 } })).toBeCloseTo(0.95, 9);
    expect(oneBody({ shape: { type: 'mesh', mesh: 'tetra' } })).toBeCloseTo(0.7, 6);
  });

  it('ignores visual-only geometry and fixed bodies (the ground)', () => {
    expect(oneBody({ shape: { type: 'sphere', radius: 0.5 }, visualOnly: true })).toBe(Infinity);
  });
});
