/**
 * Many copies of one task stepped together on one thread, each in its own Rapier world, with
 * auto-reset. The observation is the model card's (train/policy-layout.ts), built and applied by the
 * same code `onnx-policy` uses; the reward is the task's cost as a rate, r = −cost·dt; an episode ends
 * by termination (the task's `terminated`, or a non-finite state) or by truncation at the task's
 * episode length — truncation is not failure, so the final observation comes back for bootstrapping.
 */
import { jointDrives } from '../../control/policy/onnx-policy.ts';
import { mapAction, ObservationBuilder } from '../../models/observation-layout.ts';
import { residualSize, totalCost } from '../../sim/cost.ts';
import type { Rapier } from '../../sim/rapier/load-rapier.ts';
import { PhysicsWorld } from '../../sim/rapier/physics-world.ts';
import { Random } from '../../sim/random.ts';
import { robotQuantities } from '../../sim/robot/robot-quantities.ts';
import { SceneRobotReader } from '../../sim/robot/scene-robot-state.ts';
import type { TaskInstance, TaskMonitor } from '../../sim/task.ts';
import { toFeatures, type PolicyLayout } from '../policy-layout.ts';

/** An episode that ended during a step. */
export interface EpisodeEnd {
  return: number;
  length: number;
  success: boolean;
  terminated: boolean;
  /** Cut short by a staggered start (see VecEnvOptions.staggerEpisodes): not a full episode, so not a score. */
  partial: boolean;
}

export interface VecEnvOptions {
  /**
   * Truncate each environment's first episode after a random number of steps (legged_gym's
   * `init_at_random_ep_len`), so the environments' episodes are out of phase from then on. Without it
   * every environment resets on the same step and a rollout shorter than an episode holds only one
   * phase of it: on cart-pole balance, seven rollouts in eight held nothing but a fallen pole swinging,
   * and the updates on them undid what the eighth taught (PPO plateaued at the zero-action return).
   * Training turns it on; evaluation, which scores whole episodes, leaves it off.
   */
  staggerEpisodes?: boolean;
  /**
   * Truncate training episodes after this many seconds instead of the task's episode length. Truncation
   * is bootstrapped, so this changes which states are visited (more resets), not what is optimal: on
   * cart-pole balance, 2-s episodes make half the data the first moments after a reset, where balancing
   * happens, rather than a tenth.
   */
  episodeSeconds?: number;
}

/** One step's results for every environment (flat arrays, env-major). */
export interface StepResult {
  /** Network inputs after the step (after reset for environments whose episode ended). */
  features: Float32Array;
  rewards: Float32Array;
  /** 1 where the episode ended by termination (no bootstrap). */
  terminated: Uint8Array;
  /** 1 where the episode ended at the time limit (bootstrap from finalFeatures). */
  truncated: Uint8Array;
  /** Network inputs of the last state of truncated episodes (rows of the others are zero). */
  finalFeatures: Float32Array;
  episodes: EpisodeEnd[];
}

interface Env {
  world: PhysicsWorld;
  state: Float64Array;
  builder: ObservationBuilder;
  random: Random;
  monitor: TaskMonitor;
  lastRaw: Float64Array;
  steps: number;
  /** Steps at which this episode is truncated (the task's episode length, or less for a staggered first episode). */
  limit: number;
  episodeReturn: number;
}

export class VecEnv {
  readonly featureDim: number;
  readonly actionDim: number;
  private readonly envs: Env[] = [];
  private readonly drives: ReturnType<typeof jointDrives>['drives'];
  private readonly substeps: number;
  private readonly maxSteps: number;
  private readonly weights: Float64Array;
  private readonly residual: Float64Array;
  private readonly ctrl: Float64Array;
  /** Reads each environment as a robot, exactly as onnx-policy reads a simulated robot. */
  private readonly reader: SceneRobotReader;
  private readonly obsScratch: Float32Array<ArrayBuffer>;

  constructor(
    R: Rapier,
    private readonly task: TaskInstance,
    private readonly layout: PolicyLayout,
    readonly count: number,
    seed: number,
    /** Index of the first environment among all workers' (seeds follow the global index). */
    first = 0,
    private readonly options: VecEnvOptions = {},
  ) {
    this.featureDim = layout.featureDim;
    this.actionDim = layout.actionDim;
    this.drives = jointDrives(layout.policy, task.scene).drives;
    this.substeps = Math.max(1, Math.round(task.timing.controlDt / task.scene.timestep));
    this.maxSteps = Math.max(1, Math.round((options.episodeSeconds ?? task.timing.episodeSeconds) / task.timing.controlDt));
    this.weights = Float64Array.from(task.costTerms, (t) => t.weight);
    this.residual = new Float64Array(residualSize(task.costTerms));
    this.ctrl = new Float64Array(task.actionDim);
    this.reader = new SceneRobotReader(task.scene);
    this.obsScratch = new Float32Array(layout.obsDim);
    for (let i = 0; i < count; i++) {
      const env: Env = {
        world: new PhysicsWorld(R, task.scene),
        state: new Float64Array(0),
        builder: new ObservationBuilder(layout.policy),
        // One stream per environment, so results do not depend on how environments are split over workers.
        random: new Random((seed * 7919 + (first + i) * 104729 + 1) >>> 0),
        monitor: task.monitor(),
        lastRaw: new Float64Array(layout.actionDim),
        steps: 0,
        limit: 0,
        episodeReturn: 0,
      };
      this.envs.push(env);
    }
  }

  /** Resets every environment; returns the network inputs. */
  reset(): Float32Array {
    const features = new Float32Array(this.count * this.featureDim);
    this.envs.forEach((env, i) => {
      this.resetEnv(env);
      if (this.options.staggerEpisodes) env.limit = 1 + Math.floor(env.random.uniform() * this.maxSteps);
      this.features(env, features, i * this.featureDim);
    });
    return features;
  }

  /** Applies raw policy actions [count · actionDim] and advances every environment one control step. */
  step(actions: Float32Array): StepResult {
    const F = this.featureDim;
    const A = this.actionDim;
    const n = this.count;
    const out: StepResult = {
      features: new Float32Array(n * F),
      rewards: new Float32Array(n),
      terminated: new Uint8Array(n),
      truncated: new Uint8Array(n),
      finalFeatures: new Float32Array(n * F),
      episodes: [],
    };
    const dt = this.task.timing.controlDt;
    for (let i = 0; i < n; i++) {
      const env = this.envs[i]!;
      const raw = actions.subarray(i * A, (i + 1) * A);
      this.applyAction(raw);
      for (let s = 0; s < this.substeps; s++) env.world.step(this.ctrl);
      env.world.getState(env.state);
      for (let a = 0; a < A; a++) env.lastRaw[a] = raw[a]!;
      env.steps++;
      this.task.residual(env.state, this.ctrl, this.residual);
      const cost = totalCost(this.task.costTerms, this.weights, this.residual);
      const finite = Number.isFinite(cost) && env.state.every(Number.isFinite);
      const reward = finite ? -cost * dt : 0;
      env.episodeReturn += reward;
      out.rewards[i] = reward;
      if (finite) env.monitor.record(env.steps * dt, env.state, this.ctrl);
      const terminated = !finite || (this.task.terminated?.(env.state) ?? false);
      const truncated = !terminated && env.steps >= env.limit;
      if (terminated || truncated) {
        const { success } = env.monitor.result();
        out.episodes.push({ return: env.episodeReturn, length: env.steps, success: success && !terminated, terminated, partial: env.limit < this.maxSteps });
        if (truncated) {
          out.truncated[i] = 1;
          this.features(env, out.finalFeatures, i * F);
        } else out.terminated[i] = 1;
        this.resetEnv(env);
      }
      this.features(env, out.features, i * F);
    }
    return out;
  }

  dispose(): void {
    for (const env of this.envs) env.world.dispose();
  }

  /** Raw outputs → actuator commands, as onnx-policy maps them (clip, scale, offset, per joint type). */
  private applyAction(raw: ArrayLike<number>): void {
    const commands = mapAction(this.layout.policy, raw);
    this.drives.forEach((d, j) => {
      this.ctrl[d.actuator] = d.type === 'position' ? commands.position[j]! : d.type === 'velocity' ? commands.velocity[j]! : commands.torque[j]! / d.gear;
    });
  }

  private resetEnv(env: Env): void {
    env.state = this.task.reset(env.random);
    env.world.setState(env.state);
    env.builder.reset();
    env.monitor = this.task.monitor();
    env.lastRaw.fill(0);
    env.steps = 0;
    env.limit = this.maxSteps;
    env.episodeReturn = 0;
  }

  private features(env: Env, out: Float32Array, offset: number): void {
    const quantities = robotQuantities(this.reader.read(env.state, env.steps * this.task.timing.controlDt), this.reader.jointNames);
    const obs = env.builder.build({ ...quantities, ...(this.task.command ? { command: this.task.command } : {}), lastAction: env.lastRaw }, this.obsScratch);
    toFeatures(this.layout, obs, out, offset);
  }
}
