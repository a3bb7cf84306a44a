/** Compiling MJCF in MuJoCo's in-memory file system; a failure carries what MuJoCo printed. */
import { takeMujocoOutput, type Mujoco } from './load-mujoco.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- mujoco-js types its models as `any` */
type MjModel = any;

let written = 0;

/** Compiles MJCF text (written to a scratch file that is removed again). */
export function compileText(mj: Mujoco, xml: string, what: string): MjModel {
  const path = `/actuate-scene-${written++}.xml`;
  mj.FS.writeFile(path, xml);
  try {
    return compilePath(mj, path, what);
  } finally {
    mj.FS.unlink(path);
  }
}

/** Compiles the MJCF file at `path` in MuJoCo's file system. */
export function compilePath(mj: Mujoco, path: string, what: string): MjModel {
  takeMujocoOutput();
  let model: MjModel;
  try {
    model = mj.MjModel.loadFromXML(path);
  } catch (err) {
    // MuJoCo's XML errors arrive as a bare C++ exception; its printed output (if any) says more.
    throw new Error(`MuJoCo could not compile ${what}: ${takeMujocoOutput().join(' ') || (err as Error).message || 'no detail given'}`);
  }
  if (!model) throw new Error(`MuJoCo could not compile ${what}: ${takeMujocoOutput().join(' ') || 'no detail given'}`);
  return model;
}
