/**
 * Where a floating robot's collision geometry reaches down to: free play sets the base so that the
 * lowest collision shape just touches the ground, instead of starting with the legs buried (a URDF's
 * root link sits at z = 0 when nothing else is said).
 */
import { bodyPosition, bodyRotation, multiply, rotate } from '../kinematics.ts';
import type { GeomDesc, Quat, SceneDescription, Vec3 } from '../scene.ts';

/** The lowest z of the dynamic bodies' collision shapes in this state; +∞ when they have none. */
export function lowestCollisionPoint(scene: SceneDescription, state: ArrayLike<number>): number {
  let lowest = Infinity;
  for (const [b, body] of scene.bodies.entries()) {
    if (body.kind !== 'dynamic') continue;
    const p = bodyPosition(state, b);
    const q = bodyRotation(state, b);
    for (const geom of body.geoms) {
      if (geom.visualOnly) continue;
      const local = geom.pose ?? { position: [0, 0, 0] as Vec3, rotation: [0, 0, 0, 1] as Quat };
      const offset = rotate(q, local.position);
      const center: Vec3 = [p[0] + offset[0], p[1] + offset[1], p[2] + offset[2]];
      lowest = Math.min(lowest, lowestOfShape(scene, geom, center, multiply(q, local.rotation)));
    }
  }
  return lowest;
}

function lowestOfShape(scene: SceneDescription, geom: GeomDesc, center: Vec3, rotation: Quat): number {
  const s = geom.shape;
  // z component of each local axis in the world: row 2 of the rotation matrix.
  const zOf = (axis: Vec3) => rotate(rotation, axis)[2];
  switch (s.type) {
    case 'sphere':
      return center[2] - s.radius;
    case 'box':
      return center[2] - (Math.abs(zOf([1, 0, 0])) * s.halfExtents[0] + Math.abs(zOf([0, 1, 0])) * s.halfExtents[1] + Math.abs(zOf([0, 0, 1])) * s.halfExtents[2]);
    // Rapier's capsules and cylinders run along their local y axis.
    case 'capsule':
      return center[2] - Math.abs(zOf([0, 1, 0])) * s.halfHeight - s.radius;
    case 'cylinder': {
      const c = Math.abs(zOf([0, 1, 0]));
      return center[2] - c * s.halfHeight - s.radius * Math.sqrt(Math.max(0, 1 - c * c));
    }
    case 'mesh': {
      const mesh = scene.meshes?.[s.hull ?? s.mesh];
      if (!mesh) return Infinity;
      let lowest = Infinity;
      const v = mesh.positions;
      for (let i = 0; i + 2 < v.length; i += 3) lowest = Math.min(lowest, rotate(rotation, [v[i]!, v[i + 1]!, v[i + 2]!])[2]);
      return center[2] + lowest;
    }
    case 'heightfield': {
      // Terrain carried by a moving body (rare): its lowest sample.
      let lowest = Infinity;
      const [hx, hy] = s.halfExtents;
      for (let r = 0; r < s.rows; r++) {
        for (let c = 0; c < s.cols; c++) {
          const local: Vec3 = [-hx + (2 * hx * c) / (s.cols - 1), -hy + (2 * hy * r) / (s.rows - 1), s.heights[r * s.cols + c]!];
          lowest = Math.min(lowest, rotate(rotation, local)[2]);
        }
      }
      return center[2] + lowest;
    }
  }
}
