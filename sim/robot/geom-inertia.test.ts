import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importRobot } from '../importers/import-robot.ts';
import { rotate } from '../kinematics.ts';
import { compileMjcfFile } from '../mujoco/mjcf-file.ts';
import { loadMujoco } from '../mujoco/load-mujoco.ts';
import { projectPath } from '../project-paths.ts';
import type { MeshData, Quat, Vec3 } from '../scene.ts';
import { combineGeomMasses, geomMass, meshMassProperties, shapeMassProperties } from './geom-inertia.ts';
import type { Matrix3 } from './inertia.ts';
import type { Inertial, RobotGeom } from './robot-model.ts';

const at0 = { position: [0, 0, 0] as Vec3, rotation: [0, 0, 0, 1] as Quat };

/** Mass and the inertia's diagonal of a solid shape of density 1000 at the geom origin. */
function solid(geometry: RobotGeom['geometry']) {
  const props = shapeMassProperties(geometry)!;
  const g = geomMass({ role: 'both', geometry, pose: at0 }, props);
  return { mass: g.mass, diagonal: [g.inertia[0], g.inertia[4], g.inertia[8]] };
}

/** A box as a closed triangle mesh (outward faces), corners at ±half, moved by `offset`. */
function boxMesh(half: Vec3, offset: Vec3 = [0, 0, 0]): MeshData {
  const corners: number[] = [];
  for (let i = 0; i < 8; i++) corners.push(((i & 1) * 2 - 1) * half[0] + offset[0], (((i >> 1) & 1) * 2 - 1) * half[1] + offset[1], (((i >> 2) & 1) * 2 - 1) * half[2] + offset[2]);
  const quads = [[0, 2, 3, 1], [4, 5, 7, 6], [0, 1, 5, 4], [2, 6, 7, 3], [0, 4, 6, 2], [1, 3, 7, 5]];
  return { positions: Float32Array.from(corners), indices: Uint32Array.from(quads.flatMap(([a, b, c, d]) => [a!, b!, c!, a!, c!, d!])) };
}

describe('inertia from geoms, as MuJoCo infers it', () => {
  it('gives each solid shape its closed-form mass and inertia', () => {
    const rho = 1000;
    const close = (a: number[], b: number[]) => a.forEach((x, i) => expect(x).toBeCloseTo(b[i]!, 12));
    // Sphere r: m = 4/3 π r³ ρ, I = 2/5 m r².
    let m = (4 / 3) * Math.PI * 0.1 ** 3 * rho;
    expect(solid({ type: 'sphere', radius: 0.1 }).mass).toBeCloseTo(m, 12);
    close(solid({ type: 'sphere', radius: 0.1 }).diagonal, [0.4 * m * 0.01, 0.4 * m * 0.01, 0.4 * m * 0.01]);
    // Box a × b × c: I_x = m (b² + c²) / 12.
    m = 0.2 * 0.4 * 0.6 * rho;
    close(solid({ type: 'box', halfExtents: [0.1, 0.2, 0.3] }).diagonal, [(m * (0.16 + 0.36)) / 12, (m * (0.04 + 0.36)) / 12, (m * (0.04 + 0.16)) / 12]);
    // Cylinder along z: I_x = m (3r² + h²) / 12, I_z = m r² / 2.
    m = Math.PI * 0.05 ** 2 * 0.4 * rho;
    close(solid({ type: 'cylinder', radius: 0.05, halfLength: 0.2 }).diagonal, [(m * (3 * 0.0025 + 0.16)) / 12, (m * (3 * 0.0025 + 0.16)) / 12, (m * 0.0025) / 2]);
    // Capsule: cylinder m_c plus two hemispheres of m_h each (centroid 3r/8 from the flat face):
    // I_x = m_c (h²/12 + r²/4) + 2 m_h (2r²/5 + h²/4 + 3hr/8), I_z = m_c r²/2 + 2 m_h · 2r²/5.
    const [r, h] = [0.05, 0.4];
    const mc = Math.PI * r * r * h * rho;
    const mh = (2 / 3) * Math.PI * r ** 3 * rho;
    const capsule = solid({ type: 'capsule', radius: r, halfLength: h / 2 });
    expect(capsule.mass).toBeCloseTo(mc + 2 * mh, 12);
    const side = mc * (h * h / 12 + r * r / 4) + 2 * mh * ((2 * r * r) / 5 + (h * h) / 4 + (3 * h * r) / 8);
    close(capsule.diagonal, [side, side, (mc * r * r) / 2 + 2 * mh * ((2 * r * r) / 5)]);
    // Ellipsoid a, b, c: I_x = m (b² + c²) / 5.
    m = (4 / 3) * Math.PI * 0.1 * 0.2 * 0.3 * rho;
    close(solid({ type: 'ellipsoid', radii: [0.1, 0.2, 0.3] }).diagonal, [(m * 0.13) / 5, (m * 0.1) / 5, (m * 0.05) / 5]);
  });

  it('takes a mesh box like the box wherever its vertices sit, and a non-convex mesh exactly or as MuJoCo\'s legacy default over-counts it', () => {
    const box = shapeMassProperties({ type: 'box', halfExtents: [0.1, 0.2, 0.3] })!;
    for (const mode of ['legacy', 'exact'] as const) {
      const mesh = meshMassProperties(boxMesh([0.05, 0.1, 0.15], [1, 2, 3]), [2, 2, 2], mode)!;
      expect(mesh.volume).toBeCloseTo(box.volume, 8);
      mesh.center.forEach((c, i) => expect(c).toBeCloseTo([2, 4, 6][i]!, 6));
      mesh.inertia.forEach((x, i) => expect(x).toBeCloseTo(box.inertia[i]!, 8));
    }
    // Two unit cubes 3 m apart: exactly, two cubes (I_x = 2 · 1/6, I_y = I_z = 2 · (1/6 + 1.5²));
    // MuJoCo's legacy default takes every pyramid from the faces' centroid as positive, so the cubes'
    // inner faces, seen from behind, add volume that is not there.
    const a = boxMesh([0.5, 0.5, 0.5], [0, 0, 0]);
    const b = boxMesh([0.5, 0.5, 0.5], [3, 0, 0]);
    const two: MeshData = { positions: Float32Array.from([...a.positions, ...b.positions]), indices: Uint32Array.from([...a.indices, ...b.indices.map((i) => i + 8)]) };
    const exact = meshMassProperties(two, [1, 1, 1], 'exact')!;
    expect(exact.volume).toBeCloseTo(2, 9);
    [2 / 6, 0, 0, 0, 2 * (1 / 6 + 2.25), 0, 0, 0, 2 * (1 / 6 + 2.25)].forEach((x, i) => expect(exact.inertia[i]).toBeCloseTo(x, 9));
    expect(meshMassProperties(two, [1, 1, 1], 'legacy')!.volume).toBeGreaterThan(3);
  });

  it('combines geoms about their common centre of mass (parallel axes), with mass overriding density', () => {
    // Two 1 kg spheres of radius 0.1 at ±0.5 on x: I_x = 2 · 2/5 m r², I_y = I_z = that + 2 m 0.5².
    const ball = (x: number): RobotGeom => ({ role: 'both', geometry: { type: 'sphere', radius: 0.1 }, pose: { position: [x, 0, 0], rotation: [0, 0, 0, 1] }, mass: 1 });
    const parts = [ball(-0.5), ball(0.5)].map((g) => geomMass(g, shapeMassProperties(g.geometry)!));
    const body = combineGeomMasses(parts);
    expect(body.mass).toBeCloseTo(2, 12);
    const i0 = 2 * 0.4 * 0.01;
    [i0, i0 + 0.5, i0 + 0.5, 0, 0, 0].forEach((x, i) => expect(body.inertia[i]).toBeCloseTo(x, 12));
  });

  it("matches MuJoCo's compiled bodies: primitives with mass, density, offsets and turns, meshes, groups", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'actuate-inertia-'));
    writeFileSync(join(dir, 'cube.stl'), stl(boxMesh([0.02, 0.03, 0.04], [0.01, 0, 0])));
    writeFileSync(
      join(dir, 'bodies.xml'),
      `<mujoco model="inertia"><compiler inertiagrouprange="0 3"/><asset><mesh name="cube" file="cube.stl" scale="1 2 1"/></asset><worldbody>
        <body name="mixed" pos="0 0 1"><freejoint/>
          <geom type="box" size="0.1 0.05 0.02" pos="0.1 0 0" euler="0 0 30" mass="2"/>
          <geom type="sphere" size="0.04" pos="-0.1 0.02 0" density="500"/>
          <geom type="capsule" fromto="0 0 0 0.1 0.1 0.2" size="0.02"/>
          <geom type="cylinder" size="0.03 0.05" pos="0 0 -0.1" quat="0.9 0.3 0.2 0.1"/>
          <geom type="ellipsoid" size="0.03 0.02 0.01" pos="0 0.1 0" density="2000"/>
          <geom type="mesh" mesh="cube" pos="0 -0.1 0.05" euler="10 20 30" group="2" contype="0" conaffinity="0"/>
          <geom type="sphere" size="0.5" group="4"/>
          <geom type="box" size="0.5 0.5 0.5" mass="0" pos="0 0 0.3"/>
        </body></worldbody></mujoco>`,
    );
    await expectMujocoBodies(join(dir, 'bodies.xml'), ['mixed']);
  });

  it("matches MuJoCo on a shipped robot's meshes: Barkour vB with its <inertial>s removed", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'actuate-inertia-barkour-'));
    cpSync(projectPath('assets/robots/barkour_vb'), dir, { recursive: true });
    const file = join(dir, 'barkour_vb.xml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/<inertial [^>]*\/>/g, ''));
    const bodies = [...readFileSync(file, 'utf8').matchAll(/<body name="([^"]+)"/g)].map((m) => m[1]!);
    expect(bodies.length).toBeGreaterThan(10);
    await expectMujocoBodies(file, bodies);
  });
});

/** Each named body's mass, centre and full inertia tensor from our importer against MuJoCo's compile of the same file. */
async function expectMujocoBodies(file: string, bodies: string[]): Promise<void> {
  const mj = await loadMujoco();
  const model = compileMjcfFile(mj, file, { ground: false });
  const robot = importRobot(file);
  try {
    for (const name of bodies) {
      const id = mj.mj_name2id(model, mj.mjtObj.mjOBJ_BODY.value, name);
      expect(id, name).toBeGreaterThan(0);
      const ours = robot.links.find((l) => l.name === name)!.inertial!;
      const mass = (model.body_mass as Float64Array)[id]!;
      const com = Array.from((model.body_ipos as Float64Array).subarray(3 * id, 3 * id + 3));
      const principal = Array.from((model.body_inertia as Float64Array).subarray(3 * id, 3 * id + 3));
      const [w, x, y, z] = Array.from((model.body_iquat as Float64Array).subarray(4 * id, 4 * id + 4)) as [number, number, number, number];
      expect(ours.mass / mass - 1, `${name} mass ${ours.mass} vs ${mass}`).toBeCloseTo(0, 9);
      com.forEach((c, k) => expect(ours.com[k]! - c, `${name} com`).toBeCloseTo(0, 9));
      const theirs = tensor(principal as Vec3, [x, y, z, w]);
      const scale = Math.max(...principal);
      // Within 1e-5 of the largest moment: both sum float32 mesh vertices, in different orders.
      fullTensor(ours).forEach((v, k) => expect((v - theirs[k]!) / scale, `${name} inertia [${k}]: ${v} vs ${theirs[k]}`).toBeCloseTo(0, 5));
    }
  } finally {
    model.delete();
  }
}

function tensor(d: Vec3, q: Quat): Matrix3 {
  const cols = [rotate(q, [1, 0, 0]), rotate(q, [0, 1, 0]), rotate(q, [0, 0, 1])];
  return Array.from({ length: 9 }, (_, n) => cols.reduce((s, c, k) => s + c[Math.floor(n / 3)]! * d[k]! * c[n % 3]!, 0)) as Matrix3;
}

function fullTensor({ inertia: [xx, yy, zz, xy, xz, yz] }: Inertial): Matrix3 {
  return [xx, xy, xz, xy, yy, yz, xz, yz, zz];
}

/** Binary STL of a mesh. */
function stl(mesh: MeshData): Buffer {
  const count = mesh.indices.length / 3;
  const out = Buffer.alloc(84 + 50 * count);
  out.writeUInt32LE(count, 80);
  for (let t = 0; t < count; t++) {
    for (let v = 0; v < 3; v++) {
      const i = mesh.indices[3 * t + v]!;
      for (let k = 0; k < 3; k++) out.writeFloatLE(mesh.positions[3 * i + k]!, 84 + 50 * t + 12 + 12 * v + 4 * k);
    }
  }
  return out;
}
