/**
 * URDF → RobotModel, using urdf-loader for the kinematic tree, joint frames, limits, mimic joints and
 * `package://` resolution. urdf-loader needs a DOM: the file is first parsed strictly with line numbers
 * (xmldom) so malformed files name their line, then handed to urdf-loader as a linkedom element.
 * Dynamics (damping, friction), geometry sizes and materials are read from the URDF elements.
 */
import { inertialFromGeoms, meshFileReader } from '../robot/geom-inertia.ts';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { Object3D, Quaternion } from 'three';
import URDFLoader from 'urdf-loader';
import type { URDFJoint, URDFLink, URDFRobot } from 'urdf-loader/src/URDFClasses.js';
import {
  RobotFileError,
  type Inertial,
  type RobotGeom,
  type RobotGeometry,
  type RobotJoint,
  type RobotJointType,
  type RobotLink,
  type RobotModel,
} from '../robot/robot-model.ts';
import type { Pose, Quat, Vec3 } from '../scene.ts';
import { childElements, lineOf, numbers, parseXml, type XmlElement } from './xml-document.ts';
import { resolveResource, type NestedFileCheck, type PackageRoots } from './resolve-path.ts';
import { rpyToQuat } from './rotations.ts';
import { linkedomParser } from './linkedom.ts';

/** The slice of a DOM element urdf-loader hands back (linkedom); the engine has no DOM types. */
interface Element {
  nodeName: string;
  children: ArrayLike<Element> & Iterable<Element>;
  getAttribute(name: string): string | null;
}

const JOINT_TYPES: readonly string[] = ['revolute', 'continuous', 'prismatic', 'fixed', 'floating', 'planar'];

export interface UrdfOptions {
  packages?: PackageRoots;
  /** Free-floating root (legged robots). Default: a robot with 4 or more leaf links floats. */
  floatingBase?: boolean;
  /** Refuse a robot of more links, before the costly part of the import (a server's limit). */
  maxLinks?: number;
  /** Vets each mesh file before anything reads it (a server's allowed folders). */
  checkFile?: NestedFileCheck;
}

export function importUrdf(file: string, options: UrdfOptions = {}): RobotModel {
  const text = readText(file);
  const root = parseXml(text, file);
  // The root's name is not echoed: a file that is not a robot at all may hold anything (keys, passwords).
  if (root.nodeName !== 'robot') throw new RobotFileError(file, lineOf(root), 'not a URDF: expected a <robot> root element');
  const linkCount = childElements(root, 'link').length;
  if (options.maxLinks !== undefined && linkCount > options.maxLinks) {
    throw new RobotFileError(file, undefined, `${linkCount} links; robots of at most ${options.maxLinks} links can be opened here`);
  }
  checkStructure(root, file);
  const meshFiles: string[] = [];
  const robot = loadWithUrdfLoader(text, file, options.packages ?? {}, meshFiles);
  const warnings: string[] = [];
  const materials = materialColors(root);

  const linkNames = Object.keys(robot.links);
  const jointNames = Object.keys(robot.joints);
  const jointIndex = new Map(jointNames.map((n, i) => [n, i]));
  const readMesh = meshFileReader((mesh, problem) => warnings.push(`mass from mesh ${mesh} not computed (${problem}); give its link an <inertial>`));
  const links: RobotLink[] = linkNames.map((name) => {
    const link = robot.links[name]!;
    const parentJoint = link.parent && (link.parent as URDFJoint).isURDFJoint ? jointIndex.get((link.parent as URDFJoint).urdfName)! : -1;
    const geoms = geomsOf(link, file, options, materials, warnings);
    const stated = inertialOf(link);
    const collision = geoms.filter((g) => g.role !== 'visual');
    if (stated.inertial || !collision.length) return { name, parentJoint, ...stated, geoms };
    // As MuJoCo compiles a URDF: a link without <inertial> weighs its collision geometry at 1000 kg/m³
    // (DEFAULT_DENSITY; the URDF spec would make it massless, which no simulator can move).
    const inertial = inertialFromGeoms(collision, (g) => {
      const data = readMesh(g.geometry.file);
      return data && { data, inertia: 'legacy' };
    });
    return { name, parentJoint, inertial, geoms };
  });
  const linkIndex = new Map(linkNames.map((n, i) => [n, i]));
  const joints: RobotJoint[] = jointNames.map((name) => jointOf(robot.joints[name]!, linkIndex));
  const leaves = links.filter((_, i) => !joints.some((j) => j.parent === i)).length;
  return {
    name: robot.robotName ?? 'robot',
    format: 'urdf',
    file,
    links,
    joints,
    // URDF has no actuators: every moving, non-mimic joint is driven by an effort motor.
    actuators: joints
      .filter((j) => j.type !== 'fixed' && !j.mimic)
      .map((j) => ({
        name: j.name,
        joint: j.name,
        kind: 'motor' as const,
        gear: 1,
        ...(j.limits?.effort ? { forceRange: [-j.limits.effort, j.limits.effort] as [number, number] } : {}),
      })),
    sensors: [],
    keyframes: [],
    contactExclusions: joints.map((j) => [links[j.parent]!.name, links[j.child]!.name] as [string, string]),
    floatingBase: options.floatingBase ?? leaves >= 4,
    warnings,
  };
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new RobotFileError(file, undefined, `cannot read: ${(err as Error).message}`);
  }
}

/**
 * Checks what urdf-loader would silently accept or recurse on forever: unknown joint types, dangling
 * parent/child links, a link with two parents and joints that form a loop.
 */
function checkStructure(root: XmlElement, file: string): void {
  const linkNames = new Set(childElements(root, 'link').map((l) => l.getAttribute('name')));
  const parentOf = new Map<string, { parent: string; joint: string; line: number | undefined }>();
  for (const joint of childElements(root, 'joint')) {
    const name = joint.getAttribute('name') ?? '(unnamed)';
    const type = joint.getAttribute('type') ?? '';
    if (!JOINT_TYPES.includes(type)) {
      throw new RobotFileError(file, lineOf(joint), `<joint name="${name}"> has unknown type '${type}'; expected one of ${JOINT_TYPES.join(', ')}`);
    }
    for (const end of ['parent', 'child'] as const) {
      const el = childElements(joint, end)[0];
      const link = el?.getAttribute('link');
      if (!el || !link) throw new RobotFileError(file, lineOf(joint), `<joint name="${name}"> has no <${end} link="…"/>`);
      if (!linkNames.has(link)) throw new RobotFileError(file, lineOf(el), `<joint name="${name}"> names ${end} link '${link}', which is not defined`);
    }
    const parent = childElements(joint, 'parent')[0]!.getAttribute('link')!;
    const child = childElements(joint, 'child')[0]!.getAttribute('link')!;
    const earlier = parentOf.get(child);
    if (earlier) {
      throw new RobotFileError(file, lineOf(joint), `link '${child}' is the child of two joints ('${earlier.joint}' at line ${earlier.line ?? '?'} and '${name}'); a URDF is a tree`);
    }
    parentOf.set(child, { parent, joint: name, line: lineOf(joint) });
  }
  checkNoLoop(parentOf, file);
}

/** Walks up from every link (iteratively: no recursion however deep the tree) and reports a loop of joints. */
function checkNoLoop(parentOf: Map<string, { parent: string; joint: string; line: number | undefined }>, file: string): void {
  const settled = new Set<string>();
  for (const start of parentOf.keys()) {
    const path: string[] = [];
    const onPath = new Set<string>();
    for (let link: string | undefined = start; link !== undefined && !settled.has(link); link = parentOf.get(link)?.parent) {
      if (onPath.has(link)) {
        const loop = [...path.slice(path.indexOf(link)), link];
        const first = parentOf.get(link)!;
        throw new RobotFileError(file, first.line, `joints form a loop (${loop.join(' → ')}); a URDF is a tree with one root link`);
      }
      onPath.add(link);
      path.push(link);
    }
    for (const link of path) settled.add(link);
  }
}

function loadWithUrdfLoader(text: string, file: string, packages: PackageRoots, meshFiles: string[]): URDFRobot {
  const doc = new (linkedomParser())().parseFromString(text, 'text/xml');
  const robotElement = doc.documentElement as unknown as Element & { constructor: unknown };
  const g = globalThis as Record<string, unknown>;
  const saved = { Document: g.Document, Element: g.Element };
  // urdf-loader tests `instanceof Document` / `instanceof Element`; give it linkedom's classes.
  g.Document ??= class {};
  g.Element = robotElement.constructor;
  try {
    const loader = new URDFLoader();
    loader.parseCollision = true;
    loader.packages = (pkg: string) => resolveResource(`package://${pkg}`, file, packages);
    loader.loadMeshCb = (path, _manager, _material, done) => {
      meshFiles.push(path);
      done(new Object3D());
    };
    return loader.parse(robotElement as never);
  } finally {
    g.Document = saved.Document;
    g.Element = saved.Element;
  }
}

function vec(v: { x: number; y: number; z: number }): Vec3 {
  return [v.x, v.y, v.z];
}

function quat(q: Quaternion): Quat {
  return [q.x, q.y, q.z, q.w];
}

function jointOf(joint: URDFJoint, linkIndex: Map<string, number>): RobotJoint {
  const node = joint.urdfNode as unknown as Element;
  const dynamics = [...node.children].find((c) => c.nodeName === 'dynamics');
  const type = joint.jointType === 'planar' ? 'floating' : (joint.jointType as RobotJointType);
  const parent = linkIndex.get((joint.parent as URDFLink).urdfName)!;
  const child = linkIndex.get((joint.children.find((c) => (c as URDFLink).isURDFLink) as URDFLink).urdfName)!;
  const limitNode = [...node.children].find((c) => c.nodeName === 'limit');
  const mimic = joint as URDFJoint & { mimicJoint?: string; multiplier?: number; offset?: number };
  return {
    name: joint.urdfName,
    type,
    parent,
    child,
    origin: { position: vec(joint.position), rotation: quat(joint.quaternion) },
    axis: vec(joint.axis),
    ...(limitNode
      ? {
          limits: {
            ...(type !== 'continuous' && limitNode.getAttribute('lower') !== null ? { lower: joint.limit.lower } : {}),
            ...(type !== 'continuous' && limitNode.getAttribute('upper') !== null ? { upper: joint.limit.upper } : {}),
            ...(limitNode.getAttribute('effort') !== null ? { effort: joint.limit.effort } : {}),
            ...(limitNode.getAttribute('velocity') !== null ? { velocity: joint.limit.velocity } : {}),
          },
        }
      : {}),
    damping: Number(dynamics?.getAttribute('damping') ?? 0),
    friction: Number(dynamics?.getAttribute('friction') ?? 0),
    armature: 0,
    ...(mimic.mimicJoint ? { mimic: { joint: mimic.mimicJoint, multiplier: mimic.multiplier ?? 1, offset: mimic.offset ?? 0 } } : {}),
  };
}

function inertialOf(link: URDFLink): { inertial?: Inertial } {
  const node = link.urdfNode as unknown as Element | null;
  if (!node || ![...node.children].some((c) => c.nodeName === 'inertial')) return {};
  const { mass, origin, inertia: I } = (link as unknown as { inertial: { mass: number; origin: { xyz: number[]; rpy: number[] }; inertia: Record<string, number> } }).inertial;
  const com = (origin.xyz?.length === 3 ? origin.xyz : [0, 0, 0]) as Vec3;
  return { inertial: { mass, com, inertia: [I.ixx!, I.iyy!, I.izz!, I.ixy!, I.ixz!, I.iyz!] } };
}

function materialColors(root: XmlElement): Map<string, [number, number, number, number]> {
  const colors = new Map<string, [number, number, number, number]>();
  for (const m of childElements(root, 'material')) {
    const rgba = numbers(childElements(m, 'color')[0]?.getAttribute('rgba'));
    if (rgba?.length === 4) colors.set(m.getAttribute('name') ?? '', rgba as [number, number, number, number]);
  }
  return colors;
}

function geomsOf(
  link: URDFLink,
  file: string,
  options: UrdfOptions,
  materials: Map<string, [number, number, number, number]>,
  warnings: string[],
): RobotGeom[] {
  const node = link.urdfNode as unknown as Element | null;
  if (!node) return [];
  const geoms: RobotGeom[] = [];
  for (const el of [...node.children]) {
    if (el.nodeName !== 'visual' && el.nodeName !== 'collision') continue;
    const originEl = [...el.children].find((c) => c.nodeName === 'origin');
    const pose: Pose = {
      position: (numbers(originEl?.getAttribute('xyz')) ?? [0, 0, 0]) as Vec3,
      rotation: rpyToQuat((numbers(originEl?.getAttribute('rpy')) ?? [0, 0, 0]) as Vec3),
    };
    const shapeEl = [...([...el.children].find((c) => c.nodeName === 'geometry')?.children ?? [])][0];
    if (!shapeEl) continue;
    const geometry = geometryOf(shapeEl, file, options, link.urdfName, warnings);
    if (!geometry) continue;
    const materialEl = [...el.children].find((c) => c.nodeName === 'material');
    const inline = numbers([...(materialEl?.children ?? [])].find((c) => c.nodeName === 'color')?.getAttribute('rgba'));
    const rgba = (inline?.length === 4 ? inline : materials.get(materialEl?.getAttribute('name') ?? '')) as RobotGeom['rgba'];
    geoms.push({
      ...(el.getAttribute('name') ? { name: el.getAttribute('name')! } : {}),
      role: el.nodeName as 'visual' | 'collision',
      geometry,
      pose,
      ...(rgba ? { rgba } : {}),
    });
  }
  return geoms;
}

function geometryOf(el: Element, file: string, options: UrdfOptions, link: string, warnings: string[]): RobotGeometry | undefined {
  const n = (a: string) => Number(el.getAttribute(a));
  switch (el.nodeName) {
    case 'box': {
      const s = numbers(el.getAttribute('size')) ?? [0, 0, 0];
      return { type: 'box', halfExtents: [s[0]! / 2, s[1]! / 2, s[2]! / 2] };
    }
    case 'sphere':
      return { type: 'sphere', radius: n('radius') };
    case 'cylinder':
      return { type: 'cylinder', radius: n('radius'), halfLength: n('length') / 2 };
    case 'capsule':
      return { type: 'capsule', radius: n('radius'), halfLength: n('length') / 2 };
    case 'mesh': {
      const reference = el.getAttribute('filename') ?? '';
      const path = resolveResource(reference, file, options.packages ?? {});
      // A `package://` with no root given or found names no file: never looked up in the working folder.
      const resolved = isAbsolute(path);
      if (resolved) options.checkFile?.(path, 'mesh', file);
      const found = resolved && existsSync(path);
      if (!found) warnings.push(`link '${link}': mesh '${reference}' not found (looked at ${path}); drawn as a placeholder`);
      const scale = (numbers(el.getAttribute('scale')) ?? [1, 1, 1]) as Vec3;
      return { type: 'mesh', file: path, scale, found };
    }
    default:
      warnings.push(`link '${link}': unsupported geometry <${el.nodeName}> ignored`);
      return undefined;
  }
}
