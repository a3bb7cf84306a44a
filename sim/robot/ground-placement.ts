/**
 * Setting a floating robot down: free play lifts or lowers the base so that the robot's collision
 * geometry just rests on the world geometry under it — the ground free play adds, an MJCF's floor,
 * `hfield` terrain, a table — instead of starting with the legs buried (a URDF's root link sits at
 * z = 0 when nothing else is said) or hanging above a plateau.
 */
import { bodyPosition, bodyRotation, multiply, rotate } from '../kinematics.ts';
import type { Quat, SceneDescription, Vec3 } from '../scene.ts';
import { surfacePoints, verticalEntry, type PlacedShape } from './shape-rays.ts';

/**
 * How far the dynamic bodies (the robot), posed as in `state`, must move up (negative: down) for their
 * collision shapes to touch the highest world surface (fixed bodies' collision shapes) under them
 * without passing into it; undefined when no world geometry lies under the robot. World geometry above
 * the robot's parts counts as what it stands on: the robot is set on top of it.
 *
 * Found from both sides, so neither a robot's corner over a slope nor a terrain peak under a flat foot
 * is missed: vertical lines through points sampled on the robot's shapes down onto the world, and
 * through the world's surface points under the robot up into the robot's shapes.
 */
export function restingLift(scene: SceneDescription, state: ArrayLike<number>): number | undefined {
  const robot = placedShapes(scene, state, 'dynamic');
  const world = placedShapes(scene, state, 'fixed');
  let lift = -Infinity;
  const bounds = { min: [Infinity, Infinity], max: [-Infinity, -Infinity] };
  for (const part of robot) {
    for (const p of surfacePoints(scene, part)) {
      for (let k = 0; k < 2; k++) {
        bounds.min[k] = Math.min(bounds.min[k]!, p[k]!);
        bounds.max[k] = Math.max(bounds.max[k]!, p[k]!);
      }
      const top = highest(world.map((w) => verticalEntry(scene, w, p[0], p[1], 'above')));
      if (top !== undefined) lift = Math.max(lift, top - p[2]);
    }
  }
  for (const w of world) {
    for (const p of surfacePoints(scene, w)) {
      if (p[0] < bounds.min[0]! || p[0] > bounds.max[0]! || p[1] < bounds.min[1]! || p[1] > bounds.max[1]!) continue;
      const bottom = lowest(robot.map((r) => verticalEntry(scene, r, p[0], p[1], 'below')));
      // A world point counts only where it is the top of the world there (not the underside of a slab).
      const top = highest(world.map((o) => verticalEntry(scene, o, p[0], p[1], 'above')));
      if (bottom !== undefined && top !== undefined && p[2] >= top - 1e-9) lift = Math.max(lift, p[2] - bottom);
    }
  }
  return Number.isFinite(lift) ? lift : undefined;
}

function highest(zs: (number | undefined)[]): number | undefined {
  const hits = zs.filter((z): z is number => z !== undefined);
  return hits.length ? Math.max(...hits) : undefined;
}

function lowest(zs: (number | undefined)[]): number | undefined {
  const hits = zs.filter((z): z is number => z !== undefined);
  return hits.length ? Math.min(...hits) : undefined;
}

/** The collision shapes of the fixed (world) or dynamic (robot) bodies, placed as in `state`. */
function placedShapes(scene: SceneDescription, state: ArrayLike<number>, kind: 'fixed' | 'dynamic'): PlacedShape[] {
  const placed: PlacedShape[] = [];
  for (const [b, body] of scene.bodies.entries()) {
    if (body.kind !== kind) continue;
    const p = kind === 'fixed' ? body.pose.position : bodyPosition(state, b);
    const q = kind === 'fixed' ? body.pose.rotation : bodyRotation(state, b);
    for (const geom of body.geoms) {
      if (geom.visualOnly) continue;
      const local = geom.pose ?? { position: [0, 0, 0] as Vec3, rotation: [0, 0, 0, 1] as Quat };
      const offset = rotate(q, local.position);
      placed.push({ shape: geom.shape, center: [p[0] + offset[0], p[1] + offset[1], p[2] + offset[2]], rotation: multiply(q, local.rotation) });
    }
  }
  return placed;
}
