/**
 * so101-step-ratio-vs-mujoco, barkour-step-ratio-vs-mujoco: time per physics step of the same MJCF
 * scene in Actuate (Rapier, via our importer) and in MuJoCo's official WebAssembly build (npm
 * `mujoco-js`, compiling the file itself), at MuJoCo's time step, interleaved in one run.
 * Ratio = Actuate µs / MuJoCo µs (goal ≤ 1.0).
 */
import { join } from 'node:path';
import { importRobot } from '../../sim/importers/import-robot.ts';
import { loadMujoco } from '../../sim/mujoco/load-mujoco.ts';
import { compileMjcfFile } from '../../sim/mujoco/mjcf-file.ts';
import { loadRapier } from '../../sim/rapier/load-rapier.ts';
import { PhysicsWorld } from '../../sim/rapier/physics-world.ts';
import { robotToScene } from '../../sim/robot/robot-scene.ts';
import { stateFromJointPositions } from '../../sim/robot/pose-state.ts';
import { median, round, usPerCall, type BenchResult, type BenchSuite } from '../result.ts';
import { projectPath } from '../../sim/project-paths.ts';

const ROBOTS = projectPath('assets/robots');
const SCENES = [
  { name: 'so101-step-ratio-vs-mujoco', file: join(ROBOTS, 'so101/scene.xml'), steps: 1000 },
  { name: 'barkour-step-ratio-vs-mujoco', file: join(ROBOTS, 'barkour_vb/scene.xml'), steps: 1000 },
];

export const mujocoComparison: BenchSuite = {
  name: 'mujoco-comparison',
  async run() {
    const mujoco = await loadMujoco();
    const R = await loadRapier();
    const results: BenchResult[] = [];
    for (const s of SCENES) {
      const model = compileMjcfFile(mujoco, s.file, { ground: false });
      const data = new mujoco.MjData(model);
      const timestep: number = model.opt.timestep;
      const robot = robotToScene(importRobot(s.file), { timestep });
      const world = new PhysicsWorld(R, robot.scene);
      world.setState(stateFromJointPositions(robot.scene, robot.scene.joints.map(() => 0)));
      const ctrl = new Float64Array(robot.scene.actuators.length);
      const mjStep = () => mujoco.mj_step(model, data);
      const ourStep = () => world.step(ctrl);
      usPerCall(mjStep, 100);
      usPerCall(ourStep, 100);
      const ours: number[] = [];
      const theirs: number[] = [];
      for (let r = 0; r < 5; r++) {
        theirs.push(usPerCall(mjStep, s.steps));
        ours.push(usPerCall(ourStep, s.steps));
      }
      results.push({
        name: s.name,
        value: round(median(ours) / median(theirs), 2),
        unit: 'ratio',
        target: '<= 1.0',
        details: { actuateUsPerStep: round(median(ours), 1), mujocoUsPerStep: round(median(theirs), 1), timestep, bodies: robot.scene.bodies.length },
      });
      world.dispose();
      data.delete?.();
      model.delete?.();
    }
    return results;
  },
};
