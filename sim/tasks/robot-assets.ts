/**
 * The robots the studio ships (assets/robots, each with its source and license), converted to scenes
 * once per process and shared by every task instance built from them.
 */
import { projectPath } from '../project-paths.ts';
import { importRobot, type ImportOptions } from '../importers/import-robot.ts';
import { robotToScene, type RobotScene, type RobotSceneOptions } from '../robot/robot-scene.ts';
import type { RobotModel } from '../robot/robot-model.ts';
import { bodyPosition, bodyRotation, rotate } from '../kinematics.ts';
import type { Vec3 } from '../scene.ts';


export const ROBOT_FILES = {
  so101: projectPath('assets/robots/so101/so101_new_calib.xml'),
  go2: projectPath('assets/robots/go2/example-robot-data/robots/go2_description/urdf/go2.urdf'),
} as const;

const cache = new Map<string, RobotScene>();
/** Whether scenes built in this process carry visual meshes (see `simulateOnly`). */
let visuals = true;

/** Builds robot scenes without visual meshes from now on in this process: for rollout workers, which never draw. */
export function simulateOnly(): void {
  visuals = false;
}

/** Imports and converts a robot file, caching by file and options; `adjust` edits the model first. */
/** `variant` names what `adjust` changes, so differently adjusted models are cached apart; `imports` are the importer's options (package roots). */
export function robotScene(file: string, options: RobotSceneOptions = {}, adjust?: (model: RobotModel) => void, variant = '', imports: ImportOptions = {}): RobotScene {
  const key = `${file}|${JSON.stringify(options)}|${variant}|${visuals}|${JSON.stringify(imports)}`;
  let scene = cache.get(key);
  if (!scene) {
    const model = importRobot(file, imports);
    adjust?.(model);
    scene = robotToScene(model, { ...options, visuals });
    cache.set(key, scene);
  }
  return scene;
}

/** World position of a point given in a body's frame. */
export function worldPoint(state: ArrayLike<number>, body: number, point: Vec3): Vec3 {
  const p = bodyPosition(state, body);
  const r = rotate(bodyRotation(state, body), point);
  return [p[0] + r[0], p[1] + r[1], p[2] + r[2]];
}
