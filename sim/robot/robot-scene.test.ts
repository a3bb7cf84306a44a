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

describe('joints', () => {
  it('simulates an MJCF ball joint as a spherical joint and drops actuators on it with a warning', () => {
    const file = join(tmp, 'ball.xml');
    writeFileSync(
      file,
      `<mujoco model="ball"><worldbody><body name="bob" pos="0 0 1">
        <joint name="shoulder" type="ball"/><geom type="sphere" size="0.05" pos="0 0 -0.4" mass="1"/>
      </body></worldbody><actuator><motor name="m" joint="shoulder"/></actuator></mujoco>`,
    );
    const { scene, warnings } = robotToScene(importRobot(file));
    expect(scene.joints.map((j) => [j.name, j.type])).toEqual([['shoulder', 'spherical']]);
    expect(scene.actuators).toEqual([]);
    expect(warnings).toEqual(["actuator 'm': actuators on ball joint 'shoulder' are not supported; actuator dropped"]);
  });

  it('keeps a URDF mimic joint at multiplier · leader + offset while the leader moves', async () => {
    const { loadRapier } = await import('../rapier/load-rapier.ts');
    const { PhysicsWorld } = await import('../rapier/physics-world.ts');
    const { jointPosition } = await import('../kinematics.ts');
    const file = join(tmp, 'gripper.urdf');
    const finger = (name: string, y: number) => `<link name="${name}"><inertial><mass value="0.05"/><inertia ixx="1e-5" iyy="1e-5" izz="1e-5" ixy="0" ixz="0" iyz="0"/></inertial>
        <visual><geometry><box size="0.01 0.01 0.06"/></geometry></visual></link>
      <joint name="${name}_joint" type="revolute"><parent link="palm"/><child link="${name}"/><origin xyz="0 ${y} 0"/><axis xyz="1 0 0"/>
        <limit lower="-1" upper="1" effort="5" velocity="5"/>${name === 'left' ? '<dynamics damping="0.05"/>' : ''}${name === 'right' ? '<mimic joint="left_joint" multiplier="-0.5" offset="0.1"/>' : ''}</joint>`;
    writeFileSync(file, `<robot name="gripper"><link name="palm"/>${finger('left', 0.02)}${finger('right', -0.02)}</robot>`);
    const { scene } = robotToScene(importRobot(file));
    const [left, right] = [0, 1].map((i) => scene.joints[i]!);
    expect(right!.mimic).toEqual({ joint: 0, multiplier: -0.5, offset: 0.1 });
    // Drive the leader through a slow sine with its effort motor (its joint damping keeps it slow: without it
    // the 50 g finger slams from limit to limit); the follower has no actuator of its own.
    expect(scene.actuators.map((a) => scene.joints[a.joint]!.name)).toEqual([left!.name]);
    const world = new PhysicsWorld(await loadRapier(), { ...scene, gravity: [0, 0, 0] });
    let worst = 0;
    for (let i = 0; i < 1000; i++) {
      world.step([0.02 * Math.sin(i * 0.01)]);
      const s = world.getState();
      if (i > 100) worst = Math.max(worst, Math.abs(jointPosition(scene, s, 1) - (-0.5 * jointPosition(scene, s, 0) + 0.1)));
    }
    expect(Math.abs(jointPosition(scene, world.getState(), 0))).toBeGreaterThan(0.05); // the leader did move
    expect(worst).toBeLessThan(0.01);
  });
});

