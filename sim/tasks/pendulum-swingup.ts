/**
 * pendulum-swingup: a torque-limited pendulum on a hinge must swing up and balance. With the default
 * torque limit it cannot lift itself directly (maxTorque < m·g·l/2), so it has to pump energy.
 */
import { axisAngle, jointPosition, jointVelocity } from '../kinematics.ts';
import type { ParamValues } from '../params.ts';
import { stateSize, type SceneDescription } from '../scene.ts';
import type { TaskDefinition, TaskInstance } from '../task.ts';
import { wrapAngle } from './angles.ts';
import { uprightMonitor } from './upright-monitor.ts';

const PIVOT_HEIGHT = 1.2;
const ROD_RADIUS = 0.025;

const params = [
  { kind: 'number', key: 'length', label: 'Length', default: 0.6, min: 0.2, max: 2, step: 0.05, unit: 'm' },
  { kind: 'number', key: 'mass', label: 'Mass', default: 1, min: 0.1, max: 5, step: 0.1, unit: 'kg' },
  { kind: 'number', key: 'maxTorque', label: 'Torque limit', default: 2, min: 0.1, max: 20, step: 0.1, unit: 'N·m' },
  { kind: 'number', key: 'damping', label: 'Hinge damping', default: 0, min: 0, max: 2, step: 0.01, unit: '1/s' },
] as const satisfies TaskDefinition['params'];

export function pendulumScene(p: ParamValues): SceneDescription {
  const length = p.length as number;
  const rodHalf = Math.max(0.001, length / 2 - ROD_RADIUS);
  return {
    name: 'pendulum',
    gravity: [0, 0, -9.81],
    timestep: 0.01,
    solverIterations: 4,
    bodies: [
      {
        name: 'base',
        kind: 'fixed',
        pose: { position: [0, 0, PIVOT_HEIGHT], rotation: [0, 0, 0, 1] },
        geoms: [{ shape: { type: 'box', halfExtents: [0.05, 0.08, 0.05] }, visualOnly: true, color: '#56606b' }],
      },
      {
        name: 'pole',
        kind: 'dynamic',
        // Hanging straight down from the pivot: joint angle 0.
        pose: { position: [0, 0, PIVOT_HEIGHT - length / 2], rotation: [0, 0, 0, 1] },
        mass: p.mass as number,
        angularDamping: p.damping as number,
        geoms: [
          {
            shape: { type: 'capsule', radius: ROD_RADIUS, halfHeight: rodHalf },
            pose: { position: [0, 0, 0], rotation: axisAngle([1, 0, 0], Math.PI / 2) },
            color: '#e0a030',
          },
        ],
      },
    ],
    joints: [
      { name: 'hinge', type: 'revolute', parent: 0, child: 1, anchorParent: [0, 0, 0], anchorChild: [0, 0, length / 2], axis: [0, 1, 0] },
    ],
    actuators: [{ name: 'torque', joint: 0, gear: p.maxTorque as number, ctrlRange: [-1, 1] }],
    markers: [{ name: 'goal', position: [0, 0, PIVOT_HEIGHT + length], radius: 0.04, color: '#40c070' }],
  };
}

export const pendulumSwingup: TaskDefinition = {
  id: 'pendulum-swingup',
  title: 'Pendulum swing-up',
  description: 'Swing a torque-limited pendulum up from hanging and hold it upright.',
  defaultController: 'mppi',
  params: [...params],
  build(p): TaskInstance {
    const scene = pendulumScene(p);
    const length = p.length as number;
    /** Angle from upright: 0 up, ±π hanging. */
    const angle = (s: Float64Array) => wrapAngle(jointPosition(scene, s, 0) - Math.PI);
    return {
      scene,
      timing: { controlDt: 0.02, episodeSeconds: 10 },
      actionDim: 1,
      costTerms: [
        { name: 'upright', dim: 1, norm: { kind: 'quadratic' }, weight: 10, range: [0, 100], help: '2·sin(θ/2), θ = angle from upright (½r² = 1 − cos θ)' },
        { name: 'velocity', dim: 1, norm: { kind: 'quadratic' }, weight: 0.1, range: [0, 10] },
        { name: 'control', dim: 1, norm: { kind: 'quadratic' }, weight: 0.1, range: [0, 10] },
      ],
      reset(random) {
        const s = new Float64Array(stateSize(scene));
        const q0 = random.range(-0.1, 0.1);
        setPoleAngle(s, q0, length);
        return s;
      },
      residual(s, a, out) {
        out[0] = 2 * Math.sin(angle(s) / 2);
        out[1] = jointVelocity(scene, s, 0);
        out[2] = a[0] ?? 0;
      },
      observe(s) {
        const q = jointPosition(scene, s, 0);
        return Float64Array.of(Math.cos(q), Math.sin(q), jointVelocity(scene, s, 0));
      },
      readouts: [
        { name: 'angle from upright', unit: 'rad', read: angle },
        { name: 'angular velocity', unit: 'rad/s', read: (s) => jointVelocity(scene, s, 0) },
      ],
      tracePoint(s) {
        const q = jointPosition(scene, s, 0);
        return [-Math.sin(q) * length, 0, PIVOT_HEIGHT - Math.cos(q) * length];
      },
      /**
       * Upright is unstable with an e-folding time of √(I/(m·g·L/2)) ≈ 0.2 s: over a 1 s horizon a
       * rollout amplifies its later knots' noise ~150×, which drowns what the next actions do and left
       * the pole wobbling past 0.2 rad (1–2 seeds of 3 for every planner, whatever the samples or noise).
       * At 0.5 s (~12×) the plans rank by the next actions: within 0.07 rad over the last 2 s, up in ~2 s (seeds 0–2).
       * Rollouts in MuJoCo: the same plans succeed at a fifteenth of Rapier's CPU (docs/physics.md).
       */
      plannerDefaults: { horizon: 0.5, engine: 'mujoco' },
      monitor: (saved) => uprightMonitor(angle, saved),
    };
  },
};

/** Writes the pole hanging at hinge angle q (about +y) into a state vector. */
function setPoleAngle(s: Float64Array, q: number, length: number): void {
  s.set([0, 0, PIVOT_HEIGHT, 0, 0, 0, 1], 0);
  const r = axisAngle([0, 1, 0], q);
  // Centre of mass at L/2 below the pivot, rotated by q about +y.
  s.set([-Math.sin(q) * (length / 2), 0, PIVOT_HEIGHT - Math.cos(q) * (length / 2), ...r, 0, 0, 0, 0, 0, 0], 13);
}
