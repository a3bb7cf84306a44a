/**
 * ant-walk: MuJoCo's Ant (sim/tasks/ant-body.ts) runs forward (+x) at a target speed on flat ground.
 * A small, fast body for locomotion experiments: nine capsule-and-sphere bodies step in tens of µs,
 * so a sampling planner walks it in closed loop. Actions are joint targets for position servos,
 * within ant.xml's joint ranges; the observation is Gymnasium Ant's 27 numbers. A policy sees body-frame
 * quantities (train/policy-layout.ts) and, as its velocity command, the way to +x (`commandFor`).
 */
import { baseFrame, bodyAngularVelocity, bodyLinearVelocity, bodyPosition, bodyRotation, jointPosition, jointVelocity, rotate, rotateInverse } from '../kinematics.ts';
import type { ParamValues } from '../params.ts';
import { stateFromJointPositions } from '../robot/pose-state.ts';
import type { TaskDefinition, TaskInstance, TaskMonitor } from '../task.ts';
import { projectPath } from '../project-paths.ts';
import { ANT_TORSO, antScene, antStandingHeight, antStandingPose } from './ant-body.ts';

/** The PPO policy trained on this task (models/ant-walk-ppo): the default controller; mppi stays selectable. */
export const ANT_WALK_POLICY_CARD = projectPath('models/ant-walk-ppo/policy.card.json');
/** Servo defaults (measured choice, docs/physics.md "Ant"). */
export const ANT_SERVO = { kp: 20, kv: 1, forceLimit: 5 };
/** kg·m² per leg link: without it the light links make the servos buzz (docs/physics.md). */
const ARMATURE = 0.01;
const TIMESTEP = 0.005;
const SOLVER_ITERATIONS = 4;
/** Torso below this (the sphere almost on the ground) or tilted past 60° ends the episode. */
export const FALL_HEIGHT = 0.28;
const MIN_UPRIGHT = 0.5;
/** Success: mean forward speed over the last SPEED_WINDOW seconds at least SPEED_FRACTION of the target. */
export const SPEED_WINDOW = 3;
export const SPEED_FRACTION = 0.5;
const FORWARD: [number, number, number] = [1, 0, 0];
/** legged_gym's heading mode: yaw-rate command = gain · heading error, clipped to ±1 rad/s. */
const HEADING_GAIN = 0.5;

export const antWalk: TaskDefinition = {
  id: 'ant-walk',
  title: 'Ant walk',
  description: "MuJoCo's Ant (four legs, eight position servos) runs forward at a target speed; a fast body for locomotion experiments.",
  defaultController: 'onnx-policy',
  params: [
    { kind: 'number', key: 'speed', label: 'Target speed', default: 1, min: -2, max: 3, step: 0.05, unit: 'm/s', help: 'forward (+x) speed of the torso' },
    { kind: 'number', key: 'kp', label: 'Servo kp', default: ANT_SERVO.kp, min: 2, max: 50, step: 1, unit: 'N·m/rad' },
    { kind: 'number', key: 'kv', label: 'Servo kd', default: ANT_SERVO.kv, min: 0.1, max: 5, step: 0.1, unit: 'N·m·s/rad', help: 'raise it with kp: below about kp/20 the servos overshoot the joint ranges' },
  ],
  build(p: ParamValues): TaskInstance {
    const speed = p.speed as number;
    const scene = antScene({
      servo: { ...ANT_SERVO, kp: p.kp as number, kv: p.kv as number },
      armature: ARMATURE,
      timestep: TIMESTEP,
      solverIterations: SOLVER_ITERATIONS,
    });
    const stand = antStandingPose();
    const standHeight = antStandingHeight(stand);
    const n = scene.actuators.length;
    const torso = ANT_TORSO;
    const height = (s: Float64Array) => bodyPosition(s, torso)[2];
    const gravity = baseFrame(torso).gravity;
    const joint = (s: Float64Array, i: number) => jointPosition(scene, s, scene.actuators[i]!.joint);
    const fallen = (s: Float64Array) => height(s) < FALL_HEIGHT || -gravity(s)[2] < MIN_UPRIGHT;
    /** Torso yaw from +x, in (−π, π]. */
    const heading = (s: Float64Array) => {
      const forward = rotate(bodyRotation(s, torso), FORWARD);
      return Math.atan2(forward[1], forward[0]);
    };
    const command = new Float64Array(3);
    return {
      scene,
      timing: { controlDt: 0.02, episodeSeconds: 10 },
      policyCard: ANT_WALK_POLICY_CARD,
      actionDim: n,
      costTerms: [
        { name: 'forward velocity', dim: 1, norm: { kind: 'quadratic' }, weight: 10, range: [0, 100], help: 'torso vx − target speed' },
        { name: 'lateral velocity', dim: 1, norm: { kind: 'quadratic' }, weight: 2, range: [0, 100], help: 'torso vy' },
        { name: 'upright', dim: 2, norm: { kind: 'quadratic' }, weight: 10, range: [0, 100], help: 'projected gravity x, y' },
        { name: 'height', dim: 1, norm: { kind: 'quadratic' }, weight: 10, range: [0, 100], help: `torso height − ${standHeight.toFixed(2)} m (standing)` },
        { name: 'yaw rate', dim: 1, norm: { kind: 'quadratic' }, weight: 0.5, range: [0, 10], help: 'damps turning' },
        // The rate alone lets a gait turn a few degrees a second, unpenalised until the speed along +x has dropped.
        // The angle, not its sine: a sine would score running backwards (yaw 180°) as well as running straight.
        { name: 'heading', dim: 1, norm: { kind: 'quadratic' }, weight: 5, range: [0, 100], help: 'torso yaw away from +x (rad)' },
        { name: 'control', dim: n, norm: { kind: 'quadratic' }, weight: 0.1, range: [0, 10], help: 'servo targets away from the standing pose' },
      ],
      reset(random) {
        const q = Array.from(stand, (x, i) => {
          const [lo, hi] = scene.joints[i]!.limits!;
          return Math.min(hi, Math.max(lo, x + random.range(-0.05, 0.05)));
        });
        return stateFromJointPositions(scene, q, { position: [0, 0, antStandingHeight(q) + 0.005], rotation: [0, 0, 0, 1] });
      },
      residual(s, a, out) {
        const v = bodyLinearVelocity(s, torso);
        const g = gravity(s);
        out[0] = v[0] - speed;
        out[1] = v[1];
        out[2] = g[0];
        out[3] = g[1];
        out[4] = height(s) - standHeight;
        out[5] = bodyAngularVelocity(s, torso)[2];
        out[6] = heading(s);
        for (let i = 0; i < n; i++) out[7 + i] = (a[i] ?? 0) - stand[i]!;
      },
      terminated: fallen,
      /** The target velocity (+x at `speed`) in the torso's yaw frame, and a yaw rate that turns back to +x. */
      commandFor(s) {
        const yaw = heading(s);
        command[0] = speed * Math.cos(yaw);
        command[1] = -speed * Math.sin(yaw);
        command[2] = Math.min(1, Math.max(-1, -HEADING_GAIN * yaw));
        return command;
      },
      /** Servo targets at the current joint positions (within the joints' ranges). */
      holdAction(s) {
        return Float64Array.from(scene.actuators, (act, i) => Math.min(act.ctrlRange[1], Math.max(act.ctrlRange[0], joint(s, i))));
      },
      // Rollouts in MuJoCo (the ant stays in Rapier): a gait a little slower (0.62–0.68 m/s vs 0.74 on seeds 0–2) at half the CPU (docs/physics.md).
      plannerDefaults: { horizon: 0.5, knots: 4, noise: 0.3, samples: 32, modelStep: 'control', engine: 'mujoco' },
      /**
       * Gymnasium Ant's 27 observations (without contact forces): torso z, orientation (w, x, y, z), the
       * eight joint angles, torso linear velocity (world) and angular velocity (body), joint velocities.
       */
      observe(s) {
        const obs = new Float64Array(27);
        const q = bodyRotation(s, torso);
        obs[0] = height(s);
        obs.set([q[3], q[0], q[1], q[2]], 1);
        for (let i = 0; i < n; i++) obs[5 + i] = joint(s, i);
        obs.set(bodyLinearVelocity(s, torso), 13);
        obs.set(rotateInverse(q, bodyAngularVelocity(s, torso)), 16);
        for (let i = 0; i < n; i++) obs[19 + i] = jointVelocity(scene, s, scene.actuators[i]!.joint);
        return obs;
      },
      readouts: [
        { name: 'forward speed', unit: 'm/s', read: (s) => bodyLinearVelocity(s, torso)[0] },
        { name: 'distance', unit: 'm', read: (s) => bodyPosition(s, torso)[0] },
        { name: 'torso height', unit: 'm', read: height },
        { name: 'tilt', unit: 'rad', read: (s) => Math.acos(Math.min(1, -gravity(s)[2])) },
      ],
      tracePoint: (s) => bodyPosition(s, torso),
      monitor(saved?: unknown): TaskMonitor {
        const from = saved as { samples: { t: number; x: number }[]; fell: boolean } | undefined;
        const samples = from?.samples ?? [];
        let fell = from?.fell ?? false;
        return {
          save: () => ({ samples, fell }),
          record(time, s) {
            samples.push({ t: time, x: bodyPosition(s, torso)[0] });
            fell ||= fallen(s);
          },
          result() {
            const last = samples.at(-1);
            const first = samples[0];
            // Mean speed over the window from the distance covered (the torso's speed jitters with every step).
            const from = last ? (samples.find((x) => x.t >= last.t - SPEED_WINDOW - 1e-9) ?? last) : undefined;
            const meanSpeed = last && from && last.t > from.t ? (last.x - from.x) / (last.t - from.t) : 0;
            const distance = last && first ? last.x - first.x : 0;
            const reached = speed >= 0 ? meanSpeed >= SPEED_FRACTION * speed : meanSpeed <= SPEED_FRACTION * speed;
            return { success: !fell && samples.length > 0 && reached, metrics: { meanSpeed, distance, fell: fell ? 1 : 0 } };
          },
        };
      },
    };
  },
};
