/**
 * An MJCF file compiled by MuJoCo itself (not through our importer): the file's folder is copied into
 * MuJoCo's in-memory file system so `<include>`s, meshes and height fields resolve as on disk. A robot
 * file without a floor gets the ground the scene adds (robotToScene's `ground`), through a wrapper
 * that includes the file, so the floor is MuJoCo's plane rather than nothing.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Mujoco } from './load-mujoco.ts';
import { compilePath } from './compile.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- mujoco-js types its models as `any` */
type MjModel = any;

const PLANE = 0;
let mounted = 0;

/** Compiles `file`; with `ground`, adds a floor plane at z = 0 when the file has none. */
export function compileMjcfFile(mj: Mujoco, file: string, options: { ground: boolean }): MjModel {
  const root = `/actuate-files-${mounted++}`;
  mj.FS.mkdir(root);
  copyFolder(mj, dirname(file), root);
  const model = compilePath(mj, `${root}/${basename(file)}`, `'${file}'`);
  if (!options.ground || Array.from(model.geom_type as Int32Array).includes(PLANE)) return model;
  model.delete();
  const wrapper = `<mujoco><include file="${basename(file)}"/><worldbody><geom name="actuate-ground" type="plane" size="0 0 0.05" friction="1 0.005 0.0001"/></worldbody></mujoco>`;
  const path = `${root}/actuate-ground-${basename(file)}`;
  mj.FS.writeFile(path, wrapper);
  return compilePath(mj, path, `'${file}' with a ground plane`);
}

/** Copies a folder into MuJoCo's in-memory file system (robot folders are a few MB of meshes). */
function copyFolder(mj: Mujoco, folder: string, target: string): void {
  for (const entry of readdirSync(folder)) {
    const path = `${folder}/${entry}`;
    const dest = `${target}/${entry}`;
    if (statSync(path).isDirectory()) {
      mj.FS.mkdir(dest);
      copyFolder(mj, path, dest);
    } else mj.FS.writeFile(dest, readFileSync(path));
  }
}
