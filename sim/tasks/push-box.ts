/**
 * push-box: a pusher that slides over a table (two force-driven prismatic axes) must push a box to a
 * goal. Contact-rich: the box only moves where the pusher touches it, and friction holds it back.
 */
import { bodyLinearVelocity, bodyPosition } from '../kinematics.ts';
import type { ParamValues } from '../params.ts';
import { stateSize, type SceneDescription } from '../scene.ts';
import type { TaskDefinition, TaskInstance } from '../task.ts';
import { distanceMonitor } from './distance-monitor.ts';

const BOX_HALF = 0.05;
const PUSHER_RADIUS = 0.03;
const PUSHER_Z = 0.06;
const BOX = 3;
const PUSHER = 2;
/** Distance from the goal under which the box counts as delivered. */
export const GOAL_TOLERANCE = 0.05;

export function pushBoxScene(p: ParamValues): SceneDescription {
  return {
    name: 'push-box',
    gravity: [0, 0, -9.81],
    timestep: 0.01,
    solverIterations: 4,
    bodies: [
      {
        name: 'table',
        kind: 'fixed',
        pose: { position: [0, 0, -0.05], rotation: [0, 0, 0, 1] },
        geoms: [{ shape: { type: 'box', halfExtents: [1, 1, 0.05] }, friction: p.friction as number, color: '#8a7a66' }],
      },
      // The carriage rides the x axis; the pusher rides the carriage's y axis.
      { name: 'carriage', kind: 'dynamic', pose: { position: [-0.3, 0, PUSHER_Z], rotation: [0, 0, 0, 1] }, mass: 0.5, geoms: [] },
      {
        name: 'pusher',
        kind: 'dynamic',
        pose: { position: [-0.3, 0, PUSHER_Z], rotation: [0, 0, 0, 1] },
        mass: 0.5,
        linearDamping: 2,
        geoms: [
          {
            shape: { type: 'cylinder', radius: PUSHER_RADIUS, halfHeight: 0.05 },
            pose: { position: [0, 0, 0], rotation: [Math.SQRT1_2, 0, 0, Math.SQRT1_2] },
            friction: 0.2,
            color: '#4a7bd0',
          },
        ],
      },
      {
        name: 'box',
        kind: 'dynamic',
        pose: { position: [0, 0, BOX_HALF], rotation: [0, 0, 0, 1] },
        mass: p.boxMass as number,
        geoms: [{ shape: { type: 'box', halfExtents: [BOX_HALF, BOX_HALF, BOX_HALF] }, friction: p.friction as number, color: '#e0a030' }],
      },
    ],
    joints: [
      { name: 'x', type: 'prismatic', parent: 0, child: 1, anchorParent: [0, 0, PUSHER_Z + 0.05], anchorChild: [0, 0, 0], axis: [1, 0, 0], limits: [-0.9, 0.9] },
      { name: 'y', type: 'prismatic', parent: 1, child: 2, anchorParent: [0, 0, 0], anchorChild: [0, 0, 0], axis: [0, 1, 0], limits: [-0.9, 0.9] },
    ],
    actuators: [
      { name: 'force x', joint: 0, gear: p.maxForce as number, ctrlRange: [-1, 1] },
      { name: 'force y', joint: 1, gear: p.maxForce as number, ctrlRange: [-1, 1] },
    ],
    markers: [{ name: 'goal', position: [p.goalX as number, p.goalY as number, 0.002], radius: GOAL_TOLERANCE, color: '#40c070' }],
  };
}

export const pushBox: TaskDefinition = {
  id: 'push-box',
  title: 'Push box to goal',
  description: 'Slide a box across a table to the green goal with a pusher; contact-rich manipulation.',
  defaultController: 'mppi',
  params: [
    { kind: 'number', key: 'goalX', label: 'Goal x', default: 0.3, min: -0.8, max: 0.8, step: 0.01, unit: 'm' },
    { kind: 'number', key: 'goalY', label: 'Goal y', default: 0.2, min: -0.8, max: 0.8, step: 0.01, unit: 'm' },
    { kind: 'number', key: 'boxMass', label: 'Box mass', default: 0.3, min: 0.05, max: 3, step: 0.05, unit: 'kg' },
    { kind: 'number', key: 'friction', label: 'Table friction', default: 0.5, min: 0, max: 1.5, step: 0.05 },
    { kind: 'number', key: 'maxForce', label: 'Force limit', default: 10, min: 1, max: 50, step: 1, unit: 'N' },
  ],
  build(p): TaskInstance {
    const scene = pushBoxScene(p);
    const goal = [p.goalX as number, p.goalY as number];
    const boxDistance = (s: Float64Array) => {
      const b = bodyPosition(s, BOX);
      return Math.hypot(b[0] - goal[0]!, b[1] - goal[1]!);
    };
    return {
      scene,
      // MPPI brings the box to the goal in under a second; the rest of the episode shows it stays there.
      timing: { controlDt: 0.02, episodeSeconds: 6 },
      // Rollouts in MuJoCo: the box stays in Rapier, the plans succeed alike at a quarter of the CPU (docs/physics.md).
      plannerDefaults: { engine: 'mujoco' },
      actionDim: 2,
      costTerms: [
        { name: 'box to goal', dim: 2, norm: { kind: 'smoothAbs', p: 0.02 }, weight: 10, range: [0, 100] },
        { name: 'pusher to box', dim: 2, norm: { kind: 'smoothAbs', p: 0.02 }, weight: 1, range: [0, 100], help: 'keeps the pusher close to the box' },
        { name: 'box velocity', dim: 2, norm: { kind: 'quadratic' }, weight: 0.1, range: [0, 10] },
        { name: 'control', dim: 2, norm: { kind: 'quadratic' }, weight: 0.05, range: [0, 10] },
      ],
      reset(random) {
        const s = new Float64Array(stateSize(scene));
        const px = -0.3 + random.range(-0.05, 0.05);
        const py = random.range(-0.05, 0.05);
        s.set([0, 0, -0.05, 0, 0, 0, 1], 0);
        s.set([px, 0, PUSHER_Z, 0, 0, 0, 1], 13);
        s.set([px, py, PUSHER_Z, 0, 0, 0, 1], 13 * PUSHER);
        s.set([random.range(-0.03, 0.03), random.range(-0.03, 0.03), BOX_HALF, 0, 0, 0, 1], 13 * BOX);
        return s;
      },
      residual(s, a, out) {
        const b = bodyPosition(s, BOX);
        const q = bodyPosition(s, PUSHER);
        const v = bodyLinearVelocity(s, BOX);
        out[0] = b[0] - goal[0]!;
        out[1] = b[1] - goal[1]!;
        out[2] = q[0] - b[0];
        out[3] = q[1] - b[1];
        out[4] = v[0];
        out[5] = v[1];
        out[6] = a[0] ?? 0;
        out[7] = a[1] ?? 0;
      },
      terminated: (s) => bodyPosition(s, BOX)[2] < -0.5,
      observe(s) {
        const b = bodyPosition(s, BOX);
        const q = bodyPosition(s, PUSHER);
        return Float64Array.of(q[0], q[1], b[0], b[1], goal[0]!, goal[1]!);
      },
      readouts: [
        { name: 'box distance to goal', unit: 'm', read: boxDistance },
        { name: 'pusher x', unit: 'm', read: (s) => bodyPosition(s, PUSHER)[0] },
        { name: 'pusher y', unit: 'm', read: (s) => bodyPosition(s, PUSHER)[1] },
      ],
      tracePoint: (s) => bodyPosition(s, PUSHER),
      monitor: (saved) => distanceMonitor(boxDistance, GOAL_TOLERANCE, saved),
    };
  },
};
