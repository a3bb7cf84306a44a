/**
 * Loads MuJoCo's official WebAssembly build (npm `mujoco-js`) once per thread, on first use: the module
 * is 11 MB of JavaScript, so processes that never simulate in MuJoCo never parse it. MuJoCo reports
 * model errors on its stdout, not in the exception it throws, so the module's output is kept for
 * whoever compiles a model (`takeMujocoOutput`).
 */
import type { MainModule } from 'mujoco-js';

export type Mujoco = MainModule;

let ready: Promise<Mujoco> | undefined;
const output: string[] = [];

export function loadMujoco(): Promise<Mujoco> {
  ready ??= import('mujoco-js').then(({ default: load }) => load({ print: (s: string) => output.push(s), printErr: (s: string) => output.push(s) }));
  return ready;
}

/** What MuJoCo printed since the last call (compiler errors and warnings), emptied. */
export function takeMujocoOutput(): string[] {
  return output.splice(0);
}
