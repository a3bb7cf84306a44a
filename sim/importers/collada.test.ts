import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { MeshData } from '../scene.ts';
import { readMesh, readMeshParts } from '../robot/mesh-files.ts';
import { parseCollada } from './collada.ts';

const GO2 = fileURLToPath(new URL('../../assets/robots/go2/example-robot-data/robots/go2_description/', import.meta.url));

function bounds(meshes: MeshData[]): { min: number[]; max: number[] } {
  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  for (const { positions } of meshes) {
    for (let i = 0; i < positions.length; i++) {
      min[i % 3] = Math.min(min[i % 3]!, positions[i]!);
      max[i % 3] = Math.max(max[i % 3]!, positions[i]!);
    }
  }
  return { min, max };
}

describe('Collada visuals', () => {
  // Go2's visuals and collision STLs share the link frame (no <origin> in the URDF): the boxes agree
  // only if node transforms and units are applied and the loader's Z-up → Y-up turn is not.
  it.each([
    { visual: 'base.dae', collisions: ['base_convex.stl'] },
    { visual: 'thigh.dae', collisions: ['thigh_convex.stl'] },
    { visual: 'calf.dae', collisions: ['calf_upper_convex.stl', 'calf_lower_convex.stl'] },
  ])('reads $visual in the link frame in metres, per material, within 2 cm of its collision STL', ({ visual, collisions }) => {
    const parts = readMeshParts(`${GO2}visuals/${visual}`);
    expect(parts.length).toBeGreaterThan(1);
    const colors = new Set(parts.map((p) => p.rgba!.slice(0, 3).join(' ')));
    expect(colors.size).toBeGreaterThan(1);
    for (const part of parts) expect(part.mesh.indices.length).toBeGreaterThan(0);
    const drawn = bounds(parts.map((p) => p.mesh));
    const collides = bounds(collisions.map((c) => readMesh(`${GO2}collisions/${c}`)));
    for (let k = 0; k < 3; k++) {
      expect(Math.abs(drawn.min[k]! - collides.min[k]!)).toBeLessThan(0.02);
      expect(Math.abs(drawn.max[k]! - collides.max[k]!)).toBeLessThan(0.02);
    }
  });

  it('gives each material the diffuse colour of the file', () => {
    const parts = readMeshParts(`${GO2}visuals/calf.dae`);
    // calf.dae: 黑色足端 (black foot) 0 0 0, 深色橡胶 (dark rubber) 0.6717055 0.6924257 0.7742702.
    const rubber = parts.find((p) => p.material.startsWith('深色橡胶'))!;
    expect(rubber.rgba![0]).toBeCloseTo(0.6717055, 5);
    expect(rubber.rgba![2]).toBeCloseTo(0.7742702, 5);
    expect(parts.find((p) => p.material.startsWith('黑色足端'))!.rgba!.slice(0, 3)).toEqual([0, 0, 0]);
  });

  it('names the line of a truncated file', () => {
    const text = readFileSync(`${GO2}visuals/foot.dae`, 'utf8');
    expect(() => parseCollada(text.slice(0, text.length / 2), 'broken.dae')).toThrow(/broken\.dae:\d+: malformed XML/);
  });

  it('says what is wrong with XML that is not a readable Collada file', () => {
    expect(() => parseCollada('<robot name="r"/>', 'robot.dae')).toThrow("robot.dae:1: expected a <COLLADA> root element, found <robot>");
    const noScene = '<COLLADA version="1.4.1"><asset/></COLLADA>';
    expect(() => parseCollada(noScene, 'empty.dae')).toThrow('empty.dae:1: <COLLADA> has no <scene> element');
    // A triangle whose vertices name a source the file does not define.
    const dangling =
      '<COLLADA version="1.4.1"><asset/><library_geometries><geometry id="g"><mesh><vertices id="v"><input semantic="POSITION" source="#gone"/></vertices>' +
      '<triangles count="1"><input semantic="VERTEX" source="#v" offset="0"/><p>0 1 2</p></triangles></mesh></geometry></library_geometries>' +
      '<library_visual_scenes><visual_scene id="s"><node id="n"><instance_geometry url="#g"/></node></visual_scene></library_visual_scenes>' +
      '<scene><instance_visual_scene url="#s"/></scene></COLLADA>';
    expect(() => parseCollada(dangling, 'dangling.dae')).toThrow(/^dangling\.dae: three's ColladaLoader cannot read this Collada file \(.+\); re-export it, or use STL or OBJ$/);
  });
});
