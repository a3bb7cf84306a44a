export * from '../protocol/scene.ts';
import { BODY_STATE_SIZE, type SceneDescription } from '../protocol/scene.ts';

/** Length of the state vector of a scene. */
export function stateSize(scene: SceneDescription): number {
  return scene.bodies.length * BODY_STATE_SIZE;
}
