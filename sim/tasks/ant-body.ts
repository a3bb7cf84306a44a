/**
 * The Ant of MuJoCo's ant.xml (Gymnasium's Ant-v4/v5) as a scene description: a torso sphere
 * (r 0.25 m) with four legs at ±45°, each a hip (yaw, ±30°) and an ankle (30°–70° down) hinge and
 * capsule segments of radius 0.08 m. Geometry, joint axes, ranges and the density (5 kg/m³, so the
 * whole ant weighs 0.91 kg) are ant.xml's; the actuators are position servos instead of its
 * gear-150 torque motors (see docs/physics.md, "Ant", for why and for the measurements).
 *
 * Body frames are aligned with the world at the rest pose (all joints 0: legs straight out,
 * level), as sim/kinematics.ts expects; the ankles' rest angle lies outside their range, so states
 * are always built at a pose inside it (`stateFromJointPositions`).
 */
import { axisAngle } from '../kinematics.ts';
import type { ActuatorDesc, BodyDesc, GeomDesc, JointDesc, Quat, SceneDescription, Vec3 } from '../scene.ts';
import { add, parallelAxis, principalAxes, rotateInertia, type Matrix3 } from '../robot/inertia.ts';

const DEG = Math.PI / 180;
/** ant.xml's geom density (its `<default><geom density="5.0">`). */
export const ANT_DENSITY = 5;
const TORSO_RADIUS = 0.25;
const LIMB_RADIUS = 0.08;
/** Along each leg's diagonal, per axis: torso → hip 0.2, hip → ankle 0.2, ankle → foot 0.4 (ant.xml). */
const HIP_OFFSET = 0.2;
const THIGH = 0.2;
const SHIN = 0.4;
/** ant.xml's geom friction (sliding). */
const FRICTION = 1;
/** Collision group of the ant's bodies: they touch the ground, not each other (ant.xml: conaffinity 0). */
const ANT_GROUP = 1;

/**
 * The four legs in ant.xml's order: diagonal direction, ankle axis and ankle range. An ankle bends
 * the foot down for angles of the sign of its range.
 */
const LEGS = [
  { name: 'front_left', dir: [1, 1], ankleAxis: [-1, 1], ankleRange: [30, 70] },
  { name: 'front_right', dir: [-1, 1], ankleAxis: [1, 1], ankleRange: [-70, -30] },
  { name: 'back', dir: [-1, -1], ankleAxis: [-1, 1], ankleRange: [-70, -30] },
  { name: 'right_back', dir: [1, -1], ankleAxis: [1, 1], ankleRange: [30, 70] },
] as const;

const HIP_RANGE: [number, number] = [-30 * DEG, 30 * DEG];

export interface AntServo {
  /** Stiffness, N·m/rad. */
  kp: number;
  /** Damping, N·m·s/rad. */
  kv: number;
  /** Torque limit, N·m. */
  forceLimit: number;
}

export interface AntBodyOptions {
  servo: AntServo;
  /** Reflected rotor inertia added to each leg link, kg·m² (isotropically, as robot-scene.ts does). */
  armature: number;
  timestep: number;
  solverIterations: number;
  /** Torso height at the rest pose. */
  height?: number;
  density?: number;
}

/** Scene layout: body 0 is the torso, then upper and lower leg of each leg; the ground is last. */
export const ANT_TORSO = 0;
export const antUpperLeg = (leg: number) => 1 + 2 * leg;
export const antLowerLeg = (leg: number) => 2 + 2 * leg;
export const ANT_GROUND = 9;

/**
 * Joint targets of the ant's standing pose, in actuator order (hip_1, ankle_1, …, hip_4, ankle_4):
 * hips straight, ankles at the middle of their range (50° down).
 */
export function antStandingPose(): Float64Array {
  return Float64Array.from(LEGS.flatMap((l) => [0, ((l.ankleRange[0] + l.ankleRange[1]) / 2) * DEG]));
}

/** Height of the torso centre over the ground when the ant stands level on its four feet at `pose`. */
export function antStandingHeight(pose: ArrayLike<number>): number {
  // The ankles sit level with the torso centre; a shin (0.4·√2 m) drops by sin(bend), the foot's cap adds a radius.
  const drops = LEGS.map((_, i) => SHIN * Math.SQRT2 * Math.sin(Math.abs(pose[2 * i + 1]!)));
  return Math.max(...drops) + LIMB_RADIUS;
}

export function antScene(o: AntBodyOptions): SceneDescription {
  const density = o.density ?? ANT_DENSITY;
  const h = o.height ?? 0.75;
  const bodies: BodyDesc[] = [];
  const joints: JointDesc[] = [];
  const actuators: ActuatorDesc[] = [];

  const torsoGeoms: GeomDesc[] = [
    { name: 'torso_geom', shape: { type: 'sphere', radius: TORSO_RADIUS }, friction: FRICTION, color: '#c09060' },
    ...LEGS.map((l, i) => limb(`aux_${i + 1}_geom`, [0, 0, 0], [l.dir[0] * HIP_OFFSET, l.dir[1] * HIP_OFFSET, 0])),
  ];
  bodies.push(antBody('torso', [0, 0, h], torsoGeoms, density, 0));

  LEGS.forEach((l, i) => {
    const [dx, dy] = l.dir;
    const hip: Vec3 = [dx * HIP_OFFSET, dy * HIP_OFFSET, h];
    const ankle: Vec3 = [dx * (HIP_OFFSET + THIGH), dy * (HIP_OFFSET + THIGH), h];
    const upper = bodies.length;
    bodies.push(antBody(`upper_leg_${i + 1}`, hip, [limb(`leg_geom_${i + 1}`, [0, 0, 0], [dx * THIGH, dy * THIGH, 0])], density, o.armature));
    const lower = bodies.length;
    bodies.push(antBody(`lower_leg_${i + 1}`, ankle, [limb(`ankle_geom_${i + 1}`, [0, 0, 0], [dx * SHIN, dy * SHIN, 0])], density, o.armature));
    joints.push({
      name: `hip_${i + 1}`,
      type: 'revolute',
      parent: ANT_TORSO,
      child: upper,
      anchorParent: [hip[0], hip[1], 0],
      anchorChild: [0, 0, 0],
      axis: [0, 0, 1],
      limits: HIP_RANGE,
    });
    const n = Math.SQRT1_2;
    joints.push({
      name: `ankle_${i + 1}`,
      type: 'revolute',
      parent: upper,
      child: lower,
      anchorParent: [dx * THIGH, dy * THIGH, 0],
      anchorChild: [0, 0, 0],
      axis: [l.ankleAxis[0] * n, l.ankleAxis[1] * n, 0],
      limits: [l.ankleRange[0] * DEG, l.ankleRange[1] * DEG],
    });
  });
  for (const [j, joint] of joints.entries()) {
    actuators.push({
      name: joint.name,
      joint: j,
      kind: 'position',
      gear: 1,
      ctrlRange: joint.limits!,
      kp: o.servo.kp,
      kv: o.servo.kv,
      forceLimit: o.servo.forceLimit,
    });
  }
  bodies.push({
    name: 'ground',
    kind: 'fixed',
    pose: { position: [0, 0, -0.05], rotation: [0, 0, 0, 1] },
    geoms: [{ shape: { type: 'box', halfExtents: [50, 50, 0.05] }, friction: FRICTION, color: '#3a4048' }],
  });
  return { name: 'ant', gravity: [0, 0, -9.81], timestep: o.timestep, solverIterations: o.solverIterations, bodies, joints, actuators, markers: [] };
}

/** A capsule from a to b (body frame, horizontal at rest), as MJCF's `fromto`. */
function limb(name: string, a: Vec3, b: Vec3): GeomDesc {
  const d: Vec3 = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  const length = Math.hypot(...d);
  // Capsules run along local y; turn y onto d about z.
  const rotation = axisAngle([0, 0, 1], Math.atan2(-d[0], d[1]));
  return {
    name,
    shape: { type: 'capsule', radius: LIMB_RADIUS, halfHeight: length / 2 },
    pose: { position: [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2], rotation },
    friction: FRICTION,
    color: '#c09060',
  };
}

/**
 * A dynamic body whose mass properties are computed here from its geoms at `density` (the same
 * numbers Rapier would compute), so the armature can be added to them.
 */
function antBody(name: string, position: Vec3, geoms: GeomDesc[], density: number, armature: number): BodyDesc {
  const parts = geoms.map((g) => geomInertia(g, density));
  const mass = parts.reduce((m, p) => m + p.m, 0);
  const com = [0, 1, 2].map((k) => parts.reduce((s, p) => s + p.m * p.c[k]!, 0) / mass) as Vec3;
  let I: Matrix3 = [armature, 0, 0, 0, armature, 0, 0, 0, armature];
  for (const p of parts) I = add(add(I, p.I), parallelAxis(p.m, [p.c[0] - com[0], p.c[1] - com[1], p.c[2] - com[2]]));
  return {
    name,
    kind: 'dynamic',
    pose: { position, rotation: [0, 0, 0, 1] },
    geoms,
    inertial: { mass, com, ...principalAxes(I) },
    collisionGroup: ANT_GROUP,
  };
}

/** Mass, centre and inertia (about that centre, body axes) of a sphere or capsule geom. */
function geomInertia(g: GeomDesc, density: number): { m: number; c: Vec3; I: Matrix3 } {
  const c = g.pose?.position ?? [0, 0, 0];
  const q: Quat = g.pose?.rotation ?? [0, 0, 0, 1];
  const s = g.shape;
  if (s.type === 'sphere') {
    const m = density * (4 / 3) * Math.PI * s.radius ** 3;
    const i = 0.4 * m * s.radius ** 2;
    return { m, c, I: [i, 0, 0, 0, i, 0, 0, 0, i] };
  }
  if (s.type !== 'capsule') throw new Error(`ant geom '${g.name}': only spheres and capsules are expected, got ${s.type}`);
  const r = s.radius;
  const len = 2 * s.halfHeight;
  const mc = density * Math.PI * r * r * len;
  const ms = density * (4 / 3) * Math.PI * r ** 3;
  // Cylinder plus two hemispherical caps (centroids 3r/8 beyond the cylinder's ends), axis y.
  const axial = mc * r * r / 2 + ms * 0.4 * r * r;
  const transverse = mc * (r * r / 4 + len * len / 12) + ms * (0.4 * r * r + len * len / 4 + (3 * len * r) / 8);
  return { m: mc + ms, c, I: rotateInertia([transverse, 0, 0, 0, axial, 0, 0, 0, transverse], q) };
}
