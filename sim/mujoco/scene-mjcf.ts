/**
 * SceneDescription → MJCF, so any scene Actuate builds (built-in tasks, URDF and MJCF robots through our
 * importers) runs in MuJoCo as it runs in Rapier. The scene is flat (bodies and the joints between
 * them); MJCF is a tree, so each body nests under the parent of the joint that moves it, placed where
 * the joint's rest pose puts it (both frames equally oriented, anchors together: sim/kinematics.ts),
 * which makes MuJoCo's qpos equal to the scene's joint positions and its body frames the scene's.
 * Names are the scene indices (body `b3`, joint `j2`, actuator `a0`) so the two map without lookup.
 *
 * Physics is written as Rapier is given it: geom densities default to 1000, a body's `mass` is split
 * over its colliding geoms, explicit inertials win, visual-only geoms are left out, collision groups
 * become contype/conaffinity bit masks, servos are MuJoCo position/velocity actuators (their kv inside
 * the force limit, the joint's damping and frictionloss passive beside them, as in Rapier's world), and the integrator is `implicitfast` (servo damping
 * implicit, as in MuJoCo Playground); pairs of geoms whose friction differs get the mean of the two, as in
 * Rapier, through explicit contact pairs (friction-pairs.ts). A body's own damping, which MJCF cannot say, is
 * added to the compiled model's dof damping by MujocoWorld (body-damping.ts). What has no MuJoCo equivalent is
 * listed in `warnings`.
 */
import { multiply, rotate } from '../kinematics.ts';
import { DEFAULT_FRICTION, type BodyDesc, type GeomDesc, type JointDesc, type Quat, type SceneDescription, type Shape, type Vec3 } from '../scene.ts';
import { frictionPairs, geomName } from './friction-pairs.ts';

export interface SceneMjcf {
  xml: string;
  warnings: string[];
}

/** Scene capsules and cylinders lie along local y; MuJoCo's along local z: rotate z onto y. */
const Z_TO_Y: Quat = [-Math.SQRT1_2, 0, 0, Math.SQRT1_2];
/** A massless body (a carriage without colliders) gets the inertia of a 5 cm sphere, as in PhysicsWorld. */
const SPHERE_RADIUS = 0.05;

export function sceneToMjcf(scene: SceneDescription): SceneMjcf {
  const warnings: string[] = [];
  const parentJoint = new Map<number, number>();
  for (const [j, joint] of scene.joints.entries()) {
    if (parentJoint.has(joint.child)) {
      throw new Error(`scene '${scene.name}': body '${scene.bodies[joint.child]!.name}' is the child of two joints (a closed loop), which MJCF cannot nest`);
    }
    if (scene.bodies[joint.child]!.kind === 'fixed') throw new Error(`scene '${scene.name}': joint '${joint.name}' moves fixed body '${scene.bodies[joint.child]!.name}'`);
    parentJoint.set(joint.child, j);
  }
  const children = new Map<number, number[]>();
  for (const [child, j] of parentJoint) {
    const parent = scene.joints[j]!.parent;
    children.set(parent, [...(children.get(parent) ?? []), child]);
  }
  const assets: string[] = [];
  const meshNames = new Map<string, string>();
  const meshAsset = (name: string): string => {
    let asset = meshNames.get(name);
    if (asset) return asset;
    const mesh = scene.meshes?.[name];
    if (!mesh) throw new Error(`scene '${scene.name}': a geom names mesh '${name}', which the scene does not define`);
    asset = `m${meshNames.size}`;
    meshNames.set(name, asset);
    assets.push(`<mesh name="${asset}" vertex="${numbers(mesh.positions)}" face="${numbers(mesh.indices)}"/>`);
    return asset;
  };
  let heightFields = 0;
  const heightFieldAsset = (field: HeightFieldShape): { name: string; lift: number } => {
    const name = `h${heightFields++}`;
    const { xml, lift } = heightFieldXml(name, field);
    assets.push(xml);
    return { name, lift };
  };
  const geomAssets: GeomAssets = { mesh: meshAsset, heightField: heightFieldAsset };

  const visited = new Set<number>();
  const body = (b: number, pos: Vec3, quat: Quat, joint: string, indent: string): string => {
    visited.add(b);
    const desc = scene.bodies[b]!;
    const inner = indent + '  ';
    const lines = [`${indent}<body name="b${b}" pos="${numbers(pos)}" quat="${wxyz(quat)}">`];
    if (joint) lines.push(inner + joint);
    const massive = desc.geoms.filter((g) => !g.visualOnly);
    if (desc.inertial) {
      const { mass, com, principal, frame } = desc.inertial;
      lines.push(`${inner}<inertial pos="${numbers(com)}" quat="${wxyz(frame)}" mass="${mass}" diaginertia="${numbers(principal)}"/>`);
    } else if (desc.kind === 'dynamic' && desc.mass !== undefined && massive.length === 0) {
      const i = 0.4 * desc.mass * SPHERE_RADIUS ** 2;
      lines.push(`${inner}<inertial pos="0 0 0" mass="${desc.mass}" diaginertia="${i} ${i} ${i}"/>`);
    }
    const geomMass = desc.inertial ? undefined : desc.mass === undefined ? undefined : desc.mass / Math.max(1, massive.length);
    desc.geoms.forEach((geom, k) => {
      if (!geom.visualOnly) lines.push(inner + geomXml(geomName(b, k), geom, desc, geomMass, geomAssets));
    });
    for (const child of children.get(b) ?? []) lines.push(nested(child, inner));
    lines.push(`${indent}</body>`);
    return lines.join('\n');
  };
  const nested = (child: number, indent: string): string => {
    const j = parentJoint.get(child)!;
    const joint = scene.joints[j]!;
    // Rest pose: the child oriented as its parent, the two anchors at one point.
    const pos: Vec3 = [0, 1, 2].map((k) => joint.anchorParent[k]! - joint.anchorChild[k]!) as Vec3;
    return body(child, pos, [0, 0, 0, 1], jointXml(scene.joints[j]!, j), indent);
  };

  const world: string[] = [];
  for (const [b, desc] of scene.bodies.entries()) {
    if (parentJoint.has(b)) continue;
    const { position, rotation } = desc.pose;
    world.push(body(b, position, rotation, desc.kind === 'dynamic' ? `<freejoint name="free${b}"/>` : '', '    '));
  }
  if (visited.size !== scene.bodies.length) throw new Error(`scene '${scene.name}': joints form a cycle; MJCF needs a tree`);

  const actuators = scene.actuators.map((a, i) => {
    const joint = scene.joints[a.joint];
    if (!joint) throw new Error(`scene '${scene.name}': actuator '${a.name}' names joint ${a.joint}, which does not exist`);
    const common = `name="a${i}" joint="j${a.joint}" ctrlrange="${numbers(a.ctrlRange)}" ctrllimited="true"`;
    const force = a.forceLimit !== undefined && Number.isFinite(a.forceLimit) ? ` forcerange="${-a.forceLimit} ${a.forceLimit}" forcelimited="true"` : '';
    switch (a.kind ?? 'motor') {
      case 'position':
        return `<position ${common} kp="${a.kp ?? 0}" kv="${a.kv ?? 0}"${force}/>`;
      case 'velocity':
        return `<velocity ${common} kv="${a.kv ?? 0}"${force}/>`;
      default:
        return `<motor ${common} gear="${a.gear}"${force}/>`;
    }
  });
  const pairs = frictionPairs(scene).map((p) => `<pair geom1="${p.geom1}" geom2="${p.geom2}" friction="${p.friction} ${p.friction} 0.005 0.0001 0.0001"/>`);
  const equalities = scene.joints.flatMap((joint, j) =>
    joint.mimic ? [`<joint joint1="j${j}" joint2="j${joint.mimic.joint}" polycoef="${joint.mimic.offset} ${joint.mimic.multiplier} 0 0 0"/>`] : [],
  );

  const xml = [
    `<mujoco model="${escape(scene.name)}">`,
    '  <compiler angle="radian" autolimits="true" inertiafromgeom="auto" boundmass="1e-6" boundinertia="1e-9"/>',
    `  <option timestep="${scene.timestep}" gravity="${numbers(scene.gravity)}" integrator="implicitfast"/>`,
    ...(assets.length ? ['  <asset>', ...assets.map((a) => `    ${a}`), '  </asset>'] : []),
    '  <worldbody>',
    ...world,
    '  </worldbody>',
    ...(actuators.length ? ['  <actuator>', ...actuators.map((a) => `    ${a}`), '  </actuator>'] : []),
    ...(pairs.length ? ['  <contact>', ...pairs.map((p) => `    ${p}`), '  </contact>'] : []),
    ...(equalities.length ? ['  <equality>', ...equalities.map((e) => `    ${e}`), '  </equality>'] : []),
    '</mujoco>',
  ].join('\n');
  return { xml, warnings };
}

function jointXml(joint: JointDesc, j: number): string {
  if (joint.type === 'fixed') return '';
  const type = joint.type === 'revolute' ? 'hinge' : joint.type === 'prismatic' ? 'slide' : 'ball';
  const attrs = [`name="j${j}"`, `type="${type}"`, `pos="${numbers(joint.anchorChild)}"`];
  if (type !== 'ball') attrs.push(`axis="${numbers(joint.axis)}"`);
  if (joint.limits && type !== 'ball') attrs.push(`range="${numbers(joint.limits)}"`);
  if (joint.damping) attrs.push(`damping="${joint.damping}"`);
  if (joint.frictionLoss) attrs.push(`frictionloss="${joint.frictionLoss}"`);
  return `<joint ${attrs.join(' ')}/>`;
}

type HeightFieldShape = Extract<Shape, { type: 'heightfield' }>;

/** Writes the assets geoms name (each once) and returns their names. */
interface GeomAssets {
  mesh(name: string): string;
  /** `lift`: how far above the geom's origin MuJoCo's normalised field must start to put the scene's heights back. */
  heightField(shape: HeightFieldShape): { name: string; lift: number };
}

/**
 * A height field as MJCF: MuJoCo normalises the elevation to [0, 1] and scales it by size[2], and takes the
 * first row written to lie at +y; so the heights are written normalised, last scene row first, with the
 * range as size[2] and the minimum as a lift of the geom.
 */
function heightFieldXml(name: string, field: HeightFieldShape): { xml: string; lift: number } {
  const { rows, cols, heights } = field;
  let min = Infinity;
  let max = -Infinity;
  for (const h of heights) {
    min = Math.min(min, h);
    max = Math.max(max, h);
  }
  const range = max - min;
  const elevation: number[] = [];
  for (let r = rows - 1; r >= 0; r--) for (let c = 0; c < cols; c++) elevation.push(range > 0 ? (heights[r * cols + c]! - min) / range : 0);
  const size = [field.halfExtents[0], field.halfExtents[1], range > 0 ? range : 1, Math.max(field.base, 1e-3)];
  return { xml: `<hfield name="${name}" nrow="${rows}" ncol="${cols}" size="${numbers(size)}" elevation="${numbers(elevation)}"/>`, lift: min };
}

function geomXml(name: string, geom: GeomDesc, body: BodyDesc, mass: number | undefined, assets: GeomAssets): string {
  const rotation = geom.pose?.rotation ?? [0, 0, 0, 1];
  const attrs: string[] = [`name="${name}"`];
  const { shape } = geom;
  let quat: Quat = rotation;
  let position: Vec3 = geom.pose?.position ?? [0, 0, 0];
  switch (shape.type) {
    case 'box':
      attrs.push('type="box"', `size="${numbers(shape.halfExtents)}"`);
      break;
    case 'sphere':
      attrs.push('type="sphere"', `size="${shape.radius}"`);
      break;
    case 'capsule':
    case 'cylinder':
      attrs.push(`type="${shape.type}"`, `size="${shape.radius} ${shape.halfHeight}"`);
      quat = multiply(rotation, Z_TO_Y);
      break;
    case 'mesh':
      // MuJoCo collides a mesh as its convex hull, as Rapier does; the coarser hull when there is one.
      attrs.push('type="mesh"', `mesh="${assets.mesh(shape.hull ?? shape.mesh)}"`);
      break;
    case 'heightfield': {
      const { name, lift } = assets.heightField(shape);
      attrs.push('type="hfield"', `hfield="${name}"`);
      const up = rotate(rotation, [0, 0, lift]);
      position = [position[0] + up[0], position[1] + up[1], position[2] + up[2]];
      break;
    }
  }
  attrs.push(`pos="${numbers(position)}"`, `quat="${wxyz(quat)}"`);
  attrs.push(mass === undefined ? `density="${geom.density ?? 1000}"` : `mass="${mass}"`);
  attrs.push(`friction="${geom.friction ?? DEFAULT_FRICTION} 0.005 0.0001"`);
  const [contype, conaffinity] = collisionBits(body.collisionGroup ?? 0);
  attrs.push(`contype="${contype}"`, `conaffinity="${conaffinity}"`);
  return `<geom ${attrs.join(' ')}/>`;
}

/**
 * Rapier's groups (sim/rapier/physics-world.ts): a body in group g (1–15) does not collide with its own
 * group and collides with every other; group 0 collides with all. MuJoCo collides a pair when either
 * geom's contype meets the other's conaffinity; membership as contype, the filter as conaffinity gives that.
 */
export function collisionBits(group: number): [number, number] {
  const member = 1 << group;
  return [member, group === 0 ? 0xffff : 0xffff & ~member];
}

/** Scene quaternions are (x, y, z, w); MJCF's are (w, x, y, z). */
function wxyz(q: Quat): string {
  return numbers([q[3], q[0], q[1], q[2]]);
}

function numbers(values: ArrayLike<number>): string {
  return Array.from(values, (v) => String(v)).join(' ');
}

function escape(text: string): string {
  return text.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
