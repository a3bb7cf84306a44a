import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importRobot } from './import-robot.ts';
import { summarize } from '../robot/inspect.ts';
import { totalMass } from '../robot/robot-model.ts';
import { rpyToQuat } from './rotations.ts';
import { rotate } from '../kinematics.ts';

const ROBOTS = fileURLToPath(new URL('../../assets/robots/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'actuate-import-'));

/** Sum of every mass in the file, read with a regex: an independent check of the importer. */
function massInFile(file: string, pattern: RegExp): number {
  return [...readFileSync(file, 'utf8').matchAll(pattern)].reduce((s, m) => s + Number(m[1]), 0);
}

const cases = [
  { file: 'so101/so101_new_calib.urdf', links: 8, joints: 7, actuated: 6, floating: false, meshes: 34 },
  { file: 'so101/so101_old_calib.urdf', links: 7, joints: 6, actuated: 6, floating: false, meshes: 34 },
  { file: 'so101/so101_new_calib.xml', links: 8, joints: 7, actuated: 6, floating: false, actuators: 6 },
  { file: 'so101/scene.xml', links: 8, joints: 7, actuated: 6, floating: false, actuators: 6 },
  { file: 'go2/example-robot-data/robots/go2_description/urdf/go2.urdf', links: 31, joints: 30, actuated: 12, floating: true, meshes: 36 },
  { file: 'barkour_vb/barkour_vb_rev_1_0_head_straight.urdf', links: 35, joints: 34, actuated: 12, floating: true },
  { file: 'barkour_vb/barkour_vb.xml', links: 16, joints: 15, actuated: 12, floating: true, actuators: 12 },
  { file: 'barkour_vb/scene.xml', links: 16, joints: 15, actuated: 12, floating: true, actuators: 12 },
];

describe.each(cases)('$file', (c) => {
  const file = join(ROBOTS, c.file);
  const model = importRobot(file);
  const summary = summarize(model);

  it('has the links, joints and actuators of the file', () => {
    expect(summary.links).toBe(c.links);
    expect(summary.joints).toBe(c.joints);
    expect(summary.actuatedJoints).toBe(c.actuated);
    expect(summary.floatingBase).toBe(c.floating);
    if (c.actuators) expect(summary.actuators).toBe(c.actuators);
    if (c.meshes) expect(summary.meshes.total).toBe(c.meshes);
    expect(summary.meshes.missing).toBe(0);
  });

  it('has the masses of the file', () => {
    const pattern = file.endsWith('.urdf') ? /<mass\s+value="([^"]+)"/g : /<inertial[^>]*\smass="([^"]+)"/g;
    const included = c.file.endsWith('scene.xml') ? join(ROBOTS, c.file.replace('scene.xml', c.file.startsWith('so101') ? 'so101_new_calib.xml' : 'barkour_vb.xml')) : file;
    expect(totalMass(model)).toBeCloseTo(massInFile(included, pattern), 6);
  });
});

describe('joint limits and dynamics', () => {
  it('reads SO-101 URDF limits and MJCF default classes', () => {
    const urdf = importRobot(join(ROBOTS, 'so101/so101_new_calib.urdf'));
    const pan = urdf.joints.find((j) => j.name === 'shoulder_pan')!;
    expect(pan.limits?.lower).toBeCloseTo(-1.91986);
    expect(pan.limits?.upper).toBeCloseTo(1.91986);
    const mjcf = importRobot(join(ROBOTS, 'so101/so101_new_calib.xml'));
    const lift = mjcf.joints.find((j) => j.name === 'shoulder_lift')!;
    // class sts3215: damping 0.60, frictionloss 0.052, armature 0.028
    expect([lift.damping, lift.friction, lift.armature]).toEqual([0.6, 0.052, 0.028]);
    const actuator = mjcf.actuators.find((a) => a.name === 'shoulder_lift')!;
    expect(actuator).toMatchObject({ kind: 'position', kp: 998.22, kv: 2.731, forceRange: [-3.35, 3.35] });
  });

  it('reads Go2 joint limits, effort and velocity from the URDF', () => {
    const go2 = importRobot(join(ROBOTS, 'go2/example-robot-data/robots/go2_description/urdf/go2.urdf'));
    const calf = go2.joints.find((j) => j.name === 'FL_calf_joint')!;
    const xml = readFileSync(join(ROBOTS, 'go2/example-robot-data/robots/go2_description/urdf/go2.urdf'), 'utf8');
    const block = xml.slice(xml.search(/name="FL_calf_joint"/));
    const limit = /<limit([^>]*)>/.exec(block)![1]!;
    const attr = (n: string) => Number(new RegExp(`${n}\\s*=\\s*"([^"]+)"`).exec(limit)![1]);
    expect(calf.limits).toEqual({ lower: attr('lower'), upper: attr('upper'), effort: attr('effort'), velocity: attr('velocity') });
  });

  it('turns Barkour general affine actuators into position servos and reads its keyframe', () => {
    const barkour = importRobot(join(ROBOTS, 'barkour_vb/scene.xml'));
    const knee = barkour.actuators.find((a) => a.name === 'knee_front_left')!;
    expect(knee).toMatchObject({ kind: 'position', kp: 50, kv: 0.5, forceRange: [-18, 18], ctrlRange: [0.1, 2.34346] });
    expect(barkour.keyframes[0]).toMatchObject({ name: 'home' });
    expect(barkour.keyframes[0]!.qpos).toHaveLength(7 + 12);
    expect(barkour.sensors.map((s) => s.type)).toEqual(expect.arrayContaining(['gyro', 'accelerometer', 'framequat', 'jointpos']));
  });

  it("weighs a body without an <inertial> by its geoms' mass, else density × volume, as MuJoCo does", () => {
    const file = join(tmp, 'geom-mass.xml');
    writeFileSync(
      file,
      `<mujoco><default><geom density="500"/></default><worldbody>
        <body name="given"><freejoint/><geom type="box" size="0.05 0.05 0.05" mass="2"/></body>
        <body name="dense"><freejoint/><geom type="box" size="0.05 0.05 0.05" density="8000"/></body>
        <body name="default"><freejoint/><geom type="sphere" size="0.1"/></body>
      </worldbody></mujoco>`,
    );
    const mass = (name: string) => importRobot(file).links.find((l) => l.name === name)!.inertial!.mass;
    expect(mass('given')).toBeCloseTo(2, 9);
    expect(mass('dense')).toBeCloseTo(8000 * 0.001, 9);
    expect(mass('default')).toBeCloseTo((500 * 4 * Math.PI * 0.001) / 3, 9);
  });
});

describe('bad robot files', () => {
  function write(name: string, text: string): string {
    const path = join(tmp, name);
    writeFileSync(path, text);
    return path;
  }

  it('names the line of truncated XML', () => {
    const text = readFileSync(join(ROBOTS, 'so101/so101_new_calib.urdf'), 'utf8');
    expect(() => importRobot(write('truncated.urdf', text.slice(0, 600)))).toThrow(/truncated\.urdf:\d+: malformed XML/);
    const mjcf = readFileSync(join(ROBOTS, 'barkour_vb/barkour_vb.xml'), 'utf8');
    expect(() => importRobot(write('truncated.xml', mjcf.slice(0, 2000)))).toThrow(/truncated\.xml:\d+: malformed XML/);
  });

  it('names an unknown joint type and a dangling parent', () => {
    expect(() =>
      importRobot(write('badtype.urdf', '<robot name="r">\n<link name="a"/>\n<link name="b"/>\n<joint name="j" type="rotary"><parent link="a"/><child link="b"/></joint>\n</robot>')),
    ).toThrow(/badtype\.urdf:4: <joint name="j"> has unknown type 'rotary'/);
    expect(() =>
      importRobot(write('dangling.urdf', '<robot name="r">\n<link name="b"/>\n<joint name="j" type="fixed">\n<parent link="ghost"/><child link="b"/></joint>\n</robot>')),
    ).toThrow(/dangling\.urdf:4: <joint name="j"> names parent link 'ghost', which is not defined/);
    expect(() => importRobot(write('badtype.xml', '<mujoco>\n<worldbody>\n<body name="b">\n<joint name="j" type="hinged"/>\n</body></worldbody></mujoco>'))).toThrow(
      /badtype\.xml:4: <joint name="j"> has unknown type 'hinged'/,
    );
  });

  it('names a loop of joints and a link with two parents, without recursing', () => {
    const links = '<link name="a"/>\n<link name="b"/>\n<link name="c"/>\n';
    const joint = (name: string, parent: string, child: string) => `<joint name="${name}" type="fixed"><parent link="${parent}"/><child link="${child}"/></joint>\n`;
    expect(() => importRobot(write('loop.urdf', `<robot name="r">\n${links}${joint('j1', 'a', 'b')}${joint('j2', 'b', 'c')}${joint('j3', 'c', 'a')}</robot>`))).toThrow(
      /loop\.urdf:\d+: joints form a loop \(\w → \w → \w → \w\)/,
    );
    expect(() => importRobot(write('twoparents.urdf', `<robot name="r">\n${links}${joint('j1', 'a', 'c')}${joint('j2', 'b', 'c')}</robot>`))).toThrow(
      "twoparents.urdf:6: link 'c' is the child of two joints ('j1' at line 5 and 'j2')",
    );
    // A 20,000-link loop: found by walking, never by a recursion that would overflow the stack.
    const n = 20_000;
    const chain = Array.from({ length: n }, (_, i) => `<link name="l${i}"/>${joint(`j${i}`, `l${i}`, `l${(i + 1) % n}`)}`).join('');
    expect(() => importRobot(write('bigloop.urdf', `<robot name="r">${chain}</robot>`))).toThrow(/joints form a loop/);
  });

  it('quotes nothing of a file that is not a robot', () => {
    const secret = 'API_KEY=sk-live-123456\nDB_PASSWORD=hunter2';
    for (const [name, text] of [
      ['env.urdf', secret],
      ['config.urdf', `<config password="hunter2">${secret}</config>`],
      ['config.xml', `<settings><key>${secret}</key></settings>`],
      ['broken.xml', `<a><b>${secret}</a>`],
    ] as const) {
      let message = '';
      try {
        importRobot(write(name, text));
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message, name).toContain(name);
      for (const fragment of ['API_KEY', 'sk-live', 'hunter2', 'password', 'settings', 'config>']) expect(message, name).not.toContain(fragment);
    }
  });

  it('warns about a missing mesh and keeps the robot', () => {
    const model = importRobot(
      write('nomesh.urdf', '<robot name="r"><link name="a"><visual><geometry><mesh filename="meshes/gone.stl"/></geometry></visual></link></robot>'),
    );
    expect(summarize(model).meshes).toEqual({ total: 1, missing: 1 });
    expect(model.warnings[0]).toMatch(/mesh 'meshes\/gone\.stl' not found/);
  });

  it('rejects an unknown file type', () => {
    expect(() => importRobot(write('robot.sdf', '<sdf/>'))).toThrow("unknown robot file type '.sdf'");
  });
});

describe('rotations', () => {
  it('composes URDF rpy as Rz·Ry·Rx', () => {
    const q = rpyToQuat([Math.PI / 2, 0, Math.PI / 2]);
    // Rx(90°) takes y to z; then Rz(90°) leaves z alone.
    const v = rotate(q, [0, 1, 0]);
    expect(v[2]).toBeCloseTo(1);
    const w = rotate(q, [1, 0, 0]);
    expect(w[1]).toBeCloseTo(1);
  });
});
