import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { SceneDescription } from '../../protocol/scene.ts';
import { loadRobotConfig } from '../robot-config.ts';
import { loadRobotFile } from '../robot-file.ts';
import { parseRosRobotConfig, rosRobotFromConfig } from './ros-robot-config.ts';

const SHIPPED = fileURLToPath(new URL('../configs/so101-ros.robot.json', import.meta.url));

/** Two position-controlled hinges, a and b, ranges ±1 and ±2. */
const scene = {
  joints: [{ name: 'a' }, { name: 'b' }],
  actuators: [
    { name: 'a_motor', joint: 0, kind: 'position', ctrlRange: [-1, 1] },
    { name: 'b_motor', joint: 1, kind: 'position', ctrlRange: [-2, 2] },
  ],
} as unknown as SceneDescription;

const base = { version: 1, kind: 'ros', name: 'arm', robotModel: 'arm.urdf', master: 'http://localhost:11311' };

describe('ROS robot configuration', () => {
  it('the shipped example loads as a ROS robot file, its model resolved beside it', () => {
    const file = loadRobotFile(SHIPPED);
    expect(file).toMatchObject({ name: 'so101-ros', transport: 'ros1', port: 'http://localhost:11311', config: { kind: 'ros' } });
    expect(file.robotModel).toMatch(/assets\/robots\/so101\/so101_new_calib\.urdf$/);
    // Commands that need a servo bus (robot read, calibrate, teleop) say so.
    expect(() => loadRobotConfig(SHIPPED)).toThrow(/so101-ros\.robot\.json describes a robot on ROS \("kind": "ros"\); this needs servos on a bus/);
  });

  it('names every bad field: no master or rosbridge, a bad URL, inverted limits', () => {
    expect(() => parseRosRobotConfig({ ...base, master: undefined }, 'x.json')).toThrow(/x\.json is not a valid robot configuration:\n {2}master: give one of master/);
    expect(() => parseRosRobotConfig({ ...base, rosbridge: 'ws://h:9090' }, 'x.json')).toThrow(/give one of master/);
    expect(() => parseRosRobotConfig({ ...base, master: 'localhost:11311' }, 'x.json')).toThrow(/master:/);
    expect(() => parseRosRobotConfig({ ...base, limits: { a: { min: 1, max: 0 } } }, 'x.json')).toThrow(/limits\.a: min 1 is not below max 0/);
    expect(() => parseRosRobotConfig({ ...base, version: 7 }, 'x.json')).toThrow(/version 7 is newer/);
  });

  it("takes joints and limits from the robot model unless the file gives them, and refuses joints the model lacks", () => {
    const all = rosRobotFromConfig(parseRosRobotConfig(base), scene, { source: 'x.json' });
    expect(all.capabilities.joints).toEqual(['a', 'b']);
    expect(all.capabilities.actuators.map((a) => [a.min, a.max])).toEqual([[-1, 1], [-2, 2]]);
    expect(all.port).toBe('http://localhost:11311');
    const ordered = rosRobotFromConfig(parseRosRobotConfig({ ...base, joints: ['b', 'a'], limits: { a: { min: -0.5, max: 0.5 } } }), scene, { source: 'x.json', where: 'ws://other:9090' });
    expect(ordered.capabilities.joints).toEqual(['b', 'a']);
    expect(ordered.capabilities.actuators.map((a) => [a.min, a.max])).toEqual([[-2, 2], [-0.5, 0.5]]);
    expect(ordered.port).toBe('ws://other:9090');
    expect(() => rosRobotFromConfig(parseRosRobotConfig({ ...base, joints: ['a', 'elbow'] }), scene, { source: 'x.json' })).toThrow(
      /x\.json: joints elbow are not position-controlled joints of arm\.urdf \(it has a, b\)/,
    );
  });
});
