/**
 * The scene description: plain, serializable data that importers and task builders produce, the
 * physics backend instantiates and the renderer draws. One source of truth; no physics objects here.
 * It lives in protocol/ because it crosses to every client.
 */

export type Vec3 = [number, number, number];
/** Quaternion in (x, y, z, w) order, as three.js and Rapier use it. */
export type Quat = [number, number, number, number];

export interface Pose {
  position: Vec3;
  rotation: Quat;
}

export type Shape =
  | { type: 'box'; halfExtents: Vec3 }
  | { type: 'sphere'; radius: number }
  /** Capsule and cylinder axes are the local y axis (Rapier's and three.js's convention). */
  | { type: 'capsule'; radius: number; halfHeight: number }
  | { type: 'cylinder'; radius: number; halfHeight: number }
  /**
   * A mesh from `scene.meshes`: drawn as triangles, collides as the convex hull of `hull` (a coarser
   * copy: a hull's cost grows with its vertex count) or of the mesh itself.
   */
  | { type: 'mesh'; mesh: string; hull?: string }
  /**
   * Terrain (MJCF `hfield`): a grid of heights in metres above the geom's origin, row-major, `rows` × `cols`
   * samples spanning x ∈ [−halfExtents[0], +halfExtents[0]] along a row and y ∈ [−halfExtents[1], +halfExtents[1]]
   * from the first row to the last (MuJoCo's hfield_data order); the surface between samples is linear.
   * `base` is the depth of MuJoCo's solid box under the lowest height (Rapier's heightfield is a surface).
   */
  | { type: 'heightfield'; rows: number; cols: number; halfExtents: [number, number]; heights: Float32Array; base: number };

/** Triangle mesh data, in the geom's frame (already scaled). */
export interface MeshData {
  positions: Float32Array;
  indices: Uint32Array;
}

export interface GeomDesc {
  name?: string;
  shape: Shape;
  /** Pose relative to the body frame. */
  pose?: Pose;
  density?: number;
  /** Coulomb friction coefficient (default DEFAULT_FRICTION); a touching pair gets the mean of its two geoms'. */
  friction?: number;
  restitution?: number;
  /** Visual only: drawn but never collides. */
  visualOnly?: boolean;
  /** Collision only: collides but is not drawn. */
  collisionOnly?: boolean;
  color?: string;
}

/** A geom's friction when it states none. */
export const DEFAULT_FRICTION = 0.8;

export interface BodyDesc {
  name: string;
  kind: 'fixed' | 'dynamic';
  pose: Pose;
  geoms: GeomDesc[];
  /** Overrides the mass computed from geom densities. */
  mass?: number;
  /** Explicit mass properties (imported robots); geoms then add no mass. */
  inertial?: {
    mass: number;
    /** Centre of mass in the body frame. */
    com: Vec3;
    /** Principal moments and the rotation of the principal axes in the body frame. */
    principal: Vec3;
    frame: Quat;
  };
  linearDamping?: number;
  /** Bodies sharing a collision group (1–15) do not collide with each other; 0 or absent collides with all. */
  collisionGroup?: number;
  angularDamping?: number;
}

export interface JointDesc {
  name: string;
  /** spherical: rotation about the anchor in every direction (MJCF ball); `axis` is unused. */
  type: 'revolute' | 'prismatic' | 'fixed' | 'spherical';
  /** Index into `bodies`. */
  parent: number;
  child: number;
  /** Joint origin in the parent and child body frames. */
  anchorParent: Vec3;
  anchorChild: Vec3;
  /** Unit axis, expressed in the parent frame (and, at the rest pose, equally in the child frame). */
  axis: Vec3;
  limits?: [number, number];
  /** Viscous damping, N·m·s/rad (or N·s/m): passive, beside any servo on the joint and not bounded by its force limit (MuJoCo's joint damping). */
  damping?: number;
  /** Dry friction, N·m (or N): MJCF `frictionloss`, URDF `<dynamics friction>` (sim/rapier/joint-friction.ts). */
  frictionLoss?: number;
  /** Follows another joint (URDF mimic): q = multiplier · q[joint] + offset, held by a stiff servo. */
  mimic?: { joint: number; multiplier: number; offset: number };
}

/**
 * An actuator on a joint, as MuJoCo defines them:
 *  - motor: force = gear · ctrl (ctrl clamped to ctrlRange);
 *  - position: a PD servo, force = kp·(ctrl − q) − kv·q̇, clamped to ±forceLimit;
 *  - velocity: force = kv·(ctrl − q̇), clamped to ±forceLimit.
 * Servos run inside the physics solver (Rapier joint motors), so stiff gains stay stable.
 */
export interface ActuatorDesc {
  name: string;
  joint: number;
  kind?: 'motor' | 'position' | 'velocity';
  gear: number;
  ctrlRange: [number, number];
  kp?: number;
  kv?: number;
  forceLimit?: number;
}

/** What a site sensor measures (MuJoCo's sensor of the same name; sim/robot/site-sensors.ts). */
export type SiteSensorType = 'gyro' | 'accelerometer' | 'velocimeter' | 'framequat' | 'framexaxis' | 'frameyaxis' | 'framezaxis' | 'framepos' | 'touch';

/** A sensor on a frame fixed to a body (an MJCF site, or a body's own frame). */
export interface SensorDesc {
  name: string;
  type: SiteSensorType;
  body: number;
  /** The site's frame in the body frame. */
  pose: Pose;
  /** touch: the site's volume, in the site frame (MJCF site type and size, axis along z). */
  zone?: { shape: SiteShape; size: number[] };
}

/** MJCF site shapes: size is [r] (sphere), [r, half-length] (capsule, cylinder), radii (ellipsoid), half-sizes (box). */
export type SiteShape = 'sphere' | 'capsule' | 'ellipsoid' | 'cylinder' | 'box';

/** A point drawn in the viewport (goals, targets); not simulated. */
export interface MarkerDesc {
  name: string;
  position: Vec3;
  radius: number;
  color: string;
}

export interface SceneDescription {
  name: string;
  gravity: Vec3;
  /** Physics time step in seconds. */
  timestep: number;
  /** Velocity solver iterations per step. */
  solverIterations: number;
  /**
   * Typical object size in metres (Rapier's length unit, default 1): the allowed joint and contact
   * error scale with it, so small robots need a smaller unit to hold their joints within a degree.
   */
  lengthUnit?: number;
  bodies: BodyDesc[];
  joints: JointDesc[];
  actuators: ActuatorDesc[];
  markers: MarkerDesc[];
  /** Site sensors the simulated robot reports (RobotState.sensors). */
  sensors?: SensorDesc[];
  /** Meshes referenced by mesh geoms. */
  meshes?: Record<string, MeshData>;
}

/** Floats per body in a state vector: position (3), rotation (4), linear velocity (3), angular velocity (3). */
export const BODY_STATE_SIZE = 13;

/** Floats per body in a pose frame: position (3) and rotation (4). */
export const BODY_POSE_SIZE = 7;

/** A legged robot's free base: the first dynamic body that no joint attaches as a child. */
export function floatingBase(scene: SceneDescription): number | undefined {
  const children = new Set(scene.joints.map((j) => j.child));
  const base = scene.bodies.findIndex((b, i) => b.kind === 'dynamic' && !children.has(i));
  return base < 0 ? undefined : base;
}
