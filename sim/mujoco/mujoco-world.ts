/**
 * A scene simulated by MuJoCo (its official WebAssembly build) behind the same interface as Rapier's
 * PhysicsWorld, so a SimRobot, a session and the task monitors run on either engine unchanged.
 *
 * The state crosses in the scene's terms (per body: origin, rotation, centre-of-mass velocity, angular
 * velocity, all in the world frame — what Rapier reports). Out of MuJoCo it is read from xpos/xquat and
 * cvel (MuJoCo's com-based velocities), refreshed once per read, not per step; into it, scene states
 * become qpos/qvel: joint positions and velocities read from the bodies (sim/kinematics.ts) and, for a
 * free body, its pose and origin velocity.
 *
 * The MuJoCo model is either the scene written out as MJCF (sim/mujoco/scene-mjcf.ts: any scene, body
 * frames equal to the scene's) or, for a robot that came from an MJCF file, that file compiled by
 * MuJoCo itself (its own contacts, armature, meshes and solver options), matched to the scene by body,
 * joint and actuator names, each body's frame related to the scene's by its rotation at the rest pose.
 * The scene's actuators (free play's servos, a policy card's gains) are written into the model's
 * actuators, so a command means the same in both engines.
 */
import { bodyAngularVelocity, bodyLinearVelocity, bodyPosition, bodyRotation, jointPosition, jointVelocity, multiply, multiplyInto, rotate, rotateInverse } from '../kinematics.ts';
import { BODY_POSE_SIZE, BODY_STATE_SIZE, type Quat, type SceneDescription } from '../scene.ts';
import type { SimWorld } from '../robot/sim-world.ts';
import { packContacts, type Contact } from '../../protocol/contacts.ts';
import { addBodyDamping } from './body-damping.ts';
import { compileText } from './compile.ts';
import { loadMujoco, type Mujoco } from './load-mujoco.ts';
import { compileMjcfFile } from './mjcf-file.ts';
import { SaturatedServos } from './saturated-servos.ts';
import { sceneToMjcf } from './scene-mjcf.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- mujoco-js types its models and data as `any` */
type MjModel = any;
type MjData = any;

const IDENTITY: Quat = [0, 0, 0, 1];
const FREE_JOINT = 0;

export interface MujocoWorldOptions {
  /** Compile this MJCF file natively instead of writing the scene out; the scene must be imported from it. */
  mjcfFile?: string;
  /**
   * For planner rollouts, which read the state after every step but never the contacts: a step is
   * MuJoCo's mj_step2, and reading the state runs mj_step1 — the next step's position and velocity
   * stages — instead of recomputing the kinematics for it, so they are computed once a step, not twice.
   * The same physics as mj_step (MuJoCo's split of it), except under RK4, which keeps mj_step. `contacts()`
   * is then unavailable: after a read, MuJoCo's contact list is the next step's, without its forces.
   */
  fuseSteps?: boolean;
}

/** mjtIntegrator's RK4, which mj_step2 replaces by Euler. */
const RK4 = 1;

export class MujocoWorld implements SimWorld {
  /** setState clears the solver's warm start (a contact scene steps the same after any history: mujoco-world.test.ts). */
  readonly historyFree = true;
  readonly warnings: string[] = [];
  /** Where MuJoCo's model came from: the scene written as MJCF, or the robot's own MJCF file. */
  readonly source: 'scene' | 'file';
  private readonly model: MjModel;
  private readonly data: MjData;
  /** MuJoCo body id of each scene body (−1: a fixed scene body MuJoCo does not have, the added ground). */
  private readonly bodyId: Int32Array;
  private readonly rootId: Int32Array;
  /** Per scene body: scene rotation = MuJoCo xquat ⊗ offset (x, y, z, w); identity for a written scene. */
  private readonly offset: Quat[];
  /** qpos/qvel addresses of each scene joint (−1: welded), and of each free body's free joint. */
  private readonly jointQpos: Int32Array;
  private readonly jointDof: Int32Array;
  private readonly jointId: Int32Array;
  private readonly freeQpos: Int32Array;
  private readonly freeDof: Int32Array;
  /** MuJoCo actuator id of each scene actuator. */
  private readonly actuatorId: Int32Array;
  private ctrl: Float64Array;
  private readonly servos: SaturatedServos;
  /** Whether xpos, xquat and cvel describe the current qpos/qvel (MuJoCo computes them before integrating). */
  private synced = false;
  /** mj_step1 has run for the present state (fused steps): the next step is mj_step2 alone. */
  private stagedStep = false;
  private readonly fused: boolean;
  private pushed: number | undefined;
  /**
   * mj_contactForce's answer (normal force, two frictional forces, three torques; contact frame), in
   * MuJoCo's heap: a plain typed array would be copied in and the answer lost. Made on first use.
   */
  private contactForce: { GetView(): Float64Array; delete(): void } | undefined;
  private heap: HeapViews | undefined;

  /** Builds the world from a scene, written out as MJCF, or compiled from the robot's MJCF file. */
  static async create(scene: SceneDescription, options: MujocoWorldOptions = {}): Promise<MujocoWorld> {
    return new MujocoWorld(await loadMujoco(), scene, options);
  }

  constructor(
    private readonly mj: Mujoco,
    readonly scene: SceneDescription,
    options: MujocoWorldOptions = {},
  ) {
    const file = options.mjcfFile;
    this.source = file ? 'file' : 'scene';
    const hasGround = scene.bodies.some((b) => b.name === 'ground' && b.kind === 'fixed');
    if (file) this.model = compileMjcfFile(mj, file, { ground: hasGround });
    else {
      const written = sceneToMjcf(scene);
      this.warnings.push(...written.warnings);
      this.model = compileText(mj, written.xml, `scene '${scene.name}'`);
    }
    const m = this.model;
    // The scene's rates win over the file's (a policy card's physics rate, free play's default).
    m.opt.timestep = scene.timestep;
    (m.opt.gravity as Float64Array).set(scene.gravity);
    this.data = new mj.MjData(m);
    const id = (type: 'mjOBJ_BODY' | 'mjOBJ_JOINT' | 'mjOBJ_ACTUATOR', name: string) => mj.mj_name2id(m, mj.mjtObj[type].value, name);
    const what = file ? `'${file}'` : `scene '${scene.name}'`;
    this.bodyId = Int32Array.from(scene.bodies, (body, b) => {
      const found = id('mjOBJ_BODY', file ? body.name : `b${b}`);
      if (found < 0 && body.kind === 'dynamic') throw new Error(`MuJoCo's model of ${what} has no body '${body.name}'`);
      return found;
    });
    const rootids = m.body_rootid as Int32Array;
    this.rootId = Int32Array.from(this.bodyId, (b) => (b < 0 ? -1 : rootids[b]!));
    const qposadr = m.jnt_qposadr as Int32Array;
    const dofadr = m.jnt_dofadr as Int32Array;
    this.jointId = Int32Array.from(scene.joints, (joint, j) => {
      if (joint.type === 'fixed') return -1;
      const found = id('mjOBJ_JOINT', file ? joint.name : `j${j}`);
      if (found < 0) throw new Error(`MuJoCo's model of ${what} has no joint '${joint.name}'`);
      return found;
    });
    this.jointQpos = Int32Array.from(this.jointId, (j) => (j < 0 ? -1 : qposadr[j]!));
    this.jointDof = Int32Array.from(this.jointId, (j) => (j < 0 ? -1 : dofadr[j]!));
    const freeJoint = this.bodyId.map((body) => (body < 0 ? -1 : freeJointOf(m, body)));
    this.freeQpos = Int32Array.from(freeJoint, (j) => (j < 0 ? -1 : qposadr[j]!));
    this.freeDof = Int32Array.from(freeJoint, (j) => (j < 0 ? -1 : dofadr[j]!));
    this.actuatorId = Int32Array.from(scene.actuators, (a, i) => {
      if (!file) return i;
      const found = id('mjOBJ_ACTUATOR', a.name);
      if (found < 0) throw new Error(`MuJoCo's model of ${what} has no actuator '${a.name}'`);
      return found;
    });
    if (file) this.writeActuators();
    this.servos = new SaturatedServos(scene.actuators, this.actuatorId, this.jointQpos, this.jointDof, m.opt.integrator as number);
    this.offset = file ? this.restOffsets() : scene.bodies.map(() => IDENTITY);
    // The same physics without the broadphase's time (a fifth of the cart-pole's step) when nothing can touch.
    if (!geomsCanCollide(mj, m)) m.opt.disableflags = (m.opt.disableflags as number) | mj.mjtDisableBit.mjDSBL_CONTACT.value;
    this.ctrl = this.data.ctrl as Float64Array;
    this.fused = (options.fuseSteps ?? false) && (this.model.opt.integrator as number) !== RK4;
    this.setState(this.restState());
    // Rapier damps bodies, MuJoCo dofs: taken at the rest pose, whose kinematics setState computed.
    const damped = scene.bodies.flatMap((body, b) => (this.bodyId[b]! > 0 && (body.linearDamping || body.angularDamping) ? [{ id: this.bodyId[b]!, linear: body.linearDamping ?? 0, angular: body.angularDamping ?? 0 }] : []));
    if (damped.length) addBodyDamping(m, this.data, damped);
  }

  get timestep(): number {
    return this.scene.timestep;
  }

  step(ctrl: ArrayLike<number>): void {
    // A view into MuJoCo's heap: growing the heap detaches it (length 0), so it is fetched again then.
    if (this.ctrl.length === 0 && this.actuatorId.length) this.ctrl = this.data.ctrl as Float64Array;
    for (let i = 0; i < this.actuatorId.length; i++) this.ctrl[this.actuatorId[i]!] = ctrl[i] ?? 0;
    if (this.servos.active) {
      const { qpos, qvel, gain, bias } = this.views();
      this.servos.update(this.ctrl, qpos, qvel, gain, bias);
    }
    if (!this.fused) this.mj.mj_step(this.model, this.data);
    else {
      if (!this.stagedStep) this.mj.mj_step1(this.model, this.data);
      this.mj.mj_step2(this.model, this.data);
      this.stagedStep = false;
    }
    if (this.pushed !== undefined) {
      (this.data.xfrc_applied as Float64Array).fill(0, this.pushed * 6, this.pushed * 6 + 6);
      this.pushed = undefined;
    }
    this.synced = false;
  }

  pushBody(body: number, force: readonly number[], point: readonly number[]): void {
    const id = this.bodyId[body]!;
    if (id <= 0) return;
    this.sync();
    const com = (this.data.xipos as Float64Array).subarray(3 * id, 3 * id + 3);
    const r = [point[0]! - com[0]!, point[1]! - com[1]!, point[2]! - com[2]!];
    const [fx, fy, fz] = [force[0]!, force[1]!, force[2]!];
    (this.data.xfrc_applied as Float64Array).set([fx, fy, fz, r[1]! * fz - r[2]! * fy, r[2]! * fx - r[0]! * fz, r[0]! * fy - r[1]! * fx], 6 * id);
    this.pushed = id;
  }

  getState(out: Float64Array = new Float64Array(this.scene.bodies.length * BODY_STATE_SIZE)): Float64Array {
    this.sync();
    const { xpos, xquat, xipos, cvel, subtreeCom } = this.views();
    for (let b = 0; b < this.bodyId.length; b++) {
      const id = this.bodyId[b]!;
      const o = b * BODY_STATE_SIZE;
      if (id < 0) {
        const { position, rotation } = this.scene.bodies[b]!.pose;
        out.set([...position, ...rotation, 0, 0, 0, 0, 0, 0], o);
        continue;
      }
      const root = this.rootId[b]!;
      out[o] = xpos[3 * id]!; out[o + 1] = xpos[3 * id + 1]!; out[o + 2] = xpos[3 * id + 2]!;
      multiplyInto(xquat[4 * id + 1]!, xquat[4 * id + 2]!, xquat[4 * id + 3]!, xquat[4 * id]!, this.offset[b]!, out, o + 3);
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
    const { qpos, qvel } = this.views();
    const bodyIpos = this.model.body_ipos as Float64Array;
    for (let b = 0; b < scene.bodies.length; b++) {
      const a = this.freeQpos[b]!;
      if (a < 0) continue;
      const p = bodyPosition(state, b);
      const q = this.mujocoRotation(state, b);
      const v = bodyLinearVelocity(state, b);
      const w = bodyAngularVelocity(state, b);
      qpos.set([...p, q[3], q[0], q[1], q[2]], a);
      // A free joint's velocity: the body origin's, in the world frame; the angular velocity in the body frame.
      const id = this.bodyId[b]!;
      const com = rotate(q, bodyIpos.subarray(3 * id, 3 * id + 3));
      qvel.set([v[0] - (w[1] * com[2] - w[2] * com[1]), v[1] - (w[2] * com[0] - w[0] * com[2]), v[2] - (w[0] * com[1] - w[1] * com[0]), ...rotateInverse(q, w)], this.freeDof[b]!);
    }
    const bodyQuat = this.model.body_quat as Float64Array;
    for (let j = 0; j < scene.joints.length; j++) {
      const a = this.jointQpos[j]!;
      if (a < 0) continue;
      const joint = scene.joints[j]!;
      const d = this.jointDof[j]!;
      if (joint.type === 'spherical') {
        // MuJoCo: child xquat = parent xquat ⊗ child body_quat ⊗ ball qpos.
        const qp = this.mujocoRotation(state, joint.parent);
        const qc = this.mujocoRotation(state, joint.child);
        const c = this.bodyId[joint.child]!;
        const rest: Quat = [bodyQuat[4 * c + 1]!, bodyQuat[4 * c + 2]!, bodyQuat[4 * c + 3]!, bodyQuat[4 * c]!];
        const ball = multiply(conjugate(rest), multiply(conjugate(qp), qc));
        qpos.set([ball[3], ball[0], ball[1], ball[2]], a);
        const wp = bodyAngularVelocity(state, joint.parent);
        const wc = bodyAngularVelocity(state, joint.child);
        qvel.set(rotateInverse(qc, [wc[0] - wp[0], wc[1] - wp[1], wc[2] - wp[2]]), d);
      } else {
        qpos[a] = jointPosition(scene, state, j);
        qvel[d] = jointVelocity(scene, state, j);
      }
    }
    // The solver's warm start belongs to the state it came from: left over, a rollout would depend on
    // whichever rollout this world ran before it.
    (this.data.qacc_warmstart as Float64Array).fill(0);
    this.mj.mj_forward(this.model, this.data);
    this.synced = true;
    // mj_forward ran mj_step1's stages too.
    this.stagedStep = this.fused;
  }

  getPoses(out: Float32Array = new Float32Array(this.scene.bodies.length * BODY_POSE_SIZE)): Float32Array {
    const state = this.getState();
    for (let b = 0; b < this.bodyId.length; b++) out.set(state.subarray(b * BODY_STATE_SIZE, b * BODY_STATE_SIZE + BODY_POSE_SIZE), b * BODY_POSE_SIZE);
    return out;
  }

  /**
   * The last step's contacts as Rapier's world reports them (protocol/contacts.ts): MuJoCo's contact
   * point, the normal force from mj_contactForce, and the normal turned to push the body that is not
   * welded to the world (else the higher scene index) — MuJoCo's frame normal points from geom1 to geom2.
   */
  contacts(): Float32Array {
    if (this.fused) throw new Error('a MuJoCo world with fused steps (for rollouts) does not report contacts');
    const { mj, model: m, data: d } = this;
    const count = d.ncon as number;
    const found: Contact[] = [];
    if (!count) return packContacts(found);
    const geomBody = m.geom_bodyid as Int32Array;
    const weld = m.body_weldid as Int32Array;
    const sceneIndex = (body: number) => this.bodyId.indexOf(body);
    const list = d.contact;
    for (let i = 0; i < count; i++) {
      const contact = list.get(i);
      if (!contact) continue;
      this.contactForce ??= new mj.DoubleBuffer(6);
      mj.mj_contactForce(m, d, i, this.contactForce);
      const force = this.contactForce.GetView()[0]!;
      const b1 = geomBody[contact.geom1]!;
      const b2 = geomBody[contact.geom2]!;
      // Copied out before the handle (a copy of MuJoCo's contact) is freed.
      const normal = Array.from((contact.frame as Float64Array).subarray(0, 3));
      const point = Array.from((contact.pos as Float64Array).subarray(0, 3));
      contact.delete();
      if (force <= 0) continue;
      const fixed1 = weld[b1] === 0;
      const fixed2 = weld[b2] === 0;
      const toSecond = fixed1 !== fixed2 ? fixed1 : sceneIndex(b1) < sceneIndex(b2);
      const sign = toSecond ? 1 : -1;
      const bodies: [number, number] = toSecond ? [sceneIndex(b1), sceneIndex(b2)] : [sceneIndex(b2), sceneIndex(b1)];
      found.push({ point: [point[0]!, point[1]!, point[2]!], normal: [normal[0]! * sign, normal[1]! * sign, normal[2]! * sign], force, bodies });
    }
    return packContacts(found);
  }

  /** MuJoCo's own reading of a sensor its model declares (a compiled MJCF file's `<sensor>`); undefined when it has none of that name. */
  nativeSensor(name: string): Float64Array | undefined {
    const { mj, model: m, data: d } = this;
    const id = mj.mj_name2id(m, mj.mjtObj.mjOBJ_SENSOR.value, name) as number;
    if (id < 0) return undefined;
    const at = (m.sensor_adr as Int32Array)[id]!;
    return Float64Array.from((d.sensordata as Float64Array).subarray(at, at + (m.sensor_dim as Int32Array)[id]!));
  }

  bodyMass(index: number): number {
    const id = this.bodyId[index]!;
    return id < 0 ? 0 : (this.model.body_mass as Float64Array)[id]!;
  }

  dispose(): void {
    this.contactForce?.delete();
    this.data.delete();
    this.model.delete();
  }

  /** A body's rotation in MuJoCo's frame for it, from the scene state. */
  private mujocoRotation(state: ArrayLike<number>, b: number): Quat {
    return multiply(bodyRotation(state, b), conjugate(this.offset[b]!));
  }

  /** The scene's own start: every body where the description puts it, at rest. */
  private restState(): Float64Array {
    const state = new Float64Array(this.scene.bodies.length * BODY_STATE_SIZE);
    this.scene.bodies.forEach((body, b) => state.set([...body.pose.position, ...body.pose.rotation], b * BODY_STATE_SIZE));
    return state;
  }

  /**
   * An imported robot's scene bodies are oriented as the world at the rest pose (sim/robot/robot-scene.ts);
   * MuJoCo's bodies as the file orients them: the offset is the inverse of MuJoCo's rest rotation.
   */
  private restOffsets(): Quat[] {
    const rest = new this.mj.MjData(this.model);
    this.mj.mj_kinematics(this.model, rest);
    const xquat = rest.xquat as Float64Array;
    const offsets = Array.from(this.bodyId, (id, b): Quat => {
      if (id < 0) return IDENTITY;
      const q: Quat = [xquat[4 * id + 1]!, xquat[4 * id + 2]!, xquat[4 * id + 3]!, xquat[4 * id]!];
      return multiply(conjugate(q), this.scene.bodies[b]!.pose.rotation);
    });
    rest.delete();
    return offsets;
  }

  /**
   * The scene's actuators into the file's: MuJoCo's gain/bias form of a motor (force = gear · ctrl), a
   * position servo (kp·(ctrl − q) − kv·q̇) and a velocity servo (kv·(ctrl − q̇)), ranges and force limits.
   * The file's actuators the scene does not drive are switched off.
   */
  private writeActuators(): void {
    const m = this.model;
    const gain = m.actuator_gainprm as Float64Array;
    const bias = m.actuator_biasprm as Float64Array;
    const gear = m.actuator_gear as Float64Array;
    const trnid = m.actuator_trnid as Int32Array;
    const nu = (m.nu as number);
    const driven = new Set(this.actuatorId);
    for (let u = 0; u < nu; u++) if (!driven.has(u)) { gain.fill(0, 10 * u, 10 * u + 10); bias.fill(0, 10 * u, 10 * u + 10); }
    this.scene.actuators.forEach((a, i) => {
      const u = this.actuatorId[i]!;
      if (trnid[2 * u] !== this.jointId[a.joint]) throw new Error(`actuator '${a.name}' drives a different joint in MuJoCo's model than in the scene`);
      const kind = a.kind ?? 'motor';
      const kp = a.kp ?? 0;
      const kv = a.kv ?? 0;
      gain.fill(0, 10 * u, 10 * u + 10);
      bias.fill(0, 10 * u, 10 * u + 10);
      gain[10 * u] = kind === 'motor' ? 1 : kind === 'position' ? kp : kv;
      if (kind === 'position') { bias[10 * u + 1] = -kp; bias[10 * u + 2] = -kv; }
      if (kind === 'velocity') bias[10 * u + 2] = -kv;
      (m.actuator_gaintype as Int32Array)[u] = 0; // fixed
      (m.actuator_biastype as Int32Array)[u] = kind === 'motor' ? 0 : 1; // none, affine
      (m.actuator_dyntype as Int32Array)[u] = 0; // none
      gear.fill(0, 6 * u, 6 * u + 6);
      gear[6 * u] = kind === 'motor' ? a.gear : 1;
      (m.actuator_ctrlrange as Float64Array).set(a.ctrlRange, 2 * u);
      (m.actuator_ctrllimited as Uint8Array)[u] = 1;
      const limited = a.forceLimit !== undefined && Number.isFinite(a.forceLimit);
      (m.actuator_forcelimited as Uint8Array)[u] = limited ? 1 : 0;
      if (limited) (m.actuator_forcerange as Float64Array).set([-a.forceLimit!, a.forceLimit!], 2 * u);
    });
  }

  /**
   * MjData's (and two of MjModel's) arrays as views into MuJoCo's heap. Each property read of mujoco-js makes a new view (a
   * tenth of a rollout's time went to that), so they are kept; a heap that grows detaches them
   * (length 0), and they are made again.
   */
  private views(): HeapViews {
    if (!this.heap || this.heap.xpos.length === 0) {
      const d = this.data;
      const m = this.model;
      this.heap = { xpos: d.xpos, xquat: d.xquat, xipos: d.xipos, cvel: d.cvel, subtreeCom: d.subtree_com, qpos: d.qpos, qvel: d.qvel, gain: m.actuator_gainprm, bias: m.actuator_biasprm };
    }
    return this.heap;
  }

  private sync(): void {
    if (this.synced) return;
    if (this.fused) {
      this.mj.mj_step1(this.model, this.data);
      this.stagedStep = true;
      this.synced = true;
      return;
    }
    this.mj.mj_kinematics(this.model, this.data);
    this.mj.mj_comPos(this.model, this.data);
    this.mj.mj_comVel(this.model, this.data);
    this.synced = true;
  }
}

interface HeapViews {
  xpos: Float64Array;
  xquat: Float64Array;
  xipos: Float64Array;
  cvel: Float64Array;
  subtreeCom: Float64Array;
  qpos: Float64Array;
  qvel: Float64Array;
  /** The model's actuator_gainprm and actuator_biasprm (SaturatedServos writes them). */
  gain: Float64Array;
  bias: Float64Array;
}

/**
 * Whether any two of the model's geoms may ever be in contact under MuJoCo's own collision filters:
 * contype/conaffinity masks, geoms welded to one body, a body and its parent (unless the model turns
 * that filter off); explicit `<pair>`s and flexes always may. Where none may, collision detection finds
 * nothing every step, and disabling it changes no result.
 */
export function geomsCanCollide(mj: Mujoco, m: MjModel): boolean {
  if ((m.npair as number) > 0 || (m.nflex as number) > 0) return true;
  const contype = m.geom_contype as Int32Array;
  const conaffinity = m.geom_conaffinity as Int32Array;
  const geomBody = m.geom_bodyid as Int32Array;
  const weld = m.body_weldid as Int32Array;
  const parent = m.body_parentid as Int32Array;
  const filterParent = ((m.opt.disableflags as number) & mj.mjtDisableBit.mjDSBL_FILTERPARENT.value) === 0;
  const ngeom = m.ngeom as number;
  for (let i = 0; i < ngeom; i++) {
    for (let j = i + 1; j < ngeom; j++) {
      if (!(contype[i]! & conaffinity[j]!) && !(contype[j]! & conaffinity[i]!)) continue;
      const w1 = weld[geomBody[i]!]!;
      const w2 = weld[geomBody[j]!]!;
      if (w1 === w2) continue;
      if (filterParent && w1 !== 0 && w2 !== 0 && (w1 === weld[parent[w2]!] || w2 === weld[parent[w1]!])) continue;
      return true;
    }
  }
  return false;
}

/** The free joint that makes MuJoCo body `body` a floating root, or −1. */
function freeJointOf(m: MjModel, body: number): number {
  const types = m.jnt_type as Int32Array;
  const bodies = m.jnt_bodyid as Int32Array;
  for (let j = 0; j < types.length; j++) if (types[j] === FREE_JOINT && bodies[j] === body) return j;
  return -1;
}

function conjugate(q: ArrayLike<number>): Quat {
  return [-q[0]!, -q[1]!, -q[2]!, q[3]!];
}

/**
 * The MuJoCo world for a task's scene: a robot task over an MJCF file (`robot:<path>.xml`) compiles
 * the file itself; everything else (built-in tasks, URDF robots) is the scene written out as MJCF.
 */
export function mujocoWorldForTask(mj: Mujoco, scene: SceneDescription, taskId: string, options: Omit<MujocoWorldOptions, 'mjcfFile'> = {}): MujocoWorld {
  const file = mjcfFileOfTask(taskId);
  return new MujocoWorld(mj, scene, file ? { ...options, mjcfFile: file } : options);
}

/** The MJCF file a robot task is built from, which MuJoCo compiles itself; undefined for any other task. */
export function mjcfFileOfTask(taskId: string): string | undefined {
  return taskId.startsWith(ROBOT_TASK) && /\.xml$/i.test(taskId) ? taskId.slice(ROBOT_TASK.length) : undefined;
}

/** sim/tasks/free-play.ts's ROBOT_TASK_PREFIX (not imported: tasks build on this module's layer, not the reverse). */
const ROBOT_TASK = 'robot:';
