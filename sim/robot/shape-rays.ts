/**
 * Where a ray enters a shape, and points on a shape's surface: what ground placement (ground-placement.ts)
 * needs to set a robot down on whatever world geometry lies under it, and what a touch sensor needs to
 * tell whether a contact lies in its zone (site-sensors.ts).
 */
import { rotate, rotateInverse } from '../kinematics.ts';
import type { MeshData, Quat, SceneDescription, Shape, Vec3 } from '../scene.ts';

/** A shape placed in the world. */
export interface PlacedShape {
  shape: Shape;
  center: Vec3;
  rotation: Quat;
}

/**
 * The z at which the vertical line through (x, y), travelling down from above (`from: 'above'`) or up
 * from below, first meets the shape; undefined when it misses. Heightfields are met from above only.
 */
export function verticalEntry(scene: SceneDescription, placed: PlacedShape, x: number, y: number, from: 'above' | 'below'): number | undefined {
  const sign = from === 'above' ? 1 : -1;
  // Start well clear of the shape, on the side the line comes from.
  const start = placed.center[2] + sign * (reach(scene, placed.shape) + 1);
  const o = rotateInverse(placed.rotation, [x - placed.center[0], y - placed.center[1], start - placed.center[2]]);
  const d = rotateInverse(placed.rotation, [0, 0, -sign]);
  const t = from === 'below' && placed.shape.type === 'heightfield' ? undefined : rayEntry(placed.shape, o, d, scene.meshes);
  return t === undefined ? undefined : start - sign * t;
}

/** Points on the shape's surface in the world, spaced so that a contact between them is missed by well under a millimetre on robot-sized parts. */
export function surfacePoints(scene: SceneDescription, placed: PlacedShape): Vec3[] {
  return localSurfacePoints(scene, placed.shape).map((p) => {
    const r = rotate(placed.rotation, p);
    return [placed.center[0] + r[0], placed.center[1] + r[1], placed.center[2] + r[2]];
  });
}

function meshOf(scene: SceneDescription, shape: Extract<Shape, { type: 'mesh' }>): MeshData | undefined {
  return scene.meshes?.[shape.hull ?? shape.mesh];
}

/** Bounding radii by shape, each computed once (a heightfield's means a pass over all its samples). */
const radii = new WeakMap<Shape, number>();

function reach(scene: SceneDescription, s: Shape): number {
  let r = radii.get(s);
  if (r === undefined) radii.set(s, (r = boundingRadius(scene, s)));
  return r;
}

function boundingRadius(scene: SceneDescription, s: Shape): number {
  switch (s.type) {
    case 'box':
      return Math.hypot(...s.halfExtents);
    case 'sphere':
      return s.radius;
    case 'capsule':
    case 'cylinder':
      return s.halfHeight + s.radius;
    case 'mesh': {
      const v = meshOf(scene, s)?.positions ?? [];
      let r = 0;
      for (let i = 0; i + 2 < v.length; i += 3) r = Math.max(r, Math.hypot(v[i]!, v[i + 1]!, v[i + 2]!));
      return r;
    }
    case 'heightfield': {
      let top = 0;
      for (const h of s.heights) top = Math.max(top, Math.abs(h));
      return Math.hypot(s.halfExtents[0], s.halfExtents[1], top + s.base);
    }
  }
}

/** Parameter interval [t0, t1] of the line o + t·d inside |p| ≤ r along the given components. */
type Interval = [number, number] | undefined;

function sphereInterval(o: Vec3, d: Vec3, center: Vec3, r: number): Interval {
  const p: Vec3 = [o[0] - center[0], o[1] - center[1], o[2] - center[2]];
  const b = p[0] * d[0] + p[1] * d[1] + p[2] * d[2];
  const c = p[0] ** 2 + p[1] ** 2 + p[2] ** 2 - r * r;
  const disc = b * b - c;
  if (disc < 0) return undefined;
  const s = Math.sqrt(disc);
  return [-b - s, -b + s];
}

function slab(o: number, d: number, half: number): Interval {
  if (Math.abs(d) < 1e-12) return Math.abs(o) <= half ? [-Infinity, Infinity] : undefined;
  const a = (-half - o) / d;
  const b = (half - o) / d;
  return [Math.min(a, b), Math.max(a, b)];
}

function intersect(a: Interval, b: Interval): Interval {
  if (!a || !b) return undefined;
  const lo = Math.max(a[0], b[0]);
  const hi = Math.min(a[1], b[1]);
  return lo <= hi ? [lo, hi] : undefined;
}

/** The infinite cylinder x² + z² ≤ r² (axis along local y). */
function tubeInterval(o: Vec3, d: Vec3, r: number): Interval {
  const a = d[0] ** 2 + d[2] ** 2;
  if (a < 1e-12) return o[0] ** 2 + o[2] ** 2 <= r * r ? [-Infinity, Infinity] : undefined;
  const b = o[0] * d[0] + o[2] * d[2];
  const c = o[0] ** 2 + o[2] ** 2 - r * r;
  const disc = b * b - a * c;
  if (disc < 0) return undefined;
  const s = Math.sqrt(disc);
  return [(-b - s) / a, (-b + s) / a];
}

/**
 * The smallest t ≥ 0 at which the ray o + t·d (in the shape's frame, d a unit vector) is inside the
 * shape: 0 when o is inside it (a mesh: where the ray leaves it), undefined when the ray misses. A
 * heightfield is entered from above only.
 */
export function rayEntry(s: Shape, o: Vec3, d: Vec3, meshes?: SceneDescription['meshes']): number | undefined {
  const first = (...intervals: Interval[]) => {
    const starts = intervals.filter((i): i is [number, number] => i !== undefined && i[1] >= 0).map((i) => Math.max(0, i[0]));
    return starts.length ? Math.min(...starts) : undefined;
  };
  switch (s.type) {
    case 'box':
      return first(intersect(intersect(slab(o[0], d[0], s.halfExtents[0]), slab(o[1], d[1], s.halfExtents[1])), slab(o[2], d[2], s.halfExtents[2])));
    case 'sphere':
      return first(sphereInterval(o, d, [0, 0, 0], s.radius));
    case 'cylinder':
      return first(intersect(tubeInterval(o, d, s.radius), slab(o[1], d[1], s.halfHeight)));
    case 'capsule':
      return first(
        intersect(tubeInterval(o, d, s.radius), slab(o[1], d[1], s.halfHeight)),
        sphereInterval(o, d, [0, s.halfHeight, 0], s.radius),
        sphereInterval(o, d, [0, -s.halfHeight, 0], s.radius),
      );
    case 'mesh': {
      const mesh = meshes?.[s.hull ?? s.mesh];
      return mesh ? meshEntry(mesh, o, d) : undefined;
    }
    case 'heightfield': {
      // Along the field's own z (a tilted field is taken along its normal at the line's crossing).
      const z = heightfieldSurface(s, o[0], o[1]);
      return z === undefined ? undefined : Math.max(0, (o[2] - z) / Math.max(1e-9, -d[2]));
    }
  }
}

/** The first triangle the line crosses (Möller–Trumbore); a collision mesh is convex, so that is where it enters. */
function meshEntry(mesh: MeshData, o: Vec3, d: Vec3): number | undefined {
  const v = mesh.positions;
  const ix = mesh.indices;
  let best: number | undefined;
  for (let k = 0; k + 2 < ix.length; k += 3) {
    const a = ix[k]! * 3, b = ix[k + 1]! * 3, c = ix[k + 2]! * 3;
    const e1: Vec3 = [v[b]! - v[a]!, v[b + 1]! - v[a + 1]!, v[b + 2]! - v[a + 2]!];
    const e2: Vec3 = [v[c]! - v[a]!, v[c + 1]! - v[a + 1]!, v[c + 2]! - v[a + 2]!];
    const p: Vec3 = [d[1] * e2[2] - d[2] * e2[1], d[2] * e2[0] - d[0] * e2[2], d[0] * e2[1] - d[1] * e2[0]];
    const det = e1[0] * p[0] + e1[1] * p[1] + e1[2] * p[2];
    if (Math.abs(det) < 1e-15) continue;
    const s: Vec3 = [o[0] - v[a]!, o[1] - v[a + 1]!, o[2] - v[a + 2]!];
    const u = (s[0] * p[0] + s[1] * p[1] + s[2] * p[2]) / det;
    if (u < 0 || u > 1) continue;
    const q: Vec3 = [s[1] * e1[2] - s[2] * e1[1], s[2] * e1[0] - s[0] * e1[2], s[0] * e1[1] - s[1] * e1[0]];
    const w = (d[0] * q[0] + d[1] * q[1] + d[2] * q[2]) / det;
    if (w < 0 || u + w > 1) continue;
    const t = (e2[0] * q[0] + e2[1] * q[1] + e2[2] * q[2]) / det;
    if (t >= 0 && (best === undefined || t < best)) best = t;
  }
  return best;
}

/**
 * The height of a heightfield at (x, y) in its frame. Each cell is two triangles split along the
 * diagonal from (row, col) to (row + 1, col + 1), as both engines split it (a box over a saddle rests
 * where this split puts it in Rapier and in MuJoCo, from the file and from the written scene; the other
 * split would put it 6 cm higher: ground-placement.test.ts).
 */
export function heightfieldSurface(s: Extract<Shape, { type: 'heightfield' }>, x: number, y: number): number | undefined {
  const [hx, hy] = s.halfExtents;
  if (Math.abs(x) > hx || Math.abs(y) > hy) return undefined;
  const fc = ((x + hx) / (2 * hx)) * (s.cols - 1);
  const fr = ((y + hy) / (2 * hy)) * (s.rows - 1);
  const c = Math.min(s.cols - 2, Math.floor(fc));
  const r = Math.min(s.rows - 2, Math.floor(fr));
  const u = fc - c, v = fr - r;
  const h = (rr: number, cc: number) => s.heights[rr * s.cols + cc]!;
  const h00 = h(r, c), h10 = h(r, c + 1), h01 = h(r + 1, c), h11 = h(r + 1, c + 1);
  return u >= v ? h00 + u * (h10 - h00) + v * (h11 - h10) : h00 + v * (h01 - h00) + u * (h11 - h01);
}

/** Rings per hemisphere and points per ring of a sampled round surface. */
const RINGS = 12;
const AROUND = 24;
/** Points per edge of a sampled flat face. */
const FACE = 9;

function localSurfacePoints(scene: SceneDescription, s: Shape): Vec3[] {
  switch (s.type) {
    case 'box': {
      const points: Vec3[] = [];
      const h = s.halfExtents;
      for (let axis = 0; axis < 3; axis++) {
        const [a, b] = [(axis + 1) % 3, (axis + 2) % 3];
        for (const side of [-1, 1])
          for (let i = 0; i < FACE; i++)
            for (let j = 0; j < FACE; j++) {
              const p: Vec3 = [0, 0, 0];
              p[axis] = side * h[axis]!;
              p[a] = h[a]! * (-1 + (2 * i) / (FACE - 1));
              p[b] = h[b]! * (-1 + (2 * j) / (FACE - 1));
              points.push(p);
            }
      }
      return points;
    }
    case 'sphere':
      return roundPoints(s.radius, 0, 0);
    case 'capsule':
      return roundPoints(s.radius, s.halfHeight, 0);
    case 'cylinder':
      return roundPoints(s.radius, s.halfHeight, RINGS);
    case 'mesh': {
      const v = meshOf(scene, s)?.positions ?? [];
      const points: Vec3[] = [];
      for (let i = 0; i + 2 < v.length; i += 3) points.push([v[i]!, v[i + 1]!, v[i + 2]!]);
      return points;
    }
    case 'heightfield': {
      const points: Vec3[] = [];
      const [hx, hy] = s.halfExtents;
      for (let r = 0; r < s.rows; r++)
        for (let c = 0; c < s.cols; c++) points.push([-hx + (2 * hx * c) / (s.cols - 1), -hy + (2 * hy * r) / (s.rows - 1), s.heights[r * s.cols + c]!]);
      return points;
    }
  }
}

/**
 * A sphere (halfHeight 0), a capsule (hemispheres at ±halfHeight along y) or a cylinder (flat caps:
 * `caps` rings of disc points) sampled in rings around y, with lines along the straight side.
 */
function roundPoints(radius: number, halfHeight: number, caps: number): Vec3[] {
  const points: Vec3[] = [];
  const ring = (y: number, r: number) => {
    for (let k = 0; k < AROUND; k++) {
      const a = (2 * Math.PI * k) / AROUND;
      points.push([r * Math.cos(a), y, r * Math.sin(a)]);
    }
  };
  for (const side of [-1, 1]) {
    if (caps) for (let i = 1; i <= caps; i++) ring(side * halfHeight, (radius * i) / caps);
    else
      for (let i = 0; i <= RINGS; i++) {
        const polar = ((Math.PI / 2) * i) / RINGS;
        ring(side * (halfHeight + radius * Math.cos(polar)), radius * Math.sin(polar));
      }
  }
  for (let i = 1; i < FACE - 1; i++) ring(halfHeight * (-1 + (2 * i) / (FACE - 1)), radius);
  return points;
}
