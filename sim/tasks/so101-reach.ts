/**
 * so101-reach: the SO-101 arm (its own MJCF: position servos kp 998, armature, damping) brings its
 * gripper frame to a target. Actions are the six servo targets, as on the real arm.
 */
import { jointPosition, jointVelocity } from '../kinematics.ts';
import type { ParamValues } from '../params.ts';
import { stateFromJointPositions } from '../robot/pose-state.ts';
import type { TaskDefinition, TaskInstance } from '../task.ts';
import { distanceMonitor } from './distance-monitor.ts';
import type { Vec3 } from '../scene.ts';
import { ROBOT_FILES, robotScene, worldPoint } from './robot-assets.ts';

/** Distance under which the gripper counts as at the target. */
export const REACH_TOLERANCE = 0.02;
const HOME = [0, -0.6, 0.6, 0.6, 0, 0];

export const so101Reach: TaskDefinition = {
  id: 'so101-reach',
  title: 'SO-101 reach',
  description: 'Bring the SO-101 gripper to the green target using its position servos.',
  defaultController: 'mppi',
  params: [
    { kind: 'number', key: 'targetX', label: 'Target x', default: 0.25, min: 0.1, max: 0.4, step: 0.005, unit: 'm' },
    { kind: 'number', key: 'targetY', label: 'Target y', default: 0.1, min: -0.25, max: 0.25, step: 0.005, unit: 'm' },
    { kind: 'number', key: 'targetZ', label: 'Target z', default: 0.12, min: 0.02, max: 0.35, step: 0.005, unit: 'm' },
  ],
  build(p: ParamValues): TaskInstance {
    // Reaching in free space involves no contacts: the arm carries no collision geometry.
    const robot = robotScene(ROBOT_FILES.so101, { noCollision: true, timestep: 0.005 });
    const target: Vec3 = [p.targetX as number, p.targetY as number, p.targetZ as number];
    const scene = { ...robot.scene, markers: [{ name: 'target', position: target, radius: REACH_TOLERANCE, color: '#40c070' }] };
    const site = robot.sites.get('gripperframe')!;
    const tip = (s: Float64Array) => worldPoint(s, site.body, site.point);
    const distance = (s: Float64Array) => {
      const t = tip(s);
      return Math.hypot(t[0] - target[0], t[1] - target[1], t[2] - target[2]);
    };
    const joints = scene.joints.length;
    return {
      scene,
      timing: { controlDt: 0.04, episodeSeconds: 3 },
      // Servo targets need fine noise near the goal (0.03 of the range ≈ 0.06 rad), and the 40 ms
      // control period is too coarse a model step for kp ≈ 1000 servos. A 1 s horizon sees the whole
      // reach (at 0.6 s seed 3 stalled 4–9 cm away in either engine; at 1 s seeds 0–9 arrive within
      // 1.1 s), and MuJoCo rollouts pay for it: a quarter of Rapier's CPU (docs/physics.md).
      plannerDefaults: { modelStep: 'physics', horizon: 1, knots: 3, noise: 0.03, samples: 24, engine: 'mujoco' },
      actionDim: scene.actuators.length,
      costTerms: [
        { name: 'reach', dim: 3, norm: { kind: 'smoothAbs', p: 0.01 }, weight: 50, range: [0, 200], help: 'gripper frame to target' },
        { name: 'joint velocity', dim: joints, norm: { kind: 'quadratic' }, weight: 0.01, range: [0, 1] },
        { name: 'posture', dim: 6, norm: { kind: 'quadratic' }, weight: 0.01, range: [0, 1], help: 'servo targets away from the home pose' },
      ],
      reset(random) {
        return stateFromJointPositions(scene, HOME.map((q) => q + random.range(-0.15, 0.15)));
      },
      residual(s, a, out) {
        const t = tip(s);
        out[0] = t[0] - target[0];
        out[1] = t[1] - target[1];
        out[2] = t[2] - target[2];
        for (let j = 0; j < joints; j++) out[3 + j] = jointVelocity(scene, s, j);
        for (let i = 0; i < 6; i++) out[3 + joints + i] = (a[i] ?? 0) - HOME[i]!;
      },
      holdAction: (s) => Float64Array.from(scene.actuators, (a) => jointPosition(scene, s, a.joint)),
      observe(s) {
        return Float64Array.of(...tip(s), ...target);
      },
      readouts: [
        { name: 'distance to target', unit: 'm', read: distance },
        { name: 'gripper z', unit: 'm', read: (s) => tip(s)[2] },
      ],
      tracePoint: tip,
      monitor: (saved) => distanceMonitor(distance, REACH_TOLERANCE, saved),
    };
  },
};
