/**
 * A Rapier world instantiated from a scene description. The state of the whole scene is a flat
 * vector of body states (see BODY_STATE_SIZE), so planners can copy it, send it to a worker and set it
 * on another world built from the same description.
 */
import type { Collider, EventQueue, ImpulseJoint, JointAxesMask, JointData, RigidBody, UnitImpulseJoint, World } from '@dimforge/rapier3d-simd-compat';
import type { Rapier } from './load-rapier.ts';
import { pairKey } from '../pair-key.ts';
import {
  BODY_POSE_SIZE,
  BODY_STATE_SIZE,
  DEFAULT_FRICTION,
  type GeomDesc,
  type JointDesc,
  type MeshData,
  type Quat,
  type SceneDescription,
  type Shape,
} from '../scene.ts';
import { jointPosition, jointVelocity, multiply, rotate, rotateInverse } from '../kinematics.ts';
import { packContacts, type Contact } from '../../protocol/contacts.ts';
import { JointFriction } from './joint-friction.ts';

export class PhysicsWorld {
  readonly scene: SceneDescription;
  /**
   * No: even with freshContacts, a state set on the SO-101 at the cube steps differently after different
   * histories (solver state rapier.js does not let us clear, docs/physics.md "Rollout threads").
   */
  readonly historyFree = false;
  private readonly world: World;
  private readonly bodies: RigidBody[] = [];
  private readonly joints: ImpulseJoint[] = [];
  /** Every collider by handle, with the index of its body and its own creation order. */
  private readonly colliders = new Map<number, { collider: Collider; body: number; order: number }>();
  /** Whether the narrow phase's contacts belong to the current poses (not so after setState, until a step). */
  private contactsCurrent = false;
  /** Bodies that receive actuator forces and so need their force accumulators cleared each step. */
  private readonly actuatedBodies: RigidBody[] = [];
  private readonly stateScratch: Float64Array;
  private readonly forceScratch = { x: 0, y: 0, z: 0 };
  private readonly vecScratch = { x: 0, y: 0, z: 0 };
  private readonly quatScratch = { x: 0, y: 0, z: 0, w: 1 };
  private disposed = false;
  private push: { body: number; force: readonly number[]; point: readonly number[] } | undefined;
  private readonly allIndices: number[];
  private readonly dynamicIndices: number[];
  /** State arrays that already hold the fixed bodies' poses. */
  private readonly filledStates = new WeakSet<Float64Array>();
  private motorModel: number;
  private readonly multibody: boolean;
  private readonly freshContacts: boolean;
  /** Counts pose changes (steps, setState), so cached rotations know when they are stale. */
  private poses = 0;
  private readonly rotations: (CachedRotation | undefined)[] = [];
  /** Joints with dry friction, their motors updated every step. */
  private readonly frictions: { friction: JointFriction; joint: JointDesc }[] = [];
  /** Joints that follow another joint, each servoed to its leader every step. */
  private readonly mimics: { unit: UnitImpulseJoint; joint: JointDesc }[] = [];
  /** Rapier 0.20 reports contact impulses (n+1)/n too large for n solver iterations; see contacts(). */
  private readonly impulseOvercount: boolean;
  /**
   * The solver's contact force per collider pair touching a heightfield, from Rapier's contact-force
   * events (see contacts()); present only in scenes with a heightfield. Emptied by each step.
   */
  private readonly forceEvents: EventQueue | undefined;
  private pairForces: { poses: number; byPair: Map<string, number> } | undefined;

  /**
   * `joints: 'multibody'` builds Rapier multibody (reduced-coordinate) joints instead, for the joint-model
   * benchmark only: passive scenes (no actuators, damping or mimics), and `setState` cannot place them.
   * `freshContacts` (planner rollouts): `setState` drops the contacts of the state before, see there.
   */
  constructor(
    private readonly R: Rapier,
    scene: SceneDescription,
    options: { joints?: 'impulse' | 'multibody'; freshContacts?: boolean } = {},
  ) {
    this.scene = scene;
    this.freshContacts = options.freshContacts ?? false;
    this.multibody = options.joints === 'multibody';
    if (this.multibody && (scene.actuators.length || scene.joints.some((j) => j.damping || j.mimic || j.frictionLoss))) {
      throw new Error('multibody joints are for passive scenes: no actuators, joint damping, friction or mimic joints');
    }
    this.world = new R.World(vec(scene.gravity));
    this.world.timestep = scene.timestep;
    this.world.numSolverIterations = scene.solverIterations;
    if (scene.lengthUnit) this.world.lengthUnit = scene.lengthUnit;
    for (const body of scene.bodies) {
      const desc = body.kind === 'fixed' ? R.RigidBodyDesc.fixed() : R.RigidBodyDesc.dynamic();
      desc
        .setTranslation(...body.pose.position)
        .setRotation(quat(body.pose.rotation))
        .setLinearDamping(body.linearDamping ?? 0)
        .setAngularDamping(body.angularDamping ?? 0)
        // Sleeping would make a planner's rollouts depend on the history of the world they run in.
        .setCanSleep(false);
      if (body.inertial) {
        const { mass, com, principal, frame } = body.inertial;
        desc.setAdditionalMassProperties(mass, vec(com), vec(principal), quat(frame));
      } else if (body.mass !== undefined && countMassive(body.geoms) === 0) {
        // A body with no colliders (a carriage, a hidden link) gets the inertia of a 5 cm sphere.
        const i = 0.4 * body.mass * 0.05 ** 2;
        desc.setAdditionalMassProperties(body.mass, vec([0, 0, 0]), vec([i, i, i]), IDENTITY);
      }
      const rigidBody = this.world.createRigidBody(desc);
      // With an explicit inertial the colliders carry no mass of their own.
      const massPerGeom = body.inertial ? 0 : body.mass === undefined ? undefined : body.mass / Math.max(1, countMassive(body.geoms));
      for (const geom of body.geoms) {
        if (geom.visualOnly) continue;
        const desc = colliderDesc(R, geom, massPerGeom, scene.meshes);
        if (!desc) continue;
        if (geom.shape.type === 'heightfield') desc.setActiveEvents(R.ActiveEvents.CONTACT_FORCE_EVENTS).setContactForceEventThreshold(0);
        const collider = this.world.createCollider(desc.setCollisionGroups(collisionGroups(body.collisionGroup ?? 0)), rigidBody);
        this.colliders.set(collider.handle, { collider, body: this.bodies.length, order: this.colliders.size });
      }
      this.bodies.push(rigidBody);
    }
    this.motorModel = R.MotorModel.ForceBased;
    this.impulseOvercount = R.version().startsWith('0.20.');
    // Drained by Rapier at the start of each step, so it holds the last step's events.
    if (scene.bodies.some((b) => b.geoms.some((g) => !g.visualOnly && g.shape.type === 'heightfield'))) this.forceEvents = new R.EventQueue(true);
    for (const joint of scene.joints) {
      if (this.multibody) this.createMultibodyJoint(R, joint);
      else this.joints.push(this.createJoint(R, joint));
    }
    const actuated = new Set<RigidBody>();
    for (const actuator of scene.actuators) {
      const joint = scene.joints[actuator.joint]!;
      if (actuator.kind === 'velocity') continue;
      actuated.add(this.bodies[joint.parent]!).add(this.bodies[joint.child]!);
    }

    this.actuatedBodies = [...actuated].filter((b) => b.isDynamic());
    this.stateScratch = new Float64Array(scene.bodies.length * BODY_STATE_SIZE);
    this.allIndices = scene.bodies.map((_, i) => i);
    this.dynamicIndices = scene.bodies.flatMap((b, i) => (b.kind === 'dynamic' ? [i] : []));
  }

  get timestep(): number {
    return this.world.timestep;
  }

  set solverIterations(n: number) {
    this.world.numSolverIterations = n;
  }

  /** Applies actuator commands (clamped to their ranges) and advances the world by one time step. */
  step(ctrl?: ArrayLike<number>): void {
    if (ctrl) this.applyControls(ctrl);
    for (const { unit, joint } of this.mimics) this.followLeader(unit, joint);
    for (const { friction, joint } of this.frictions) friction.update(this.jointPositionOf(joint), friction.usesSpeed ? this.jointSpeedOf(joint) : 0);
    const push = this.push;
    const pushed = push && this.bodies[push.body];
    if (pushed) pushed.addForceAtPoint(vec(push.force), vec(push.point), true);
    this.world.step(this.forceEvents);
    // A push lasts one step: Rapier keeps user forces until they are reset.
    if (pushed) {
      pushed.resetForces(false);
      pushed.resetTorques(false);
      this.push = undefined;
    }
    this.poses++;
    this.contactsCurrent = true;
  }

  /**
   * An external force (world frame, N) at a world point on `body` for the next step only (the studio's
   * drag-to-perturb). Motor torques on that body are applied again by the next step's controls.
   */
  pushBody(body: number, force: readonly number[], point: readonly number[]): void {
    if (!this.bodies[body]?.isDynamic()) throw new Error(`body ${body} is not a moving body of scene '${this.scene.name}'`);
    this.push = { body, force, point };
  }

  /**
   * The contacts of the last step, packed as protocol/contacts.ts lays them out (point, normal, force
   * and bodies per contact, world frame). A contact is active when its shapes touch (distance ≤ 0) or it pushed in
   * the last step; the force is its normal impulse over the step. Empty after setState until a step.
   *
   * Against a heightfield Rapier solves merged copies of the per-triangle manifolds ("contact
   * clustering"), which rapier.js does not expose: the manifolds it shows carry no impulses. There the
   * pair's force is the solver's own total for the step (a contact-force event) shared evenly among
   * the pair's touching points — the total is exact, the split between points is not Rapier's.
   */
  contacts(): Float32Array {
    const found: Contact[] = [];
    if (!this.contactsCurrent) return packContacts(found);
    // Measured on a box resting on the ground (1, 2, 4 and 10 iterations): Rapier 0.20 reports n + 1
    // substeps' worth of impulse for n solver iterations; 0.21 reports the step's impulse.
    const iterations = this.world.numSolverIterations;
    const overcount = this.impulseOvercount ? iterations / (iterations + 1) : 1;
    for (const a of this.colliders.values()) {
      this.world.contactPairsWith(a.collider, (other) => {
        const b = this.colliders.get(other.handle);
        if (!b || b.order <= a.order) return; // each pair once
        const pair: { contact: Contact; impulse: number; distance: number }[] = [];
        let solved = false;
        this.world.contactPair(a.collider, other, (manifold, flipped) => {
          // The manifold's data belong to its own first collider; its normal points out of that one.
          const [first, second] = flipped ? [b, a] : [a, b];
          const n = manifold.normal();
          const sign = this.forceReceiver(first.body, second.body) === second.body ? 1 : -1;
          const normal: [number, number, number] = [n.x * sign, n.y * sign, n.z * sign];
          const t = first.collider.translation();
          const r = first.collider.rotation();
          solved ||= manifold.numSolverContacts() > 0;
          for (let i = 0; i < manifold.numContacts(); i++) {
            const local = manifold.localContactPoint1(i);
            if (!local) continue;
            const distance = manifold.contactDist(i);
            const [px, py, pz] = rotate([r.x, r.y, r.z, r.w], [local.x, local.y, local.z]);
            // Halfway between the two surfaces.
            const h = distance / 2;
            const contact: Contact = {
              point: [t.x + px + n.x * h, t.y + py + n.y * h, t.z + pz + n.z * h],
              normal,
              force: 0,
              bodies: sign > 0 ? [first.body, second.body] : [second.body, first.body],
            };
            pair.push({ contact, impulse: manifold.contactImpulse(i), distance });
          }
        });
        const total = solved ? undefined : this.solverPairForce(a.collider.handle, other.handle);
        if (total === undefined) {
          for (const { contact, impulse, distance } of pair) {
            if (distance <= 0 || impulse > 0) found.push({ ...contact, force: (impulse * overcount) / this.world.timestep });
          }
          return;
        }
        // Points within the contact margin push too when none touches yet.
        const touching = pair.some((c) => c.distance <= 0) ? pair.filter((c) => c.distance <= 0) : pair;
        for (const { contact } of touching) found.push({ ...contact, force: (total * overcount) / touching.length });
      });
    }
    return packContacts(found);
  }

  /** The solver's total normal force between two colliders over the last step (heightfield pairs only), N as Rapier reports it. */
  private solverPairForce(h1: number, h2: number): number | undefined {
    const events = this.forceEvents;
    if (!events) return undefined;
    if (this.pairForces?.poses !== this.poses) {
      const byPair = new Map<string, number>();
      events.drainContactForceEvents((e) => byPair.set(pairKey(e.collider1(), e.collider2()), e.totalForceMagnitude()));
      this.pairForces = { poses: this.poses, byPair };
    }
    return this.pairForces.byPair.get(pairKey(h1, h2));
  }

  /** The body whose contact force the normal shows: the one that is not fixed, else the higher index. */
  private forceReceiver(b1: number, b2: number): number {
    const fixed1 = !this.bodies[b1]!.isDynamic();
    const fixed2 = !this.bodies[b2]!.isDynamic();
    if (fixed1 !== fixed2) return fixed1 ? b2 : b1;
    return Math.max(b1, b2);
  }

  /**
   * Actuator forces for this step. Motors push with gear · ctrl (an explicit torque), at most forceLimit. Servos are Rapier
   * joint motors (force-based, solved implicitly with the joints, so stiff gains stay stable):
   * kp·(ctrl − q) − kv·q̇ for position servos, kv·(ctrl − q̇) for velocity servos, clamped to the force
   * limit. The joint's own damping and friction act beside the servo, unclamped (createJoint).
   */
  private applyControls(ctrl: ArrayLike<number>): void {
    // Rapier keeps user forces and torques until reset, and resetForces leaves the torques: clear both,
    // or every revolute motor's torque adds up step after step (a pendulum spun to 80 rad/s on a 2 N·m motor).
    for (const body of this.actuatedBodies) {
      body.resetForces(false);
      body.resetTorques(false);
    }
    const { actuators, joints } = this.scene;
    for (let i = 0; i < actuators.length; i++) {
      const actuator = actuators[i]!;
      const [lo, hi] = actuator.ctrlRange;
      const command = Math.min(hi, Math.max(lo, ctrl[i] ?? 0));
      const kind = actuator.kind ?? 'motor';
      const joint = joints[actuator.joint]!;
      if (kind === 'velocity') {
        (this.joints[actuator.joint] as UnitImpulseJoint).configureMotorVelocity(command, actuator.kv ?? 0);
        continue;
      }
      if (kind === 'position') {
        (this.joints[actuator.joint] as UnitImpulseJoint).configureMotor(command, 0, actuator.kp ?? 0, actuator.kv ?? 0);
        continue;
      }
      // MuJoCo clamps a motor's output to its force range (times gear) as well as its input to ctrlrange.
      const limit = actuator.forceLimit ?? Infinity;
      const u = Math.min(limit, Math.max(-limit, command * actuator.gear));
      if (u !== 0) this.applyJointForce(joint, u);
    }
  }

  /** Equal and opposite force (prismatic) or torque (revolute) along the joint axis. */
  private applyJointForce(joint: JointDesc, u: number): void {
    const f = this.forceScratch;
    const parent = this.bodies[joint.parent]!;
    const child = this.bodies[joint.child]!;
    const r = parent.rotation();
    const [ax, ay, az] = rotate([r.x, r.y, r.z, r.w], joint.axis);
    const linear = joint.type === 'prismatic';
    f.x = ax * u;
    f.y = ay * u;
    f.z = az * u;
    if (linear) child.addForce(f, true);
    else child.addTorque(f, true);
    if (!parent.isDynamic()) return;
    f.x = -f.x;
    f.y = -f.y;
    f.z = -f.z;
    if (linear) parent.addForce(f, true);
    else parent.addTorque(f, true);
  }

  /** Servos a mimic joint to multiplier · q(leader) + offset (30 Hz natural frequency, critically damped). */
  private followLeader(unit: UnitImpulseJoint, joint: JointDesc): void {
    const { joint: leader, multiplier, offset } = joint.mimic!;
    const target = multiplier * this.jointPositionOf(this.scene.joints[leader]!) + offset;
    unit.configureMotor(target, 0, MIMIC_STIFFNESS, MIMIC_DAMPING);
  }

  /** Joint speed read from the two bodies: relative angular (or linear) velocity along the axis. */
  private jointSpeedOf(joint: JointDesc): number {
    const p = this.bodies[joint.parent]!;
    const c = this.bodies[joint.child]!;
    const r = this.rotationOf(joint.parent);
    const [ax, ay, az] = rotate([r.x, r.y, r.z, r.w], joint.axis);
    const [a, b] = joint.type === 'prismatic' ? [p.linvel(), c.linvel()] : [p.angvel(), c.angvel()];
    return (b.x - a.x) * ax + (b.y - a.y) * ay + (b.z - a.z) * az;
  }

  /**
   * A body's orientation, read from Rapier once per step (each read is a call into WebAssembly that
   * allocates): friction and mimic joints ask for the same bodies several times a step.
   */
  private rotationOf(b: number): CachedRotation {
    const cached = this.rotations[b];
    if (cached && cached.poses === this.poses) return cached;
    const r = this.bodies[b]!.rotation();
    return (this.rotations[b] = { x: r.x, y: r.y, z: r.z, w: r.w, poses: this.poses });
  }

  /** Joint position read from the two bodies (see sim/kinematics.ts for the convention). */
  private jointPositionOf(joint: JointDesc): number {
    if (joint.type === 'revolute') {
      const qp = this.rotationOf(joint.parent);
      const qc = this.rotationOf(joint.child);
      // rel = conj(qp) · qc; angle about the axis from its vector part.
      const x = qp.w * qc.x - qp.x * qc.w - qp.y * qc.z + qp.z * qc.y;
      const y = qp.w * qc.y + qp.x * qc.z - qp.y * qc.w - qp.z * qc.x;
      const z = qp.w * qc.z - qp.x * qc.y + qp.y * qc.x - qp.z * qc.w;
      const w = qp.w * qc.w + qp.x * qc.x + qp.y * qc.y + qp.z * qc.z;
      const [ax, ay, az] = joint.axis;
      const angle = 2 * Math.atan2(x * ax + y * ay + z * az, w);
      return angle > Math.PI ? angle - 2 * Math.PI : angle <= -Math.PI ? angle + 2 * Math.PI : angle;
    }
    const state = this.stateScratch;
    for (const b of [joint.parent, joint.child]) {
      const body = this.bodies[b]!;
      const t = body.translation();
      const q = body.rotation();
      state.set([t.x, t.y, t.z, q.x, q.y, q.z, q.w], b * BODY_STATE_SIZE);
    }
    return jointPosition(this.scene, state, this.scene.joints.indexOf(joint));
  }

  /**
   * Writes the scene state into `out` (or a fresh array) and returns it. Fixed bodies never move, so
   * after the first call into an array only the dynamic bodies are read back.
   */
  getState(out: Float64Array = new Float64Array(this.stateScratch.length)): Float64Array {
    const indices = this.filledStates.has(out) ? this.dynamicIndices : this.allIndices;
    this.filledStates.add(out);
    for (const i of indices) {
      const body = this.bodies[i]!;
      const o = i * BODY_STATE_SIZE;
      const p = body.translation();
      const q = body.rotation();
      const v = body.linvel();
      const w = body.angvel();
      out[o] = p.x; out[o + 1] = p.y; out[o + 2] = p.z;
      out[o + 3] = q.x; out[o + 4] = q.y; out[o + 5] = q.z; out[o + 6] = q.w;
      out[o + 7] = v.x; out[o + 8] = v.y; out[o + 9] = v.z;
      out[o + 10] = w.x; out[o + 11] = w.y; out[o + 12] = w.z;
    }
    return out;
  }

  /** Sets every dynamic body's pose and velocity from a state vector of this scene. */
  setState(state: ArrayLike<number>): void {
    if (state.length !== this.bodies.length * BODY_STATE_SIZE) {
      throw new Error(
        `state has ${state.length} values, scene '${this.scene.name}' needs ${this.bodies.length * BODY_STATE_SIZE}`,
      );
    }
    const v = this.vecScratch;
    const q = this.quatScratch;
    for (let i = 0; i < this.bodies.length; i++) {
      const body = this.bodies[i]!;
      if (!body.isDynamic()) continue;
      const o = i * BODY_STATE_SIZE;
      v.x = state[o]!; v.y = state[o + 1]!; v.z = state[o + 2]!;
      body.setTranslation(v, true);
      q.x = state[o + 3]!; q.y = state[o + 4]!; q.z = state[o + 5]!; q.w = state[o + 6]!;
      body.setRotation(q, true);
      v.x = state[o + 7]!; v.y = state[o + 8]!; v.z = state[o + 9]!;
      body.setLinvel(v, true);
      v.x = state[o + 10]!; v.y = state[o + 11]!; v.z = state[o + 12]!;
      body.setAngvel(v, true);
    }
    this.contactsCurrent = false;
    this.poses++;
    for (const { friction, joint } of this.frictions) friction.reset(this.jointPositionOf(joint));
    if (this.freshContacts) this.forgetContacts();
  }

  /**
   * Starts collision detection over, as in a new world: the contact solver warm-starts from the impulses
   * of the contacts it tracked, which belong to the state before — a rollout would depend on whichever
   * rollout its world ran last. Fresh broad and narrow phases, every collider marked changed so the new
   * broad phase takes it in (≈ 50–100 µs for the SO-101 and push-box scenes).
   */
  private forgetContacts(): void {
    const { world, R } = this;
    world.narrowPhase.free();
    world.narrowPhase = new R.NarrowPhase();
    world.broadPhase.free();
    world.broadPhase = new R.BroadPhase();
    world.colliders.forEach((collider) => {
      collider.setEnabled(false);
      collider.setEnabled(true);
    });
  }

  /** Writes position and rotation of every body (BODY_POSE_SIZE floats each) into `out`. */
  getPoses(out: Float32Array = new Float32Array(this.bodies.length * BODY_POSE_SIZE)): Float32Array {
    for (let i = 0; i < this.bodies.length; i++) {
      const body = this.bodies[i]!;
      const p = body.translation();
      const q = body.rotation();
      const o = i * BODY_POSE_SIZE;
      out[o] = p.x; out[o + 1] = p.y; out[o + 2] = p.z;
      out[o + 3] = q.x; out[o + 4] = q.y; out[o + 5] = q.z; out[o + 6] = q.w;
    }
    return out;
  }

  jointPositions(out: Float64Array = new Float64Array(this.scene.joints.length)): Float64Array {
    const state = this.getState(this.stateScratch);
    for (let j = 0; j < this.scene.joints.length; j++) out[j] = jointPosition(this.scene, state, j);
    return out;
  }

  jointVelocities(out: Float64Array = new Float64Array(this.scene.joints.length)): Float64Array {
    const state = this.getState(this.stateScratch);
    for (let j = 0; j < this.scene.joints.length; j++) out[j] = jointVelocity(this.scene, state, j);
    return out;
  }

  /** Mass of body `index` as Rapier computed it from its colliders. */
  bodyMass(index: number): number {
    return this.bodies[index]!.mass();
  }

  /** Principal angular inertia and its frame for body `index`. */
  bodyInertia(index: number): { principal: [number, number, number]; centerOfMass: [number, number, number] } {
    const body = this.bodies[index]!;
    const i = body.principalInertia();
    const c = body.localCom();
    return { principal: [i.x, i.y, i.z], centerOfMass: [c.x, c.y, c.z] };
  }

  /** Kinetic and gravitational potential energy of every dynamic body, J (energy-drift checks). */
  energy(): { kinetic: number; potential: number } {
    const g = this.scene.gravity;
    let kinetic = 0;
    let potential = 0;
    for (const body of this.bodies) {
      if (!body.isDynamic()) continue;
      const m = body.mass();
      const v = body.linvel();
      const c = body.worldCom();
      // Rotational energy in the principal frame: ω' = (R_body · R_principal)ᵀ ω.
      const r = body.rotation();
      const f = body.principalInertiaLocalFrame();
      const w = body.angvel();
      const [wx, wy, wz] = rotateInverse([f.x, f.y, f.z, f.w], rotateInverse([r.x, r.y, r.z, r.w], [w.x, w.y, w.z]));
      const inertia = body.principalInertia();
      kinetic += 0.5 * m * (v.x * v.x + v.y * v.y + v.z * v.z) + 0.5 * (inertia.x * wx * wx + inertia.y * wy * wy + inertia.z * wz * wz);
      potential -= m * (g[0] * c.x + g[1] * c.y + g[2] * c.z);
    }
    return { kinetic, potential };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.forceEvents?.free();
    this.world.free();
  }

  private createMultibodyJoint(R: Rapier, joint: JointDesc): void {
    const created = this.world.createMultibodyJoint(jointData(R, joint), this.bodies[joint.parent]!, this.bodies[joint.child]!, true);
    created.setContactsEnabled(false);
  }

  private createJoint(R: Rapier, joint: JointDesc): ImpulseJoint {
    const data = jointData(R, joint);
    const parent = this.bodies[joint.parent];
    const child = this.bodies[joint.child];
    if (!parent || !child) throw new Error(`joint '${joint.name}' names a body that does not exist`);
    const created = this.world.createImpulseJoint(data, parent, child, true);
    // rapier.js 0.20 passes JointData limits on for prismatic joints only; revolute ones are set here.
    if (joint.limits && joint.type === 'revolute') (created as UnitImpulseJoint).setLimits(joint.limits[0], joint.limits[1]);
    created.setContactsEnabled(false);
    // Fixed and spherical joints have no single axis to drive.
    if (joint.type !== 'revolute' && joint.type !== 'prismatic') return created;
    const unit = created as UnitImpulseJoint;
    const servo = this.scene.actuators.find((a) => a.joint === this.joints.length && (a.kind ?? 'motor') !== 'motor');
    // Only joints that need one get a motor: each motor adds a row to every solver iteration
    // (measured: the cart-pole stepped 30% slower with idle motors on its two joints).
    if (joint.mimic) {
      // Acceleration-based gains: as stiff on a light finger as on a heavy link.
      unit.configureMotorModel(R.MotorModel.AccelerationBased);
      this.mimics.push({ unit, joint });
    } else if (joint.frictionLoss && !servo) {
      this.addFriction(R, unit, joint, joint.damping ?? 0);
    } else if (servo || joint.damping) {
      unit.configureMotorModel(this.motorModel);
      if (servo?.forceLimit !== undefined) unit.setMotorMaxForce(servo.forceLimit);
      // Viscous damping, applied implicitly by the joint motor: a position servo's kv, inside its force
      // limit; without a servo, the joint's own damping.
      const damping = servo ? (servo.kind === 'position' ? (servo.kv ?? 0) : 0) : (joint.damping ?? 0);
      if (damping) unit.configureMotorVelocity(0, damping);
      // The servo has the joint's motor: friction and the joint's damping, which are passive and not
      // bounded by the servo's force limit (as in MuJoCo), get their own on a second, coinciding joint.
      if (servo && joint.frictionLoss) this.addFriction(R, this.passiveJoint(R, joint, parent, child), joint, joint.damping ?? 0);
      else if (servo && joint.damping) this.addDamping(this.passiveJoint(R, joint, parent, child), joint.damping);
    }
    return created;
  }

  /**
   * A second joint between a servoed joint's bodies that locks nothing and only carries a motor about
   * the joint's axis (its friction or damping). rapier.js gives generic joints no motor methods, but Rapier has them: the joint
   * borrows the unit-joint methods of its kind, which address the axis it moves along (AngX or LinX).
   */
  private passiveJoint(R: Rapier, joint: JointDesc, parent: RigidBody, child: RigidBody): UnitImpulseJoint {
    const data = R.JointData.generic(vec(joint.anchorParent), vec(joint.anchorChild), vec(joint.axis), 0 as JointAxesMask);
    const created = this.world.createImpulseJoint(data, parent, child, true);
    const kind = joint.type === 'prismatic' ? R.PrismaticImpulseJoint : R.RevoluteImpulseJoint;
    return Object.setPrototypeOf(created, kind.prototype) as UnitImpulseJoint;
  }

  /** Viscous damping on `unit`'s motor, with no force limit. */
  private addDamping(unit: UnitImpulseJoint, damping: number): void {
    unit.setContactsEnabled(false);
    unit.configureMotorModel(this.motorModel);
    unit.configureMotorVelocity(0, damping);
  }

  /** Dry friction on `unit`'s motor; `damping` is the viscous damping that motor also carries. */
  private addFriction(R: Rapier, unit: UnitImpulseJoint, joint: JointDesc, damping: number): void {
    unit.setContactsEnabled(false);
    unit.configureMotorModel(R.MotorModel.AccelerationBased);
    this.frictions.push({ friction: new JointFriction(unit, joint.frictionLoss!, damping), joint });
  }
}

const IDENTITY = { x: 0, y: 0, z: 0, w: 1 };
/** Mimic joints follow their leader with a 30 Hz, critically damped acceleration-based servo. */
const MIMIC_OMEGA = 2 * Math.PI * 30;
const MIMIC_STIFFNESS = MIMIC_OMEGA ** 2;
const MIMIC_DAMPING = 2 * MIMIC_OMEGA;

/** A body orientation and the pose count it was read at. */
interface CachedRotation {
  x: number;
  y: number;
  z: number;
  w: number;
  poses: number;
}

function jointData(R: Rapier, joint: JointDesc): JointData {
  const a1 = vec(joint.anchorParent);
  const a2 = vec(joint.anchorChild);
  if (joint.type === 'spherical') return R.JointData.spherical(a1, a2);
  if (joint.type === 'fixed') return R.JointData.fixed(a1, IDENTITY, a2, IDENTITY);
  const data = joint.type === 'revolute' ? R.JointData.revolute(a1, a2, vec(joint.axis)) : R.JointData.prismatic(a1, a2, vec(joint.axis));
  if (joint.limits) {
    data.limitsEnabled = true;
    data.limits = joint.limits;
  }
  return data;
}

function vec([x, y, z]: readonly number[]): { x: number; y: number; z: number } {
  return { x: x!, y: y!, z: z! };
}

function quat([x, y, z, w]: readonly number[]): { x: number; y: number; z: number; w: number } {
  return { x: x!, y: y!, z: z!, w: w! };
}

/** Rapier's 32-bit groups: membership in the high 16 bits, filter in the low 16. */
function collisionGroups(group: number): number {
  const member = 1 << group;
  const filter = group === 0 ? 0xffff : 0xffff & ~member;
  return ((member << 16) | filter) >>> 0;
}

function countMassive(geoms: GeomDesc[]): number {
  return geoms.filter((g) => !g.visualOnly).length;
}

function colliderDesc(R: Rapier, geom: GeomDesc, mass: number | undefined, meshes: Record<string, MeshData> | undefined) {
  const desc = shapeDesc(R, geom.shape, meshes);
  if (!desc) return undefined;
  const rotation = geom.pose?.rotation ?? ([0, 0, 0, 1] as const);
  if (geom.pose) desc.setTranslation(...geom.pose.position);
  // Rapier's heightfield rises along its local y; the scene's along z.
  desc.setRotation(quat(geom.shape.type === 'heightfield' ? multiply(rotation, HEIGHTFIELD_UP) : rotation));
  if (mass !== undefined) desc.setMass(mass);
  else desc.setDensity(geom.density ?? 1000);
  desc.setFriction(geom.friction ?? DEFAULT_FRICTION).setRestitution(geom.restitution ?? 0);
  return desc;
}

function shapeDesc(R: Rapier, shape: Shape, meshes: Record<string, MeshData> | undefined) {
  switch (shape.type) {
    case 'mesh': {
      const mesh = meshes?.[shape.hull ?? shape.mesh];
      if (!mesh) throw new Error(`geom names mesh '${shape.hull ?? shape.mesh}', which the scene does not define`);
      return R.ColliderDesc.convexHull(mesh.positions);
    }
    case 'box':
      return R.ColliderDesc.cuboid(...shape.halfExtents);
    case 'sphere':
      return R.ColliderDesc.ball(shape.radius);
    case 'capsule':
      return R.ColliderDesc.capsule(shape.halfHeight, shape.radius);
    case 'cylinder':
      return R.ColliderDesc.cylinder(shape.halfHeight, shape.radius);
    case 'heightfield':
      return R.ColliderDesc.heightfield(shape.rows - 1, shape.cols - 1, heightfieldMatrix(shape), { x: 2 * shape.halfExtents[0], y: 1, z: 2 * shape.halfExtents[1] });
  }
}

/** +90° about x: Rapier's heightfield up (local y) onto the scene's z, its local z onto −y. */
const HEIGHTFIELD_UP: Quat = [Math.SQRT1_2, 0, 0, Math.SQRT1_2];

/**
 * The scene's heights (row-major, first row at −y) as Rapier's matrix: column-major, rows along its
 * local z from −z to +z — which the turn above lays along +y to −y, so the rows are taken in reverse.
 */
function heightfieldMatrix(shape: Extract<Shape, { type: 'heightfield' }>): Float32Array {
  const { rows, cols, heights } = shape;
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i + j * rows] = heights[(rows - 1 - i) * cols + j]!;
  return out;
}

export type { Collider };
