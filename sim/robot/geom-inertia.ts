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
  // Flat loops over the triangles (robot meshes have 10⁴–10⁵ of them): vertices scaled once, no per-face objects.
  const v = Float64Array.from(mesh.positions, (x, i) => x * scale[i % 3]!);
  const ix = mesh.indices;
  const faces = Math.floor(ix.length / 3);
  /** Per face: centroid (3), unit normal (3), area. */
  const f = new Float64Array(faces * 7);
  let fx = 0, fy = 0, fz = 0, totalArea = 0;
  for (let k = 0; k < faces; k++) {
    const a = ix[3 * k]! * 3, b = ix[3 * k + 1]! * 3, c = ix[3 * k + 2]! * 3;
    const e1x = v[b]! - v[a]!, e1y = v[b + 1]! - v[a + 1]!, e1z = v[b + 2]! - v[a + 2]!;
    const e2x = v[c]! - v[a]!, e2y = v[c + 1]! - v[a + 1]!, e2z = v[c + 2]! - v[a + 2]!;
    const nx = e1y * e2z - e1z * e2y, ny = e1z * e2x - e1x * e2z, nz = e1x * e2y - e1y * e2x;
    const length = Math.hypot(nx, ny, nz);
    if (length < 1e-30) continue; // a degenerate face: no area, no volume (as in MuJoCo)
    const area = length / 2;
    const o = 7 * k;
    f[o] = (v[a]! + v[b]! + v[c]!) / 3;
    f[o + 1] = (v[a + 1]! + v[b + 1]! + v[c + 1]!) / 3;
    f[o + 2] = (v[a + 2]! + v[b + 2]! + v[c + 2]!) / 3;
    f[o + 3] = nx / length;
    f[o + 4] = ny / length;
    f[o + 5] = nz / length;
    f[o + 6] = area;
    fx += area * f[o]!;
    fy += area * f[o + 1]!;
    fz += area * f[o + 2]!;
    totalArea += area;
  }
  if (totalArea < 1e-30) return undefined;
  fx /= totalArea;
  fy /= totalArea;
  fz /= totalArea;
  /** Volume of the pyramid from an apex to face k (positive under legacy). */
  const pyramid = (k: number, ax: number, ay: number, az: number) => {
    const o = 7 * k;
    const w = (((f[o]! - ax) * f[o + 3]! + (f[o + 1]! - ay) * f[o + 4]! + (f[o + 2]! - az) * f[o + 5]!) * f[o + 6]!) / 3;
    return inertia === 'legacy' ? Math.abs(w) : w;
  };
  // Centre of mass: each pyramid's centroid is 3/4 of the way from its apex to its face's centroid.
  let cx = 0, cy = 0, cz = 0, volume = 0;
  for (let k = 0; k < faces; k++) {
    const w = pyramid(k, fx, fy, fz);
    const o = 7 * k;
    volume += w;
    cx += w * (0.75 * f[o]! + fx / 4);
    cy += w * (0.75 * f[o + 1]! + fy / 4);
    cz += w * (0.75 * f[o + 2]! + fz / 4);
  }
  if (volume < 1e-18) return undefined;
  cx /= volume;
  cy /= volume;
  cz /= volume;
  // Second moments ∫ x_j x_k dV of the pyramids on the centre (a tetrahedron's, Tonon 2004).
  let xx = 0, yy = 0, zz = 0, xy = 0, xz = 0, yz = 0;
  volume = 0;
  for (let k = 0; k < faces; k++) {
    if (f[7 * k + 6] === 0) continue;
    const w = pyramid(k, cx, cy, cz);
    volume += w;
    const a = ix[3 * k]! * 3, b = ix[3 * k + 1]! * 3, c = ix[3 * k + 2]! * 3;
    const dx = v[a]! - cx, dy = v[a + 1]! - cy, dz = v[a + 2]! - cz;
    const ex = v[b]! - cx, ey = v[b + 1]! - cy, ez = v[b + 2]! - cz;
    const gx = v[c]! - cx, gy = v[c + 1]! - cy, gz = v[c + 2]! - cz;
    const s = w / 20;
    xx += s * (2 * (dx * dx + ex * ex + gx * gx) + 2 * (dx * ex + dx * gx + ex * gx));
    yy += s * (2 * (dy * dy + ey * ey + gy * gy) + 2 * (dy * ey + dy * gy + ey * gy));
    zz += s * (2 * (dz * dz + ez * ez + gz * gz) + 2 * (dz * ez + dz * gz + ez * gz));
    xy += s * (2 * (dx * dy + ex * ey + gx * gy) + dx * ey + dy * ex + dx * gy + dy * gx + ex * gy + ey * gx);
    xz += s * (2 * (dx * dz + ex * ez + gx * gz) + dx * ez + dz * ex + dx * gz + dz * gx + ex * gz + ez * gx);
    yz += s * (2 * (dy * dz + ey * ez + gy * gz) + dy * ez + dz * ey + dy * gz + dz * gy + ey * gz + ez * gy);
  }
  return { volume, center: [cx, cy, cz], inertia: [yy + zz, -xy, -xz, -xy, xx + zz, -yz, -xz, -yz, xx + yy] };
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
