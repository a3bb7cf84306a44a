/**
 * What a simulated robot needs of a physics engine: the scene's state in and out, a step with actuator
 * controls, a push, poses and contacts for the viewport. Rapier's `PhysicsWorld` is the default;
 * MuJoCo's `MujocoWorld` (sim/mujoco/) is the second engine, for sim-to-sim checks and speed.
 */
export interface SimWorld {
  /** Physics time step (s). */
  readonly timestep: number;
  /** One physics step with these actuator controls (scene actuator order). */
  step(ctrl: ArrayLike<number>): void;
  /** The scene state (BODY_STATE_SIZE floats per body: origin, rotation, centre-of-mass velocity, angular velocity). */
  getState(out?: Float64Array): Float64Array;
  setState(state: ArrayLike<number>): void;
  /**
   * Whether a state set by setState steps the same whatever the world simulated before: planner rollouts
   * on such worlds may then be shared out between threads in any order (control/sampling/rollout-job.ts).
   */
  readonly historyFree: boolean;
  /** A world force at a world point on a body, for the next step. */
  pushBody(body: number, force: readonly number[], point: readonly number[]): void;
  getPoses(out?: Float32Array): Float32Array;
  /** The last step's contacts (protocol/contacts.ts layout). */
  contacts(): Float32Array;
  bodyMass(index: number): number;
  dispose(): void;
}
