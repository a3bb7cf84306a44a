/**
 * MJCF as MuJoCo reads it, where it decides how a robot is driven: the physics step, the joint's
 * actuatorfrcrange, dampratio, gear and range checks, keyframes, and problems located in the file
 * (included files too) where they are written.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectPath } from '../project-paths.ts';
import { robotToScene } from '../robot/robot-scene.ts';
import { importRobot } from './import-robot.ts';

const tmp = mkdtempSync(join(tmpdir(), 'actuate-mjcf-'));

function write(name: string, text: string): string {
  const file = join(tmp, name);
  writeFileSync(file, text);
  return file;
}

/** A one-hinge arm: 1 kg at 0.5 m below the hinge, 0.01 kg·m² about its own centre, armature 0.1. */
function arm(actuators: string, joint = '', extra = ''): string {
  return `<mujoco model="arm">
  <option timestep="0.004"/>
  ${extra}
  <worldbody>
    <body name="link" pos="0 0 1">
      <joint name="hinge" axis="0 1 0" armature="0.1" ${joint}/>
      <inertial pos="0 0 -0.5" mass="1" diaginertia="0.01 0.01 0.01"/>
      <geom type="sphere" size="0.05" pos="0 0 -0.5"/>
    </body>
  </worldbody>
  <actuator>${actuators}</actuator>
</mujoco>`;
}

const readFileSafe = (file: string) => readFileSync(file, 'utf8');
const sceneOf = (file: string) => robotToScene(importRobot(file), { fileTimestep: true, timestep: 0.002 });

describe('MJCF actuation as MuJoCo defines it', () => {
  it('steps at the file’s <option timestep>', () => {
    expect(sceneOf(write('step.xml', arm('<motor joint="hinge"/>'))).scene.timestep).toBe(0.004);
    expect(robotToScene(importRobot(write('step2.xml', arm('<motor joint="hinge"/>'))), { timestep: 0.002 }).scene.timestep).toBe(0.002);
    expect(() => importRobot(write('step3.xml', arm('', '', '<option timestep="-1"/>')))).toThrow(/step3\.xml:3: <option timestep="-1">/);
  });

  it('limits actuator torque by the joint’s actuatorfrcrange and by forcerange × gear, whichever is smaller', () => {
    const limit = (actuator: string, joint = '') => sceneOf(write('limit.xml', arm(actuator, joint))).scene.actuators[0]!.forceLimit;
    expect(limit('<motor joint="hinge"/>', 'actuatorfrcrange="-33.5 33.5"')).toBe(33.5);
    expect(limit('<position joint="hinge" kp="10" forcerange="-50 50"/>', 'actuatorfrcrange="-33.5 33.5"')).toBe(33.5);
    expect(limit('<motor joint="hinge" gear="2" forcerange="-10 10"/>')).toBe(20);
    expect(limit('<motor joint="hinge" forcerange="-10 10" forcelimited="false"/>')).toBeUndefined();
    expect(limit('<motor joint="hinge"/>', 'actuatorfrcrange="-5 5" actuatorfrclimited="false"')).toBeUndefined();
    // A general motor with gain 4: force = 4·ctrl within ±10, so ±10 N·m at the joint.
    expect(limit('<general joint="hinge" gainprm="4" forcerange="-10 10"/>')).toBe(10);
  });

  it('turns dampratio into kv = 2ζ√(kp·M), M the joint’s reflected inertia with armature', () => {
    // M = 0.01 + 1 kg · (0.5 m)² + 0.1 = 0.36 kg·m²; kp 100, ζ 1 → kv = 2·√36 = 12.
    const position = sceneOf(write('damp.xml', arm('<position joint="hinge" kp="100" dampratio="1"/>'))).scene.actuators[0]!;
    expect(position.kv).toBeCloseTo(12, 9);
    // MuJoCo stores dampratio as a positive biasprm[2] of an affine general actuator.
    const general = sceneOf(write('damp2.xml', arm('<general joint="hinge" biastype="affine" gainprm="100" biasprm="0 -100 0.5"/>'))).scene.actuators[0]!;
    expect(general.kv).toBeCloseTo(6, 9);
    const explicit = sceneOf(write('damp3.xml', arm('<general joint="hinge" biastype="affine" gainprm="100" biasprm="0 -100 -3"/>'))).scene.actuators[0]!;
    expect(explicit.kv).toBe(3);
    expect(() => importRobot(write('damp4.xml', arm('<position joint="hinge" kp="1" kv="1" dampratio="1"/>')))).toThrow(/damp4\.xml:11: .*both kv and dampratio/);
  });

  it('rejects ranges and gears MuJoCo would reject, naming file and line', () => {
    expect(() => importRobot(write('r1.xml', arm('<motor joint="hinge" ctrlrange="1 -1"/>')))).toThrow(/r1\.xml:11: <motor name=""> ctrlrange="1 -1"/);
    expect(() => importRobot(write('r2.xml', arm('<motor joint="hinge" gear="0"/>')))).toThrow(/r2\.xml:11: .*gear="0"/);
    expect(() => importRobot(write('r3.xml', arm('<motor joint="hinge"/>', 'actuatorfrcrange="3"')))).toThrow(/r3\.xml:6: <joint name="hinge"> actuatorfrcrange="3"/);
    const geared = importRobot(write('r4.xml', arm('<position joint="hinge" kp="5" gear="3"/>')));
    expect(geared.warnings).toEqual([expect.stringMatching(/r4\.xml:11: position actuator 'hinge' has gear 3; servos are simulated with gear 1/)]);
  });

  it('names the included file, and its line, in warnings and errors', () => {
    const robot = write('included-robot.xml', `<mujoco>
  <worldbody>
    <body name="link">
      <joint name="hinge"/>
      <geom type="sphere" size="0.1"/>
    </body>
  </worldbody>
  <sensor>
    <magnetometer site="nowhere"/>
  </sensor>
</mujoco>`);
    const main = write('includer.xml', `<mujoco model="m">\n  <include file="included-robot.xml"/>\n  <sensor><rangefinder site="x"/></sensor>\n</mujoco>`);
    const warnings = importRobot(main).warnings;
    expect(warnings).toContain(`${robot}:9: sensor <magnetometer> is not supported; ignored`);
    expect(warnings).toContain(`${main}:3: sensor <rangefinder> is not supported; ignored`);
    write('bad-actuator.xml', `<mujoco>\n  <actuator>\n    <motor joint="elbow"/>\n  </actuator>\n</mujoco>`);
    const broken = write('includer2.xml', `<mujoco>\n  <include file="included-robot.xml"/>\n  <include file="bad-actuator.xml"/>\n</mujoco>`);
    expect(() => importRobot(broken)).toThrow(`${join(tmp, 'bad-actuator.xml')}:3: <motor name=""> drives joint 'elbow', which does not exist`);
  });

  it('reads Barkour’s home keyframe as its scene pose: base at 0.28 m, hips 0.5, knees 1.0', () => {
    const { scene, keyframes, jointIndex } = robotToScene(importRobot(projectPath('assets/robots/barkour_vb/scene.xml')), { fileTimestep: true });
    expect(scene.timestep).toBe(0.001);
    expect(keyframes.map((k) => k.name)).toEqual(['home']);
    const home = keyframes[0]!;
    expect(home.root).toEqual({ position: [0, 0, 0.28], rotation: [0, 0, 0, 1] });
    expect(home.q[jointIndex.get('hip_front_left')!]).toBe(0.5);
    expect(home.q[jointIndex.get('knee_hind_right')!]).toBe(1.0);
    expect(home.q[jointIndex.get('abduction_front_right')!]).toBe(0);
  });

  it('lays keyframe qpos out as MuJoCo does: free joint (w-x-y-z), ball 4, hinge relative to ref; rotated bodies', () => {
    const file = write('keys.xml', `<mujoco>
  <compiler angle="radian"/>
  <worldbody>
    <body name="base" pos="0 0 1" quat="0.7071068 0 0 0.7071068">
      <freejoint/>
      <geom type="box" size="0.1 0.1 0.1"/>
      <body name="ball" pos="0.2 0 0"><joint name="b" type="ball"/><geom type="sphere" size="0.02"/>
        <body name="tip" pos="0.1 0 0"><joint name="h" axis="0 0 1" ref="0.3"/><geom type="sphere" size="0.02"/></body>
      </body>
    </body>
  </worldbody>
  <keyframe>
    <key name="first" qpos="1 2 0.5  1 0 0 0  1 0 0 0  0.3"/>
    <key name="turned" qpos="0 0 0.5  0.7071068 0 0 0.7071068  1 0 0 0  1.3"/>
  </keyframe>
</mujoco>`);
    const { keyframes, jointIndex } = robotToScene(importRobot(file), { visuals: false });
    const [first, turned] = keyframes;
    // The base body is world-aligned at its file pose (turned 90° about z): identity in the file is −90° in the scene.
    expect(first!.root!.position).toEqual([1, 2, 0.5]);
    expect(first!.root!.rotation.map((v) => Number(v.toFixed(6)))).toEqual([0, 0, -0.707107, 0.707107]);
    expect(first!.q[jointIndex.get('h')!]).toBeCloseTo(0, 12);
    expect(turned!.root!.rotation.map((v) => Number(v.toFixed(6)))).toEqual([0, 0, 0, 1]);
    expect(turned!.q[jointIndex.get('h')!]).toBeCloseTo(1, 12);
    const short = importRobot(write('short.xml', readFileSafe(file).replace('0.7071068 0 0 0.7071068  1 0 0 0  1.3', '1 0 0 0')));
    expect(robotToScene(short, { visuals: false }).warnings).toContain("keyframe 'turned': qpos has 7 values, the robot has 12; the missing ones stay at the file's pose");
  });
});
