import { describe, expect, it } from 'vitest';
import type { SceneDescription } from '../../protocol/scene.ts';
import { sceneSignature } from './scene-signature.ts';

function cartpole(poleHalfHeight = 0.5): SceneDescription {
  return {
    name: 'cartpole',
    gravity: [0, 0, -9.81],
    timestep: 0.01,
    solverIterations: 4,
    bodies: [
      { name: 'cart', kind: 'dynamic', pose: { position: [0, 0, 1], rotation: [0, 0, 0, 1] }, geoms: [{ shape: { type: 'box', halfExtents: [0.2, 0.1, 0.1] }, color: '#3366cc' }] },
      { name: 'pole', kind: 'dynamic', pose: { position: [0, 0, 0.5], rotation: [0, 0, 0, 1] }, geoms: [{ shape: { type: 'capsule', radius: 0.02, halfHeight: poleHalfHeight } }] },
    ],
    joints: [],
    actuators: [],
    markers: [{ name: 'goal', position: [0, 0, 1.5], radius: 0.05, color: '#00ff88' }],
    meshes: { link: { positions: new Float32Array(9), indices: new Uint32Array([0, 1, 2]) } },
  };
}

describe('sceneSignature', () => {
  it('is equal for equal descriptions (a snapshot after a cost-weight change)', () => {
    expect(sceneSignature(cartpole())).toBe(sceneSignature(structuredClone(cartpole())));
  });

  it('changes when a drawn size changes (a task parameter)', () => {
    expect(sceneSignature(cartpole(0.6))).not.toBe(sceneSignature(cartpole()));
  });

  it('ignores physics-only settings the viewport does not draw', () => {
    const slower = { ...cartpole(), timestep: 0.002, solverIterations: 8 };
    expect(sceneSignature(slower)).toBe(sceneSignature(cartpole()));
  });

  it('changes when a mesh is replaced by one of another size', () => {
    const other = cartpole();
    other.meshes = { link: { positions: new Float32Array(18), indices: new Uint32Array([0, 1, 2, 3, 4, 5]) } };
    expect(sceneSignature(other)).not.toBe(sceneSignature(cartpole()));
  });
  it('stands a height field in by its size and sum: other terrain changes it, the same terrain does not', () => {
    const terrain = (heights: number[]) => {
      const scene = cartpole();
      scene.bodies.push({ name: 'land', kind: 'fixed', pose: { position: [0, 0, 0], rotation: [0, 0, 0, 1] }, geoms: [{ shape: { type: 'heightfield', rows: 2, cols: 2, halfExtents: [1, 1], heights: Float32Array.from(heights), base: 0.1 } }] });
      return scene;
    };
    expect(sceneSignature(terrain([0, 0.1, 0.2, 0.3]))).toBe(sceneSignature(structuredClone(terrain([0, 0.1, 0.2, 0.3]))));
    expect(sceneSignature(terrain([0, 0.1, 0.2, 0.4]))).not.toBe(sceneSignature(terrain([0, 0.1, 0.2, 0.3])));
    expect(sceneSignature(terrain([0, 0.1, 0.2, 0.3]))).toContain('"heights":"4:');
  });
});
