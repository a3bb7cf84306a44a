/**
 * Off-thread job (see off-thread.ts): reads and parses one robot file, refuses one too big to
 * simulate, and converts it into its free-play scene. Runs in a worker; touches nothing of the session.
 */
import { importRobot } from '../sim/importers/import-robot.ts';
import type { RobotModel } from '../sim/robot/robot-model.ts';
import type { RobotScene } from '../sim/robot/robot-scene.ts';
import { freePlayScene } from '../sim/tasks/free-play.ts';

export interface LoadedRobot {
  model: RobotModel;
  scene: RobotScene;
}

export function run({ file, maxLinks }: { file: string; maxLinks: number }): LoadedRobot {
  const model = importRobot(file, { maxLinks });
  const links = model.links.length;
  if (links > maxLinks) throw new Error(`${file}: ${links} links; the studio simulates robots of at most ${maxLinks} links`);
  return { model, scene: freePlayScene(model) };
}
