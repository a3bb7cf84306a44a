/**
 * cartpole-swingup: a cart on a rail, driven by a force-limited motor, must swing its pole up from
 * hanging and balance it, staying near the middle of the rail.
 */
import { axisAngle, jointPosition, jointVelocity } from '../kinematics.ts';
import type { ParamValues } from '../params.ts';
import { stateSize, type SceneDescription } from '../scene.ts';
import type { ReducedState, TaskDefinition, TaskInstance } from '../task.ts';
import { wrapAngle } from './angles.ts';
import { uprightMonitor } from './upright-monitor.ts';

const RAIL_HEIGHT = 1.2;
const POLE_RADIUS = 0.02;

export function cartpoleScene(p: ParamValues): SceneDescription {
  const length = p.poleLength as number;
  const railLimit = p.railLimit as number;
  return {
    name: 'cartpole',
    gravity: [0, 0, -9.81],
    timestep: 0.01,
    solverIterations: 4,
    bodies: [
      {
        name: 'rail',
        kind: 'fixed',
        pose: { position: [0, 0, RAIL_HEIGHT], rotation: [0, 0, 0, 1] },
        geoms: [{ shape: { type: 'box', halfExtents: [railLimit + 0.2, 0.015, 0.015] }, visualOnly: true, color: '#56606b' }],
      },
      {
        name: 'cart',
        kind: 'dynamic',
        pose: { position: [0, 0, RAIL_HEIGHT], rotation: [0, 0, 0, 1] },
        mass: p.cartMass as number,
        geoms: [{ shape: { type: 'box', halfExtents: [0.15, 0.1, 0.06] }, color: '#4a7bd0' }],
      },
      {
        name: 'pole',
        kind: 'dynamic',
        // Hanging below the cart: hinge angle 0.
        pose: { position: [0, 0, RAIL_HEIGHT - length / 2], rotation: [0, 0, 0, 1] },
        mass: p.poleMass as number,
        geoms: [
          {
            shape: { type: 'capsule', radius: POLE_RADIUS, halfHeight: Math.max(0.001, length / 2 - POLE_RADIUS) },
            pose: { position: [0, 0, 0], rotation: axisAngle([1, 0, 0], Math.PI / 2) },
            color: '#e0a030',
          },
        ],
      },
    ],
    joints: [
      { name: 'slider', type: 'prismatic', parent: 0, child: 1, anchorParent: [0, 0, 0], anchorChild: [0, 0, 0], axis: [1, 0, 0], limits: [-railLimit, railLimit] },
      { name: 'hinge', type: 'revolute', parent: 1, child: 2, anchorParent: [0, 0, 0], anchorChild: [0, 0, length / 2], axis: [0, 1, 0] },
    ],
    actuators: [{ name: 'force', joint: 0, gear: p.maxForce as number, ctrlRange: [-1, 1] }],
    markers: [{ name: 'goal', position: [0, 0, RAIL_HEIGHT + length], radius: 0.04, color: '#40c070' }],
  };
}

export const cartpoleSwingup: TaskDefinition = {
  id: 'cartpole-swingup',
  title: 'Cart-pole swing-up',
  description: 'Swing the pole up from hanging by pushing the cart, then balance it near the rail centre.',
  defaultController: 'mppi',
  params: [
    { kind: 'number', key: 'poleLength', label: 'Pole length', default: 1, min: 0.3, max: 2, step: 0.05, unit: 'm' },
    { kind: 'number', key: 'poleMass', label: 'Pole mass', default: 0.2, min: 0.02, max: 2, step: 0.01, unit: 'kg' },
    { kind: 'number', key: 'cartMass', label: 'Cart mass', default: 1, min: 0.1, max: 5, step: 0.1, unit: 'kg' },
    { kind: 'number', key: 'maxForce', label: 'Force limit', default: 10, min: 1, max: 100, step: 1, unit: 'N' },
    { kind: 'number', key: 'railLimit', label: 'Rail half-length', default: 2, min: 0.5, max: 5, step: 0.1, unit: 'm' },
    // 'upright' makes the balancing half of the task alone: the cheap learning check PPO's tests train on.
    { kind: 'choice', key: 'start', label: 'Start', default: 'hanging', options: ['hanging', 'upright'], help: 'pole hanging (swing-up) or upright (balance only)' },
  ],
  build(p): TaskInstance {
    const scene = cartpoleScene(p);
    const length = p.poleLength as number;
    const cartX = (s: Float64Array) => jointPosition(scene, s, 0);
    const half = length / 2;
    /** (cart x, hinge angle θ from hanging, ẋ, θ̇) ↔ body states. */
    const readReduced = (s: Float64Array, out: Float64Array) => {
      out[0] = cartX(s);
      out[1] = jointPosition(scene, s, 1);
      out[2] = jointVelocity(scene, s, 0);
      out[3] = jointVelocity(scene, s, 1);
      return out;
    };
    /** The residual's reduced state, reused: a typed array made per rollout step cost more than the residual itself. */
    const scratch = new Float64Array(4);
    const tracedPositions = new Float64Array(2);
    const reduced: ReducedState = {
      names: ['x', 'theta', 'xdot', 'thetadot'],
      fromState: (s) => readReduced(s, new Float64Array(4)),
      toState(r) {
        const [x, q, v, w] = [r[0]!, r[1]!, r[2]!, r[3]!];
        const s = new Float64Array(stateSize(scene));
        const sin = Math.sin(q);
        const cos = Math.cos(q);
        s.set([0, 0, RAIL_HEIGHT, 0, 0, 0, 1], 0);
        s.set([x, 0, RAIL_HEIGHT, 0, 0, 0, 1, v, 0, 0], 13);
        // Pole centre at (x − h sin θ, −h cos θ) below the rail; its velocity follows.
        s.set([x - sin * half, 0, RAIL_HEIGHT - cos * half, ...axisAngle([0, 1, 0], q), v - cos * half * w, 0, sin * half * w, 0, w, 0], 26);
        return s;
      },
      // The costs live here, on joint coordinates; the full-state residual reads them back first.
      residual(r, a, out) {
        out[0] = 2 * Math.sin(wrapAngle(r[1]! - Math.PI) / 2);
        out[1] = r[0]!;
        out[2] = r[2]!;
        out[3] = r[3]!;
        out[4] = a[0] ?? 0;
      },
      tracePoint: (r) => [r[0]! - Math.sin(r[1]!) * length, 0, RAIL_HEIGHT - Math.cos(r[1]!) * length],
    };
    /** Angle from upright: 0 up, ±π hanging. */
    const angle = (s: Float64Array) => wrapAngle(jointPosition(scene, s, 1) - Math.PI);
    return {
      scene,
      timing: { controlDt: 0.02, episodeSeconds: 10 },
      // Rollouts in MuJoCo: the robot stays in Rapier, the plans succeed alike at a fifteenth of the CPU (docs/physics.md).
      plannerDefaults: { engine: 'mujoco' },
      actionDim: 1,
      costTerms: [
        { name: 'upright', dim: 1, norm: { kind: 'quadratic' }, weight: 10, range: [0, 100], help: '2·sin(θ/2), θ = angle from upright (½r² = 1 − cos θ)' },
        { name: 'centered', dim: 1, norm: { kind: 'quadratic' }, weight: 10, range: [0, 100], help: 'cart distance from the rail centre' },
        { name: 'velocity', dim: 2, norm: { kind: 'quadratic' }, weight: 0.01, range: [0, 10], help: 'cart and pole velocities' },
        { name: 'control', dim: 1, norm: { kind: 'quadratic' }, weight: 0.01, range: [0, 10] },
      ],
      reset: (random) => reduced.toState([random.range(-0.1, 0.1), (p.start === 'upright' ? Math.PI : 0) + random.range(-0.1, 0.1), 0, 0]),
      reduced,
      residual: (s, a, out) => reduced.residual!(readReduced(s, scratch), a, out),
      terminated: (s) => !Number.isFinite(s[13]!),
      observe(s) {
        const q = jointPosition(scene, s, 1);
        return Float64Array.of(cartX(s), Math.cos(q), Math.sin(q), jointVelocity(scene, s, 0), jointVelocity(scene, s, 1));
      },
      readouts: [
        { name: 'cart position', unit: 'm', read: cartX },
        { name: 'pole angle from upright', unit: 'rad', read: angle },
      ],
      // Positions only, into a scratch state: planners trace every rollout step.
      tracePoint: (s) => {
        tracedPositions[0] = cartX(s);
        tracedPositions[1] = jointPosition(scene, s, 1);
        return reduced.tracePoint!(tracedPositions);
      },
      monitor: (saved) => uprightMonitor(angle, saved),
    };
  },
};
