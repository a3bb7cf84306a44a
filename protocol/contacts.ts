/**
 * Active contacts as they travel in frames: one flat Float32Array, CONTACT_SIZE floats per contact,
 * so a frame with contacts stays one typed array on the wire (see codec.ts).
 *
 * Layout per contact: point x y z (world frame, m), normal x y z (unit, world frame), force (N).
 * The normal is the direction of the force on the second body of the pair: away from a fixed body
 * (up out of the ground), otherwise from the lower-indexed body to the higher one.
 */
import type { Vec3 } from './scene.ts';

export const CONTACT_SIZE = 7;

export interface Contact {
  point: Vec3;
  normal: Vec3;
  /** Normal force magnitude over the last physics step, N. */
  force: number;
}

export function packContacts(contacts: readonly Contact[]): Float32Array {
  const out = new Float32Array(contacts.length * CONTACT_SIZE);
  contacts.forEach(({ point, normal, force }, i) => out.set([...point, ...normal, force], i * CONTACT_SIZE));
  return out;
}

export function contactCount(packed: Float32Array): number {
  if (packed.length % CONTACT_SIZE !== 0) {
    throw new Error(`contacts array has ${packed.length} values, not a multiple of ${CONTACT_SIZE} (point, normal, force per contact)`);
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
    };
  });
}
