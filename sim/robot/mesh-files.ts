/**
 * Reads triangle meshes from STL (binary or ASCII), OBJ and Collada (.dae) files. A Collada file comes
 * in parts, one per material with its colour; STL and OBJ files are one part without a colour.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseCollada } from '../importers/collada.ts';
import type { MeshData } from '../scene.ts';

export class MeshFileError extends Error {
  override name = 'MeshFileError';
}

/** One material's share of a mesh file, in the file's frame in metres. */
export interface MeshPart {
  /** The file's name for the material; '' when it has none. */
  material: string;
  mesh: MeshData;
  /** The material's colour, when the file gives one. */
  rgba?: [number, number, number, number];
}

export function readMeshParts(file: string): MeshPart[] {
  const ext = extname(file).toLowerCase();
  if (ext === '.dae') return parseCollada(readFileSync(file, 'utf8'), file);
  return [{ material: '', mesh: readMesh(file) }];
}

/** The triangles of a mesh file, all materials together. */
export function readMesh(file: string): MeshData {
  const ext = extname(file).toLowerCase();
  if (ext === '.dae') return mergeParts(readMeshParts(file));
  const bytes = readFileSync(file);
  if (ext === '.stl') return parseStl(bytes, file);
  if (ext === '.obj') return parseObj(bytes.toString('utf8'), file);
  throw new MeshFileError(`${file}: mesh format '${ext}' is not supported (use STL, OBJ or Collada)`);
}

export function mergeParts(parts: MeshPart[]): MeshData {
  if (parts.length === 1) return parts[0]!.mesh;
  const positions = new Float32Array(parts.reduce((n, p) => n + p.mesh.positions.length, 0));
  const indices = new Uint32Array(parts.reduce((n, p) => n + p.mesh.indices.length, 0));
  let vertex = 0;
  let index = 0;
  for (const { mesh } of parts) {
    positions.set(mesh.positions, vertex * 3);
    for (let i = 0; i < mesh.indices.length; i++) indices[index + i] = mesh.indices[i]! + vertex;
    vertex += mesh.positions.length / 3;
    index += mesh.indices.length;
  }
  return { positions, indices };
}

export function parseStl(bytes: Buffer, file = 'mesh.stl'): MeshData {
  const isBinary = bytes.length >= 84 && 84 + 50 * bytes.readUInt32LE(80) === bytes.length;
  if (isBinary) {
    const count = bytes.readUInt32LE(80);
    const positions = new Float32Array(count * 9);
    for (let t = 0; t < count; t++) {
      const o = 84 + t * 50 + 12; // skip the normal
      for (let k = 0; k < 9; k++) positions[t * 9 + k] = bytes.readFloatLE(o + k * 4);
    }
    return { positions, indices: Uint32Array.from({ length: count * 3 }, (_, i) => i) };
  }
  const text = bytes.toString('utf8');
  if (!/^\s*solid/.test(text)) throw new MeshFileError(`${file}: neither binary STL (size does not match its triangle count) nor ASCII STL`);
  const values = [...text.matchAll(/vertex\s+(\S+)\s+(\S+)\s+(\S+)/g)].flatMap((m) => [Number(m[1]), Number(m[2]), Number(m[3])]);
  if (values.length === 0 || values.length % 9 !== 0 || values.some((v) => !Number.isFinite(v))) {
    throw new MeshFileError(`${file}: ASCII STL has malformed vertices`);
  }
  return { positions: Float32Array.from(values), indices: Uint32Array.from({ length: values.length / 3 }, (_, i) => i) };
}

export function parseObj(text: string, file = 'mesh.obj'): MeshData {
  const vertices: number[] = [];
  const indices: number[] = [];
  for (const [lineNo, line] of text.split('\n').entries()) {
    const parts = line.trim().split(/\s+/);
    if (parts[0] === 'v') vertices.push(Number(parts[1]), Number(parts[2]), Number(parts[3]));
    else if (parts[0] === 'f') {
      const face = parts.slice(1).map((p) => {
        const i = Number(p.split('/')[0]);
        return i < 0 ? vertices.length / 3 + i : i - 1;
      });
      if (face.some((i) => !Number.isInteger(i) || i < 0 || i >= vertices.length / 3)) throw new MeshFileError(`${file}:${lineNo + 1}: face refers to a missing vertex`);
      for (let k = 1; k + 1 < face.length; k++) indices.push(face[0]!, face[k]!, face[k + 1]!);
    }
  }
  return { positions: Float32Array.from(vertices), indices: Uint32Array.from(indices) };
}

/**
 * Vertex clustering: snaps vertices to a grid of `cell` metres, merges those that meet and drops
 * triangles that collapse. Keeps the shape for drawing and convex hulls at a fraction of the size.
 */
export function simplifyMesh(mesh: MeshData, cell: number): MeshData {
  const keyOf = new Map<string, number>();
  const positions: number[] = [];
  const remap = new Uint32Array(mesh.positions.length / 3);
  for (let v = 0; v < remap.length; v++) {
    const x = mesh.positions[v * 3]!, y = mesh.positions[v * 3 + 1]!, z = mesh.positions[v * 3 + 2]!;
    const key = `${Math.round(x / cell)},${Math.round(y / cell)},${Math.round(z / cell)}`;
    let index = keyOf.get(key);
    if (index === undefined) {
      index = positions.length / 3;
      keyOf.set(key, index);
      positions.push(x, y, z);
    }
    remap[v] = index;
  }
  const indices: number[] = [];
  for (let t = 0; t < mesh.indices.length; t += 3) {
    const a = remap[mesh.indices[t]!]!, b = remap[mesh.indices[t + 1]!]!, c = remap[mesh.indices[t + 2]!]!;
    if (a !== b && b !== c && a !== c) indices.push(a, b, c);
  }
  return { positions: Float32Array.from(positions), indices: Uint32Array.from(indices) };
}
