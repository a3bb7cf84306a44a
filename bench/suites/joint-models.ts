/**
 * Joint models on a real robot: the SO-101 arm (its MJCF, no collisions, actuators, damping, friction or limits, so
 * energy must be conserved) released from its zero pose under gravity and swung for 2 s, with Rapier
 * impulse joints (what Actuate uses) at several time steps and solver iterations, and with multibody
 * (reduced-coordinate) joints. Reports energy drift (max |E(t) − E(0)| over the run's peak kinetic
 * energy), how far joint anchors separate (impulse joints are constraints between free bodies; multibody
 * joints cannot separate) and the cost per step. The choice in docs/physics.md rests on these numbers.
 */
import { importRobot } from '../../sim/importers/import-robot.ts';
import { bodyPosition, bodyRotation, rotate } from '../../sim/kinematics.ts';
import { loadRapier } from '../../sim/rapier/load-rapier.ts';
import { PhysicsWorld } from '../../sim/rapier/physics-world.ts';
import { robotToScene } from '../../sim/robot/robot-scene.ts';
import type { SceneDescription } from '../../sim/scene.ts';
import { round, type BenchResult, type BenchSuite } from '../result.ts';
import { projectPath } from '../../sim/project-paths.ts';

const SO101 = projectPath('assets/robots/so101/so101_new_calib.xml');
const SECONDS = 2;

interface Variant {
  joints: 'impulse' | 'multibody';
  timestep: number;
  iterations: number;
}

const VARIANTS: Variant[] = [
  ...[0.001, 0.002, 0.005].flatMap((timestep) => [1, 4, 8].map((iterations) => ({ joints: 'impulse' as const, timestep, iterations }))),
  ...[0.002, 0.005].map((timestep) => ({ joints: 'multibody' as const, timestep, iterations: 4 })),
];

/** The arm as a passive, conservative mechanism. */
function passiveArm(timestep: number, iterations: number): SceneDescription {
  const { scene } = robotToScene(importRobot(SO101), { noCollision: true, timestep, solverIterations: iterations });
  return { ...scene, actuators: [], joints: scene.joints.map(({ damping: _damping, limits: _limits, frictionLoss: _friction, ...joint }) => joint) };
}

/** Largest distance between the two bodies' copies of a joint anchor, m. */
function anchorGap(scene: SceneDescription, state: Float64Array): number {
  let worst = 0;
  for (const j of scene.joints) {
    const a = bodyPosition(state, j.parent);
    const b = bodyPosition(state, j.child);
    const ra = rotate(bodyRotation(state, j.parent), j.anchorParent);
    const rb = rotate(bodyRotation(state, j.child), j.anchorChild);
    worst = Math.max(worst, Math.hypot(a[0] + ra[0] - b[0] - rb[0], a[1] + ra[1] - b[1] - rb[1], a[2] + ra[2] - b[2] - rb[2]));
  }
  return worst;
}

function measure(R: Awaited<ReturnType<typeof loadRapier>>, v: Variant) {
  const scene = passiveArm(v.timestep, v.iterations);
  const world = new PhysicsWorld(R, scene, { joints: v.joints });
  const total = () => {
    const { kinetic, potential } = world.energy();
    return kinetic + potential;
  };
  // Mass properties reach world coordinates in the first step: measure from there.
  world.step();
  const e0 = total();
  const state = new Float64Array(scene.bodies.length * 13);
  let drift = 0;
  let peakKinetic = 0;
  let gap = 0;
  const steps = Math.round(SECONDS / v.timestep);
  let stepMs = 0;
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    world.step();
    stepMs += performance.now() - t0;
    const { kinetic, potential } = world.energy();
    drift = Math.max(drift, Math.abs(kinetic + potential - e0));
    peakKinetic = Math.max(peakKinetic, kinetic);
    world.getState(state);
    gap = Math.max(gap, anchorGap(scene, state));
  }
  world.dispose();
  return { ...v, energyDriftPct: round((100 * drift) / peakKinetic, 2), anchorGapMm: round(gap * 1000, 3), usPerStep: round((stepMs * 1000) / steps, 1) };
}

export const jointModels: BenchSuite = {
  name: 'joint-models',
  async run() {
    const R = await loadRapier();
    // Rapier's WebAssembly runs its first few thousand steps slower: one untimed pass warms it up.
    VARIANTS.forEach((v) => measure(R, v));
    const rows = VARIANTS.map((v) => measure(R, v));
    const pick = (joints: Variant['joints'], timestep: number, iterations: number) => rows.find((r) => r.joints === joints && r.timestep === timestep && r.iterations === iterations)!;
    const impulse = pick('impulse', 0.005, 4);
    const multibody = pick('multibody', 0.005, 4);
    const results: BenchResult[] = [
      { name: 'so101-energy-drift-impulse-pct', value: impulse.energyDriftPct, unit: '%', details: { timestep: 0.005, iterations: 4, anchorGapMm: impulse.anchorGapMm, usPerStep: impulse.usPerStep } },
      { name: 'so101-energy-drift-multibody-pct', value: multibody.energyDriftPct, unit: '%', details: { timestep: 0.005, iterations: 4, anchorGapMm: multibody.anchorGapMm, usPerStep: multibody.usPerStep } },
      { name: 'so101-multibody-vs-impulse-step-ratio', value: round(multibody.usPerStep / impulse.usPerStep, 2), unit: 'ratio', details: { variants: rows } },
    ];
    return results;
  },
};
