import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importRobot } from '../importers/import-robot.ts';
import { robotToScene } from './robot-scene.ts';

const GO2 = fileURLToPath(new URL('../../assets/robots/go2/example-robot-data/robots/go2_description/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'actuate-robot-scene-'));

/** A one-link robot drawn with `visual` and colliding with Go2's foot STL. */
function footRobot(visual: string): string {
  const file = join(tmp, `${visual.replace(/\W/g, '_')}.urdf`);
  writeFileSync(
    file,
    `<robot name="foot"><link name="foot">
      <visual><geometry><mesh filename="${visual}"/></geometry><material name="grey"><color rgba="0.5 0.5 0.5 1"/></material></visual>
      <collision><geometry><mesh filename="${GO2}collisions/foot_convex.stl"/></geometry></collision>
    </link></robot>`,
  );
  return file;
}

describe('Collada visuals in robot scenes', () => {
  it('draws a Collada visual per material and keeps the collision hull undrawn', () => {
    const { scene, warnings } = robotToScene(importRobot(footRobot(`${GO2}visuals/foot.dae`)));
    expect(warnings).toEqual([]);
    const [visual, collision, ...rest] = scene.bodies[0]!.geoms;
    expect(rest).toEqual([]);
    // foot.dae has one material, black: the file's colour wins over the URDF's grey.
    expect(visual).toMatchObject({ shape: { type: 'mesh' }, visualOnly: true, color: '#000000' });
    expect(collision).toMatchObject({ shape: { type: 'mesh', hull: expect.any(String) }, collisionOnly: true });
  });

  it('leaves visuals out, unread, when asked (rollout workers), with the same bodies and collision', () => {
    const drawn = robotToScene(importRobot(footRobot(`${GO2}visuals/foot.dae`))).scene;
    const corrupt = join(tmp, 'corrupt-visual.dae');
    writeFileSync(corrupt, '<COLLADA><library_geometries>');
    const simulated = robotToScene(importRobot(footRobot(corrupt)), { visuals: false });
    expect(simulated.warnings).toEqual([]); // the corrupt visual is never read
    expect(simulated.scene.bodies.map((b) => b.geoms)).toEqual(drawn.bodies.map((b) => b.geoms.filter((g) => !g.visualOnly)));
  });

  it('falls back to the collision geometry for a corrupt .dae, naming the file and line', () => {
    const text = readFileSync(`${GO2}visuals/foot.dae`, 'utf8');
    const broken = join(tmp, 'broken.dae');
    writeFileSync(broken, text.slice(0, text.length / 2));
    const { scene, warnings } = robotToScene(importRobot(footRobot(broken)));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^link 'foot': .*broken\.dae:\d+: malformed XML.*; drawing its collision geometry instead$/);
    const geoms = scene.bodies[0]!.geoms;
    expect(geoms).toHaveLength(1);
    expect(geoms[0]).toMatchObject({ shape: { type: 'mesh', hull: expect.any(String) } });
    expect(geoms[0]!.collisionOnly).toBeUndefined();
    expect(geoms[0]!.visualOnly).toBeUndefined();
  });

  it('keeps the missing-mesh warning and placeholder for a missing .dae', () => {
    const { scene, warnings } = robotToScene(importRobot(footRobot('meshes/gone.dae')));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/mesh 'meshes\/gone\.dae' not found .*; drawn as a placeholder/);
    const [placeholder, collision] = scene.bodies[0]!.geoms;
    expect(placeholder).toMatchObject({ shape: { type: 'box' }, visualOnly: true });
    expect(collision!.collisionOnly).toBe(true);
  });
});
