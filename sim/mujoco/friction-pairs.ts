/**
 * The friction of a touching pair as the scene gives it, for MuJoCo.
 *
 * A scene geom states its own friction; a pair in contact gets the mean of the two (Rapier's default
 * combine rule, which the tasks were built with: the SO-101 push's cube at 0.6 slides on the table at 1.0
 * with 0.8). MuJoCo takes the larger of the two instead (1.0 there: the cube slid 20 % less far). A pair
 * declared in MJCF's `<contact><pair>` carries its own friction and replaces MuJoCo's automatic pair for
 * those two geoms, so every pair that can touch and whose geoms differ in friction is written as one with
 * the mean. Pairs of equal friction need none: the larger is then the mean.
 */
import { pairKey } from '../pair-key.ts';
import { DEFAULT_FRICTION, type SceneDescription } from '../scene.ts';

export interface FrictionPair {
  /** Geom names as scene-mjcf.ts writes them (`geomName`). */
  geom1: string;
  geom2: string;
  friction: number;
}

/** The MJCF name of body `b`'s `k`th geom (counting every geom of the body, visual ones too). */
export function geomName(b: number, k: number): string {
  return `g${b}_${k}`;
}

/**
 * Pairs that can touch in both engines: geoms of two different bodies, not both fixed, not joined to
 * each other by a joint (Rapier turns their contacts off, MuJoCo filters parent and child), and not in
 * the same collision group 1–15 (sim/rapier/physics-world.ts; contype/conaffinity in MJCF).
 */
export function frictionPairs(scene: SceneDescription): FrictionPair[] {
  const joined = new Set(scene.joints.map((j) => pairKey(j.parent, j.child)));
  const colliding = scene.bodies.map((body, b) =>
    body.geoms.flatMap((geom, k) => (geom.visualOnly ? [] : [{ name: geomName(b, k), friction: geom.friction ?? DEFAULT_FRICTION }])),
  );
  const pairs: FrictionPair[] = [];
  for (let b1 = 0; b1 < scene.bodies.length; b1++) {
    for (let b2 = b1 + 1; b2 < scene.bodies.length; b2++) {
      const [one, two] = [scene.bodies[b1]!, scene.bodies[b2]!];
      if (one.kind === 'fixed' && two.kind === 'fixed') continue;
      if (joined.has(pairKey(b1, b2))) continue;
      const group = one.collisionGroup ?? 0;
      if (group !== 0 && group === (two.collisionGroup ?? 0)) continue;
      for (const g1 of colliding[b1]!) {
        for (const g2 of colliding[b2]!) {
          if (g1.friction !== g2.friction) pairs.push({ geom1: g1.name, geom2: g2.name, friction: (g1.friction + g2.friction) / 2 });
        }
      }
    }
  }
  return pairs;
}
