/**
 * What the viewport draws from a scene description, as a string: two descriptions with the same
 * signature draw the same meshes. Every session snapshot carries the scene, so a cost-weight change
 * must not rebuild the meshes (or move the camera); a task parameter that changes a size must.
 */
import type { SceneDescription } from '../../protocol/scene.ts';

export function sceneSignature(scene: SceneDescription): string {
  // Mesh data can be megabytes: its name and sizes stand in for it (importers never edit meshes in place).
  const meshes = Object.entries(scene.meshes ?? {}).map(([name, m]) => [name, m.positions.length, m.indices.length]);
  return JSON.stringify([scene.name, scene.bodies, scene.markers, meshes], typedArrayDigest);
}

/** A height field's heights (a typed array, up to megabytes) as their count and sum. */
function typedArrayDigest(_key: string, value: unknown): unknown {
  if (!(value instanceof Float32Array || value instanceof Float64Array)) return value;
  let sum = 0;
  for (const v of value) sum += v;
  return `${value.length}:${sum}`;
}
