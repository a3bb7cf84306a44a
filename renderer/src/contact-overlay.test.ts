import { describe, expect, it } from 'vitest';
import * as THREE from 'three';
import { ContactOverlay } from './contact-overlay.ts';
import { packContacts } from '../../protocol/contacts.ts';

function shaftEnds(overlay: ContactOverlay): number[][] {
  const shafts = overlay.object.children.find((o) => o instanceof THREE.LineSegments) as THREE.LineSegments;
  const positions = shafts.geometry.getAttribute('position').array as Float32Array;
  return Array.from({ length: positions.length / 6 }, (_, i) => Array.from(positions.subarray(i * 6 + 3, i * 6 + 6)));
}

describe('ContactOverlay', () => {
  it('draws an arrow per contact along its normal, the largest force at arrowLength', () => {
    const overlay = new ContactOverlay();
    overlay.arrowLength = 0.2;
    const stats = overlay.update(
      packContacts([
        { point: [0, 0, 0], normal: [0, 0, 1], force: 10 },
        { point: [1, 0, 0], normal: [1, 0, 0], force: 5 },
      ]),
    );
    expect(stats).toEqual({ contacts: 2, totalForce: 15 });
    const [a, b] = shaftEnds(overlay);
    expect(a![2]).toBeCloseTo(0.2, 6);
    expect(b![0]).toBeCloseTo(1.1, 6);
    // With no contacts the arrows go; the reference force decays instead of jumping.
    expect(overlay.update(undefined)).toEqual({ contacts: 0, totalForce: 0 });
    overlay.update(packContacts([{ point: [0, 0, 0], normal: [0, 0, 1], force: 5 }]));
    expect(shaftEnds(overlay)[0]![2]).toBeGreaterThan(0.1);
    expect(shaftEnds(overlay)[0]![2]).toBeLessThan(0.2);
    overlay.dispose();
  });

  it('grows past its first capacity', () => {
    const overlay = new ContactOverlay();
    const many = Array.from({ length: 200 }, (_, i) => ({ point: [i, 0, 0] as [number, number, number], normal: [0, 0, 1] as [number, number, number], force: 1 }));
    expect(overlay.update(packContacts(many)).contacts).toBe(200);
    const heads = overlay.object.children.find((o) => o instanceof THREE.InstancedMesh) as THREE.InstancedMesh;
    expect(heads.count).toBe(200);
    overlay.dispose();
  });
});
