import { describe, expect, it } from 'vitest';
import type { SceneDescription } from '../scene.ts';
import { collisionBits, sceneToMjcf } from './scene-mjcf.ts';

/** MuJoCo's rule: a pair collides when either geom's contype meets the other's conaffinity. */
function mujocoCollides(a: number, b: number): boolean {
  const [ta, aa] = collisionBits(a);
  const [tb, ab] = collisionBits(b);
  return (ta & ab) !== 0 || (tb & aa) !== 0;
}

function chain(): SceneDescription {
  const body = (name: string, x: number) => ({ name, kind: 'dynamic' as const, pose: { position: [x, 0, 1] as [number, number, number], rotation: [0, 0, 0, 1] as [number, number, number, number] }, geoms: [{ shape: { type: 'sphere' as const, radius: 0.1 } }] });
  return {
    name: 'chain',
    gravity: [0, 0, -9.81],
    timestep: 0.002,
    solverIterations: 4,
    bodies: [body('a', 0), body('b', 1), body('c', 2)],
    joints: [
      { name: 'ab', type: 'revolute', parent: 0, child: 1, anchorParent: [0.5, 0, 0], anchorChild: [-0.5, 0, 0], axis: [0, 0, 1] },
      { name: 'bc', type: 'fixed', parent: 1, child: 2, anchorParent: [0.5, 0, 0], anchorChild: [-0.5, 0, 0], axis: [0, 0, 1] },
    ],
    actuators: [],
    markers: [],
  };
}

describe('sceneToMjcf', () => {
  it("keeps Rapier's collision groups: a robot's links skip each other, not the ground or other groups", () => {
    expect(mujocoCollides(1, 1)).toBe(false);
    expect(mujocoCollides(1, 0)).toBe(true);
    expect(mujocoCollides(0, 0)).toBe(true);
    expect(mujocoCollides(1, 2)).toBe(true);
  });

  it('nests each body under its joint parent at the rest offset; a fixed joint welds, a root body gets a free joint', () => {
    const { xml } = sceneToMjcf(chain());
    expect(xml).toMatch(/<body name="b0" pos="0 0 1" quat="1 0 0 0">\s*<freejoint name="free0"\/>/);
    expect(xml).toMatch(/<body name="b1" pos="1 0 0" quat="1 0 0 0">\s*<joint name="j0" type="hinge" pos="-0.5 0 0" axis="0 0 1"\/>/);
    // Welded: nested with no joint element.
    expect(xml).toMatch(/<body name="b2" pos="1 0 0" quat="1 0 0 0">\s*<geom /);
  });

  it('refuses a closed loop, naming the body with two parents', () => {
    const scene = chain();
    scene.joints.push({ name: 'ca', type: 'revolute', parent: 0, child: 2, anchorParent: [0, 0, 0], anchorChild: [0, 0, 0], axis: [0, 0, 1] });
    expect(() => sceneToMjcf(scene)).toThrow(/body 'c' is the child of two joints/);
  });

  it('names a missing mesh', () => {
    const scene = chain();
    scene.bodies[0]!.geoms = [{ shape: { type: 'mesh', mesh: 'foot.stl' } }];
    expect(() => sceneToMjcf(scene)).toThrow(/mesh 'foot.stl', which the scene does not define/);
  });
});
