/**
 * What a trained policy observes and commands, written as the policy section of a model card, so the
 * environments build observations and apply actions with the very code `onnx-policy` runs the exported
 * model with (models/observation-layout.ts, control/policy/onnx-policy.ts). Derived from the scene:
 *
 * - fixed-base robots (pendulum, cart-pole, arms): every joint's position and velocity;
 * - floating-base robots: legged_gym's 48-number layout (base velocities, projected gravity, command,
 *   joint positions about the default pose, joint velocities, last action), as go2-walk observes.
 *
 * Actions per actuator kind: motors take torques (raw · gear, the raw output clipped to the control
 * range), position servos take targets about the default pose (legged_gym's scale 0.25), velocity
 * servos take speeds. Joints whose angle wraps (revolute, no limits) enter the network as cos and sin
 * (`angleFeatures`), computed inside the exported graph too.
 */
import type { PolicySpec } from '../models/model-card.ts';
import { Random } from '../sim/random.ts';
import { floatingBase } from '../sim/scene.ts';
import type { TaskInstance } from '../sim/task.ts';

/** legged_gym's observation and action scales (go2-walk uses the same). */
const LEGGED = { linVel: 2, angVel: 0.25, jointVel: 0.05, action: 0.25 };

export interface PolicyLayout {
  policy: PolicySpec;
  /** Length of the card observation. */
  obsDim: number;
  /** Indices into the card observation that are wrapping angles (fed to the network as cos, sin). */
  angleIndices: number[];
  /** Length of the network input: obsDim + angleIndices.length (each angle becomes two numbers). */
  featureDim: number;
  actionDim: number;
}

export function policyLayout(task: TaskInstance): PolicyLayout {
  const { scene } = task;
  const actuated = scene.actuators.map((a) => scene.joints[a.joint]!.name);
  const kinds = scene.actuators.map((a) => a.kind ?? 'motor');
  const base = floatingBase(scene);
  const reset = task.reset(new Random(0));
  const defaultPose = Array.from(task.holdAction?.(reset) ?? new Float64Array(actuated.length), (x, i) => (kinds[i] === 'position' ? x : 0));
  let terms: PolicySpec['observation']['terms'];
  let angleIndices: number[] = [];
  if (base === undefined) {
    const moving = scene.joints.filter((j) => j.type === 'revolute' || j.type === 'prismatic');
    const names = moving.map((j) => j.name);
    terms = [
      { name: 'joint_pos', size: names.length, scale: 1, history: 1, joints: names },
      { name: 'joint_vel', size: names.length, scale: 1, history: 1, joints: names },
    ];
    angleIndices = moving.flatMap((j, i) => (j.type === 'revolute' && !j.limits ? [i] : []));
  } else {
    const n = actuated.length;
    terms = [
      { name: 'base_lin_vel', size: 3, scale: LEGGED.linVel, history: 1 },
      { name: 'base_ang_vel', size: 3, scale: LEGGED.angVel, history: 1 },
      { name: 'projected_gravity', size: 3, scale: 1, history: 1 },
      { name: 'velocity_command', size: 3, scale: [LEGGED.linVel, LEGGED.linVel, LEGGED.angVel], history: 1 },
      { name: 'joint_pos_rel', size: n, scale: 1, history: 1 },
      { name: 'joint_vel', size: n, scale: LEGGED.jointVel, history: 1 },
      { name: 'last_action', size: n, scale: 1, history: 1 },
    ];
  }
  const type = kinds.map((k) => (k === 'motor' ? 'torque' : k) as 'torque' | 'position' | 'velocity');
  const policy: PolicySpec = {
    joints: actuated,
    defaultPose,
    observation: { terms, historyOrder: 'term' },
    action: {
      type,
      scale: scene.actuators.map((a, i) => (type[i] === 'torque' ? a.gear : type[i] === 'position' ? LEGGED.action : 1)),
      offset: 'defaultPose',
      ...(type.every((t) => t === 'torque')
        ? { clip: { lower: scene.actuators.map((a) => a.ctrlRange[0]), upper: scene.actuators.map((a) => a.ctrlRange[1]) } }
        : {}),
    },
    pd: {
      stiffness: scene.actuators.map((a) => (a.kind === 'position' ? (a.kp ?? 0) : 0)),
      servoDamping: scene.actuators.map((a) => (a.kind === 'position' || a.kind === 'velocity' ? (a.kv ?? 0) : 0)),
    },
    rates: { controlHz: 1 / task.timing.controlDt, physicsHz: 1 / scene.timestep },
  };
  const obsDim = terms.reduce((s, t) => s + t.size, 0);
  return { policy, obsDim, angleIndices, featureDim: obsDim + angleIndices.length, actionDim: actuated.length };
}

/** Card observation → network input: the non-angle entries in order, then cos and sin of each angle. */
export function toFeatures(layout: PolicyLayout, obs: ArrayLike<number>, out: Float32Array, offset = 0): void {
  let k = offset;
  const angles = layout.angleIndices;
  for (let i = 0; i < layout.obsDim; i++) if (!angles.includes(i)) out[k++] = obs[i]!;
  for (const i of angles) out[k++] = Math.cos(obs[i]!);
  for (const i of angles) out[k++] = Math.sin(obs[i]!);
}
