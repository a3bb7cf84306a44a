/**
 * Off-thread job (see off-thread.ts): reads and parses one robot file, refuses one too big to
 * simulate, and converts it into its free-play scene. Every file the robot file names (MJCF includes,
 * meshes) is checked against the folders clients may open before it is read. Runs in a worker;
 * touches nothing of the session.
 */
import { importRobot } from '../sim/importers/import-robot.ts';
import { parsePackageList } from '../sim/importers/resolve-path.ts';
import type { RobotModel } from '../sim/robot/robot-model.ts';
import type { RobotScene } from '../sim/robot/robot-scene.ts';
import { freePlayScene } from '../sim/tasks/free-play.ts';
import { FileAccess } from './file-access.ts';

export interface LoadedRobot {
  model: RobotModel;
  scene: RobotScene;
}

export interface LoadRobotInput {
  file: string;
  maxLinks: number;
  /** The host's FileAccess.spec(). */
  access: { folders: string[]; files: string[] };
  /** `package://` roots, "name=dir,…". */
  packages?: string;
}

export function run({ file, maxLinks, access, packages }: LoadRobotInput): LoadedRobot {
  const files = new FileAccess(access.folders, access.files);
  const model = importRobot(file, {
    maxLinks,
    ...(packages ? { packages: parsePackageList(packages) } : {}),
    checkFile: (path, kind, namedIn) => void files.checkNested(path, kind, namedIn),
  });
  const links = model.links.length;
  if (links > maxLinks) throw new Error(`${file}: ${links} links; the studio simulates robots of at most ${maxLinks} links`);
  return { model, scene: freePlayScene(model) };
}
