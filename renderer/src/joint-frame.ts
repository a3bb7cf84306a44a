/**
 * A joint's frame as the viewport draws it: an RGB triad (x red, y green, z blue) at the joint's
 * anchor, oriented as its parent body, and the joint axis as a yellow arrow. Added to the parent
 * body's group, it follows the body with every frame. Drawn on top, so frames inside meshes show.
 */
import * as THREE from 'three';
import type { JointDesc } from '../../protocol/scene.ts';

const AXIS_COLOR = 0xffd54a;
const ON_TOP = 10;

export function jointFrame(joint: JointDesc, size: number): THREE.Object3D {
  const frame = new THREE.Group();
  frame.name = `joint ${joint.name}`;
  frame.position.set(...joint.anchorParent);
  frame.add(new THREE.AxesHelper(size));
  if (joint.type !== 'fixed') {
    const axis = new THREE.Vector3(...joint.axis).normalize();
    frame.add(new THREE.ArrowHelper(axis, new THREE.Vector3(), size * 1.6, AXIS_COLOR, size * 0.35, size * 0.2));
  }
  frame.traverse((o) => {
    o.renderOrder = ON_TOP;
    if (o instanceof THREE.Line || o instanceof THREE.Mesh) (o.material as THREE.Material).depthTest = false;
  });
  return frame;
}
