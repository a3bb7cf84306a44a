import { describe, expect, it } from 'vitest';
import { CONTACT_SIZE, contactCount, packContacts, unpackContacts, type Contact } from './contacts.ts';
import { decodeMessage, encodeMessage } from './codec.ts';

describe('contacts packing', () => {
  const contacts: Contact[] = [
    { point: [0.1, -0.2, 0], normal: [0, 0, 1], force: 4.905, bodies: [0, 3] },
    { point: [1.5, 2.25, -3], normal: [0.6, 0, -0.8], force: 0 },
  ];

  it('round-trips through a packed array and the wire codec', () => {
    const packed = packContacts(contacts);
    expect(packed).toBeInstanceOf(Float32Array);
    expect(packed).toHaveLength(2 * CONTACT_SIZE);
    expect(Array.from(packed.subarray(0, CONTACT_SIZE))).toEqual(Array.from(Float32Array.of(0.1, -0.2, 0, 0, 0, 1, 4.905, 0, 3)));
    const wire = decodeMessage(encodeMessage({ contacts: packed })) as { contacts: Float32Array };
    const back = unpackContacts(wire.contacts);
    expect(back).toHaveLength(2);
    back.forEach((c, i) => {
      c.point.forEach((v, k) => expect(v).toBeCloseTo(contacts[i]!.point[k]!, 6));
      c.normal.forEach((v, k) => expect(v).toBeCloseTo(contacts[i]!.normal[k]!, 6));
      expect(c.force).toBeCloseTo(contacts[i]!.force, 5);
    });
    // Bodies left out are unknown (−1).
    expect(back.map((c) => c.bodies)).toEqual([[0, 3], [-1, -1]]);
    expect(unpackContacts(packContacts([]))).toEqual([]);
  });

  it('names the layout when an array is not whole contacts', () => {
    expect(contactCount(new Float32Array(18))).toBe(2);
    expect(() => unpackContacts(new Float32Array(8))).toThrow(/8 values, not a multiple of 9 \(point, normal, force, bodies/);
  });
});
