/**
 * The shipped SO-101 follower or leader configuration pointed at a virtual bus (six STS3215 on a
 * socat pty), calibrated ±90° around the middle where the virtual servos start, with software
 * watchdog times long enough that a loaded machine's pauses do not trip them: the deploy and teleop
 * benchmarks' robot.
 */
import { readFileSync } from 'node:fs';
import { parseRobotConfig, type RobotConfig } from '../bridges/robot-config.ts';
import { VirtualBusProcess } from '../bridges/virtual-bus/harness.ts';
import { projectPath } from '../sim/project-paths.ts';

export const SO101_IDS = [1, 2, 3, 4, 5, 6];

export function startVirtualSo101(): Promise<VirtualBusProcess> {
  return VirtualBusProcess.start('feetech', SO101_IDS.map((id) => ({ id, model: 'sts3215' })));
}

export function virtualSo101Config(role: 'follower' | 'leader', port: string): RobotConfig {
  const shipped = JSON.parse(readFileSync(projectPath(`bridges/configs/so101-${role}.robot.json`), 'utf8'));
  const cal = { homingOffset: 0, direction: 1, rangeMin: 1024, rangeMax: 3072 };
  return parseRobotConfig({
    ...shipped,
    bus: { ...shipped.bus, port, timeoutMs: 100 },
    calibration: Object.fromEntries(Object.keys(shipped.motors).map((joint) => [joint, cal])),
    safety: { ...shipped.safety, commandTimeoutMs: 1000, torqueOffAfterMs: 5000 },
  });
}
