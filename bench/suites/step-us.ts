/**
 * step-us-<scene>-<engine>: µs per physics step of the same scene description in Rapier (PhysicsWorld)
 * and in MuJoCo's WebAssembly build (MujocoWorld, the scene written out as MJCF), measured interleaved
 * in one run from the same start, robots holding their start pose with their servos. The MuJoCo result
 * of each scene says which engine is faster (`rapierOverMujoco` > 1: MuJoCo). MJCF robots are also
 * measured as MuJoCo compiles their file (`-mujoco-file`: the file's own contact and solver options).
 */
import { jointPosition } from '../../sim/kinematics.ts';
import { loadMujoco } from '../../sim/mujoco/load-mujoco.ts';
import { MujocoWorld } from '../../sim/mujoco/mujoco-world.ts';
import { defaults, type ParamValues } from '../../sim/params.ts';
import { projectPath } from '../../sim/project-paths.ts';
import { loadRapier } from '../../sim/rapier/load-rapier.ts';
import { PhysicsWorld } from '../../sim/rapier/physics-world.ts';
import { Random } from '../../sim/random.ts';
import type { BodyDesc, SceneDescription } from '../../sim/scene.ts';
import type { SimWorld } from '../../sim/robot/sim-world.ts';
import { ROBOT_TASK_PREFIX } from '../../sim/tasks/free-play.ts';
import { findTask } from '../../sim/tasks/index.ts';
import { median, round, usPerCall, type BenchResult, type BenchSuite } from '../result.ts';

interface Case {
  name: string;
  /** The scene and its start state. */
  build(): { scene: SceneDescription; start: Float64Array };
  steps: number;
  /** An MJCF robot: also measured as MuJoCo compiles the file itself (`-mujoco-file`). */
  file?: string;
}

function fromTask(id: string, params: ParamValues = {}): Case['build'] {
  return () => {
    const def = findTask(id);
    const task = def.build({ ...defaults(def.params), ...params });
    return { scene: task.scene, start: task.reset(new Random(0)) };
  };
}

/** 100 boxes (0.2 m) in 4 layers of 5 × 5 on a ground slab, as in rapier-builds. */
export function boxStackScene(): SceneDescription {
  const boxes: BodyDesc[] = Array.from({ length: 100 }, (_, i) => ({
    name: `box${i}`,
    kind: 'dynamic',
    pose: { position: [(i % 5) * 0.25 - 0.5, Math.floor(i / 25) * 0.25, 0.1 + Math.floor((i % 25) / 5) * 0.21], rotation: [0, 0, 0, 1] },
    geoms: [{ shape: { type: 'box', halfExtents: [0.1, 0.1, 0.1] } }],
  }));
  return {
    name: 'box-stack-100',
    gravity: [0, 0, -9.81],
    timestep: 1 / 60,
    solverIterations: 4,
    bodies: [{ name: 'ground', kind: 'fixed', pose: { position: [0, 0, -0.1], rotation: [0, 0, 0, 1] }, geoms: [{ shape: { type: 'box', halfExtents: [10, 10, 0.1] } }] }, ...boxes],
    joints: [],
    actuators: [],
    markers: [],
  };
}

const robot = (path: string) => `${ROBOT_TASK_PREFIX}${projectPath(path)}`;

const CASES: Case[] = [
  { name: 'cartpole', build: fromTask('cartpole-swingup'), steps: 2000 },
  { name: 'so101', build: fromTask(robot('assets/robots/so101/scene.xml')), steps: 500, file: projectPath('assets/robots/so101/scene.xml') },
  { name: 'go2', build: fromTask(robot('assets/robots/go2/example-robot-data/robots/go2_description/urdf/go2.urdf')), steps: 300 },
  { name: 'barkour', build: fromTask(robot('assets/robots/barkour_vb/scene.xml')), steps: 300, file: projectPath('assets/robots/barkour_vb/scene.xml') },
  {
    name: 'box-stack-100',
    build: () => {
      const scene = boxStackScene();
      const start = new Float64Array(scene.bodies.length * 13);
      scene.bodies.forEach((b, i) => start.set([...b.pose.position, ...b.pose.rotation], i * 13));
      return { scene, start };
    },
    steps: 60,
  },
];

/** Position servos hold the start angles; other actuators get 0. */
function holdCommand(scene: SceneDescription, state: Float64Array): Float64Array {
  return Float64Array.from(scene.actuators, (a) => ((a.kind ?? 'motor') === 'position' ? jointPosition(scene, state, a.joint) : 0));
}

export const stepUs: BenchSuite = {
  name: 'step-us',
  async run() {
    const R = await loadRapier();
    const mj = await loadMujoco();
    const results: BenchResult[] = [];
    for (const c of CASES) {
      const { scene, start } = c.build();
      const ctrl = holdCommand(scene, start);
      const worlds: SimWorld[] = [new PhysicsWorld(R, scene), new MujocoWorld(mj, scene), ...(c.file ? [new MujocoWorld(mj, scene, { mjcfFile: c.file })] : [])];
      const times: number[][] = worlds.map(() => []);
      for (const w of worlds) w.setState(start);
      const steppers = worlds.map((w) => () => w.step(ctrl));
      steppers.forEach((s) => usPerCall(s, Math.ceil(c.steps / 10)));
      for (let r = 0; r < 5; r++) steppers.forEach((s, i) => times[i]!.push(usPerCall(s, c.steps)));
      const [rapier, mujoco, fromFile] = times.map(median) as [number, number, number | undefined];
      const details = { timestep: scene.timestep, bodies: scene.bodies.length, stepsPerRound: c.steps };
      results.push({ name: `step-us-${c.name}-rapier`, value: round(rapier, 1), unit: 'µs/step', details });
      results.push({
        name: `step-us-${c.name}-mujoco`,
        value: round(mujoco, 1),
        unit: 'µs/step',
        details: { ...details, rapierOverMujoco: round(rapier / mujoco, 2), faster: rapier > mujoco ? 'mujoco' : 'rapier' },
      });
      if (fromFile !== undefined) {
        results.push({
          name: `step-us-${c.name}-mujoco-file`,
          value: round(fromFile, 1),
          unit: 'µs/step',
          details: { ...details, model: 'the MJCF file compiled by MuJoCo', rapierOverMujoco: round(rapier / fromFile, 2) },
        });
      }
      for (const w of worlds) w.dispose();
    }
    return results;
  },
};
