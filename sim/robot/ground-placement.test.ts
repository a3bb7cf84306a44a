import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { axisAngle, bodyLinearVelocity, bodyPosition, writeBody } from '../kinematics.ts';
import { loadMujoco } from '../mujoco/load-mujoco.ts';
import { MujocoWorld } from '../mujoco/mujoco-world.ts';
import { defaults } from '../params.ts';
import { Random } from '../random.ts';
import { loadRapier } from '../rapier/load-rapier.ts';
import { PhysicsWorld } from '../rapier/physics-world.ts';
import type { GeomDesc, Quat, SceneDescription, Vec3 } from '../scene.ts';
import { freePlayTask } from '../tasks/free-play.ts';
import { importRobot } from '../importers/import-robot.ts';
import { robotToScene } from './robot-scene.ts';
import { restingLift } from './ground-placement.ts';
import type { SimWorld } from './sim-world.ts';

/** How far a body posed at `at` must move to rest on a 40 m ground slab whose top is z = 0. */
function liftOnGround(geom: GeomDesc, at: Vec3 = [0, 0, 1], rotation: Quat = [0, 0, 0, 1]) {
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
  return restingLift(scene, state);
}

/** Heights of the terrain of sim/importers/mjcf-hfield.test.ts, written first row first (the first row is at +y). */
const LEVELS = [255, 255, 128, 170, 170, 255, 255, 128, 170, 170, 128, 128, 128, 128, 128, 85, 85, 128, 0, 0, 85, 85, 128, 0, 0];

/**
 * Four plateaus at 0.5/0.4/0.3/0.2 m (−x+y, +x+y, −x−y, +x−y) with a 0.35 m saddle (grey 128) between them, shifted
 * by `at`, under `bodies` (MJCF), in a temporary folder.
 */
function terrainFile(at: [number, number], bodies: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'actuate-placement-'));
  writeFileSync(
    join(dir, 'terrain.xml'),
    `<mujoco model="placed"><option timestep="0.002"/><asset><hfield name="steps" nrow="5" ncol="5" elevation="${LEVELS.join(' ')}" size="1 1 0.3 0.1"/></asset>
      <worldbody><geom name="land" type="hfield" hfield="steps" pos="${at[0]} ${at[1]} 0.2"/>${bodies}</worldbody></mujoco>`,
  );
  return join(dir, 'terrain.xml');
}

/** Rapier, and MuJoCo from the written scene and from the file itself. */
async function engines(scene: SceneDescription, file: string): Promise<SimWorld[]> {
  const mj = await loadMujoco();
  return [new PhysicsWorld(await loadRapier(), scene), new MujocoWorld(mj, scene), new MujocoWorld(mj, scene, { mjcfFile: file })];
}

describe('restingLift', () => {
  it('sets boxes, spheres, capsules, cylinders and mesh hulls, turned, on flat ground', () => {
    expect(liftOnGround({ shape: { type: 'sphere', radius: 0.1 }, pose: { position: [0, 0, -0.2], rotation: [0, 0, 0, 1] } })).toBeCloseTo(-0.7, 9);
    // A box turned 90° about x stands on its y half-extent.
    expect(liftOnGround({ shape: { type: 'box', halfExtents: [0.1, 0.3, 0.05] } }, [0, 0, 1], axisAngle([1, 0, 0], Math.PI / 2))).toBeCloseTo(-0.7, 9);
    // Capsules and cylinders run along y: upright (turned onto z) they reach down by half-height + radius / half-height.
    const upright = axisAngle([1, 0, 0], Math.PI / 2);
    expect(liftOnGround({ shape: { type: 'capsule', radius: 0.05, halfHeight: 0.2 }, pose: { position: [0, 0, 0], rotation: upright } })).toBeCloseTo(-0.75, 9);
    expect(liftOnGround({ shape: { type: 'cylinder', radius: 0.05, halfHeight: 0.2 }, pose: { position: [0, 0, 0], rotation: upright } })).toBeCloseTo(-0.8, 9);
    expect(liftOnGround({ shape: { type: 'cylinder', radius: 0.05, halfHeight: 0.2 } })).toBeCloseTo(-0.95, 9);
    expect(liftOnGround({ shape: { type: 'mesh', mesh: 'tetra' } })).toBeCloseTo(-0.7, 6);
    // Buried: lifted out.
    expect(liftOnGround({ shape: { type: 'sphere', radius: 0.1 } }, [0, 0, -0.5])).toBeCloseTo(0.6, 9);
  });

  it('ignores visual-only geometry, and says when nothing lies under the robot', () => {
    expect(liftOnGround({ shape: { type: 'sphere', radius: 0.5 }, visualOnly: true })).toBeUndefined();
    expect(liftOnGround({ shape: { type: 'sphere', radius: 0.1 } }, [30, 0, 1])).toBeUndefined();
  });

  it('free play sets a robot down on MJCF hfield terrain, which carries it at once in Rapier and MuJoCo', async () => {
    // A free 0.4 × 0.4 × 0.1 m box over the 0.5 m plateau (free play starts it at x = y = 0).
    const file = terrainFile([0.75, -0.75], '<body name="torso"><freejoint/><geom type="box" size="0.2 0.2 0.05" mass="2"/></body>');
    const task = freePlayTask(file);
    const instance = task.build(defaults(task.params));
    const start = instance.reset(new Random(0));
    const base = instance.scene.bodies.findIndex((b) => b.name === 'torso');
    const startZ = bodyPosition(start, base)[2];
    expect(startZ).toBeCloseTo(0.5 + 0.05 + 0.001, 6);
    for (const world of await engines(instance.scene, file)) {
      world.setState(start);
      // Carried when its vertical speed falls 10 % behind free fall; falling through the 1 mm clearance takes 14 ms.
      let carried = 0;
      for (let i = 1; !carried && i <= 50; i++) {
        world.step([]);
        if (bodyLinearVelocity(world.getState(), base)[2] > -0.9 * 9.81 * i * instance.scene.timestep) carried = i * instance.scene.timestep;
      }
      const drop = startZ - bodyPosition(world.getState(), base)[2];
      expect(carried, world.constructor.name).toBeGreaterThan(0.01);
      expect(carried, world.constructor.name).toBeLessThan(0.02);
      expect(drop, world.constructor.name).toBeLessThan(0.0025);
      world.dispose();
    }
  });

  it('predicts where balls come to rest on the saddle, where the two ways to split a cell differ by up to 6 cm', async () => {
    // Spots where a 5 cm ball stays put (flat triangles) and the other diagonal would put the surface elsewhere.
    const spots: [number, number][] = [[-0.2, 0.2], [0.2, -0.2], [-0.1, 0.3], [-0.3, 0.1]];
    const radius = 0.05;
    const file = terrainFile([0, 0], spots.map(([x, y], i) => `<body name="ball${i}" pos="${x} ${y} 0.8"><freejoint/><geom type="sphere" size="${radius}" mass="0.2"/></body>`).join(''));
    const { scene } = robotToScene(importRobot(file), { timestep: 0.002 });
    const predicted = spots.map(([x, y], i) => {
      const alone: SceneDescription = { ...scene, bodies: scene.bodies.filter((b) => b.kind === 'fixed' || b.name === `ball${i}`) };
      const state = new Float64Array(alone.bodies.length * 13);
      writeBody(state, alone.bodies.findIndex((b) => b.name === `ball${i}`), [x, y, 0.8], [0, 0, 0, 1]);
      return 0.8 + restingLift(alone, state)!;
    });
    expect(predicted[0]).toBeCloseTo(0.2 + (0.3 * 128) / 255 + radius, 4);
    for (const world of await engines(scene, file)) {
      for (let i = 0; i < 500; i++) world.step([]);
      const state = world.getState();
      spots.forEach((_, i) => {
        const z = bodyPosition(state, scene.bodies.findIndex((b) => b.name === `ball${i}`))[2];
        expect(Math.abs(z - predicted[i]!), `${world.constructor.name} ball ${i}: ${z} vs ${predicted[i]}`).toBeLessThan(0.001);
      });
      world.dispose();
    }
  });
});
