/**
 * RobotModel → SceneDescription. Links joined by fixed joints are merged into one body (their
 * inertias combined), every body frame is aligned with the world at the rest pose (joint positions 0)
 * so joints need one axis and joint positions read back directly (sim/kinematics.ts), mesh geoms are
 * loaded and simplified (a visual mesh drawn per material, a collision mesh colliding as its convex
 * hull), and actuators become scene actuators.
 */
import { axisAngle, multiply, rotate } from '../kinematics.ts';
import type { ActuatorDesc, BodyDesc, GeomDesc, JointDesc, Pose, Quat, SceneDescription, SensorDesc, Shape, Vec3 } from '../scene.ts';
import { isSiteSensorType } from './site-sensors.ts';
import { add, fromComponents, parallelAxis, principalAxes, rotateInertia, type Matrix3 } from './inertia.ts';
import type { RobotActuator, RobotGeom, RobotModel } from './robot-model.ts';
import { reflectedInertia } from './reflected-inertia.ts';
import { SceneMeshes } from './scene-meshes.ts';
import { sceneKeyframes, type SceneKeyframe } from './keyframes.ts';

export interface RobotSceneOptions {
  /** Where the root link stands. */
  basePosition?: Vec3;
  timestep?: number;
  /** Use the file's own physics step (MJCF `<option timestep>`) when it states one, else `timestep`. */
  fileTimestep?: boolean;
  solverIterations?: number;
  /** Add a ground plane (legged robots and free play). */
  ground?: boolean;
  /** Grid cell for mesh simplification, metres. */
  meshCell?: number;
  /** Rapier length unit (typical link size), see SceneDescription.lengthUnit. */
  lengthUnit?: number;
  /** Let the robot's links collide with each other (off by default, as in Isaac Lab's defaults). */
  selfCollision?: boolean;
  /** Give the robot no collision geometry at all (tasks without contacts: reaching in free space). */
  noCollision?: boolean;
  /** false: leave visual-only geometry out, unread (rollout workers simulate and never draw). */
  visuals?: boolean;
}

export interface RobotScene {
  scene: SceneDescription;
  /** Scene body of each link. */
  linkBody: number[];
  /** Scene joint of each simulated robot joint, by name. */
  jointIndex: Map<string, number>;
  /** Sites as points in their body's frame. */
  sites: Map<string, { body: number; point: Vec3 }>;
  /** The file's keyframes (MJCF `<key>`) as scene joint positions and base poses. */
  keyframes: SceneKeyframe[];
  warnings: string[];
}

const Y_TO_Z: Quat = axisAngle([1, 0, 0], Math.PI / 2);
const MIN_MASS = 1e-3;
/** Collision group of robot links when self-collision is off: they collide with the world, not each other. */
const ROBOT_GROUP = 1;
/** The body holding an MJCF file's own <worldbody> geoms (floor, terrain). */
export const WORLD_GEOMS = 'worldbody geoms';

export function robotToScene(model: RobotModel, options: RobotSceneOptions = {}): RobotScene {
  const warnings = [...model.warnings];
  const worldPose = linkWorldPoses(model, options.basePosition ?? [0, 0, 0]);
  // Group links joined by fixed joints; the group's first link (closest to the root) names the body.
  const group = model.links.map((_, i) => i);
  const find = (i: number): number => (group[i] === i ? i : (group[i] = find(group[i]!)));
  for (const j of model.joints) if (j.type === 'fixed') group[find(j.child)] = find(j.parent);
  const roots = [...new Set(model.links.map((_, i) => find(i)))].sort((a, b) => depth(model, a) - depth(model, b));
  const bodyOf = new Map(roots.map((r, b) => [r, b]));
  const linkBody = model.links.map((_, i) => bodyOf.get(find(i))!);
  const rootLink = roots[0]!;
  const hasWorldLink = model.format === 'mjcf';

  const meshes = new SceneMeshes(options.meshCell ?? 0.002);
  const linkGeoms = (l: number, origin: Vec3) =>
    geomsOfLink(model, l, worldPose[l]!, origin, meshes, warnings, options.visuals ?? true).flatMap((g) => (options.noCollision ? (g.collisionOnly ? [] : [{ ...g, visualOnly: true }]) : [g]));
  // The MJCF world link's own geoms (its floor, terrain), set apart below.
  const worldGeoms = hasWorldLink ? linkGeoms(0, worldPose[0]!.position) : [];
  const bodies: BodyDesc[] = roots.map((r) => {
    const members = model.links.map((_, i) => i).filter((i) => find(i) === r);
    const origin = worldPose[r]!.position;
    const fixed = r === rootLink ? (hasWorldLink || !model.floatingBase) : false;
    const geoms = members.flatMap((l) => (hasWorldLink && l === 0 ? [] : linkGeoms(l, origin)));
    const body: BodyDesc = {
      name: model.links[r]!.name,
      kind: fixed ? 'fixed' : 'dynamic',
      pose: { position: origin, rotation: [0, 0, 0, 1] },
      geoms,
      ...(options.selfCollision ? {} : { collisionGroup: ROBOT_GROUP }),
    };
    if (!fixed) body.inertial = combinedInertial(model, members, worldPose, origin);
    return body;
  });
  // What an MJCF file puts in <worldbody> itself (its floor, terrain, obstacles) is the world, not part
  // of the robot: it collides with every body, as in MuJoCo. It moves to a body of its own, so that a
  // fixed base welded to the world keeps the robot's group.
  if (worldGeoms.some((g) => !g.visualOnly)) bodies.push({ name: WORLD_GEOMS, kind: 'fixed', pose: { position: worldPose[0]!.position, rotation: [0, 0, 0, 1] }, geoms: worldGeoms });
  else bodies[linkBody[0]!]!.geoms.push(...worldGeoms);
  // An MJCF free joint makes its body the floating root: not welded to the world.
  for (const j of model.joints) if (j.type === 'floating') bodies[linkBody[j.child]!]!.kind = 'dynamic';
  for (const [b, body] of bodies.entries()) {
    if (body.kind === 'dynamic' && !body.inertial) body.inertial = combinedInertial(model, model.links.map((_, i) => i).filter((i) => linkBody[i] === b), worldPose, body.pose.position);
  }

  const joints: JointDesc[] = [];
  const jointIndex = new Map<string, number>();
  for (const j of model.joints) {
    if (j.type === 'fixed' || j.type === 'floating') continue;
    const childPose = worldPose[j.child]!;
    const anchor = add3(childPose.position, rotate(childPose.rotation, j.anchor ?? [0, 0, 0]));
    const parentBody = linkBody[j.parent]!;
    const childBody = linkBody[j.child]!;
    const axis = rotate(childPose.rotation, j.axis);
    const limited = j.type !== 'continuous' && j.limits?.lower !== undefined && j.limits.upper !== undefined;
    jointIndex.set(j.name, joints.length);
    joints.push({
      name: j.name,
      type: j.type === 'prismatic' ? 'prismatic' : j.type === 'ball' ? 'spherical' : 'revolute',
      parent: parentBody,
      child: childBody,
      anchorParent: sub3(anchor, bodies[parentBody]!.pose.position),
      anchorChild: sub3(anchor, bodies[childBody]!.pose.position),
      axis,
      ...(limited ? { limits: [j.limits!.lower!, j.limits!.upper!] as [number, number] } : {}),
      ...(j.damping ? { damping: j.damping } : {}),
      ...(j.friction ? { frictionLoss: j.friction } : {}),
    });
    // Reflected rotor inertia (armature) about the joint axis, added to the child body.
    if (j.armature && bodies[childBody]!.inertial) addArmature(bodies[childBody]!, j.armature);
  }

  for (const j of model.joints) {
    if (!j.mimic || !jointIndex.has(j.name)) continue;
    const leader = jointIndex.get(j.mimic.joint);
    if (leader === undefined) warnings.push(`joint '${j.name}' mimics '${j.mimic.joint}', which is not simulated; it moves freely`);
    else joints[jointIndex.get(j.name)!]!.mimic = { joint: leader, multiplier: j.mimic.multiplier, offset: j.mimic.offset };
  }

  const restPoses = linkWorldPoses(model, [0, 0, 0]);
  const actuators: ActuatorDesc[] = model.actuators.flatMap((a) => {
    const joint = jointIndex.get(a.joint);
    if (joint === undefined) {
      warnings.push(`actuator '${a.name}': joint '${a.joint}' is not simulated; actuator dropped`);
      return [];
    }
    if (joints[joint]!.type === 'spherical') {
      warnings.push(`actuator '${a.name}': actuators on ball joint '${a.joint}' are not supported; actuator dropped`);
      return [];
    }
    const modelJoint = model.joints.findIndex((j) => j.name === a.joint);
    const effort = model.joints[modelJoint]?.limits?.effort;
    const forceLimit = jointForceLimit(a, effort);
    const range = a.ctrlRange ?? (a.kind === 'position' ? joints[joint]!.limits : undefined) ?? (effort ? [-effort, effort] : [-100, 100]);
    // MuJoCo's dampratio: critical damping (ζ = 1) of the servo against the joint's reflected inertia.
    const kv = a.dampRatio !== undefined && a.kp !== undefined ? 2 * a.dampRatio * Math.sqrt(a.kp * reflectedInertia(model, modelJoint, restPoses)) : a.kv;
    return [{
      name: a.name,
      joint,
      kind: a.kind,
      gear: a.gear,
      ctrlRange: [range[0], range[1]] as [number, number],
      ...(a.kp !== undefined ? { kp: a.kp } : {}),
      ...(kv !== undefined ? { kv } : {}),
      ...(forceLimit !== undefined ? { forceLimit } : {}),
    }];
  });

  if (options.ground) {
    // A 1 km floor: a robot driven live for minutes must not leave it (the Go2-W at 0.5 m/s drove off the
    // old 40 m one after 40 s and fell, which the studio showed as a blow-up).
    bodies.push({
      name: 'ground',
      kind: 'fixed',
      pose: { position: [0, 0, -0.05], rotation: [0, 0, 0, 1] },
      geoms: [{ shape: { type: 'box', halfExtents: [500, 500, 0.05] }, friction: 1, color: '#3a4048' }],
    });
  }
  const sites = new Map<string, { body: number; point: Vec3 }>();
  for (const [l, link] of model.links.entries()) {
    for (const site of link.sites ?? []) {
      const pose = worldPose[l]!;
      const world = add3(pose.position, rotate(pose.rotation, site.pose.position));
      sites.set(site.name, { body: linkBody[l]!, point: sub3(world, bodies[linkBody[l]!]!.pose.position) });
    }
  }
  const sensors = siteSensors(model, linkBody, worldPose, bodies, warnings);
  const keyframes = sceneKeyframes(model, jointIndex, joints.length, restPoses, warnings);
  const timestep = (options.fileTimestep ? model.timestep : undefined) ?? options.timestep ?? 0.005;
  return {
    sites,
    keyframes,
    scene: {
      name: model.name,
      gravity: [0, 0, -9.81],
      timestep,
      solverIterations: options.solverIterations ?? 4,
      ...(options.lengthUnit ? { lengthUnit: options.lengthUnit } : {}),
      bodies,
      joints,
      actuators,
      markers: [],
      ...(sensors.length ? { sensors } : {}),
      meshes: meshes.meshes,
    },
    linkBody,
    jointIndex,
    warnings,
  };
}

/**
 * The file's site sensors (gyro, accelerometer, frame sensors, touch…) on the scene's bodies: each site's
 * frame relative to its body's (scene bodies are world-aligned at the rest pose). A sensor on a body
 * (frame sensors' objtype body/xbody) reads the body's own frame. Joint and actuator sensors are the
 * robot's joint readings already.
 */
function siteSensors(model: RobotModel, linkBody: number[], worldPose: Pose[], bodies: BodyDesc[], warnings: string[]): SensorDesc[] {
  return model.sensors.flatMap((sensor): SensorDesc[] => {
    if (!isSiteSensorType(sensor.type)) return [];
    const onBody = sensor.targetType === 'body' || sensor.targetType === 'xbody';
    const link = model.links.findIndex((l) => (onBody ? l.name === sensor.target : l.sites?.some((s) => s.name === sensor.target)));
    if (link < 0 || (sensor.targetType && !onBody && sensor.targetType !== 'site')) {
      warnings.push(`sensor '${sensor.name}': ${link < 0 ? `no ${onBody ? 'body' : 'site'} '${sensor.target}'` : `frames of a ${sensor.targetType} are not read`}; ignored`);
      return [];
    }
    const site = onBody ? undefined : model.links[link]!.sites!.find((s) => s.name === sensor.target)!;
    const linkPose = worldPose[link]!;
    const body = linkBody[link]!;
    const local = site?.pose ?? { position: [0, 0, 0] as Vec3, rotation: [0, 0, 0, 1] as Quat };
    const position = sub3(add3(linkPose.position, rotate(linkPose.rotation, local.position)), bodies[body]!.pose.position);
    return [{
      name: sensor.name,
      type: sensor.type,
      body,
      pose: { position, rotation: multiply(linkPose.rotation, local.rotation) },
      ...(sensor.type === 'touch' ? { zone: { shape: site?.type ?? 'sphere', size: site?.size ?? [0.005] } } : {}),
    }];
  });
}

/**
 * The most torque (force) the actuator puts on its joint: its force range times its gear, and no more
 * than the joint's own limit (URDF `effort`, MJCF `actuatorfrcrange`), whichever is smaller.
 */
export function jointForceLimit(a: RobotActuator, jointEffort: number | undefined): number | undefined {
  const own = a.forceRange ? Math.max(Math.abs(a.forceRange[0]), Math.abs(a.forceRange[1])) * Math.abs(a.gear) : undefined;
  if (own === undefined) return jointEffort;
  return jointEffort === undefined ? own : Math.min(own, jointEffort);
}

function depth(model: RobotModel, link: number): number {
  let d = 0;
  for (let j = model.links[link]!.parentJoint; j >= 0; j = model.links[model.joints[j]!.parent]!.parentJoint) d++;
  return d;
}

/** World pose of every link with all joints at 0. */
export function linkWorldPoses(model: RobotModel, base: Vec3): Pose[] {
  const poses: (Pose | undefined)[] = model.links.map(() => undefined);
  const pose = (l: number): Pose => {
    const known = poses[l];
    if (known) return known;
    const jointIndex = model.links[l]!.parentJoint;
    let result: Pose;
    if (jointIndex < 0) result = { position: base, rotation: [0, 0, 0, 1] };
    else {
      const joint = model.joints[jointIndex]!;
      const parent = pose(joint.parent);
      result = {
        position: add3(parent.position, rotate(parent.rotation, joint.origin.position)),
        rotation: multiply(parent.rotation, joint.origin.rotation),
      };
    }
    poses[l] = result;
    return result;
  };
  return model.links.map((_, i) => pose(i));
}

function geomsOfLink(model: RobotModel, link: number, linkPose: Pose, bodyOrigin: Vec3, meshes: SceneMeshes, warnings: string[], visuals: boolean): GeomDesc[] {
  const { name } = model.links[link]!;
  const geoms = visuals ? model.links[link]!.geoms : model.links[link]!.geoms.filter((g) => g.role !== 'visual');
  const shapes = geoms.map((g) => shapesOf(g, meshes, warnings));
  // A visual mesh that cannot be read: the link is drawn from its collision geometry instead.
  const drawCollision = geoms.some((g, i) => g.role === 'visual' && shapes[i] instanceof Error) && geoms.some((g) => g.role !== 'visual');
  const out: GeomDesc[] = [];
  for (const [i, g] of geoms.entries()) {
    let converted = shapes[i]!;
    if (converted instanceof Error) {
      const fallBack = g.role === 'visual' && drawCollision;
      warnings.push(`link '${name}': ${converted.message}; ${fallBack ? 'drawing its collision geometry instead' : 'drawn as a placeholder'}`);
      if (fallBack) continue;
      converted = [PLACEHOLDER];
    }
    const worldRotation = multiply(linkPose.rotation, g.pose.rotation);
    const position = sub3(add3(linkPose.position, rotate(linkPose.rotation, g.pose.position)), bodyOrigin);
    for (const c of converted) {
      // A mesh's own material colours win over the URDF's one colour for the whole visual.
      const rgba = c.rgba ?? g.rgba;
      out.push({
        ...(g.name ? { name: g.name } : {}),
        shape: c.shape,
        pose: { position: c.shift ? add3(position, rotate(worldRotation, c.shift)) : position, rotation: c.turn ? multiply(worldRotation, c.turn) : worldRotation },
        ...(g.role === 'visual' || c.placeholder ? { visualOnly: true } : {}),
        ...(g.role === 'collision' && !drawCollision ? { collisionOnly: true } : {}),
        ...(g.friction !== undefined ? { friction: g.friction } : {}),
        ...(rgba ? { color: rgbaToHex(rgba) } : {}),
      });
    }
  }
  return out;
}

interface ConvertedShape {
  shape: Shape;
  /** Turns the shape's axis (three.js and Rapier: y) onto the robot file's (z). */
  turn?: Quat;
  /** Moves the shape in the geom's frame (a plane's slab lies below its surface). */
  shift?: Vec3;
  /** Stands in for a mesh that is missing or cannot be read: drawn, never collides. */
  placeholder?: boolean;
  rgba?: [number, number, number, number];
}

/** A plane becomes a slab this thick under its surface. */
const PLANE_HALF_THICKNESS = 0.001;

const PLACEHOLDER: ConvertedShape = { shape: { type: 'box', halfExtents: [0.01, 0.01, 0.01] }, placeholder: true };

/** A geom's shapes (one per material for a visual mesh), or why its mesh file cannot be read. */
function shapesOf(g: RobotGeom, meshes: SceneMeshes, warnings: string[]): ConvertedShape[] | Error {
  const s = g.geometry;
  switch (s.type) {
    case 'box':
      return [{ shape: { type: 'box', halfExtents: s.halfExtents } }];
    case 'sphere':
      return [{ shape: { type: 'sphere', radius: s.radius } }];
    case 'cylinder':
      return [{ shape: { type: 'cylinder', radius: s.radius, halfHeight: s.halfLength }, turn: Y_TO_Z }];
    case 'capsule':
      return [{ shape: { type: 'capsule', radius: s.radius, halfHeight: s.halfLength }, turn: Y_TO_Z }];
    case 'ellipsoid':
      warnings.push('ellipsoid geoms are simulated as spheres of their mean radius');
      return [{ shape: { type: 'sphere', radius: (s.radii[0] + s.radii[1] + s.radii[2]) / 3 } }];
    case 'plane':
      return [{ shape: { type: 'box', halfExtents: [s.halfExtents[0], s.halfExtents[1], PLANE_HALF_THICKNESS] }, shift: [0, 0, -PLANE_HALF_THICKNESS] }];
    case 'hfield':
      return [{ shape: { type: 'heightfield', rows: s.rows, cols: s.cols, halfExtents: s.halfExtents, heights: s.data.map((v) => v * s.elevation), base: s.base } }];
    case 'mesh': {
      if (g.role === 'visual') {
        const parts = meshes.visual(s.file, s.scale, s.found);
        if (!parts || parts instanceof Error) return parts ?? [PLACEHOLDER];
        return parts.map((p) => ({ shape: { type: 'mesh', mesh: p.mesh }, ...(p.rgba ? { rgba: p.rgba } : {}) }));
      }
      const mesh = meshes.collision(s.file, s.scale, s.found);
      if (!mesh || mesh instanceof Error) return mesh ?? [PLACEHOLDER];
      return [{ shape: { type: 'mesh', mesh: mesh.mesh, hull: mesh.hull } }];
    }
  }
}

function combinedInertial(model: RobotModel, members: number[], poses: Pose[], origin: Vec3): NonNullable<BodyDesc['inertial']> {
  let mass = 0;
  const com: Vec3 = [0, 0, 0];
  const parts: { m: number; c: Vec3; I: Matrix3 }[] = [];
  for (const l of members) {
    const inertial = model.links[l]!.inertial;
    if (!inertial || inertial.mass <= 0) continue;
    const pose = poses[l]!;
    const c = sub3(add3(pose.position, rotate(pose.rotation, inertial.com)), origin);
    parts.push({ m: inertial.mass, c, I: rotateInertia(fromComponents(inertial.inertia), pose.rotation) });
    mass += inertial.mass;
    for (let k = 0; k < 3; k++) com[k]! += inertial.mass * c[k]!;
  }
  if (mass <= 0) return { mass: MIN_MASS, com: [0, 0, 0], principal: [1e-6, 1e-6, 1e-6], frame: [0, 0, 0, 1] };
  for (let k = 0; k < 3; k++) com[k]! /= mass;
  let I: Matrix3 = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  for (const p of parts) I = add(add(I, p.I), parallelAxis(p.m, sub3(p.c, com)));
  return { mass, com, ...principalAxes(I) };
}

/**
 * Reflected rotor inertia. MuJoCo adds armature to the joint's own degree of freedom; with maximal
 * coordinates a servo's stiffness is only as good as the inertia both bodies present to it, and a
 * light link is light about every axis but its own joint's. Adding the armature isotropically to the
 * child link keeps each servo stiff (SO-101 holding error 1.47° → 0.03° at a 5 ms step; see
 * docs/physics.md) at the price of a little extra inertia about the other two axes.
 */
function addArmature(body: BodyDesc, armature: number): void {
  const inertial = body.inertial!;
  const { principal, frame } = inertial;
  let I = rotateInertia([principal[0], 0, 0, 0, principal[1], 0, 0, 0, principal[2]], frame);
  I = add(I, [armature, 0, 0, 0, armature, 0, 0, 0, armature]);
  Object.assign(inertial, principalAxes(I));
}

function add3(a: Vec3, b: Vec3): Vec3 {
  return [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
}

function sub3(a: Vec3, b: Vec3): Vec3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}

function rgbaToHex([r, g, b]: [number, number, number, number]): string {
  const h = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 255).toString(16).padStart(2, '0');
  return `#${h(r)}${h(g)}${h(b)}`;
}
