/**
 * The meshes of one robot scene, made when a geom first needs them: for drawing a visual, one mesh per
 * material, simplified at the visual cell; for a collision geom, one mesh of all materials and a
 * coarser copy whose convex hull collides. Mesh files are read once per process (until they change):
 * tasks rebuild their scene when a parameter changes, and a Collada file takes far longer to read
 * than its scene takes to build (docs/physics.md, "Meshes").
 */
import { statSync } from 'node:fs';
import type { MeshData, Vec3 } from '../scene.ts';
import { mergeParts, readMeshParts, simplifyMesh, type MeshPart } from './mesh-files.ts';

/** Grid cell for the points of collision hulls, metres. */
const HULL_CELL = 0.01;

export class SceneMeshes {
  /** Every mesh made so far, by id: the scene's `meshes`. */
  readonly meshes: Record<string, MeshData> = {};
  private readonly files = new Map<string, MeshPart[] | Error>();

  /** @param cell grid cell for simplifying drawn meshes, metres. */
  constructor(private readonly cell: number) {}

  /**
   * Meshes to draw a visual, one per material with its colour; the error when the file cannot be
   * read; undefined when it is missing (the importer has said so).
   */
  visual(file: string, scale: Vec3, found: boolean): { mesh: string; rgba?: MeshPart['rgba'] }[] | Error | undefined {
    const key = meshKey(file, scale);
    const parts = this.read(key, file, scale, found);
    if (!parts || parts instanceof Error) return parts;
    // A file of one part shares its mesh with a collision geom made from the same file.
    return parts.map((part, i) => {
      const id = parts.length === 1 ? key : `${key}#${i}`;
      this.meshes[id] ??= simplifyMesh(part.mesh, this.cell);
      return { mesh: id, ...(part.rgba ? { rgba: part.rgba } : {}) };
    });
  }

  /** The mesh and its hull for a collision geom; the error or undefined as for `visual`. */
  collision(file: string, scale: Vec3, found: boolean): { mesh: string; hull: string } | Error | undefined {
    const key = meshKey(file, scale);
    const parts = this.read(key, file, scale, found);
    if (!parts || parts instanceof Error) return parts;
    const hull = `${key}#hull`;
    if (!this.meshes[hull]) {
      const whole = mergeParts(parts);
      this.meshes[key] ??= simplifyMesh(whole, this.cell);
      // Collision hulls from points clustered on a 1 cm grid: a hull's cost grows with its vertex count
      // (Barkour: 410 → 160–180 µs per step, docs/physics.md) and a hull moves by less than the cell.
      this.meshes[hull] = simplifyMesh(whole, Math.max(this.cell, HULL_CELL));
    }
    return { mesh: key, hull };
  }

  private read(key: string, file: string, scale: Vec3, found: boolean): MeshPart[] | Error | undefined {
    let parts = this.files.get(key);
    if (!parts) {
      const stat = found ? statSync(file, { throwIfNoEntry: false }) : undefined;
      if (!stat) return undefined;
      try {
        parts = readOnce(file, `${stat.mtimeMs}:${stat.size}`).map((part) => ({ ...part, mesh: scaled(part.mesh, scale) }));
      } catch (err) {
        parts = err as Error;
      }
      this.files.set(key, parts);
    }
    return parts;
  }
}

/** Mesh files read in this process, by path, with the modification time and size they were read at. */
const readFiles = new Map<string, { stamp: string; parts: MeshPart[] }>();

function readOnce(file: string, stamp: string): MeshPart[] {
  const known = readFiles.get(file);
  if (known?.stamp === stamp) return known.parts;
  const parts = readMeshParts(file);
  readFiles.set(file, { stamp, parts });
  return parts;
}

function meshKey(file: string, scale: Vec3): string {
  return `${file}@${scale.join(',')}`;
}

/** A scaled copy (the parts read are shared by every scene); the mesh itself at scale 1. */
function scaled(mesh: MeshData, scale: Vec3): MeshData {
  if (scale.every((k) => k === 1)) return mesh;
  const positions = mesh.positions.map((v, i) => v * scale[i % 3]!);
  // A mirroring scale turns triangles inside out; swap two corners to keep them facing out.
  if (scale[0] * scale[1] * scale[2] >= 0) return { positions, indices: mesh.indices };
  const indices = mesh.indices.map((v, i) => (i % 3 === 0 ? v : mesh.indices[i % 3 === 1 ? i + 1 : i - 1]!));
  return { positions, indices };
}
