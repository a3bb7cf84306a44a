/** Imports a robot file by its extension: .urdf → URDF, .xml/.mjcf → MJCF. */
import { extname } from 'node:path';
import { RobotFileError, type RobotModel } from '../robot/robot-model.ts';
import { importMjcf } from './mjcf.ts';
import type { NestedFileCheck, PackageRoots } from './resolve-path.ts';
import { importUrdf } from './urdf.ts';

export interface ImportOptions {
  packages?: PackageRoots;
  floatingBase?: boolean;
  /** URDF: refuse a robot of more links before converting it (a server's limit). */
  maxLinks?: number;
  /** Vets every file the robot file names (includes, meshes) before it is read. */
  checkFile?: NestedFileCheck;
}

export function importRobot(file: string, options: ImportOptions = {}): RobotModel {
  const ext = extname(file).toLowerCase();
  if (ext === '.urdf') return importUrdf(file, options);
  if (ext === '.xml' || ext === '.mjcf') return importMjcf(file, options.checkFile);
  throw new RobotFileError(file, undefined, `unknown robot file type '${ext}'; expected .urdf, .xml or .mjcf`);
}
