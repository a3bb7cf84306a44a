/**
 * From robot quantities to a policy's observation vector, and from its output to joint commands, as a
 * model card describes them. Pure functions over plain records, so the same code serves a simulated
 * robot, a real one and a test with a hand-written state.
 *
 * Observation: for each term in card order, read the quantity (joint terms in card joint order, by
 * name), subtract the default pose for joint_pos_rel, zero the listed joints, multiply by the scale,
 * clip the term, keep `history` frames; then clip the whole vector to ±observation.clip.
 * Action: clip the raw output, multiply by the scale, add the offset; per joint the result is a
 * position target, a velocity target or a torque, with the card's PD gains.
 */
import { observationSize, type ActionType, type ObservationTerm, type PolicySpec } from './model-card.ts';

/** What a robot reports, in the frames the terms expect. */
export interface RobotQuantities {
  /** Base linear velocity in the body frame (m/s). */
  baseLinVel?: ArrayLike<number>;
  /** Base angular velocity in the body frame (rad/s). */
  baseAngVel?: ArrayLike<number>;
  /** Unit gravity direction in the body frame (see `projectedGravity`). */
  projectedGravity?: ArrayLike<number>;
  /** Joint positions by joint name (rad or m). */
  jointPos?: Record<string, number>;
  /** Joint velocities by joint name. */
  jointVel?: Record<string, number>;
  /** Previous raw policy output (card joint order); zeros when absent. */
  lastAction?: ArrayLike<number>;
  /** Commanded [vx, vy, yaw rate] (or whatever the velocity_command term's size says). */
  command?: ArrayLike<number>;
  /** Site sensors by name (the robot's RobotState.sensors): gyro, accelerometer, frame sensors, touch. */
  sensors?: Record<string, ArrayLike<number>>;
  extra?: Record<string, ArrayLike<number>>;
}

export class ObservationError extends Error {
  override name = 'ObservationError';
}

/** Gravity [0,0,-1] in the body frame of a base with orientation quaternion (w, x, y, z): R(q)ᵀ·g. */
export function projectedGravity(w: number, x: number, y: number, z: number): [number, number, number] {
  // Third row of R(q) (the world z axis in body coordinates), negated.
  return [0 - 2 * (x * z - w * y), 0 - 2 * (y * z + w * x), 2 * (x * x + y * y) - 1];
}

/** One frame of one term: raw value, relative/zeroed, scaled and clipped. */
export function termValue(policy: PolicySpec, term: ObservationTerm, q: RobotQuantities): Float64Array {
  const out = new Float64Array(term.size);
  const joints = policy.joints;
  const fromVector = (v: ArrayLike<number> | undefined, what: string, required: boolean) => {
    if (!v) {
      if (required) throw new ObservationError(`observation term '${term.name}' needs ${what}`);
      return;
    }
    if (v.length < term.size) throw new ObservationError(`observation term '${term.name}' needs ${term.size} values of ${what}, got ${v.length}`);
    for (let i = 0; i < term.size; i++) out[i] = v[i]!;
  };
  const fromJoints = (record: Record<string, number> | undefined, what: string, subtractDefault: boolean) => {
    if (!record) throw new ObservationError(`observation term '${term.name}' needs ${what}`);
    (term.joints ?? joints).forEach((name, i) => {
      const v = record[name];
      if (v === undefined) throw new ObservationError(`observation term '${term.name}': the robot reports no ${what} for joint '${name}'`);
      // A term with its own joint list has no default pose to subtract.
      out[i] = subtractDefault && !term.joints ? v - policy.defaultPose[i]! : v;
    });
  };
  switch (term.name) {
    case 'base_lin_vel':
      fromVector(q.baseLinVel, 'the base linear velocity (body frame)', true);
      break;
    case 'base_ang_vel':
      fromVector(q.baseAngVel, 'the base angular velocity (body frame)', true);
      break;
    case 'projected_gravity':
      fromVector(q.projectedGravity, 'the projected gravity', true);
      break;
    case 'velocity_command':
      fromVector(q.command, 'a command', false);
      break;
    case 'joint_pos':
      fromJoints(q.jointPos, 'joint position', false);
      break;
    case 'joint_pos_rel':
      fromJoints(q.jointPos, 'joint position', true);
      break;
    case 'joint_vel':
    case 'joint_vel_rel':
      fromJoints(q.jointVel, 'joint velocity', false);
      break;
    case 'last_action':
      fromVector(q.lastAction, 'the last action', false);
      break;
    case 'sensor':
      fromVector(q.sensors?.[term.key ?? ''], `the robot's sensor '${term.key}'${q.sensors ? ` (it has ${Object.keys(q.sensors).map((k) => `'${k}'`).join(', ') || 'none'})` : ' (it reports no sensors)'}`, true);
      break;
    case 'custom':
      fromVector(q.extra?.[term.key ?? ''], `extra['${term.key}']`, true);
      break;
  }
  for (const name of term.zeroJoints ?? []) out[(term.joints ?? joints).indexOf(name)] = 0;
  for (let i = 0; i < term.size; i++) {
    const s = Array.isArray(term.scale) ? term.scale[i]! : (term.scale as number);
    let v = out[i]! * s;
    if (term.clip) v = Math.min(term.clip[1], Math.max(term.clip[0], v));
    out[i] = v;
  }
  return out;
}

/**
 * Builds observations over time, keeping each term's history. The first frame after `reset` fills the
 * whole history (Isaac Lab's CircularBuffer does the same), so the first observation is well defined.
 */
export class ObservationBuilder {
  readonly size: number;
  private history: Float64Array[][] = [];

  constructor(readonly policy: PolicySpec) {
    this.size = observationSize(policy);
  }

  reset(): void {
    this.history = [];
  }

  /** The frames held for history terms, as plain arrays (a training checkpoint stores them). */
  saveHistory(): number[][][] {
    return this.history.map((h) => h.map((f) => Array.from(f)));
  }

  restoreHistory(saved: number[][][]): void {
    this.history = saved.map((h) => h.map((f) => Float64Array.from(f)));
  }

  build(q: RobotQuantities, out = new Float32Array(this.size)): Float32Array {
    const { terms, historyOrder, clip } = this.policy.observation;
    const frames = terms.map((t) => termValue(this.policy, t, q));
    if (!this.history.length) this.history = terms.map((t, i) => Array.from({ length: t.history }, () => frames[i]!));
    else terms.forEach((_, i) => {
      const h = this.history[i]!;
      h.shift();
      h.push(frames[i]!);
    });
    let k = 0;
    if (historyOrder === 'term') {
      // Per term, oldest frame first.
      for (const h of this.history) for (const f of h) for (const v of f) out[k++] = v;
    } else {
      // Whole frames, newest first; terms with shorter histories drop out of older frames.
      const longest = Math.max(...terms.map((t) => t.history));
      for (let age = 0; age < longest; age++) {
        this.history.forEach((h) => {
          const f = h[h.length - 1 - age];
          if (f) for (const v of f) out[k++] = v;
        });
      }
    }
    if (clip !== undefined) for (let i = 0; i < k; i++) out[i] = Math.min(clip, Math.max(-clip, out[i]!));
    return out;
  }
}

/** Per-joint commands in card joint order. */
export interface JointCommands {
  joints: readonly string[];
  type: ActionType[];
  /** Target position (rad) for position joints; the current default elsewhere is not used. */
  position: Float64Array;
  /** Target velocity for velocity joints (0 for position joints, which PD damps towards rest). */
  velocity: Float64Array;
  /** Feed-forward torque for torque joints. */
  torque: Float64Array;
  stiffness: Float64Array;
  damping: Float64Array;
}

/** The action type of each card joint (one type for all, or one per joint). */
export function actionTypes(policy: PolicySpec): ActionType[] {
  const { type } = policy.action;
  return Array.isArray(type) ? [...type] : policy.joints.map(() => type);
}

/** Raw policy output → joint commands: clip, scale, offset, per joint type. */
export function mapAction(policy: PolicySpec, raw: ArrayLike<number>): JointCommands {
  const n = policy.joints.length;
  if (raw.length !== n) throw new ObservationError(`policy output has ${raw.length} values, the card lists ${n} joints`);
  const a = policy.action;
  const type = actionTypes(policy);
  const cmd: JointCommands = {
    joints: policy.joints,
    type,
    position: new Float64Array(n),
    velocity: new Float64Array(n),
    torque: new Float64Array(n),
    stiffness: Float64Array.from(policy.pd.stiffness),
    damping: Float64Array.from(policy.pd.servoDamping),
  };
  for (let i = 0; i < n; i++) {
    let v = raw[i]!;
    if (a.clip) {
      const [lo, hi] = Array.isArray(a.clip) ? a.clip : [a.clip.lower[i]!, a.clip.upper[i]!];
      v = Math.min(hi, Math.max(lo, v));
    }
    const scale = Array.isArray(a.scale) ? a.scale[i]! : (a.scale as number);
    const offset = a.offset === 'defaultPose' ? policy.defaultPose[i]! : Array.isArray(a.offset) ? a.offset[i]! : a.offset;
    const value = v * scale + offset;
    if (type[i] === 'position') cmd.position[i] = value;
    else if (type[i] === 'velocity') cmd.velocity[i] = value;
    else cmd.torque[i] = value;
  }
  return cmd;
}

/** PD torque per joint for commands at joint state (q, dq): kp·(q* − q) + kd·(dq* − dq) + τff, clamped to the card's limits. */
export function pdTorque(policy: PolicySpec, cmd: JointCommands, q: ArrayLike<number>, dq: ArrayLike<number>, out = new Float64Array(cmd.joints.length)): Float64Array {
  for (let i = 0; i < out.length; i++) {
    const positionTerm = cmd.type[i] === 'position' ? cmd.stiffness[i]! * (cmd.position[i]! - q[i]!) : 0;
    let tau = positionTerm + cmd.damping[i]! * (cmd.velocity[i]! - dq[i]!) + cmd.torque[i]!;
    const limit = policy.pd.torqueLimit?.[i];
    if (limit !== undefined) tau = Math.min(limit, Math.max(-limit, tau));
    out[i] = tau;
  }
  return out;
}

/**
 * Index of each card joint among the robot's joints; throws naming every card joint the robot lacks.
 */
export function jointIndexMap(cardJoints: readonly string[], robotJoints: readonly string[]): Int32Array {
  const missing = cardJoints.filter((j) => !robotJoints.includes(j));
  if (missing.length) {
    throw new ObservationError(`the card's joint${missing.length > 1 ? 's' : ''} ${missing.map((j) => `'${j}'`).join(', ')} not found on the robot; robot joints: ${robotJoints.join(', ')}`);
  }
  return Int32Array.from(cardJoints, (j) => robotJoints.indexOf(j));
}
