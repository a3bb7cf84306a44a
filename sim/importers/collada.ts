/**
 * Collada (.dae) meshes, read with three's ColladaLoader in plain Node: one part per material, each
 * with its triangles in the file's frame in metres (node transforms and <unit> applied) and the
 * material's diffuse colour. The file is first parsed strictly (xmldom) so a corrupt file names its
 * line; the loader then gets linkedom's DOMParser, which has every DOM call it makes (querySelector
 * and parentElement included, for kinematics and animations). Textures are not drawn.
 */
import { SRGBColorSpace, Vector3, type BufferGeometry, type Color, type Material, type Matrix4, type Mesh, type Object3D } from 'three';
import { ColladaLoader } from 'three/examples/jsm/loaders/ColladaLoader.js';
import type { MeshPart } from '../robot/mesh-files.ts';
import { RobotFileError } from '../robot/robot-model.ts';
import { childElements, lineOf, parseXml } from './xml-document.ts';
import { linkedomParser } from './linkedom.ts';

export function parseCollada(text: string, file: string): MeshPart[] {
  const root = parseXml(text, file);
  if (root.nodeName !== 'COLLADA') throw new RobotFileError(file, lineOf(root), `expected a <COLLADA> root element, found <${root.nodeName}>`);
  // Elements the loader needs and would otherwise fail on with a TypeError.
  for (const required of ['asset', 'scene']) {
    if (childElements(root, required).length === 0) throw new RobotFileError(file, lineOf(root), `<COLLADA> has no <${required}> element`);
  }
  let scene: Object3D;
  let fileMaterials: Set<Material>;
  try {
    ({ scene, fileMaterials } = loadScene(text));
  } catch (err) {
    throw new RobotFileError(file, undefined, `three's ColladaLoader cannot read this Collada file (${(err as Error).message}); re-export it, or use STL or OBJ`);
  }
  // The loader turns Z-up files into three's Y-up. A URDF link frame is the file's own axes, as rviz
  // and DART read them (assimp's IGNORE_UP_DIRECTION): undo the turn and keep the <unit> scale.
  scene.rotation.set(0, 0, 0);
  scene.updateMatrixWorld(true);
  const parts = new Map<Material, { positions: number[]; color?: Color; opacity: number }>();
  scene.traverse((object) => {
    const mesh = object as Mesh;
    if (!mesh.isMesh || !mesh.geometry.getAttribute('position')) return;
    const materials = Array.isArray(mesh.material) ? mesh.material : [mesh.material];
    const positions = worldPositions(mesh.geometry, mesh.matrixWorld);
    const index = mesh.geometry.index;
    const vertexAt = (i: number) => (index ? index.getX(i) : i);
    // A mirroring transform turns triangles inside out; swap two corners to keep them facing out.
    const corners = mesh.matrixWorld.determinant() < 0 ? [0, 2, 1] : [0, 1, 2];
    const count = index ? index.count : positions.length / 3;
    const groups = mesh.geometry.groups.length > 0 ? mesh.geometry.groups : [{ start: 0, count, materialIndex: 0 }];
    for (const group of groups) {
      const material = materials[group.materialIndex ?? 0] ?? materials[0]!;
      let part = parts.get(material);
      if (!part) {
        // The loader's stand-ins for missing or unbound materials have no colour of the file's.
        const color = fileMaterials.has(material) ? (material as Material & { color?: Color }).color : undefined;
        part = { positions: [], ...(color ? { color } : {}), opacity: material.opacity };
        parts.set(material, part);
      }
      const end = Math.min(group.start + group.count, count);
      for (let t = group.start; t + 2 < end; t += 3) {
        for (const c of corners) {
          const v = vertexAt(t + c);
          part.positions.push(positions[v * 3]!, positions[v * 3 + 1]!, positions[v * 3 + 2]!);
        }
      }
    }
  });
  const out: MeshPart[] = [...parts].flatMap(([material, part]) =>
    part.positions.length === 0
      ? []
      : [{
          material: material.name,
          mesh: { positions: Float32Array.from(part.positions), indices: Uint32Array.from({ length: part.positions.length / 3 }, (_, i) => i) },
          ...(part.color ? { rgba: fileColor(part.color, part.opacity) } : {}),
        }],
  );
  if (out.length === 0) throw new RobotFileError(file, undefined, 'the Collada file has no triangles');
  if (out.some((p) => !p.mesh.positions.every(Number.isFinite))) throw new RobotFileError(file, undefined, 'the Collada file has vertex positions that are not numbers');
  return out;
}

/**
 * The DOMParser the loader finds on globalThis: linkedom's, without the file's images. Textures are
 * not drawn, and loading them needs a browser (three's ImageLoader makes <img> elements).
 */
class ColladaDomParser {
  parseFromString(text: string) {
    const doc = new (linkedomParser())().parseFromString(text, 'text/xml');
    for (const images of [...doc.getElementsByTagName('library_images')]) images.remove();
    return doc;
  }
}

function loadScene(text: string): { scene: Object3D; fileMaterials: Set<Material> } {
  const g = globalThis as Record<string, unknown>;
  const saved = { DOMParser: g.DOMParser, warn: console.warn, debug: console.debug };
  g.DOMParser = ColladaDomParser;
  // The loader logs the file version, its Z-up turn (undone above) and the images it cannot find.
  console.warn = console.debug = () => {};
  try {
    const collada = new ColladaLoader().parse(text, '');
    // The loader returns null (after logging) when its DOMParser reports a parse error.
    if (!collada) throw new Error('the loader returned nothing');
    const library = collada.library as { materials: Record<string, { build?: Material }> };
    const fileMaterials = new Set(Object.values(library.materials).flatMap((m) => (m.build ? [m.build] : [])));
    return { scene: collada.scene, fileMaterials };
  } finally {
    g.DOMParser = saved.DOMParser;
    console.warn = saved.warn;
    console.debug = saved.debug;
  }
}

/**
 * The colour as the file states it. The loader reads Collada colours as sRGB and keeps them linear;
 * URDF rgba values and the renderer's colours are sRGB, so convert back.
 */
function fileColor(color: Color, opacity: number): [number, number, number, number] {
  const { r, g, b } = color.getRGB({ r: 0, g: 0, b: 0 }, SRGBColorSpace);
  return [r, g, b, opacity];
}

function worldPositions(geometry: BufferGeometry, matrix: Matrix4): Float32Array {
  const source = geometry.getAttribute('position');
  const out = new Float32Array(source.count * 3);
  const v = new Vector3();
  for (let i = 0; i < source.count; i++) {
    v.fromBufferAttribute(source, i).applyMatrix4(matrix);
    out[i * 3] = v.x;
    out[i * 3 + 1] = v.y;
    out[i * 3 + 2] = v.z;
  }
  return out;
}
