/**
 * Contacts drawn over the scene: a dot at each contact point and an arrow along its normal (the
 * direction of the force on the body it pushes). Arrow lengths compare forces: the largest recent
 * force gets `arrowLength`, so a robot's feet show how its weight is shared; the legend gives newtons.
 * Drawn on top of the bodies, since most contacts sit under them.
 */
import * as THREE from 'three';
import { CONTACT_SIZE, contactCount } from '../../protocol/contacts.ts';

export interface ContactStats {
  contacts: number;
  /** Sum of the contacts' normal forces, N. */
  totalForce: number;
}

/** Per frame, the reference force falls back by this factor towards the current largest force. */
const REFERENCE_DECAY = 0.97;
const ON_TOP = 10;

export class ContactOverlay {
  readonly object = new THREE.Group();
  /** Length of the arrow of the reference force, m (set from the scene's size). */
  arrowLength = 0.1;
  private readonly points = new THREE.Points(
    new THREE.BufferGeometry(),
    new THREE.PointsMaterial({ color: 0xff4d6d, size: 7, sizeAttenuation: false, depthTest: false }),
  );
  private readonly shafts = new THREE.LineSegments(new THREE.BufferGeometry(), new THREE.LineBasicMaterial({ color: 0xff9f43, depthTest: false }));
  private readonly headGeometry = new THREE.ConeGeometry(0.5, 1, 12).translate(0, -0.5, 0); // tip at the origin, pointing +y
  private readonly headMaterial = new THREE.MeshBasicMaterial({ color: 0xff9f43, depthTest: false });
  private heads = new THREE.InstancedMesh(this.headGeometry, this.headMaterial, 64);
  private referenceForce = 0;
  private readonly matrix = new THREE.Matrix4();
  private readonly rotation = new THREE.Quaternion();
  private readonly direction = new THREE.Vector3();
  private readonly tip = new THREE.Vector3();
  private readonly scale = new THREE.Vector3();
  private static readonly UP = new THREE.Vector3(0, 1, 0);

  constructor() {
    for (const o of [this.points, this.shafts, this.heads]) o.renderOrder = ON_TOP;
    this.heads.count = 0;
    this.object.add(this.points, this.shafts, this.heads);
  }

  /** Draws the contacts of a frame (packed as protocol/contacts.ts lays them out); none when absent. */
  update(packed: Float32Array | undefined): ContactStats {
    const p = packed ?? new Float32Array(0);
    const n = contactCount(p);
    const points = new Float32Array(n * 3);
    const shafts = new Float32Array(n * 6);
    let largest = 0;
    let totalForce = 0;
    for (let i = 0; i < n; i++) {
      const force = p[i * CONTACT_SIZE + 6]!;
      largest = Math.max(largest, force);
      totalForce += force;
    }
    this.referenceForce = Math.max(largest, this.referenceForce * REFERENCE_DECAY);
    if (n > this.heads.instanceMatrix.count) this.growHeads(n);
    for (let i = 0; i < n; i++) {
      const o = i * CONTACT_SIZE;
      const length = this.referenceForce > 0 ? (this.arrowLength * p[o + 6]!) / this.referenceForce : 0;
      points.set(p.subarray(o, o + 3), i * 3);
      shafts.set(p.subarray(o, o + 3), i * 6);
      this.direction.set(p[o + 3]!, p[o + 4]!, p[o + 5]!);
      this.tip.set(p[o]!, p[o + 1]!, p[o + 2]!).addScaledVector(this.direction, length);
      this.tip.toArray(shafts, i * 6 + 3);
      const head = Math.min(length, this.arrowLength * 0.25);
      this.rotation.setFromUnitVectors(ContactOverlay.UP, this.direction);
      this.matrix.compose(this.tip, this.rotation, this.scale.set(head * 0.6, head, head * 0.6));
      this.heads.setMatrixAt(i, this.matrix);
    }
    setPositions(this.points.geometry, points);
    setPositions(this.shafts.geometry, shafts);
    this.heads.count = n;
    this.heads.instanceMatrix.needsUpdate = true;
    this.heads.computeBoundingSphere();
    return { contacts: n, totalForce };
  }

  clear(): void {
    this.referenceForce = 0;
    this.update(undefined);
  }

  dispose(): void {
    this.points.geometry.dispose();
    (this.points.material as THREE.Material).dispose();
    this.shafts.geometry.dispose();
    (this.shafts.material as THREE.Material).dispose();
    this.heads.dispose();
    this.headGeometry.dispose();
    this.headMaterial.dispose();
  }

  private growHeads(needed: number): void {
    this.object.remove(this.heads);
    this.heads.dispose();
    this.heads = new THREE.InstancedMesh(this.headGeometry, this.headMaterial, Math.max(needed, 2 * this.heads.instanceMatrix.count));
    this.heads.renderOrder = ON_TOP;
    this.object.add(this.heads);
  }
}

function setPositions(geometry: THREE.BufferGeometry, positions: Float32Array): void {
  geometry.setAttribute('position', new THREE.BufferAttribute(positions, 3));
  geometry.computeBoundingSphere();
}
