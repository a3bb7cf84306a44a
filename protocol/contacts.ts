/**
 * Active contacts as they travel in frames: one flat Float32Array, CONTACT_SIZE floats per contact,
 * so a frame with contacts stays one typed array on the wire (see codec.ts).
 *
 * Layout per contact: point x y z (world frame, m), normal x y z (unit, world frame), force (N), and the
 * scene indices of the two bodies (−1 for a body the scene does not have).
 * The normal is the direction of the force on the second body of the pair: away from a fixed body
 * (up out of the ground), otherwise from the lower-indexed body to the higher one.
 */
import type { Vec3 } from './scene.ts';

export const CONTACT_SIZE = 9;

export interface Contact {
  point: Vec3;
  normal: Vec3;
  /** Normal force magnitude over the last physics step, N. */
  force: number;
  /** Scene body indices: the force acts on the second along `normal`, on the first against it. */
  bodies?: [number, number];
}

export function packContacts(contacts: readonly Contact[]): Float32Array {
  const out = new Float32Array(contacts.length * CONTACT_SIZE);
  contacts.forEach(({ point, normal, force, bodies = [-1, -1] }, i) => out.set([...point, ...normal, force, ...bodies], i * CONTACT_SIZE));
  return out;
}

export function contactCount(packed: Float32Array): number {
  if (packed.length % CONTACT_SIZE !== 0) {
    throw new Error(`contacts array has ${packed.length} values, not a multiple of ${CONTACT_SIZE} (point, normal, force, bodies per contact)`);
  }
  return packed.length / CONTACT_SIZE;
}

export function unpackContacts(packed: Float32Array): Contact[] {
  return Array.from({ length: contactCount(packed) }, (_, i) => {
    const o = i * CONTACT_SIZE;
    return {
      point: [packed[o]!, packed[o + 1]!, packed[o + 2]!],
      normal: [packed[o + 3]!, packed[o + 4]!, packed[o + 5]!],
      force: packed[o + 6]!,
      bodies: [packed[o + 7]!, packed[o + 8]!],
    };
  });
}
