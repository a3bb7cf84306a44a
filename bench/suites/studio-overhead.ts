/**
 * studio-overhead-ratio: raw Rapier steps/s (hand-written loop on the Rapier API) against the
 * studio's own stepping (a Session with the zero controller: queue, actuation, state read-back,
 * residuals, cost and success monitor) on the same cart-pole scene, interleaved in one run.
 */
import { loadRapier } from '../../sim/rapier/load-rapier.ts';
import { defaults } from '../../sim/params.ts';
import { findTask } from '../../sim/tasks/index.ts';
import { Random } from '../../sim/random.ts';
import { Session } from '../../engine/session.ts';
import { round, type BenchSuite } from '../result.ts';

/** Simulated seconds per alternating chunk, and how many chunks each side runs. */
const CHUNK_SECONDS = 2;
const CHUNKS = 40;
const WARMUP_STEPS = 20_000;

/** A hand-written Rapier world of the cart-pole and a loop that steps it with a force on the cart. */
async function rawCartpole(): Promise<{ run(steps: number): void; free(): void }> {
  const R = await loadRapier();
  const task = findTask('cartpole-swingup').build(defaults(findTask('cartpole-swingup').params));
  const scene = task.scene;
  const world = new R.World({ x: 0, y: 0, z: -9.81 });
  world.timestep = scene.timestep;
  world.numSolverIterations = scene.solverIterations;
  const bodies = scene.bodies.map((b) => {
    const desc = (b.kind === 'fixed' ? R.RigidBodyDesc.fixed() : R.RigidBodyDesc.dynamic()).setTranslation(...b.pose.position).setCanSleep(false);
    const body = world.createRigidBody(desc);
    for (const g of b.geoms) {
      if (g.visualOnly) continue;
      const shape = g.shape;
      const c =
        shape.type === 'box'
          ? R.ColliderDesc.cuboid(...shape.halfExtents)
          : shape.type === 'capsule'
            ? R.ColliderDesc.capsule(shape.halfHeight, shape.radius)
            : R.ColliderDesc.ball(0.05);
      if (g.pose) c.setRotation({ x: g.pose.rotation[0], y: g.pose.rotation[1], z: g.pose.rotation[2], w: g.pose.rotation[3] });
      world.createCollider(c.setMass(b.mass ?? 1), body);
    }
    return body;
  });
  for (const j of scene.joints) {
    const v = (a: number[]) => ({ x: a[0]!, y: a[1]!, z: a[2]! });
    const data =
      j.type === 'prismatic'
        ? R.JointData.prismatic(v(j.anchorParent), v(j.anchorChild), v(j.axis))
        : R.JointData.revolute(v(j.anchorParent), v(j.anchorChild), v(j.axis));
    if (j.limits) {
      data.limitsEnabled = true;
      data.limits = j.limits;
    }
    world.createImpulseJoint(data, bodies[j.parent]!, bodies[j.child]!, true).setContactsEnabled(false);
  }
  // Start from the session's own initial state (seed 0), so both sides simulate the same motion.
  const start = task.reset(new Random(0));
  bodies.forEach((body, b) => {
    if (!body.isDynamic()) return;
    const o = b * 13;
    body.setTranslation({ x: start[o]!, y: start[o + 1]!, z: start[o + 2]! }, true);
    body.setRotation({ x: start[o + 3]!, y: start[o + 4]!, z: start[o + 5]!, w: start[o + 6]! }, true);
  });
  const cart = bodies[1]!;
  const force = { x: 0, y: 0, z: 0 };
  return {
    run(steps) {
      for (let k = 0; k < steps; k++) {
        cart.resetForces(false);
        // The studio runs the zero controller: the same passive dynamics, actuation included.
        cart.addForce(force, true);
        world.step();
      }
    },
    free: () => world.free(),
  };
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

export const studioOverhead: BenchSuite = {
  name: 'studio-overhead',
  async run() {
    const raw = await rawCartpole();
    const session = await Session.create({ taskId: 'cartpole-swingup', controllerId: 'zero', seed: 0 });
    const substeps = Math.round(session.task.timing.controlDt / session.task.scene.timestep);
    const chunkSteps = Math.round(CHUNK_SECONDS / session.task.scene.timestep);
    // Warm both up (the JIT takes some 10,000 steps to settle), then alternate short chunks.
    raw.run(WARMUP_STEPS);
    await session.runFor(WARMUP_STEPS * session.task.scene.timestep);
    const warmSteps = session.controlSteps;
    // CPU time of this process, not wall time: other processes on the machine then cost neither side.
    let rawMs = 0;
    let studioMs = 0;
    for (let i = 0; i < CHUNKS; i++) {
      let t0 = cpuMs();
      raw.run(chunkSteps);
      rawMs += cpuMs() - t0;
      t0 = cpuMs();
      await session.runFor(session.simTime + CHUNK_SECONDS);
      studioMs += cpuMs() - t0;
    }
    const steps = CHUNKS * chunkSteps;
    const studioSteps = (session.controlSteps - warmSteps) * substeps;
    raw.free();
    await session.dispose();
    const rawRate = steps / (rawMs / 1000);
    const studioRate = studioSteps / (studioMs / 1000);
    return [
      {
        name: 'studio-overhead-ratio',
        value: round(rawRate / studioRate),
        unit: 'ratio',
        target: '<= 1.10',
        details: { scene: 'cartpole-swingup', rawStepsPerSecond: Math.round(rawRate), studioStepsPerSecond: Math.round(studioRate), chunks: CHUNKS, chunkSeconds: CHUNK_SECONDS },
      },
    ];
  },
};
