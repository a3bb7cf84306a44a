import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importRobot } from '../importers/import-robot.ts';
import { axisAngle, multiply, rotate, rotateInverse } from '../kinematics.ts';
import { loadMujoco } from '../mujoco/load-mujoco.ts';
import { MujocoWorld } from '../mujoco/mujoco-world.ts';
import { loadRapier } from '../rapier/load-rapier.ts';
import { BODY_STATE_SIZE, type Vec3 } from '../scene.ts';
import { robotToScene } from './robot-scene.ts';
import { SimRobot } from './sim-robot.ts';

/**
 * A ball spinning at 2 rad/s about x while it flies and falls (free of the ground for 0.5 s), with an
 * IMU site 0.1 m off its axis turned 90° about z; a 2 kg box resting on the ground with a touch pad
 * and an accelerometer. Every reading has a closed form.
 */
const SPIN = 2;
const ARM = 0.1;
const SITE_TURN = axisAngle([0, 0, 1], Math.PI / 2);
const XML = `<mujoco model="sensors"><option timestep="0.002"/>
  <worldbody>
    <body name="ball" pos="0 0 3"><freejoint/><geom type="sphere" size="0.1" mass="1"/><site name="imu" pos="0 ${ARM} 0" euler="0 0 90"/></body>
    <body name="box" pos="2 0 0.05"><freejoint/><inertial pos="0 0 0" mass="2" diaginertia="0.003 0.003 0.003"/><geom type="box" size="0.05 0.05 0.05"/><site name="pad" pos="0 0 -0.05" size="0.08"/><site name="base_imu" pos="0 0 0"/></body>
  </worldbody>
  <sensor>
    <gyro name="gyro" site="imu"/><accelerometer name="acc" site="imu"/><velocimeter name="vel" site="imu"/>
    <framequat name="quat" objtype="site" objname="imu"/><framexaxis name="xaxis" objtype="site" objname="imu"/><framezaxis name="zaxis" objtype="site" objname="imu"/>
    <framepos name="pos" objtype="site" objname="imu"/><framepos name="box_pos" objtype="body" objname="box"/>
    <touch name="touch" site="pad"/><accelerometer name="box_acc" site="base_imu"/><jointpos name="ignored" joint="nothing"/>
  </sensor>
</mujoco>`;

function sceneFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'actuate-sensors-')), 'sensors.xml');
  writeFileSync(file, XML);
  return file;
}

const close = (actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string) => {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i]! - expected[i]!), `${what}[${i}]: ${Array.from(actual).map((v) => v.toFixed(4))}`).toBeLessThan(tolerance);
};

describe('site sensors', () => {
  it('read a spinning, falling ball and a resting box as their closed forms say, in Rapier and in MuJoCo', async () => {
    const { scene } = robotToScene(importRobot(sceneFile()), { ground: true, timestep: 0.002 });
    expect(scene.sensors!.map((s) => s.name)).toEqual(['gyro', 'acc', 'vel', 'quat', 'xaxis', 'zaxis', 'pos', 'box_pos', 'touch', 'box_acc']);
    const ball = scene.bodies.findIndex((b) => b.name === 'ball');
    const R = await loadRapier();
    for (const engine of ['rapier', 'mujoco'] as const) {
      const robot = new SimRobot(engine === 'rapier' ? R : await MujocoWorld.create(scene), scene);
      const start = robot.simState();
      start.set([1, 0, 0], ball * BODY_STATE_SIZE + 7); // flying along x at 1 m/s
      start.set([SPIN, 0, 0], ball * BODY_STATE_SIZE + 10); // spinning about x
      robot.resetTo(start);
      const t = 0.5;
      robot.advance(t);
      const s = robot.readNow().sensors!;
      const at = `${engine}: `;
      // The site's orientation: the ball turned 2t about x, then the site's own 90° about z.
      const q = multiply(axisAngle([1, 0, 0], SPIN * t), SITE_TURN);
      const arm = rotate(axisAngle([1, 0, 0], SPIN * t), [0, ARM, 0]);
      close(s.gyro!, rotateInverse(q, [SPIN, 0, 0]), 1e-3, `${at}gyro`);
      close(s.quat!, [q[3], q[0], q[1], q[2]], 1e-3, `${at}framequat`);
      close(s.xaxis!, rotate(q, [1, 0, 0]), 1e-3, `${at}framexaxis`);
      close(s.zaxis!, rotate(q, [0, 0, 1]), 1e-3, `${at}framezaxis`);
      // Free fall: only the centripetal ω²r towards the axis, along the site's −x (the ball's −y).
      close(s.acc!, [-SPIN * SPIN * ARM, 0, 0], 0.02, `${at}accelerometer`);
      const v: Vec3 = [1, 0, -9.81 * t];
      const w: Vec3 = [SPIN, 0, 0];
      const siteVelocity: Vec3 = [v[0] + w[1] * arm[2] - w[2] * arm[1], v[1] + w[2] * arm[0] - w[0] * arm[2], v[2] + w[0] * arm[1] - w[1] * arm[0]];
      close(s.vel!, rotateInverse(q, siteVelocity), 0.02, `${at}velocimeter`);
      // Semi-implicit Euler runs ahead of the parabola by g·t·dt/2 ≈ 5 mm.
      close(s.pos!, [t + arm[0], arm[1], 3 - (9.81 * t * t) / 2 + arm[2]], 0.01, `${at}framepos`);
      close(s.box_pos!, [2, 0, 0.05], 0.002, `${at}framepos of a body`);
      // Resting: the pad carries the box's weight, the accelerometer reads g upwards.
      close(s.touch!, [2 * 9.81], 0.02 * 2 * 9.81, `${at}touch`);
      close(s.box_acc!, [0, 0, 9.81], 0.05, `${at}box accelerometer`);
      await robot.disconnect();
    }
  });

  it("sums the normal forces in a touch site's zone on its body, as MuJoCo does, in Rapier and MuJoCo", async () => {
    // A 2 kg box on the ground. MuJoCo counts a contact on the site's body when the ray from its point along
    // its normal, away from the body (here: down), meets the site's shape: a site around the bottom face
    // carries m·g, one around its +x half m·g/2, a thin disc 1 cm below the face m·g (the rays reach it),
    // the same disc 1 cm above the face (inside the box) nothing, a cylinder on the top nothing; a site
    // on another body over the box's bottom nothing.
    const thin = 0.005;
    const file = join(mkdtempSync(join(tmpdir(), 'actuate-touch-')), 'touch.xml');
    writeFileSync(file, `<mujoco model="touch"><option timestep="0.002"/><worldbody>
      <body name="box" pos="0 0 0.05"><freejoint/><geom type="box" size="0.05 0.05 0.05" mass="2"/>
        <site name="bottom" type="box" pos="0 0 -0.05" size="0.06 0.06 ${thin}"/>
        <site name="half" type="box" pos="0.03 0 -0.05" size="0.03 0.06 ${thin}"/>
        <site name="below" type="ellipsoid" pos="0 0 -0.06" size="0.1 0.1 ${thin}"/>
        <site name="above" type="ellipsoid" pos="0 0 -0.04" size="0.1 0.1 ${thin}"/>
        <site name="top" type="cylinder" pos="0 0 0.05" size="0.08 ${thin}"/></body>
      <body name="plate" pos="0.3 0 0.01"><freejoint/><geom type="box" size="0.05 0.05 0.01" mass="0.5"/>
        <site name="elsewhere" type="capsule" pos="-0.3 0 -0.01" size="${thin} 0.06" euler="0 90 0"/></body>
    </worldbody><sensor>
      <touch name="bottom" site="bottom"/><touch name="half" site="half"/><touch name="below" site="below"/>
      <touch name="above" site="above"/><touch name="top" site="top"/><touch name="elsewhere" site="elsewhere"/>
    </sensor></mujoco>`);
    const { scene } = robotToScene(importRobot(file), { ground: true, timestep: 0.002 });
    const mg = 2 * 9.81;
    const expected: Record<string, number> = { bottom: mg, half: mg / 2, below: mg, above: 0, top: 0, elsewhere: 0 };
    const mj = await loadMujoco();
    const native = new MujocoWorld(mj, scene, { mjcfFile: file });
    const worlds = { rapier: await loadRapier(), 'mujoco (scene)': new MujocoWorld(mj, scene), 'mujoco (file)': native };
    for (const [engine, world] of Object.entries(worlds)) {
      const robot = new SimRobot(world, scene);
      robot.advance(0.3);
      const s = robot.readNow().sensors!;
      for (const [name, force] of Object.entries(expected)) close(s[name]!, [force], 0.02 * mg, `${engine} ${name}`);
      // Compiled from the file, MuJoCo reads its own touch sensors from the same contacts: they agree to float32.
      if (world === native) for (const name of Object.keys(expected)) close(s[name]!, native.nativeSensor(name)!, 1e-5 * mg, `MuJoCo's own ${name}`);
      await robot.disconnect();
    }
  });
});
