/**
 * go2-stand: Unitree Go2 (URDF) on flat ground holds its standing pose with PD position servos at the
 * gains Isaac Lab uses for it (kp 25 N·m/rad, kd 0.5 N·m·s/rad, 23.5 N·m).
 */
import { baseFrame, bodyLinearVelocity, bodyPosition, jointPosition } from '../kinematics.ts';
import type { ParamValues } from '../params.ts';
import { stateFromJointPositions } from '../robot/pose-state.ts';
import type { RobotModel } from '../robot/robot-model.ts';
import type { TaskDefinition, TaskInstance, TaskMonitor } from '../task.ts';
import { ROBOT_FILES, robotScene } from './robot-assets.ts';

/** Isaac Lab's Go2 default joint positions: hips ±0.1 (left +), thighs 0.8 front / 1.0 rear, calves −1.5. */
export function go2DefaultPose(joint: string): number {
  if (joint.includes('hip')) return joint.includes('L_') ? 0.1 : -0.1;
  if (joint.includes('thigh')) return joint.startsWith('F') ? 0.8 : 1.0;
  return -1.5;
}

export const GO2_SERVO = { kp: 25, kv: 0.5, forceLimit: 23.5 };
const START_HEIGHT = 0.34;
/** Base height of the standing pose: the height cost's target. */
const STAND_HEIGHT = 0.3;
/** Lower than this at the end is not standing (zero servo targets sink the Go2 to 0.23 m, steadily). */
const MIN_FINAL_HEIGHT = STAND_HEIGHT - 0.03;
/** Seconds allowed to settle onto the feet before the height is judged. */
const SETTLE = 1;

export function go2Servos(model: RobotModel, gains: { kp: number; kv: number }): void {
  for (const a of model.actuators) Object.assign(a, { kind: 'position', kp: gains.kp, kv: gains.kv, forceRange: [-GO2_SERVO.forceLimit, GO2_SERVO.forceLimit] });
}

export const go2Stand: TaskDefinition = {
  id: 'go2-stand',
  title: 'Go2 stand',
  description: 'Unitree Go2 holds its standing pose under PD position control.',
  // Standing is the servos' job: they hold the default pose within millimetres; a planner's noisy
  // joint targets only shake the base (docs/success-matrix.md).
  defaultController: 'hold',
  params: [
    { kind: 'number', key: 'kp', label: 'Servo kp', default: GO2_SERVO.kp, min: 5, max: 200, step: 1, unit: 'N·m/rad' },
    { kind: 'number', key: 'kv', label: 'Servo kd', default: GO2_SERVO.kv, min: 0, max: 10, step: 0.1, unit: 'N·m·s/rad' },
  ],
  build(p: ParamValues): TaskInstance {
    const gains = { kp: p.kp as number, kv: p.kv as number };
    // 2 ms: at 5 ms the foot contacts chatter and the base jumps by 2–3 cm (docs/physics.md).
    const robot = robotScene(ROBOT_FILES.go2, { ground: true, timestep: 0.002, basePosition: [0, 0, START_HEIGHT] }, (m) => go2Servos(m, gains), JSON.stringify(gains));
    const scene = robot.scene;
    const base = 0;
    const pose = Float64Array.from(scene.actuators, (a) => go2DefaultPose(scene.joints[a.joint]!.name));
    const height = (s: Float64Array) => bodyPosition(s, base)[2];
    const gravity = baseFrame(base).gravity;
    return {
      scene,
      timing: { controlDt: 0.02, episodeSeconds: 10 },
      actionDim: scene.actuators.length,
      costTerms: [
        { name: 'height', dim: 1, norm: { kind: 'quadratic' }, weight: 10, range: [0, 100] },
        { name: 'upright', dim: 2, norm: { kind: 'quadratic' }, weight: 10, range: [0, 100], help: 'projected gravity x, y' },
        { name: 'base velocity', dim: 3, norm: { kind: 'quadratic' }, weight: 0.1, range: [0, 10] },
        { name: 'posture', dim: pose.length, norm: { kind: 'quadratic' }, weight: 0.1, range: [0, 10] },
      ],
      reset(random) {
        const q = scene.joints.map((j) => go2DefaultPose(j.name) + random.range(-0.02, 0.02));
        return stateFromJointPositions(scene, q);
      },
      residual(s, _a, out) {
        out[0] = height(s) - STAND_HEIGHT;
        const g = gravity(s);
        out[1] = g[0];
        out[2] = g[1];
        out.set(bodyLinearVelocity(s, base), 3);
        for (let i = 0; i < pose.length; i++) out[6 + i] = jointPosition(scene, s, scene.actuators[i]!.joint) - pose[i]!;
      },
      terminated: (s) => height(s) < 0.12,
      holdAction: () => pose.slice(),
      plannerDefaults: { modelStep: 'physics', horizon: 0.3, knots: 3, noise: 0.02, samples: 16 },
      observe(s) {
        return Float64Array.of(height(s), ...gravity(s));
      },
      readouts: [
        { name: 'base height', unit: 'm', read: height },
        { name: 'tilt', unit: 'rad', read: (s) => Math.acos(Math.min(1, -gravity(s)[2])) },
      ],
      tracePoint: (s) => bodyPosition(s, base),
      monitor(saved?: unknown): TaskMonitor {
        // Saved as JSON: the unset extremes (±Infinity) are left out, as JSON cannot hold them.
        const from = saved as { settled?: number; low?: number; high?: number; last: number } | undefined;
        let settled = from?.settled;
        let low = from?.low ?? Infinity;
        let high = from?.high ?? -Infinity;
        let last = from?.last ?? 0;
        return {
          save: () => ({ last, ...(settled === undefined ? {} : { settled, low, high }) }),
          record(time, s) {
            last = height(s);
            if (time < SETTLE) return;
            settled ??= last;
            low = Math.min(low, last);
            high = Math.max(high, last);
          },
          result: () => {
            const drift = settled === undefined ? Infinity : Math.max(Math.abs(high - settled), Math.abs(low - settled));
            return { success: drift < 0.02 && last > MIN_FINAL_HEIGHT, metrics: { heightDrift: drift, finalHeight: last } };
          },
        };
      },
    };
  },
};
