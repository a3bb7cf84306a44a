import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { unpackContacts } from '../../protocol/contacts.ts';
import { bodyPosition } from '../kinematics.ts';
import { loadMujoco } from '../mujoco/load-mujoco.ts';
import { MujocoWorld } from '../mujoco/mujoco-world.ts';
import { loadRapier } from '../rapier/load-rapier.ts';
import { PhysicsWorld } from '../rapier/physics-world.ts';
import { robotToScene } from '../robot/robot-scene.ts';
import type { SimWorld } from '../robot/sim-world.ts';
import type { BodyDesc, SceneDescription } from '../scene.ts';
import { importRobot } from './import-robot.ts';

/**
 * Terrain of four flat plateaus, one per quadrant, as a 5 × 5 grey image (top row at +y): 255 at
 * (−x, +y), 170 at (+x, +y), 85 at (−x, −y), 0 at (+x, −y); the middle row and column slope between
 * them. size "1 1 0.3 0.1" and the geom lifted 0.2 put the plateaus at 0.5, 0.4, 0.3 and 0.2 m.
 */
const LEVELS = [
  [255, 255, 128, 170, 170],
  [255, 255, 128, 170, 170],
  [128, 128, 128, 128, 128],
  [85, 85, 128, 0, 0],
  [85, 85, 128, 0, 0],
];
const RADIUS = 0.05;
/** Ball x, y and the plateau height under it. */
const BALLS: [number, number, number][] = [
  [-0.75, 0.75, 0.5],
  [0.75, 0.75, 0.4],
  [-0.75, -0.75, 0.3],
  [0.75, -0.75, 0.2],
];

function terrainFile(data: 'png' | 'inline'): string {
  const dir = mkdtempSync(join(tmpdir(), 'actuate-hfield-'));
  const flat = LEVELS.flat();
  if (data === 'png') writeFileSync(join(dir, 'terrain.png'), encode({ width: 5, height: 5, data: Uint8Array.from(flat), channels: 1, depth: 8 }));
  const source = data === 'png' ? 'file="terrain.png"' : `nrow="5" ncol="5" elevation="${flat.join(' ')}"`;
  const balls = BALLS.map(([x, y, h], i) => `<body name="ball${i}" pos="${x} ${y} ${h + RADIUS + 0.05}"><freejoint/><geom type="sphere" size="${RADIUS}" mass="0.2"/></body>`);
  writeFileSync(
    join(dir, 'terrain.xml'),
    `<mujoco model="terrain"><option timestep="0.002"/><asset><hfield name="steps" ${source} size="1 1 0.3 0.1"/></asset>
      <worldbody><geom name="land" type="hfield" hfield="steps" pos="0 0 0.2"/>${balls.join('')}</worldbody></mujoco>`,
  );
  return join(dir, 'terrain.xml');
}

/** Contacts on the body named `name` carry its weight: normals up, normal forces adding up to m·g (the contact overlay's and touch sensors' reading). */
function expectWeightCarried(world: SimWorld, scene: SceneDescription, name: string, mass: number): void {
  const body = scene.bodies.findIndex((b) => b.name === name);
  const on = unpackContacts(world.contacts()).filter((c) => c.bodies?.includes(body));
  const what = `${world.constructor.name} ${name}`;
  expect(on.length, what).toBeGreaterThan(0);
  for (const c of on) expect(c.normal[2], what).toBeCloseTo(1, 3);
  const total = on.reduce((sum, c) => sum + c.force, 0);
  expect(Math.abs(total - mass * 9.81) / (mass * 9.81), `${what} carried ${total} N`).toBeLessThan(0.02);
}

function settledHeights(world: SimWorld, scene: SceneDescription): number[] {
  for (let i = 0; i < 500; i++) world.step([]);
  const state = world.getState();
  return BALLS.map((_, i) => bodyPosition(state, scene.bodies.findIndex((b) => b.name === `ball${i}`))[2]);
}

describe('MJCF height fields', () => {
  it('reads a PNG and inline elevation alike: normalised, first written row at +y', () => {
    for (const data of ['png', 'inline'] as const) {
      const model = importRobot(terrainFile(data));
      const land = model.links[0]!.geoms.find((g) => g.name === 'land')!.geometry;
      expect(land).toMatchObject({ type: 'hfield', rows: 5, cols: 5, halfExtents: [1, 1], elevation: 0.3, base: 0.1 });
      if (land.type !== 'hfield') throw new Error('not a height field');
      // Stored first row = the image's bottom row (−y): 85 85 128 0 0, over the range 0–255.
      expect(Array.from(land.data.slice(0, 5))).toEqual([85 / 255, 85 / 255, 128 / 255, 0, 0].map(Math.fround));
      expect(land.data[20]).toBe(1);
    }
  });

  it('names the file, line and attribute of a broken height field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'actuate-hfield-'));
    const bad = (hfield: string) => {
      const file = join(dir, 'bad.xml');
      writeFileSync(file, `<mujoco>\n<asset>\n${hfield}\n</asset><worldbody><geom type="hfield" hfield="h"/></worldbody></mujoco>`);
      return () => importRobot(file);
    };
    expect(bad('<hfield name="h" nrow="2" ncol="2" elevation="1 2 3" size="1 1 1 0.1"/>')).toThrow(/bad\.xml:3.*hfield 'h': elevation has 3 values, nrow × ncol is 4/);
    expect(bad('<hfield name="h" nrow="2" ncol="2" size="1 1 1"/>')).toThrow(/hfield 'h': size must be four numbers/);
    expect(bad('<hfield name="h" file="missing.png" size="1 1 1 0.1"/>')).toThrow(/hfield 'h': cannot read .*missing\.png \(ENOENT\)/);
    writeFileSync(join(dir, 'notpng.png'), 'hello');
    expect(bad('<hfield name="h" file="notpng.png" size="1 1 1 0.1"/>')).toThrow(/notpng\.png is not a readable PNG/);
  });

  it('holds a ball on each plateau at its height, its contacts carrying its weight, in Rapier, in MuJoCo from the scene and from the file', async () => {
    const file = terrainFile('png');
    const { scene } = robotToScene(importRobot(file), { timestep: 0.002 });
    const expected = BALLS.map(([, , h]) => h + RADIUS);
    // Rapier also holds a 1 kg box on the highest plateau (MuJoCo's box on a height field rocks and walks off it).
    const box: BodyDesc = { name: 'box', kind: 'dynamic', mass: 1, pose: { position: [-0.88, 0.88, 0.56], rotation: [0, 0, 0, 1] }, geoms: [{ shape: { type: 'box', halfExtents: [0.05, 0.05, 0.05] } }] };
    const withBox = { ...scene, bodies: [...scene.bodies, box] };
    const rapier = new PhysicsWorld(await loadRapier(), withBox);
    const mj = await loadMujoco();
    const written = new MujocoWorld(mj, scene);
    const native = new MujocoWorld(mj, scene, { mjcfFile: file });
    for (const [world, tolerance] of [[rapier, 0.001], [written, 0.001], [native, 0.001]] as const) {
      const heights = settledHeights(world, scene);
      heights.forEach((z, i) => expect(Math.abs(z - expected[i]!), `${world.constructor.name} ball ${i} at ${z}`).toBeLessThan(tolerance));
      BALLS.forEach((_, i) => expectWeightCarried(world, scene, `ball${i}`, 0.2));
      if (world === rapier) expectWeightCarried(world, withBox, 'box', 1);
      world.dispose();
    }
  });
});
