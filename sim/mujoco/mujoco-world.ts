/**
 * A scene simulated by MuJoCo (its official WebAssembly build) behind the same interface as Rapier's
 * PhysicsWorld, so a SimRobot, a session and the task monitors run on either engine unchanged.
 *
 * The state crosses in the scene's terms (per body: origin, rotation, centre-of-mass velocity, angular
 * velocity, all in the world frame — what Rapier reports). Out of MuJoCo it is read from xpos/xquat and
 * cvel (MuJoCo's com-based velocities), refreshed once per read, not per step; into it, scene states
 * become qpos/qvel: joint positions and velocities read from the bodies (sim/kinematics.ts) and, for a
 * free body, its pose and origin velocity.
 */
import { bodyAngularVelocity, bodyLinearVelocity, bodyPosition, bodyRotation, jointPosition, jointVelocity, multiply, rotate, rotateInverse } from '../kinematics.ts';
import { BODY_POSE_SIZE, BODY_STATE_SIZE, type SceneDescription } from '../scene.ts';
import type { SimWorld } from '../robot/sim-world.ts';
import { loadMujoco, takeMujocoOutput, type Mujoco } from './load-mujoco.ts';
import { sceneToMjcf } from './scene-mjcf.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- mujoco-js types its models and data as `any` */
type MjModel = any;
type MjData = any;

let compiled = 0;

export class MujocoWorld implements SimWorld {
  readonly warnings: string[];
  private readonly model: MjModel;
  private readonly data: MjData;
  /** MuJoCo body id of each scene body. */
  private readonly bodyId: Int32Array;
  private readonly rootId: Int32Array;
  /** qpos/qvel addresses of each scene joint (−1: welded), and of each free body's free joint. */
  private readonly jointQpos: Int32Array;
  private readonly jointDof: Int32Array;
  private readonly freeQpos: Int32Array;
  private readonly freeDof: Int32Array;
  private ctrl: Float64Array;
  /** Whether xpos, xquat and cvel describe the current qpos/qvel (MuJoCo computes them before integrating). */
  private synced = false;
  private pushed: number | undefined;

  /** Builds the world from a scene, written out as MJCF (sim/mujoco/scene-mjcf.ts). */
  static async create(scene: SceneDescription): Promise<MujocoWorld> {
    return new MujocoWorld(await loadMujoco(), scene);
  }

  constructor(
    private readonly mj: Mujoco,
    readonly scene: SceneDescription,
  ) {
    const { xml, warnings } = sceneToMjcf(scene);
    this.warnings = warnings;
    this.model = compile(mj, xml, `scene '${scene.name}'`);
    this.data = new mj.MjData(this.model);
    const id = (type: 'mjOBJ_BODY' | 'mjOBJ_JOINT', name: string) => mj.mj_name2id(this.model, mj.mjtObj[type].value, name);
    this.bodyId = Int32Array.from(scene.bodies, (_, b) => id('mjOBJ_BODY', `b${b}`));
    const rootids = this.model.body_rootid as Int32Array;
    this.rootId = Int32Array.from(this.bodyId, (b) => rootids[b]!);
    const qposadr = this.model.jnt_qposadr as Int32Array;
    const dofadr = this.model.jnt_dofadr as Int32Array;
    const addresses = (name: (i: number) => string, n: number) => {
      const ids = Array.from({ length: n }, (_, i) => id('mjOBJ_JOINT', name(i)));
      return [Int32Array.from(ids, (j) => (j < 0 ? -1 : qposadr[j]!)), Int32Array.from(ids, (j) => (j < 0 ? -1 : dofadr[j]!))] as const;
    };
    [this.jointQpos, this.jointDof] = addresses((j) => `j${j}`, scene.joints.length);
    [this.freeQpos, this.freeDof] = addresses((b) => `free${b}`, scene.bodies.length);
    this.ctrl = this.data.ctrl as Float64Array;
    this.setState(this.restState());
  }

  get timestep(): number {
    return this.scene.timestep;
  }

  step(ctrl: ArrayLike<number>): void {
    // A view into MuJoCo's heap: growing the heap detaches it (length 0), so it is fetched again then.
    if (this.ctrl.length === 0 && this.scene.actuators.length) this.ctrl = this.data.ctrl as Float64Array;
    for (let i = 0; i < this.ctrl.length; i++) this.ctrl[i] = ctrl[i] ?? 0;
    this.mj.mj_step(this.model, this.data);
    if (this.pushed !== undefined) {
      (this.data.xfrc_applied as Float64Array).fill(0, this.pushed * 6, this.pushed * 6 + 6);
      this.pushed = undefined;
    }
    this.synced = false;
  }

  pushBody(body: number, force: readonly number[], point: readonly number[]): void {
    this.sync();
    const id = this.bodyId[body]!;
    const com = (this.data.xipos as Float64Array).subarray(3 * id, 3 * id + 3);
    const r = [point[0]! - com[0]!, point[1]! - com[1]!, point[2]! - com[2]!];
    const [fx, fy, fz] = [force[0]!, force[1]!, force[2]!];
    (this.data.xfrc_applied as Float64Array).set([fx, fy, fz, r[1]! * fz - r[2]! * fy, r[2]! * fx - r[0]! * fz, r[0]! * fy - r[1]! * fx], 6 * id);
    this.pushed = id;
  }

  getState(out: Float64Array = new Float64Array(this.scene.bodies.length * BODY_STATE_SIZE)): Float64Array {
    this.sync();
    const xpos = this.data.xpos as Float64Array;
    const xquat = this.data.xquat as Float64Array;
    const xipos = this.data.xipos as Float64Array;
    const cvel = this.data.cvel as Float64Array;
    const subtreeCom = this.data.subtree_com as Float64Array;
    for (let b = 0; b < this.bodyId.length; b++) {
      const id = this.bodyId[b]!;
      const root = this.rootId[b]!;
      const o = b * BODY_STATE_SIZE;
      out[o] = xpos[3 * id]!; out[o + 1] = xpos[3 * id + 1]!; out[o + 2] = xpos[3 * id + 2]!;
      out[o + 3] = xquat[4 * id + 1]!; out[o + 4] = xquat[4 * id + 2]!; out[o + 5] = xquat[4 * id + 3]!; out[o + 6] = xquat[4 * id]!;
      // cvel is (angular, linear) about the subtree root's centre of mass; move the linear part to the body's.
      const wx = cvel[6 * id]!, wy = cvel[6 * id + 1]!, wz = cvel[6 * id + 2]!;
      const rx = xipos[3 * id]! - subtreeCom[3 * root]!, ry = xipos[3 * id + 1]! - subtreeCom[3 * root + 1]!, rz = xipos[3 * id + 2]! - subtreeCom[3 * root + 2]!;
      out[o + 7] = cvel[6 * id + 3]! + wy * rz - wz * ry;
      out[o + 8] = cvel[6 * id + 4]! + wz * rx - wx * rz;
      out[o + 9] = cvel[6 * id + 5]! + wx * ry - wy * rx;
      out[o + 10] = wx; out[o + 11] = wy; out[o + 12] = wz;
    }
    return out;
  }

  setState(state: ArrayLike<number>): void {
    const { scene } = this;
    if (state.length !== scene.bodies.length * BODY_STATE_SIZE) {
      throw new Error(`state has ${state.length} values, scene '${scene.name}' needs ${scene.bodies.length * BODY_STATE_SIZE}`);
    }
    const qpos = this.data.qpos as Float64Array;
    const qvel = this.data.qvel as Float64Array;
    for (let b = 0; b < scene.bodies.length; b++) {
      const a = this.freeQpos[b]!;
      if (a < 0) continue;
      const p = bodyPosition(state, b);
      const q = bodyRotation(state, b);
      const v = bodyLinearVelocity(state, b);
      const w = bodyAngularVelocity(state, b);
      qpos.set([...p, q[3], q[0], q[1], q[2]], a);
      // A free joint's velocity: the body origin's, in the world frame; the angular velocity in the body frame.
      const com = this.comOffsetWorld(b, q);
      const d = this.freeDof[b]!;
      qvel.set([v[0] - (w[1] * com[2] - w[2] * com[1]), v[1] - (w[2] * com[0] - w[0] * com[2]), v[2] - (w[0] * com[1] - w[1] * com[0]), ...rotateInverse(q, w)], d);
    }
    for (let j = 0; j < scene.joints.length; j++) {
      const a = this.jointQpos[j]!;
      if (a < 0) continue;
      const joint = scene.joints[j]!;
      const d = this.jointDof[j]!;
      if (joint.type === 'spherical') {
        const qp = bodyRotation(state, joint.parent);
        const qc = bodyRotation(state, joint.child);
        const rel = multiply([-qp[0], -qp[1], -qp[2], qp[3]], qc);
        qpos.set([rel[3], rel[0], rel[1], rel[2]], a);
        const wp = bodyAngularVelocity(state, joint.parent);
        const wc = bodyAngularVelocity(state, joint.child);
        qvel.set(rotateInverse(qc, [wc[0] - wp[0], wc[1] - wp[1], wc[2] - wp[2]]), d);
      } else {
        qpos[a] = jointPosition(scene, state, j);
        qvel[d] = jointVelocity(scene, state, j);
      }
    }
    this.mj.mj_forward(this.model, this.data);
    this.synced = true;
  }

  getPoses(out: Float32Array = new Float32Array(this.scene.bodies.length * BODY_POSE_SIZE)): Float32Array {
    this.sync();
    const xpos = this.data.xpos as Float64Array;
    const xquat = this.data.xquat as Float64Array;
    for (let b = 0; b < this.bodyId.length; b++) {
      const id = this.bodyId[b]!;
      out.set([xpos[3 * id]!, xpos[3 * id + 1]!, xpos[3 * id + 2]!, xquat[4 * id + 1]!, xquat[4 * id + 2]!, xquat[4 * id + 3]!, xquat[4 * id]!], b * BODY_POSE_SIZE);
    }
    return out;
  }

  /** Contacts are not read back from MuJoCo yet: the viewport shows none for this engine. */
  contacts(): Float32Array {
    return new Float32Array(0);
  }

  bodyMass(index: number): number {
    return (this.model.body_mass as Float64Array)[this.bodyId[index]!]!;
  }

  dispose(): void {
    this.data.delete();
    this.model.delete();
  }

  /** The scene's own start: every body where the description puts it, at rest. */
  private restState(): Float64Array {
    const state = new Float64Array(this.scene.bodies.length * BODY_STATE_SIZE);
    this.scene.bodies.forEach((body, b) => state.set([...body.pose.position, ...body.pose.rotation], b * BODY_STATE_SIZE));
    return state;
  }

  /** The centre of mass of scene body `b` relative to its origin, in the world frame, at rotation `q`. */
  private comOffsetWorld(b: number, q: ArrayLike<number>): [number, number, number] {
    const id = this.bodyId[b]!;
    const local = (this.model.body_ipos as Float64Array).subarray(3 * id, 3 * id + 3);
    return rotate(q, local);
  }

  private sync(): void {
    if (this.synced) return;
    this.mj.mj_kinematics(this.model, this.data);
    this.mj.mj_comPos(this.model, this.data);
    this.mj.mj_comVel(this.model, this.data);
    this.synced = true;
  }
}

/** Compiles MJCF text in MuJoCo's in-memory file system; a failure carries what MuJoCo printed. */
export function compile(mj: Mujoco, xml: string, what: string): MjModel {
  const path = `/actuate-scene-${compiled++}.xml`;
  mj.FS.writeFile(path, xml);
  takeMujocoOutput();
  let model: MjModel;
  try {
    model = mj.MjModel.loadFromXML(path);
  } catch (err) {
    throw new Error(`MuJoCo could not compile ${what}: ${takeMujocoOutput().join(' ') || (err as Error).message || 'no detail given'}`);
  } finally {
    mj.FS.unlink(path);
  }
  if (!model) throw new Error(`MuJoCo could not compile ${what}: ${takeMujocoOutput().join(' ') || 'no detail given'}`);
  return model;
}
