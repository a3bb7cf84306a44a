/**
 * A robot as its description file states it, before it becomes a simulated scene: links with
 * inertials and geometry, joints with frames, limits and dynamics, actuators, sensors and keyframes.
 * The URDF and MJCF importers both produce this; `robot inspect` prints it.
 */
import type { Pose, SiteShape, Vec3 } from '../scene.ts';

export type RobotGeometry =
  | { type: 'box'; halfExtents: Vec3 }
  | { type: 'sphere'; radius: number }
  /** Axis along local z, as URDF and MJCF define them; halfLength excludes the caps. */
  | { type: 'cylinder'; radius: number; halfLength: number }
  | { type: 'capsule'; radius: number; halfLength: number }
  | { type: 'ellipsoid'; radii: Vec3 }
  | { type: 'plane'; halfExtents: [number, number] }
  | { type: 'mesh'; file: string; scale: Vec3; found: boolean }
  /** MJCF `hfield`: `data` in [0, 1], row-major, first row at −y; the surface is elevation · data (sim/importers/mjcf-hfield.ts). */
  | { type: 'hfield'; name: string; rows: number; cols: number; halfExtents: [number, number]; elevation: number; base: number; data: Float32Array };

export interface RobotGeom {
  name?: string;
  role: 'visual' | 'collision' | 'both';
  geometry: RobotGeometry;
  pose: Pose;
  rgba?: [number, number, number, number];
  friction?: number;
  /** MJCF `mass` (kg) or `density` (kg/m³) of the geom, for a body without an <inertial>. */
  mass?: number;
  density?: number;
  /** MJCF `group` (0 when absent): which geoms count towards inferred inertia. */
  group?: number;
  /** MJCF `shellinertia`: mass on the surface (not supported: warned about). */
  shellInertia?: boolean;
}

export interface Inertial {
  mass: number;
  /** Centre of mass in the link frame. */
  com: Vec3;
  /** Inertia about the centre of mass in the link frame: ixx, iyy, izz, ixy, ixz, iyz. */
  inertia: [number, number, number, number, number, number];
}

/** A named frame on a link (MJCF `site`): gripper points, IMU mounts, feet. */
export interface RobotSite {
  name: string;
  pose: Pose;
  /** MJCF `size` (half-sizes or radius, m). */
  size?: number[];
  /** MJCF site `type` (default sphere): the zone a touch sensor on it counts contacts in. */
  type?: SiteShape;
}

export interface RobotLink {
  name: string;
  sites?: RobotSite[];
  /** Index of the joint that connects this link to its parent; −1 for the root. */
  parentJoint: number;
  inertial?: Inertial;
  geoms: RobotGeom[];
}

export type RobotJointType = 'revolute' | 'continuous' | 'prismatic' | 'fixed' | 'ball' | 'floating';

export interface RobotJoint {
  name: string;
  type: RobotJointType;
  parent: number;
  child: number;
  /** Child link frame relative to the parent link frame at joint position 0. */
  origin: Pose;
  /** Unit axis in the child (joint) frame. */
  axis: Vec3;
  /** Joint position in the child frame (MJCF joint `pos`); the origin when absent (URDF). */
  anchor?: Vec3;
  limits?: { lower?: number; upper?: number; effort?: number; velocity?: number };
  damping: number;
  friction: number;
  armature: number;
  mimic?: { joint: string; multiplier: number; offset: number };
  /** Joint position of the reference pose (MJCF `ref`, `qpos0`). */
  reference?: number;
}

export interface RobotActuator {
  name: string;
  joint: string;
  kind: 'motor' | 'position' | 'velocity';
  gear: number;
  kp?: number;
  kv?: number;
  /** Position servos: kv from this damping ratio and the joint's reflected inertia (MJCF `dampratio`). */
  dampRatio?: number;
  ctrlRange?: [number, number];
  /** Limits on the actuator's force before the gear (MJCF `forcerange`). */
  forceRange?: [number, number];
}

export interface RobotSensor {
  name: string;
  type: string;
  /** The joint, body, site or actuator it reads. */
  target: string;
  /** What `target` names, where the sensor says (frame sensors' `objtype`: site, body, xbody, geom). */
  targetType?: string;
}

export interface RobotKeyframe {
  name: string;
  qpos: number[];
  ctrl?: number[];
}

export interface RobotModel {
  name: string;
  format: 'urdf' | 'mjcf';
  file: string;
  links: RobotLink[];
  joints: RobotJoint[];
  actuators: RobotActuator[];
  sensors: RobotSensor[];
  keyframes: RobotKeyframe[];
  /** Pairs of link names whose contacts are excluded. */
  contactExclusions: [string, string][];
  /** The file's physics step in seconds (MJCF `<option timestep>`), when it states one. */
  timestep?: number;
  /** Legged robots: the root link is free to move. */
  floatingBase: boolean;
  warnings: string[];
}

export function isActuated(joint: RobotJoint): boolean {
  return joint.type !== 'fixed' && !joint.mimic;
}

export function totalMass(model: RobotModel): number {
  return model.links.reduce((m, l) => m + (l.inertial?.mass ?? 0), 0);
}

/** Error in a robot file, naming the file, the element and its line. */
export class RobotFileError extends Error {
  override name = 'RobotFileError';
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    message: string,
  ) {
    super(`${file}${line ? `:${line}` : ''}: ${message}`);
  }
}
