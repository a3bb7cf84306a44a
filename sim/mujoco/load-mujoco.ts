/**
 * Loads MuJoCo's official WebAssembly build (npm `mujoco-js`) once per thread. MuJoCo reports model
 * errors on its stdout, not in the exception it throws, so the module's output is kept and handed to
 * whoever compiles a model (`takeMujocoOutput`).
 */
import loadModule, { type MainModule } from 'mujoco-js';

export type Mujoco = MainModule;

let ready: Promise<Mujoco> | undefined;
const output: string[] = [];

export function loadMujoco(): Promise<Mujoco> {
  ready ??= loadModule({ print: (s: string) => output.push(s), printErr: (s: string) => output.push(s) });
  return ready;
}

/** What MuJoCo printed since the last call (compiler errors and warnings), emptied. */
export function takeMujocoOutput(): string[] {
  return output.splice(0);
}
