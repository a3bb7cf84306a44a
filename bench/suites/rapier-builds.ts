/**
 * rapier-simd-speedup: the Rapier build the studio ships (0.20 SIMD) against the plain 0.21 build on
 * a 100-box stack (contact-heavy) and a 10-link hinge chain, interleaved in one run. This is the
 * measurement the build choice in docs/physics.md rests on.
 */
import RAPIER_SIMD from '@dimforge/rapier3d-simd-compat';
import RAPIER_PLAIN from '@dimforge/rapier3d-compat';
import { loadRapier, stopProfilerClock } from '../../sim/rapier/load-rapier.ts';
import { median, round, usPerCall, type BenchSuite } from '../result.ts';

type Module = typeof RAPIER_SIMD;

function boxStack(R: Module): () => void {
  const world = new R.World({ x: 0, y: 0, z: -9.81 });
  world.createCollider(R.ColliderDesc.cuboid(10, 10, 0.1).setTranslation(0, 0, -0.1));
  for (let i = 0; i < 100; i++) {
    const body = world.createRigidBody(
      R.RigidBodyDesc.dynamic().setTranslation((i % 5) * 0.25 - 0.5, Math.floor(i / 25) * 0.25, 0.1 + Math.floor((i % 25) / 5) * 0.21).setCanSleep(false),
    );
    world.createCollider(R.ColliderDesc.cuboid(0.1, 0.1, 0.1), body);
  }
  return () => world.step();
}

function chain(R: Module): () => void {
  const world = new R.World({ x: 0, y: 0, z: -9.81 });
  let parent = world.createRigidBody(R.RigidBodyDesc.fixed());
  for (let i = 0; i < 10; i++) {
    const body = world.createRigidBody(R.RigidBodyDesc.dynamic().setTranslation(0.2 * (i + 1), 0, 0).setCanSleep(false));
    world.createCollider(R.ColliderDesc.capsule(0.08, 0.02).setRotation({ x: 0, y: 0, z: Math.SQRT1_2, w: Math.SQRT1_2 }), body);
    world.createImpulseJoint(R.JointData.revolute({ x: i === 0 ? 0 : 0.1, y: 0, z: 0 }, { x: -0.1, y: 0, z: 0 }, { x: 0, y: 1, z: 0 }), parent, body, true);
    parent = body;
  }
  return () => world.step();
}


export const rapierBuilds: BenchSuite = {
  name: 'rapier-builds',
  async run() {
    // Both without Rapier's profiler clock, as the studio runs its build (sim/rapier/load-rapier.ts).
    await loadRapier();
    await RAPIER_PLAIN.init();
    stopProfilerClock(RAPIER_PLAIN);
    const out = [];
    for (const [scene, make, steps] of [['box-stack-100', boxStack, 300], ['hinge-chain-10', chain, 2000]] as const) {
      const simd = make(RAPIER_SIMD);
      const plain = make(RAPIER_PLAIN as unknown as Module);
      usPerCall(simd, 50);
      usPerCall(plain, 50);
      const a: number[] = [];
      const b: number[] = [];
      for (let i = 0; i < 5; i++) {
        a.push(usPerCall(simd, steps));
        b.push(usPerCall(plain, steps));
      }
      out.push({
        name: `rapier-simd-speedup-${scene}`,
        value: round(median(b) / median(a), 2),
        unit: 'ratio',
        details: { simd020UsPerStep: round(median(a), 1), plain021UsPerStep: round(median(b), 1) },
      });
    }
    return out;
  },
};
