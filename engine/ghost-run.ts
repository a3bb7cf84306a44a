/**
 * "Check in the other engine": the session's task and controller run a second time, in the other
 * physics engine, from the same state, in lock-step with the session — a second controller instance
 * acting on the second robot's own state, as `actuate sim2sim` does from the command line. The studio
 * draws it as a translucent ghost over the first, so where the two engines part is seen as it happens.
 */
import type { Controller, ControlContext, ControllerDefinition } from '../control/controller.ts';
import type { ParamValues } from '../sim/params.ts';
import type { Rapier } from '../sim/rapier/load-rapier.ts';
import { SimRobot } from '../sim/robot/sim-robot.ts';
import type { TaskInstance } from '../sim/task.ts';
import type { Mujoco } from '../sim/mujoco/load-mujoco.ts';
import { mujocoWorldForTask } from '../sim/mujoco/mujoco-world.ts';

export type GhostEngine = 'rapier' | 'mujoco';

export class GhostRun {
  private constructor(
    readonly engine: GhostEngine,
    private readonly robot: SimRobot,
    private readonly controller: Controller,
    private readonly task: TaskInstance,
  ) {}

  /** The ghost of `task` run by a new instance of the controller, in `engine` (a MuJoCo module, or Rapier's). */
  static async create(physics: { engine: 'mujoco'; mj: Mujoco } | { engine: 'rapier'; R: Rapier }, taskId: string, task: TaskInstance, context: ControlContext, def: ControllerDefinition, values: ParamValues): Promise<GhostRun> {
    const robot = new SimRobot(physics.engine === 'mujoco' ? mujocoWorldForTask(physics.mj, task.scene, taskId) : physics.R, task.scene, `${taskId} (${physics.engine} ghost)`);
    try {
      return new GhostRun(physics.engine, robot, await def.create(context, values), task);
    } catch (err) {
      await robot.disconnect();
      throw err;
    }
  }

  /** Starts over from the session's state and time. */
  reset(state: ArrayLike<number>, time: number, seed: number): void {
    this.robot.resetTo(state, time);
    this.robot.sendNow({ action: this.task.holdAction?.(Float64Array.from(state)) ?? new Float64Array(this.task.actionDim) });
    this.controller.reset(seed);
  }

  /** One control period of `dt`: the controller acts on the ghost's own state, the ghost steps. */
  async step(dt: number): Promise<void> {
    const state = this.robot.simState();
    const action = await this.controller.act(state, this.robot.time, this.controller.reads === 'robot' ? this.robot.readNow() : undefined);
    if (action.length !== this.task.actionDim || !action.every(Number.isFinite)) throw new Error(`the ghost's controller returned an invalid action [${Array.from(action).join(', ')}]`);
    this.robot.sendNow({ action });
    this.robot.advance(dt);
  }

  poses(): Float32Array {
    return this.robot.poses();
  }

  /** The ghost's scene state (tests compare it with a session run in its engine). */
  state(): Float64Array {
    return this.robot.simState();
  }

  async dispose(): Promise<void> {
    await this.controller.dispose();
    await this.robot.disconnect();
  }
}
