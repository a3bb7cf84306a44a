/**
 * MJCF (MuJoCo XML) → RobotModel: the part of MJCF that MuJoCo Menagerie robots use — include,
 * default classes, compiler settings, the body tree with joints, geoms and inertials, actuators,
 * keyframes, common sensors and contact exclusions. Unsupported elements are warnings, not errors.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import {
  RobotFileError,
  type Inertial,
  type RobotActuator,
  type RobotGeom,
  type RobotGeometry,
  type RobotJoint,
  type RobotLink,
  type RobotModel,
  type RobotSensor,
} from '../robot/robot-model.ts';
import type { MeshData, Pose, Quat, SiteShape, Vec3 } from '../scene.ts';
import { rotate } from '../kinematics.ts';
import { inertialFromGeoms, meshFileReader } from '../robot/geom-inertia.ts';
import { MjcfDefaults } from './mjcf-defaults.ts';
import { readHeightField, type HeightField } from './mjcf-hfield.ts';
import type { NestedFileCheck } from './resolve-path.ts';
import { mjcfAxisAngle, mjcfEuler, mjcfQuat } from './rotations.ts';
import { childElements, lineOf, numbers, parseXml, type XmlElement } from './xml-document.ts';

const JOINT_TYPES: Record<string, RobotJoint['type']> = { hinge: 'revolute', slide: 'prismatic', ball: 'ball', free: 'floating' };
const SENSOR_TYPES = ['jointpos', 'jointvel', 'gyro', 'accelerometer', 'framequat', 'framexaxis', 'frameyaxis', 'framezaxis', 'framepos', 'framelinvel', 'frameangvel', 'velocimeter', 'touch', 'actuatorfrc', 'subtreecom'];
const ACTUATOR_TAGS = ['motor', 'position', 'velocity', 'general'];

interface Compiler {
  degrees: boolean;
  meshdir: string;
  eulerseq: string;
  autolimits: boolean;
  /** auto: a body without an <inertial> gets its geoms'; true: every body does; false: none. */
  inertiafromgeom: 'auto' | 'true' | 'false';
  /** Geom groups whose geoms count towards inferred inertia. */
  inertiagrouprange: [number, number];
}

/** The file each element came from, for elements spliced in from `<include>`d files. */
const sourceFiles = new WeakMap<XmlElement, string>();

/** `file:line` of an element, naming the included file it came from. */
function where(element: XmlElement, file: string): string {
  const line = lineOf(element);
  return `${sourceFiles.get(element) ?? file}${line ? `:${line}` : ''}`;
}

/** A RobotFileError located at an element, in whichever (included) file it is written. */
function fileError(element: XmlElement, file: string, message: string): RobotFileError {
  return new RobotFileError(sourceFiles.get(element) ?? file, lineOf(element), message);
}

interface Context {
  file: string;
  compiler: Compiler;
  defaults: MjcfDefaults;
  meshes: Map<string, { file: string; scale: Vec3; inertia: string }>;
  /** Reads a mesh file for its volume (once). */
  readMesh: (file: string) => MeshData | undefined;
  heightFields: Map<string, HeightField>;
  materials: Map<string, number[]>;
  links: RobotLink[];
  joints: RobotJoint[];
  warnings: string[];
}

/** `checkFile` vets every included file and mesh before it is read (a server's allowed folders). */
export function importMjcf(file: string, checkFile?: NestedFileCheck): RobotModel {
  const root = loadWithIncludes(file, [], checkFile);
  if (root.nodeName !== 'mujoco') throw new RobotFileError(file, lineOf(root), 'not an MJCF file: expected a <mujoco> root element');
  const compilerEl = childElements(root, 'compiler')[0];
  const angle = compilerEl?.getAttribute('angle') ?? 'degree';
  const compiler: Compiler = {
    degrees: angle !== 'radian',
    meshdir: compilerEl?.getAttribute('meshdir') ?? compilerEl?.getAttribute('assetdir') ?? '',
    eulerseq: compilerEl?.getAttribute('eulerseq') ?? 'xyz',
    autolimits: compilerEl?.getAttribute('autolimits') !== 'false',
    inertiafromgeom: (['true', 'false'] as const).find((v) => v === compilerEl?.getAttribute('inertiafromgeom')) ?? 'auto',
    inertiagrouprange: (numbers(compilerEl?.getAttribute('inertiagrouprange') ?? null)?.slice(0, 2) ?? [0, 5]) as [number, number],
  };
  const ctx: Context = { file, compiler, defaults: new MjcfDefaults(root), meshes: new Map(), readMesh: () => undefined, heightFields: new Map(), materials: new Map(), links: [], joints: [], warnings: [] };
  ctx.readMesh = meshFileReader((mesh, problem) => ctx.warnings.push(`mass from mesh ${mesh} not computed (${problem}); give its body an <inertial>`));
  for (const asset of childElements(root, 'asset')) {
    for (const material of childElements(asset, 'material')) {
      const rgba = numbers(material.getAttribute('rgba'));
      if (rgba?.length === 4) ctx.materials.set(material.getAttribute('name') ?? '', rgba);
    }
    for (const mesh of childElements(asset, 'mesh')) {
      const meshFile = mesh.getAttribute('file') ?? '';
      const name = mesh.getAttribute('name') ?? meshFile.replace(/^.*[/\\]/, '').replace(/\.[^.]+$/, '');
      const scale = (numbers(ctx.defaults.get(mesh, 'mesh', 'scale', 'main')) ?? [1, 1, 1]) as Vec3;
      const path = resolve(dirname(file), compiler.meshdir, meshFile);
      checkFile?.(path, 'mesh', where(mesh, file));
      ctx.meshes.set(name, { file: path, scale, inertia: ctx.defaults.get(mesh, 'mesh', 'inertia', 'main') ?? 'legacy' });
    }
    for (const hfield of childElements(asset, 'hfield')) {
      const name = hfield.getAttribute('name') ?? '';
      const hfieldFile = hfield.getAttribute('file');
      const path = hfieldFile ? resolve(dirname(file), compiler.meshdir, hfieldFile) : undefined;
      if (path) checkFile?.(path, 'heightField', where(hfield, file));
      const count = (a: string) => (hfield.getAttribute(a) === null ? undefined : Number(hfield.getAttribute(a)));
      try {
        const spec = { name, ...(path ? { file: path } : {}), nrow: count('nrow'), ncol: count('ncol'), size: numbers(hfield.getAttribute('size')), elevation: numbers(hfield.getAttribute('elevation')) };
        ctx.heightFields.set(name, readHeightField(spec as Parameters<typeof readHeightField>[0]));
      } catch (err) {
        throw fileError(hfield, file, (err as Error).message);
      }
    }
  }
  ctx.links.push({ name: 'world', parentJoint: -1, geoms: [] });
  for (const worldbody of childElements(root, 'worldbody')) {
    ctx.links[0]!.geoms.push(...geomsOf(worldbody, 'main', ctx));
    for (const body of childElements(worldbody, 'body')) readBody(body, 0, 'main', ctx);
  }
  const floatingBase = ctx.joints.some((j) => j.type === 'floating');
  const timestep = optionTimestep(root, ctx);
  return {
    name: root.getAttribute('model') ?? 'robot',
    format: 'mjcf',
    file,
    links: ctx.links,
    joints: ctx.joints,
    actuators: actuatorsOf(root, ctx),
    sensors: sensorsOf(root, ctx),
    keyframes: childElements(root, 'keyframe').flatMap((k) =>
      childElements(k, 'key').map((key, i) => ({
        name: key.getAttribute('name') ?? `key${i}`,
        qpos: numbers(key.getAttribute('qpos')) ?? [],
        ...(key.getAttribute('ctrl') ? { ctrl: numbers(key.getAttribute('ctrl'))! } : {}),
      })),
    ),
    contactExclusions: childElements(root, 'contact').flatMap((c) =>
      childElements(c, 'exclude').map((e) => [e.getAttribute('body1') ?? '', e.getAttribute('body2') ?? ''] as [string, string]),
    ),
    floatingBase,
    ...(timestep !== undefined ? { timestep } : {}),
    warnings: ctx.warnings,
  };
}

/** `<option timestep>`: the last one given wins, as MuJoCo merges repeated sections. */
function optionTimestep(root: XmlElement, ctx: Context): number | undefined {
  let timestep: number | undefined;
  for (const option of childElements(root, 'option')) {
    const text = option.getAttribute('timestep');
    if (text === null) continue;
    const value = Number(text);
    if (!(value > 0)) throw fileError(option, ctx.file, `<option timestep="${text}">: expected a positive number of seconds`);
    timestep = value;
  }
  return timestep;
}

/** Parses the file and splices every <include file="…"/> in place (paths relative to the including file). */
function loadWithIncludes(file: string, seen: string[] = [], checkFile?: NestedFileCheck): XmlElement {
  if (seen.includes(resolve(file))) throw new RobotFileError(file, undefined, `include cycle: ${[...seen, file].join(' → ')}`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new RobotFileError(file, undefined, `cannot read: ${(err as Error).message}`);
  }
  const root = parseXml(text, file);
  const splice = (element: XmlElement) => {
    for (const child of childElements(element)) {
      if (child.nodeName !== 'include') {
        splice(child);
        continue;
      }
      const target = join(dirname(file), child.getAttribute('file') ?? '');
      checkFile?.(target, 'robot', where(child, file));
      if (!existsSync(target)) throw new RobotFileError(file, lineOf(child), `<include file="${child.getAttribute('file')}"> not found (${target})`);
      const included = loadWithIncludes(target, [...seen, resolve(file)], checkFile);
      for (const node of childElements(included)) {
        const copy = element.ownerDocument!.importNode(node, true) as XmlElement;
        markSource(node, copy, target);
        element.insertBefore(copy, child);
      }
      element.removeChild(child);
    }
  };
  splice(root);
  return root;
}

/** Records the source file of `copy` and its descendants (importNode keeps line numbers, not files). */
function markSource(original: XmlElement, copy: XmlElement, file: string): void {
  sourceFiles.set(copy, sourceFiles.get(original) ?? file);
  (copy as unknown as { lineNumber?: number }).lineNumber ??= lineOf(original);
  const from = childElements(original);
  const to = childElements(copy);
  for (let i = 0; i < from.length; i++) markSource(from[i]!, to[i]!, file);
}

function angleScale(ctx: Context): number {
  return ctx.compiler.degrees ? Math.PI / 180 : 1;
}

function orientation(element: XmlElement, tag: string, cls: string, ctx: Context): Quat {
  const get = (a: string) => numbers(ctx.defaults.get(element, tag, a, cls));
  const quat = get('quat');
  if (quat) return mjcfQuat(quat);
  const euler = get('euler');
  if (euler) return mjcfEuler(euler.map((a) => a * angleScale(ctx)) as Vec3, ctx.compiler.eulerseq);
  const axisangle = get('axisangle');
  if (axisangle) return mjcfAxisAngle([axisangle[0]!, axisangle[1]!, axisangle[2]!, axisangle[3]! * angleScale(ctx)]);
  const zaxis = get('zaxis');
  if (zaxis) return fromZAxis(zaxis as Vec3);
  return [0, 0, 0, 1];
}

function fromZAxis([x, y, z]: Vec3): Quat {
  const n = Math.hypot(x, y, z) || 1;
  const [a, b, c] = [x / n, y / n, z / n];
  // Shortest rotation taking +z to (a, b, c).
  const w = 1 + c;
  if (w < 1e-9) return [1, 0, 0, 0];
  const q: Quat = [-b, a, 0, w];
  const m = Math.hypot(...q);
  return q.map((v) => v / m) as Quat;
}

function readBody(body: XmlElement, parentLink: number, parentClass: string, ctx: Context): void {
  const cls = body.getAttribute('childclass') ?? parentClass;
  if (body.getAttribute('childclass') && !ctx.defaults.has(cls)) {
    throw fileError(body, ctx.file, `<body name="${body.getAttribute('name')}"> childclass '${cls}' is not defined`);
  }
  const index = ctx.links.length;
  const name = body.getAttribute('name') ?? `body${index}`;
  const origin: Pose = { position: (numbers(body.getAttribute('pos')) ?? [0, 0, 0]) as Vec3, rotation: orientation(body, 'body', cls, ctx) };
  const link: RobotLink = { name, parentJoint: -1, geoms: geomsOf(body, cls, ctx) };
  const sites = childElements(body, 'site').map((site, i) => ({
    name: site.getAttribute('name') ?? `${name}_site${i}`,
    pose: { position: (numbers(ctx.defaults.get(site, 'site', 'pos', cls)) ?? [0, 0, 0]) as Vec3, rotation: orientation(site, 'site', cls, ctx) },
    size: numbers(ctx.defaults.get(site, 'site', 'size', cls)) ?? [0.005],
    ...siteShape(site, ctx.defaults.get(site, 'site', 'type', cls), ctx),
  }));
  if (sites.length) link.sites = sites;
  const inertial = inertialOf(body, ctx);
  const fromGeoms = ctx.compiler.inertiafromgeom === 'true' || (ctx.compiler.inertiafromgeom === 'auto' && !inertial);
  if (fromGeoms && link.geoms.length) link.inertial = inertialFromBodyGeoms(link.geoms, ctx, name);
  else if (inertial) link.inertial = inertial;
  ctx.links.push(link);

  const jointElements = childElements(body).filter((e) => e.nodeName === 'joint' || e.nodeName === 'freejoint');
  if (jointElements.length === 0) {
    ctx.joints.push(fixedJoint(`${name}_weld`, parentLink, index, origin));
    link.parentJoint = ctx.joints.length - 1;
  }
  for (const j of jointElements) {
    const jointIndex = ctx.joints.push(jointOf(j, parentLink, index, origin, cls, ctx)) - 1;
    if (link.parentJoint < 0) link.parentJoint = jointIndex;
  }
  for (const child of childElements(body, 'body')) readBody(child, index, cls, ctx);
}

function fixedJoint(name: string, parent: number, child: number, origin: Pose): RobotJoint {
  return { name, type: 'fixed', parent, child, origin, axis: [0, 0, 1], damping: 0, friction: 0, armature: 0 };
}

function jointOf(el: XmlElement, parent: number, child: number, origin: Pose, cls: string, ctx: Context): RobotJoint {
  const get = (a: string) => ctx.defaults.get(el, 'joint', a, cls);
  const name = el.getAttribute('name') ?? `${ctx.links[child]!.name}_joint`;
  if (el.nodeName === 'freejoint') return { ...fixedJoint(name, parent, child, origin), type: 'floating' };
  const typeName = get('type') ?? 'hinge';
  const type = JOINT_TYPES[typeName];
  if (!type) {
    throw fileError(el, ctx.file, `<joint name="${name}"> has unknown type '${typeName}'; expected one of ${Object.keys(JOINT_TYPES).join(', ')}`);
  }
  const range = numbers(get('range'));
  const limitedAttr = get('limited');
  const limited = limitedAttr === 'true' || (limitedAttr !== 'false' && ctx.compiler.autolimits && range !== undefined);
  const scale = type === 'revolute' ? angleScale(ctx) : 1;
  const axis = (numbers(get('axis')) ?? [0, 0, 1]) as Vec3;
  const n = Math.hypot(...axis) || 1;
  const ref = Number(get('ref') ?? 0) * scale;
  const effort = actuatorForceLimit(el, name, get, ctx);
  const limits = { ...(limited && range ? { lower: range[0]! * scale, upper: range[1]! * scale } : {}), ...(effort !== undefined ? { effort } : {}) };
  return {
    name,
    type,
    parent,
    child,
    origin,
    axis: [axis[0] / n, axis[1] / n, axis[2] / n],
    anchor: (numbers(get('pos')) ?? [0, 0, 0]) as Vec3,
    ...(Object.keys(limits).length ? { limits } : {}),
    damping: Number(get('damping') ?? 0),
    friction: Number(get('frictionloss') ?? 0),
    armature: Number(get('armature') ?? 0),
    ...(ref ? { reference: ref } : {}),
  };
}

/**
 * The joint's `actuatorfrcrange`: a limit on the sum of actuator forces at the joint (how Menagerie's
 * Unitree robots state their motors' torque limits). Symmetric limits only; the larger magnitude is kept.
 */
function actuatorForceLimit(el: XmlElement, name: string, get: (a: string) => string | undefined, ctx: Context): number | undefined {
  const range = numbers(get('actuatorfrcrange'));
  if (!range) return undefined;
  const limited = get('actuatorfrclimited');
  if (limited === 'false' || (limited !== 'true' && !ctx.compiler.autolimits)) return undefined;
  if (range.length !== 2 || range.some((v) => !Number.isFinite(v)) || range[0]! > range[1]!) {
    throw fileError(el, ctx.file, `<joint name="${name}"> actuatorfrcrange="${get('actuatorfrcrange')}": expected "lower upper" with lower ≤ upper`);
  }
  if (range[0] !== -range[1]!) ctx.warnings.push(`${where(el, ctx.file)}: joint '${name}' actuatorfrcrange [${range.join(', ')}] is not symmetric; simulated as ±${Math.max(Math.abs(range[0]!), Math.abs(range[1]!))}`);
  return Math.max(Math.abs(range[0]!), Math.abs(range[1]!));
}

const SITE_SHAPES: readonly SiteShape[] = ['sphere', 'capsule', 'ellipsoid', 'cylinder', 'box'];

/** A site's MJCF `type`, when it is not the default sphere. */
function siteShape(site: XmlElement, type: string | undefined, ctx: Context): { type?: SiteShape } {
  if (type === undefined || type === 'sphere') return {};
  const shape = SITE_SHAPES.find((s) => s === type);
  if (!shape) throw fileError(site, ctx.file, `<site name="${site.getAttribute('name') ?? ''}"> type="${type}": expected one of ${SITE_SHAPES.join(', ')}`);
  return { type: shape };
}

function inertialOf(body: XmlElement, ctx: Context): Inertial | undefined {
  const el = childElements(body, 'inertial')[0];
  if (!el) return undefined;
  const mass = Number(el.getAttribute('mass'));
  if (!Number.isFinite(mass)) throw fileError(el, ctx.file, `<inertial> of body '${body.getAttribute('name')}' needs a numeric mass`);
  const com = (numbers(el.getAttribute('pos')) ?? [0, 0, 0]) as Vec3;
  const full = numbers(el.getAttribute('fullinertia'));
  if (full) return { mass, com, inertia: [full[0]!, full[1]!, full[2]!, full[3]!, full[4]!, full[5]!] };
  const diag = numbers(el.getAttribute('diaginertia')) ?? [0, 0, 0];
  const q = orientation(el, 'inertial', 'main', ctx);
  return { mass, com, inertia: rotateDiagonalInertia(diag as Vec3, q) };
}

/** R · diag(d) · Rᵀ as ixx, iyy, izz, ixy, ixz, iyz. */
function rotateDiagonalInertia(d: Vec3, q: Quat): Inertial['inertia'] {
  const cols = [rotate(q, [1, 0, 0]), rotate(q, [0, 1, 0]), rotate(q, [0, 0, 1])];
  const I = (r: number, c: number) => cols.reduce((s, col, k) => s + col[r]! * d[k]! * col[c]!, 0);
  return [I(0, 0), I(1, 1), I(2, 2), I(0, 1), I(0, 2), I(1, 2)];
}

function geomsOf(body: XmlElement, cls: string, ctx: Context): RobotGeom[] {
  return childElements(body, 'geom').flatMap((el) => {
    const get = (a: string) => ctx.defaults.get(el, 'geom', a, cls);
    const type = get('type') ?? 'sphere';
    const size = numbers(get('size')) ?? [];
    let pose: Pose = { position: (numbers(get('pos')) ?? [0, 0, 0]) as Vec3, rotation: orientation(el, 'geom', cls, ctx) };
    const fromto = numbers(get('fromto'));
    let halfLength = size[1] ?? 0;
    if (fromto && (type === 'capsule' || type === 'cylinder' || type === 'box' || type === 'ellipsoid')) {
      const a = fromto.slice(0, 3) as Vec3;
      const b = fromto.slice(3, 6) as Vec3;
      const d: Vec3 = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
      halfLength = Math.hypot(...d) / 2;
      pose = { position: [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2], rotation: fromZAxis(d) };
    }
    const geometry = geometryOf(el, type, size, halfLength, type === 'hfield' ? get('hfield') : get('mesh'), ctx);
    if (!geometry) return [];
    const contype = Number(get('contype') ?? 1);
    const conaffinity = Number(get('conaffinity') ?? 1);
    const group = Number(get('group') ?? 0);
    const collides = contype !== 0 || conaffinity !== 0;
    // Menagerie convention: group 2 is visual-only, group 3 collision-only.
    const role: RobotGeom['role'] = !collides ? 'visual' : group === 3 ? 'collision' : 'both';
    const rgba = numbers(get('rgba')) ?? ctx.materials.get(get('material') ?? '');
    const friction = numbers(get('friction'))?.[0];
    const mass = numbers(get('mass'))?.[0];
    const density = numbers(get('density'))?.[0];
    return [
      {
        ...(el.getAttribute('name') ? { name: el.getAttribute('name')! } : {}),
        role,
        geometry,
        pose,
        ...(rgba?.length === 4 ? { rgba: rgba as [number, number, number, number] } : {}),
        ...(friction !== undefined ? { friction } : {}),
        ...(mass !== undefined ? { mass } : {}),
        ...(density !== undefined ? { density } : {}),
        ...(group ? { group } : {}),
        ...(get('shellinertia') === 'true' ? { shellInertia: true } : {}),
      },
    ];
  });
}

function geometryOf(el: XmlElement, type: string, size: number[], halfLength: number, assetName: string | undefined, ctx: Context): RobotGeometry | undefined {
  switch (type) {
    case 'plane':
      return { type: 'plane', halfExtents: [size[0] || 50, size[1] || 50] };
    case 'sphere':
      return { type: 'sphere', radius: size[0] ?? 0 };
    case 'capsule':
      return { type: 'capsule', radius: size[0] ?? 0, halfLength };
    case 'cylinder':
      return { type: 'cylinder', radius: size[0] ?? 0, halfLength };
    case 'box':
      return { type: 'box', halfExtents: [size[0] ?? 0, size[1] ?? 0, size[2] ?? 0] };
    case 'ellipsoid':
      return { type: 'ellipsoid', radii: [size[0] ?? 0, size[1] ?? 0, size[2] ?? 0] };
    case 'mesh': {
      const mesh = ctx.meshes.get(assetName ?? '');
      if (!mesh) throw fileError(el, ctx.file, `<geom> names mesh '${assetName}', which no <asset><mesh> defines`);
      const found = existsSync(mesh.file);
      if (!found) ctx.warnings.push(`mesh '${assetName}' not found (${mesh.file}); drawn as a placeholder`);
      return { type: 'mesh', file: mesh.file, scale: mesh.scale, found };
    }
    case 'hfield': {
      const field = ctx.heightFields.get(assetName ?? '');
      if (!field) throw fileError(el, ctx.file, `<geom> names hfield '${assetName}', which no <asset><hfield> defines`);
      return field;
    }
    default:
      ctx.warnings.push(`${where(el, ctx.file)}: geom type '${type}' is not supported; ignored`);
      return undefined;
  }
}

/**
 * Mass properties from the body's geoms in the compiler's inertia group range, as MuJoCo infers them
 * (sim/robot/geom-inertia.ts), visual geoms included as in MuJoCo; meshes are read for their volume.
 */
function inertialFromBodyGeoms(geoms: RobotGeom[], ctx: Context, body: string): Inertial {
  const [low, high] = ctx.compiler.inertiagrouprange;
  const counted = geoms.filter((g) => (g.group ?? 0) >= low && (g.group ?? 0) <= high);
  if (counted.some((g) => g.shellInertia)) ctx.warnings.push(`body '${body}': shellinertia is not supported; the geoms' solid inertia is used`);
  return inertialFromGeoms(counted, (g) => {
    const data = ctx.readMesh(g.geometry.file);
    if (!data) return undefined;
    const inertia = [...ctx.meshes.values()].find((m) => m.file === g.geometry.file)?.inertia ?? 'legacy';
    if (inertia === 'legacy' || inertia === 'exact') return { data, inertia };
    // The convex hull is not computed here: the mesh's exact volume is its hull's when the mesh is convex.
    ctx.warnings.push(`body '${body}': mesh inertia="${inertia}" of ${g.geometry.file} is taken as "exact" (the same for a convex mesh)`);
    return { data, inertia: 'exact' };
  });
}

function actuatorsOf(root: XmlElement, ctx: Context): RobotActuator[] {
  const jointNames = new Set(ctx.joints.map((j) => j.name));
  return childElements(root, 'actuator').flatMap((section) =>
    childElements(section).flatMap((el): RobotActuator[] => {
      if (!ACTUATOR_TAGS.includes(el.nodeName)) {
        ctx.warnings.push(`${where(el, ctx.file)}: actuator <${el.nodeName}> is not supported; ignored`);
        return [];
      }
      const tag = el.nodeName;
      const get = (a: string) => ctx.defaults.get(el, tag, a, 'main');
      const joint = el.getAttribute('joint') ?? '';
      if (!jointNames.has(joint)) throw fileError(el, ctx.file, `<${tag} name="${el.getAttribute('name') ?? ''}"> drives joint '${joint}', which does not exist`);
      const name = el.getAttribute('name') ?? joint;
      const ctrl = actuatorRange(el, 'ctrl', get, ctx);
      const force = actuatorRange(el, 'force', get, ctx);
      const gear = numbers(get('gear'))?.[0] ?? 1;
      if (gear === 0 || !Number.isFinite(gear)) throw fileError(el, ctx.file, `<${tag} name="${name}"> gear="${get('gear')}": expected a non-zero number`);
      const base = {
        name,
        joint,
        gear,
        ...(ctrl ? { ctrlRange: ctrl } : {}),
        ...(force ? { forceRange: force } : {}),
      };
      const servo = (kp: number, kv: number | undefined, dampRatio: number | undefined): RobotActuator[] => {
        if (gear !== 1) ctx.warnings.push(`${where(el, ctx.file)}: ${tag} actuator '${name}' has gear ${gear}; servos are simulated with gear 1`);
        return [{ ...base, kind: 'position', kp, kv: kv ?? 0, ...(dampRatio !== undefined ? { dampRatio } : {}) }];
      };
      if (tag === 'position') {
        const kv = get('kv');
        const dampratio = get('dampratio');
        if (kv !== undefined && dampratio !== undefined) throw fileError(el, ctx.file, `<position name="${name}"> sets both kv and dampratio; MuJoCo takes one`);
        return servo(Number(get('kp') ?? 1), kv === undefined ? undefined : Number(kv), dampratio === undefined ? undefined : Number(dampratio));
      }
      if (tag === 'velocity') return [{ ...base, kind: 'velocity', kv: Number(get('kv') ?? 1) }];
      if (tag === 'general') {
        const gain = numbers(get('gainprm')) ?? [1];
        const bias = numbers(get('biasprm')) ?? [0, 0, 0];
        // An affine servo: force = kp·ctrl − kp·q − kv·q̇; a positive biasprm[2] is MuJoCo's encoding of dampratio.
        if (get('biastype') === 'affine' && Math.abs((bias[1] ?? 0) + gain[0]!) < 1e-9) {
          const b2 = bias[2] ?? 0;
          return b2 > 0 ? servo(gain[0]!, undefined, b2) : servo(gain[0]!, -b2, undefined);
        }
        // A motor of gear g·gain: the force range (on gain·ctrl) becomes a range on ctrl·gain·g / g.
        const scaled = force && gain[0] ? { forceRange: force.map((f) => f / gain[0]!) as [number, number] } : {};
        return [{ ...base, ...scaled, kind: 'motor', gear: gain[0]! * gear }];
      }
      return [{ ...base, kind: 'motor' }];
    }),
  );
}

/**
 * `ctrlrange` / `forcerange`, honouring `ctrllimited` / `forcelimited` and `autolimits` as MuJoCo does;
 * a range that is not "lower upper" with lower ≤ upper is an error naming the element.
 */
function actuatorRange(el: XmlElement, kind: 'ctrl' | 'force', get: (a: string) => string | undefined, ctx: Context): [number, number] | undefined {
  const text = get(`${kind}range`);
  const range = numbers(text);
  const limited = get(`${kind}limited`);
  if (!range || limited === 'false' || (limited !== 'true' && !ctx.compiler.autolimits)) return undefined;
  if (range.length !== 2 || range.some((v) => !Number.isFinite(v)) || range[0]! > range[1]!) {
    throw fileError(el, ctx.file, `<${el.nodeName} name="${el.getAttribute('name') ?? ''}"> ${kind}range="${text}": expected "lower upper" with lower ≤ upper`);
  }
  return [range[0]!, range[1]!];
}

function sensorsOf(root: XmlElement, ctx: Context): RobotSensor[] {
  return childElements(root, 'sensor').flatMap((section) =>
    childElements(section).flatMap((el): RobotSensor[] => {
      if (!SENSOR_TYPES.includes(el.nodeName)) {
        ctx.warnings.push(`${where(el, ctx.file)}: sensor <${el.nodeName}> is not supported; ignored`);
        return [];
      }
      const target = el.getAttribute('joint') ?? el.getAttribute('site') ?? el.getAttribute('objname') ?? el.getAttribute('actuator') ?? el.getAttribute('body') ?? '';
      const targetType = el.getAttribute('objtype') ?? (el.getAttribute('site') ? 'site' : el.getAttribute('body') ? 'body' : undefined);
      return [{ name: el.getAttribute('name') ?? `${el.nodeName}_${target}`, type: el.nodeName, target, ...(targetType ? { targetType } : {}) }];
    }),
  );
}
