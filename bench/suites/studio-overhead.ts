/**
 * studio-overhead-ratio: raw Rapier steps/s (hand-written loop on the Rapier API) against the
 * studio's own stepping (a Session with the zero controller: queue, actuation, state read-back,
 * residuals, cost and success monitor) on the same cart-pole scene, interleaved in one run.
 */
import { loadRapier } from '../../sim/rapier/load-rapier.ts';
import { defaults } from '../../sim/params.ts';
import { findTask } from '../../sim/tasks/index.ts';
import { Session } from '../../engine/session.ts';
import { median, round, type BenchSuite } from '../result.ts';

const SIM_SECONDS = 10;
const REPEATS = 11;

async function rawStepsPerSecond(): Promise<number> {
  const R = await loadRapier();
  const task = findTask('cartpole-swingup').build(defaults(findTask('cartpole-swingup').params));
  const scene = task.scene;
  const world = new R.World({ x: 0, y: 0, z: -9.81 });
  world.timestep = scene.timestep;
  world.numSolverIterations = scene.solverIterations;
  const bodies = scene.bodies.map((b) => {
    const desc = (b.kind === 'fixed' ? R.RigidBodyDesc.fixed() : R.RigidBodyDesc.dynamic())
      .setTranslation(...b.pose.position)
      .setCanSleep(false);
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
    const data = j.type === 'prismatic'
      ? R.JointData.prismatic(v(j.anchorParent), v(j.anchorChild), v(j.axis))
      : R.JointData.revolute(v(j.anchorParent), v(j.anchorChild), v(j.axis));
    if (j.limits) {
      data.limitsEnabled = true;
      data.limits = j.limits;
    }
    world.createImpulseJoint(data, bodies[j.parent]!, bodies[j.child]!, true).setContactsEnabled(false);
  }
  const cart = bodies[1]!;
  const steps = Math.round(SIM_SECONDS / scene.timestep);
  const force = { x: 0, y: 0, z: 0 };
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) {
    cart.resetForces(false);
    force.x = 5 * Math.sin(i * 0.01);
    cart.addForce(force, true);
    world.step();
  }
  const seconds = (performance.now() - t0) / 1000;
  world.free();
  return steps / seconds;
}

async function studioStepsPerSecond(): Promise<number> {
  const session = await Session.create({ taskId: 'cartpole-swingup', controllerId: 'zero' });
  const substeps = Math.round(session.task.timing.controlDt / session.task.scene.timestep);
  const t0 = performance.now();
  await session.runFor(SIM_SECONDS);
  const seconds = (performance.now() - t0) / 1000;
  const steps = session.controlSteps * substeps;
  await session.dispose();
  return steps / seconds;
}

export const studioOverhead: BenchSuite = {
  name: 'studio-overhead',
  async run() {
    const raw: number[] = [];
    const studio: number[] = [];
    const ratios: number[] = [];
    await rawStepsPerSecond();
    await studioStepsPerSecond();
    // Back-to-back pairs, alternating which goes first; the median pair ratio resists load spikes.
    for (let i = 0; i < REPEATS; i++) {
      const [r, s] = i % 2 ? [await rawStepsPerSecond(), await studioStepsPerSecond()] : [0, await studioStepsPerSecond()];
      const rawRate = r || (await rawStepsPerSecond());
      raw.push(rawRate);
      studio.push(s);
      ratios.push(rawRate / s);
    }
    return [
      {
        name: 'studio-overhead-ratio',
        value: round(median(ratios)),
        unit: 'ratio',
        target: '<= 1.10',
        details: { scene: 'cartpole-swingup', rawStepsPerSecond: Math.round(median(raw)), studioStepsPerSecond: Math.round(median(studio)), repeats: REPEATS },
      },
    ];
  },
};
