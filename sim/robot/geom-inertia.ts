/**
 * Mass properties of a body from its geoms, as MuJoCo's compiler infers them for a body without an
 * `<inertial>` (compiler `inertiafromgeom="auto"`; mjCGeom::GetVolume/SetInertia, mjCMesh::Process in
 * MuJoCo's user_objects.cc and user_mesh.cc): each geom weighs its `mass`, else `density` (1000 kg/m³)
 * times its volume; its inertia is the solid shape's about its centre; the body's is their sum moved to
 * the common centre of mass (parallel-axis theorem).
 */
import { rotate } from '../kinematics.ts';
import type { MeshData, Vec3 } from '../scene.ts';
import { add, parallelAxis, rotateInertia, type Matrix3 } from './inertia.ts';
import { readMesh } from './mesh-files.ts';
import type { Inertial, RobotGeom, RobotGeometry } from './robot-model.ts';

/** MuJoCo's default geom density, kg/m³ (water). */
export const DEFAULT_DENSITY = 1000;

/**
 * How a mesh's volume is found (MJCF `<mesh inertia>`): `legacy` (MuJoCo's default) adds up the
 * pyramids from the centre to every face with their volumes taken positive, which over-counts a
 * non-convex mesh exactly as MuJoCo does; `exact` signs them by the faces' orientation (a closed,
 * outward-facing mesh). For a convex mesh both are its true volume.
 */
export type MeshInertia = 'legacy' | 'exact';

/** Volume, centre and inertia per unit density of a shape, in the geom's frame; undefined when it has no volume (planes, height fields). */
export interface UnitMassProperties {
  volume: number;
  center: Vec3;
  /** ∫ (|r|²E − r rᵀ) dV about `center`: multiply by the density for the inertia. */
  inertia: Matrix3;
}

const diagonal = (x: number, y: number, z: number): Matrix3 => [x, 0, 0, 0, y, 0, 0, 0, z];

/** Per unit density; cylinders and capsules run along the geom's z, as MJCF defines them. */
export function shapeMassProperties(shape: RobotGeometry, mesh?: { data: MeshData; inertia: MeshInertia }): UnitMassProperties | undefined {
  const at0: Vec3 = [0, 0, 0];
  switch (shape.type) {
    case 'sphere': {
      const r = shape.radius;
      const v = (4 / 3) * Math.PI * r ** 3;
      const i = (2 / 5) * v * r * r;
      return { volume: v, center: at0, inertia: diagonal(i, i, i) };
    }
    case 'box': {
      const [a, b, c] = shape.halfExtents.map((h) => 2 * h) as Vec3;
      const v = a * b * c;
      return { volume: v, center: at0, inertia: diagonal((v * (b * b + c * c)) / 12, (v * (a * a + c * c)) / 12, (v * (a * a + b * b)) / 12) };
    }
    case 'cylinder': {
      const r = shape.radius;
      const h = 2 * shape.halfLength;
      const v = Math.PI * r * r * h;
      const side = (v * (3 * r * r + h * h)) / 12;
      return { volume: v, center: at0, inertia: diagonal(side, side, (v * r * r) / 2) };
    }
    case 'capsule': {
      // MuJoCo's formula: the cylinder plus a sphere split into two hemispheres at the ends.
      const r = shape.radius;
      const h = 2 * shape.halfLength;
      const sphere = (4 / 3) * Math.PI * r ** 3;
      const cylinder = Math.PI * r * r * h;
      const sphereInertia = (2 / 5) * sphere * r * r;
      const side = (cylinder * (3 * r * r + h * h)) / 12 + sphereInertia + (sphere * h * (3 * r + 2 * h)) / 8;
      return { volume: sphere + cylinder, center: at0, inertia: diagonal(side, side, (cylinder * r * r) / 2 + sphereInertia) };
    }
    case 'ellipsoid': {
      const [a, b, c] = shape.radii;
      const v = (4 / 3) * Math.PI * a * b * c;
      return { volume: v, center: at0, inertia: diagonal((v * (b * b + c * c)) / 5, (v * (a * a + c * c)) / 5, (v * (a * a + b * b)) / 5) };
    }
    case 'mesh':
      return mesh ? meshMassProperties(mesh.data, shape.scale, mesh.inertia) : undefined;
    case 'plane':
    case 'hfield':
      return undefined;
  }
}

/**
 * A triangle mesh's volume, centre and inertia (per unit density), by MuJoCo's decomposition into
 * pyramids: the centre from pyramids on the area-weighted centroid of the faces, the volume and
 * inertia from pyramids on that centre (products of inertia of a tetrahedron, Tonon 2004).
 */
export function meshMassProperties(mesh: MeshData, scale: Vec3, inertia: MeshInertia): UnitMassProperties | undefined {
  const p = mesh.positions;
  const v = (i: number): Vec3 => [p[3 * i]! * scale[0], p[3 * i + 1]! * scale[1], p[3 * i + 2]! * scale[2]];
  const faces: { a: Vec3; b: Vec3; c: Vec3; center: Vec3; normal: Vec3; area: number }[] = [];
  const facecen: Vec3 = [0, 0, 0];
  let totalArea = 0;
  for (let k = 0; k + 2 < mesh.indices.length; k += 3) {
    const a = v(mesh.indices[k]!), b = v(mesh.indices[k + 1]!), c = v(mesh.indices[k + 2]!);
    const e1 = sub(b, a), e2 = sub(c, a);
    const n: Vec3 = [e1[1] * e2[2] - e1[2] * e2[1], e1[2] * e2[0] - e1[0] * e2[2], e1[0] * e2[1] - e1[1] * e2[0]];
    const length = Math.hypot(...n);
    if (length < 1e-30) continue;
    const area = length / 2;
    const center: Vec3 = [(a[0] + b[0] + c[0]) / 3, (a[1] + b[1] + c[1]) / 3, (a[2] + b[2] + c[2]) / 3];
    faces.push({ a, b, c, center, normal: [n[0] / length, n[1] / length, n[2] / length], area });
    for (let i = 0; i < 3; i++) facecen[i]! += area * center[i]!;
    totalArea += area;
  }
  if (totalArea < 1e-30) return undefined;
  for (let i = 0; i < 3; i++) facecen[i]! /= totalArea;
  const pyramid = (apex: Vec3, f: (typeof faces)[number]) => {
    const volume = (dot(sub(f.center, apex), f.normal) * f.area) / 3;
    return inertia === 'legacy' ? Math.abs(volume) : volume;
  };
  // Centre of mass: each pyramid's centroid is 3/4 of the way from its apex to its face's centroid.
  const center: Vec3 = [0, 0, 0];
  let volume = 0;
  for (const f of faces) {
    const w = pyramid(facecen, f);
    volume += w;
    for (let i = 0; i < 3; i++) center[i]! += w * ((3 / 4) * f.center[i]! + facecen[i]! / 4);
  }
  if (volume < 1e-18) return undefined;
  for (let i = 0; i < 3; i++) center[i]! /= volume;
  // Second moments ∫ x_j x_k dV of the pyramids on the centre.
  const P = [0, 0, 0, 0, 0, 0];
  const pairs = [[0, 0], [1, 1], [2, 2], [0, 1], [0, 2], [1, 2]] as const;
  volume = 0;
  for (const f of faces) {
    const w = pyramid(center, f);
    volume += w;
    const D = sub(f.a, center), E = sub(f.b, center), F = sub(f.c, center);
    pairs.forEach(([j, k], n) => {
      P[n]! += (w / 20) * (2 * (D[j]! * D[k]! + E[j]! * E[k]! + F[j]! * F[k]!) + D[j]! * E[k]! + D[k]! * E[j]! + D[j]! * F[k]! + D[k]! * F[j]! + E[j]! * F[k]! + E[k]! * F[j]!);
    });
  }
  const [xx, yy, zz, xy, xz, yz] = P as [number, number, number, number, number, number];
  return { volume, center, inertia: [yy + zz, -xy, -xz, -xy, xx + zz, -yz, -xz, -yz, xx + yy] };
}

/** A geom's mass (its `mass`, else density × volume) and its inertia about its centre, in the body frame. */
export interface GeomMass {
  mass: number;
  center: Vec3;
  inertia: Matrix3;
}

export function geomMass(geom: RobotGeom, props: UnitMassProperties): GeomMass {
  // MuJoCo: a given mass sets the density it implies (mass / volume).
  const density = geom.mass !== undefined ? geom.mass / props.volume : (geom.density ?? DEFAULT_DENSITY);
  const mass = density * props.volume;
  const offset = rotate(geom.pose.rotation, props.center);
  const center: Vec3 = [geom.pose.position[0] + offset[0], geom.pose.position[1] + offset[1], geom.pose.position[2] + offset[2]];
  return { mass, center, inertia: rotateInertia(props.inertia.map((x) => x * density) as Matrix3, geom.pose.rotation) };
}

/** A mesh geom's triangles and how its volume is taken; undefined when they cannot be read (the caller has warned). */
export type MeshForInertia = (geom: RobotGeom & { geometry: { type: 'mesh' } }) => { data: MeshData; inertia: MeshInertia } | undefined;

/** The inertial MuJoCo infers from these geoms (a geom with mass or density 0 adds nothing). */
export function inertialFromGeoms(geoms: readonly RobotGeom[], meshFor: MeshForInertia): Inertial {
  const parts = geoms.flatMap((g) => {
    if (g.mass === 0 || g.density === 0) return [];
    const props = shapeMassProperties(g.geometry, g.geometry.type === 'mesh' ? meshFor(g as RobotGeom & { geometry: { type: 'mesh' } }) : undefined);
    return props ? [geomMass(g, props)] : [];
  });
  return combineGeomMasses(parts);
}

/** Reads mesh files for their volume, each once; an unreadable one is reported to `warn` and skipped. */
export function meshFileReader(warn: (file: string, problem: string) => void): (file: string) => MeshData | undefined {
  const read = new Map<string, MeshData | undefined>();
  return (file) => {
    if (!read.has(file)) {
      try {
        read.set(file, readMesh(file));
      } catch (err) {
        warn(file, (err as Error).message);
        read.set(file, undefined);
      }
    }
    return read.get(file);
  };
}

/** The body's inertial from its geoms' masses: total mass, common centre, inertia about it (parallel axes). */
export function combineGeomMasses(parts: readonly GeomMass[]): Inertial {
  const mass = parts.reduce((m, p) => m + p.mass, 0);
  if (mass <= 0) return { mass: 0, com: [0, 0, 0], inertia: [0, 0, 0, 0, 0, 0] };
  const com: Vec3 = [0, 0, 0];
  for (const p of parts) for (let i = 0; i < 3; i++) com[i]! += (p.mass * p.center[i]!) / mass;
  let I: Matrix3 = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  for (const p of parts) I = add(add(I, p.inertia), parallelAxis(p.mass, sub(p.center, com)));
  return { mass, com, inertia: [I[0], I[4], I[8], I[1], I[2], I[5]] };
}

function sub(a: Vec3, b: Vec3): Vec3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}

function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}
