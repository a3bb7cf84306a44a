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
/** Imported robot files, before `adjust`: a file read and parsed elsewhere (a loader thread) is handed in here. */
const models = new Map<string, RobotModel>();
/** Whether scenes built in this process carry visual meshes (see `simulateOnly`). */
let visuals = true;

/** Builds robot scenes without visual meshes from now on in this process: for rollout workers, which never draw. */
export function simulateOnly(): void {
  visuals = false;
}

/** Imports and converts a robot file, caching by file and options; `adjust` edits the model first. */
/**
 * `variant` names what `adjust` changes, so differently adjusted models are cached apart; `imports` are
 * the importer's options (package roots): a file imported with them is cached apart from one without,
 * and never taken from a loader thread's import (which had none).
 */
export function robotScene(file: string, options: RobotSceneOptions = {}, adjust?: (model: RobotModel) => void, variant = '', imports: ImportOptions = {}): RobotScene {
  const plain = Object.keys(imports).length === 0;
  const key = `${file}|${JSON.stringify(options)}|${variant}|${visuals}${plain ? '' : `|${JSON.stringify(imports)}`}`;
  let scene = cache.get(key);
  if (!scene) {
    const imported = plain ? models.get(file) : undefined;
    const model = imported ? structuredClone(imported) : importRobot(file, imports);
    adjust?.(model);
    scene = robotToScene(model, { ...options, visuals });
    cache.set(key, scene);
  }
  return scene;
}

/**
 * Hands in a robot file already imported (and, for `options`/`variant`, converted) off this thread,
 * so building a task from it here costs no parsing. The caller vouches that `model` is `file`'s.
 */
export function adoptRobot(file: string, model: RobotModel, converted?: { options: RobotSceneOptions; variant: string; scene: RobotScene }): void {
  models.set(file, model);
  if (converted) cache.set(`${file}|${JSON.stringify(converted.options)}|${converted.variant}|${visuals}`, converted.scene);
}

/** World position of a point given in a body's frame. */
export function worldPoint(state: ArrayLike<number>, body: number, point: Vec3): Vec3 {
  const p = bodyPosition(state, body);
  const r = rotate(bodyRotation(state, body), point);
  return [p[0] + r[0], p[1] + r[1], p[2] + r[2]];
}
