/**
 * go2-walk: Unitree Go2 velocity tracking on flat ground, set up as legged_gym / Isaac Lab's flat-terrain
 * tasks: the command (vx, vy, yaw rate) is a task parameter (a studio slider), actions are joint targets
 * around the default pose (scale 0.25) for PD servos (kp 25, kd 0.5), the observation is the 48-dim
 * legged_gym vector, rewards are cost terms, and a fall ends the episode.
 */
import { bodyAngularVelocity, bodyLinearVelocity, bodyPosition, bodyRotation, jointPosition, jointVelocity, rotateInverse } from '../kinematics.ts';
import type { ParamValues } from '../params.ts';
import { stateFromJointPositions } from '../robot/pose-state.ts';
import type { TaskDefinition, TaskInstance, TaskMonitor } from '../task.ts';
import { go2DefaultPose, go2Servos, GO2_SERVO } from './go2-stand.ts';
import { ROBOT_FILES, robotScene } from './robot-assets.ts';

/** legged_gym's action scale: joint target = default + 0.25 · action. */
export const ACTION_SCALE = 0.25;
/** legged_gym's observation scales. */
const OBS_SCALE = { linVel: 2, angVel: 0.25, jointVel: 0.05 };
const TRACKING_WINDOW = 5;

export const go2Walk: TaskDefinition = {
  id: 'go2-walk',
  title: 'Go2 walk',
  description: 'Unitree Go2 tracks a velocity command (vx, vy, yaw rate) on flat ground; RL-ready observations and rewards.',
  params: [
    { kind: 'number', key: 'vx', label: 'Command vx', default: 0.5, min: -1, max: 1, step: 0.05, unit: 'm/s' },
    { kind: 'number', key: 'vy', label: 'Command vy', default: 0, min: -1, max: 1, step: 0.05, unit: 'm/s' },
    { kind: 'number', key: 'yawRate', label: 'Command yaw rate', default: 0, min: -1, max: 1, step: 0.05, unit: 'rad/s' },
  ],
  build(p: ParamValues): TaskInstance {
    const gains = { kp: GO2_SERVO.kp, kv: GO2_SERVO.kv };
    const robot = robotScene(ROBOT_FILES.go2, { ground: true, timestep: 0.002, basePosition: [0, 0, 0.34] }, (m) => go2Servos(m, gains), JSON.stringify(gains));
    const scene = robot.scene;
    const command = [p.vx as number, p.vy as number, p.yawRate as number] as const;
    const base = 0;
    const pose = Float64Array.from(scene.actuators, (a) => go2DefaultPose(scene.joints[a.joint]!.name));
    const bodyVel = (s: Float64Array) => rotateInverse(bodyRotation(s, base), bodyLinearVelocity(s, base));
    const bodyRate = (s: Float64Array) => rotateInverse(bodyRotation(s, base), bodyAngularVelocity(s, base));
    const gravity = (s: Float64Array) => rotateInverse(bodyRotation(s, base), [0, 0, -1]);
    const n = pose.length;
    return {
      scene,
      timing: { controlDt: 0.02, episodeSeconds: 20 },
      actionDim: n,
      costTerms: [
        { name: 'linear velocity tracking', dim: 2, norm: { kind: 'quadratic' }, weight: 10, range: [0, 100], help: 'body-frame vx, vy − command' },
        { name: 'yaw rate tracking', dim: 1, norm: { kind: 'quadratic' }, weight: 5, range: [0, 100] },
        { name: 'vertical velocity', dim: 1, norm: { kind: 'quadratic' }, weight: 2, range: [0, 20] },
        { name: 'roll and pitch rate', dim: 2, norm: { kind: 'quadratic' }, weight: 0.05, range: [0, 5] },
        { name: 'orientation', dim: 2, norm: { kind: 'quadratic' }, weight: 5, range: [0, 50], help: 'projected gravity x, y' },
        { name: 'base height', dim: 1, norm: { kind: 'quadratic' }, weight: 10, range: [0, 100], help: 'height − 0.3 m' },
        { name: 'posture', dim: n, norm: { kind: 'quadratic' }, weight: 0.05, range: [0, 5], help: 'joints away from the default pose' },
      ],
      reset(random) {
        return stateFromJointPositions(scene, scene.joints.map((j) => go2DefaultPose(j.name) + random.range(-0.05, 0.05)));
      },
      residual(s, _a, out) {
        const v = bodyVel(s);
        const w = bodyRate(s);
        const g = gravity(s);
        out[0] = v[0] - command[0];
        out[1] = v[1] - command[1];
        out[2] = w[2] - command[2];
        out[3] = v[2];
        out[4] = w[0];
        out[5] = w[1];
        out[6] = g[0];
        out[7] = g[1];
        out[8] = bodyPosition(s, base)[2] - 0.3;
        for (let i = 0; i < n; i++) out[9 + i] = jointPosition(scene, s, scene.actuators[i]!.joint) - pose[i]!;
      },
      // legged_gym terminates on base contact; a tilt past 60° or a base below 15 cm stands in for it.
      terminated: (s) => bodyPosition(s, base)[2] < 0.15 || -gravity(s)[2] < 0.5,
      holdAction: () => pose.slice(),
      observe(s, lastAction = new Float64Array(n)) {
        const obs = new Float64Array(48);
        obs.set(bodyVel(s).map((x) => x * OBS_SCALE.linVel), 0);
        obs.set(bodyRate(s).map((x) => x * OBS_SCALE.angVel), 3);
        obs.set(gravity(s), 6);
        obs.set([command[0] * OBS_SCALE.linVel, command[1] * OBS_SCALE.linVel, command[2] * OBS_SCALE.angVel], 9);
        for (let i = 0; i < n; i++) {
          const j = scene.actuators[i]!.joint;
          obs[12 + i] = jointPosition(scene, s, j) - pose[i]!;
          obs[24 + i] = jointVelocity(scene, s, j) * OBS_SCALE.jointVel;
          // Last action in policy units (targets relative to the default pose over the scale).
          obs[36 + i] = ((lastAction[i] ?? pose[i]!) - pose[i]!) / ACTION_SCALE;
        }
        return obs;
      },
      readouts: [
        { name: 'forward speed', unit: 'm/s', read: (s) => bodyVel(s)[0] },
        { name: 'yaw rate', unit: 'rad/s', read: (s) => bodyRate(s)[2] },
        { name: 'base height', unit: 'm', read: (s) => bodyPosition(s, base)[2] },
      ],
      tracePoint: (s) => bodyPosition(s, base),
      monitor(): TaskMonitor {
        const samples: { t: number; err: number }[] = [];
        let fell = false;
        return {
          record(time, s) {
            const v = bodyVel(s);
            samples.push({ t: time, err: Math.hypot(v[0] - command[0], v[1] - command[1]) });
            fell ||= bodyPosition(s, base)[2] < 0.15;
          },
          result() {
            const end = samples.at(-1)?.t ?? 0;
            const recent = samples.filter((x) => x.t > end - TRACKING_WINDOW);
            const trackingError = recent.length ? recent.reduce((a, x) => a + x.err, 0) / recent.length : Infinity;
            return { success: !fell && trackingError < 0.2, metrics: { trackingError, fell: fell ? 1 : 0 } };
          },
        };
      },
    };
  },
};
