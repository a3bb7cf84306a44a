import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadRobotConfig, parseRobotConfig } from './robot-config.ts';

const configFile = (role: string) => new URL(`./configs/so101-${role}.robot.json`, import.meta.url).pathname;

describe('robot configuration', () => {
  it('the SO-101 follower and leader drive the joints of so101_new_calib.urdf with STS3215s on IDs 1–6', () => {
    const urdf = readFileSync(new URL('../assets/robots/so101/so101_new_calib.urdf', import.meta.url), 'utf8');
    const revolute = [...urdf.matchAll(/<joint name="([^"]+)" type="revolute"/g)].map((m) => m[1]);
    for (const role of ['follower', 'leader']) {
      const c = loadRobotConfig(configFile(role));
      expect(Object.keys(c.motors).sort()).toEqual([...revolute].sort());
      expect(Object.values(c.motors).map((m) => m.id).sort()).toEqual([1, 2, 3, 4, 5, 6]);
      expect(c.role).toBe(role);
      // Limits are the URDF's.
      const lift = urdf.match(/<joint name="shoulder_lift"[\s\S]*?lower="([-\d.]+)" upper="([-\d.]+)"/)!;
      expect(c.limits.shoulder_lift).toMatchObject({ min: Number(lift[1]), max: Number(lift[2]) });
    }
  });

  it('the virtual SO-101s are the real ones with a calibration, so deploy and teleop run on virtual buses', () => {
    for (const role of ['follower', 'leader']) {
      const real = loadRobotConfig(configFile(role));
      const virtual = loadRobotConfig(configFile(`virtual-${role}`));
      expect(virtual).toMatchObject({ role: real.role, motors: real.motors, limits: real.limits, safety: real.safety });
      expect(Object.keys(virtual.calibration).sort()).toEqual(Object.keys(real.motors).sort());
    }
  });

  it('fills defaults', () => {
    const c = parseRobotConfig({ version: 1, name: 'x', bus: { type: 'dynamixel', port: '/dev/ttyUSB0' }, motors: { j: { id: 1, model: 'xl330-m288' } } });
    expect(c.bus.baud).toBe(1_000_000);
    expect(c.safety).toMatchObject({ maxStep: 0.25, commandTimeoutMs: 200, busWatchdogMs: 100 });
  });

  it('names every bad field', () => {
    const bad = {
      version: 1,
      name: 'x',
      bus: { type: 'feetech', port: 'p' },
      motors: { a: { id: 1, model: 'sts3215' }, b: { id: 1, model: 'xl330-m288' }, c: { id: 3, model: 'nope' } },
      limits: { d: { min: 0, max: 1 }, a: { min: 1, max: 0 } },
    };
    let message = '';
    try {
      parseRobotConfig(bad, 'arm.json');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('arm.json is not a valid robot configuration');
    expect(message).toContain('motors.b.id: ID 1 is also used by a');
    expect(message).toContain('motors.b.model: xl330-m288 is a dynamixel servo, but the bus is feetech');
    expect(message).toContain("motors.c.model: unknown motor model 'nope'");
    expect(message).toContain("limits.d: no motor drives joint 'd'");
    expect(message).toContain('limits.a: min 1 is not below max 0');
  });

  it('refuses a newer version and a file that is not JSON', () => {
    expect(() => parseRobotConfig({ version: 9 }, 'f.json')).toThrow(/version 9 is newer/);
    expect(() => loadRobotConfig(new URL('../package.json', import.meta.url).pathname)).toThrow(/not a valid robot configuration/);
  });
});
