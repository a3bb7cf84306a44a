/**
 * The parts every legged velocity-tracking task shares, as legged_gym / Isaac Lab's flat-terrain tasks
 * define them: the command (vx, vy, yaw rate) in the base frame, rewards as cost terms, a fall as the
 * termination, and tracking error over the last seconds as the success metric.
 *
 * The command is one live array: the task's rewards and success metric read it, a policy is fed it
 * (TaskInstance.command), and moving a command slider changes it in place (setLive) without
 * rebuilding the scene, so what the controller is asked to do is always what the task scores.
 */
import type { CostTerm } from '../cost.ts';
import { baseFrame, bodyPosition, jointPosition } from '../kinematics.ts';
import type { ParamValues } from '../params.ts';
import type { SceneDescription } from '../scene.ts';
import type { Readout, TaskInstance, TaskMonitor } from '../task.ts';

const TRACKING_WINDOW = 5;
/** legged_gym's `tracking_sigma`: the squared error (m²/s², rad²/s²) at which tracking earns 1/e of its weight. */
const TRACKING_SCALE = 0.25;
/** Isaac Lab's Go2 flat-terrain weights for the two tracking rewards. */
const TRACKING_WEIGHT = { linear: 1.5, yaw: 0.75 };

export interface VelocityTrackingSetup {
  scene: SceneDescription;
  /** The floating base body. */
  base: number;
  /** The task's parameters: the command's initial vx, vy, yawRate (base frame). */
  params: ParamValues;
  /** Default position per actuator; actuators without one (wheels) are left out of the posture term. */
  pose: readonly (number | undefined)[];
  /** Base height the task asks for, and the height below which the robot has fallen. */
  height: number;
  fallHeight: number;
}

type TrackingParts = Pick<TaskInstance, 'costTerms' | 'survivalReward' | 'residual' | 'terminated' | 'readouts' | 'tracePoint' | 'monitor' | 'setLive'> & { command: Float64Array };

/** The command a task's parameters ask for: [vx, vy, yaw rate]. */
function commandOf(p: ParamValues, out: Float64Array): Float64Array {
  out[0] = Number(p.vx ?? 0);
  out[1] = Number(p.vy ?? 0);
  out[2] = Number(p.yawRate ?? 0);
  return out;
}

export function velocityTracking(setup: VelocityTrackingSetup): TrackingParts {
  const { scene, base, height: targetHeight, fallHeight } = setup;
  const command = commandOf(setup.params, new Float64Array(3));
  const frame = baseFrame(base);
  const posture = setup.pose.flatMap((p, i) => (p === undefined ? [] : [{ joint: scene.actuators[i]!.joint, default: p }]));
  const costTerms: CostTerm[] = [
    { name: 'linear velocity tracking', dim: 2, norm: { kind: 'gaussian', scale: TRACKING_SCALE }, weight: TRACKING_WEIGHT.linear, range: [0, 10], help: 'body-frame vx, vy − command' },
    { name: 'yaw rate tracking', dim: 1, norm: { kind: 'gaussian', scale: TRACKING_SCALE }, weight: TRACKING_WEIGHT.yaw, range: [0, 10] },
    { name: 'vertical velocity', dim: 1, norm: { kind: 'quadratic' }, weight: 2, range: [0, 20] },
    { name: 'roll and pitch rate', dim: 2, norm: { kind: 'quadratic' }, weight: 0.05, range: [0, 5] },
    { name: 'orientation', dim: 2, norm: { kind: 'quadratic' }, weight: 5, range: [0, 50], help: 'projected gravity x, y' },
    { name: 'base height', dim: 1, norm: { kind: 'quadratic' }, weight: 10, range: [0, 100], help: `height − ${targetHeight} m` },
    { name: 'posture', dim: posture.length, norm: { kind: 'quadratic' }, weight: 0.05, range: [0, 5], help: 'joints away from the default pose' },
  ];
  const readouts: Readout[] = [
    { name: 'forward speed', unit: 'm/s', read: (s) => frame.velocity(s)[0] },
    { name: 'yaw rate', unit: 'rad/s', read: (s) => frame.rate(s)[2] },
    { name: 'base height', unit: 'm', read: frame.height },
  ];
  return {
    command,
    setLive: (values) => void commandOf(values, command),
    costTerms,
    // Tracking costs are weight · (1 − kernel): adding their weights back as the reward for staying up
    // makes −cost legged_gym's reward (positive tracking, negative penalties), so falling forfeits it.
    survivalReward: TRACKING_WEIGHT.linear + TRACKING_WEIGHT.yaw,
    residual(s, _a, out) {
      const v = frame.velocity(s);
      const w = frame.rate(s);
      const g = frame.gravity(s);
      out[0] = v[0] - command[0]!;
      out[1] = v[1] - command[1]!;
      out[2] = w[2] - command[2]!;
      out[3] = v[2];
      out[4] = w[0];
      out[5] = w[1];
      out[6] = g[0];
      out[7] = g[1];
      out[8] = frame.height(s) - targetHeight;
      posture.forEach((p, i) => (out[9 + i] = jointPosition(scene, s, p.joint) - p.default));
    },
    // legged_gym terminates on base contact; a tilt past 60° or a base below the fall height stands in for it.
    terminated: (s) => frame.height(s) < fallHeight || -frame.gravity(s)[2] < 0.5,
    readouts,
    tracePoint: (s) => bodyPosition(s, base),
    monitor(saved?: unknown): TaskMonitor {
      const from = saved as { samples: { t: number; err: number }[]; fell: boolean } | undefined;
      const samples = from?.samples ?? [];
      let fell = from?.fell ?? false;
      return {
        save: () => ({ samples, fell }),
        record(time, s) {
          const v = frame.velocity(s);
          samples.push({ t: time, err: Math.hypot(v[0] - command[0]!, v[1] - command[1]!) });
          fell ||= frame.height(s) < fallHeight;
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
}
