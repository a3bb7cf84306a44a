/**
 * Many copies of one task stepped together on one thread, each in its own Rapier world, with
 * auto-reset. The observation is the model card's (train/policy-layout.ts), built and applied by the
 * same code `onnx-policy` uses (or the task's own, with `spaces: 'task'`); the reward is r = (survival − cost)·dt, the task's cost as a rate less
 * its reward for staying up (TaskInstance.survivalReward, 0 for most tasks); an episode ends by
 * termination (the task's `terminated`, or a non-finite state) or by truncation at the task's episode
 * length — truncation is not failure, so the final observation comes back for bootstrapping.
 */
import { jointDrives } from '../../control/policy/onnx-policy.ts';
import { mapAction, ObservationBuilder } from '../../models/observation-layout.ts';
import { residualSize, totalCost } from '../../sim/cost.ts';
import type { Rapier } from '../../sim/rapier/load-rapier.ts';
import { PhysicsWorld } from '../../sim/rapier/physics-world.ts';
import { Random, type RandomState } from '../../sim/random.ts';
import { robotQuantities } from '../../sim/robot/robot-quantities.ts';
import { SceneRobotReader } from '../../sim/robot/scene-robot-state.ts';
import type { SceneDescription } from '../../sim/scene.ts';
import { policyCommand, type TaskInstance, type TaskMonitor } from '../../sim/task.ts';
import { toFeatures, type PolicyLayout } from '../policy-layout.ts';
import { baseBody, bodyMass, checkRandomization, drawEpisode, pushRobot, randomizeScene, type DomainRandomization } from './domain-randomization.ts';

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
   * every environment resets on the same step, and a rollout shorter than an episode holds one phase of
   * it only (on cart-pole balance, seven rollouts in eight hold nothing but a fallen pole swinging).
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
  /** Domain randomization (train/env/domain-randomization.ts); none when absent. */
  randomization?: DomainRandomization;
  /**
   * What the learner sees and sends. 'policy' (default): the model card's observation and raw actions
   * (policy-layout.ts), as `onnx-policy` runs them. 'task': the task's own observation (`observe`) and
   * actions in [−1, 1] mapped linearly onto each actuator's control range, as `world-model-mpc` runs
   * its model.
   */
  spaces?: 'policy' | 'task';
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

/**
 * One environment mid-episode, as plain data: with the same task, seed and options, `restore` continues
 * it exactly where `snapshot` left it (a training checkpoint holds these).
 */
export interface EnvSnapshot {
  state: number[];
  random: RandomState;
  monitor: unknown;
  history: number[][][];
  lastRaw: number[];
  steps: number;
  limit: number;
  episodeReturn: number;
  strength: number[];
  delayed: boolean;
  pending: number[];
}

interface Env {
  /** The scene this environment's world is built from (the task's, or a randomized copy). */
  scene: SceneDescription;
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
  /** This episode's motor strength per actuator (1 without randomization). */
  strength: Float64Array;
  /** This episode applies each action one control step late. */
  delayed: boolean;
  /** The action waiting to be applied next step when delayed. */
  pending: Float32Array;
}

export class VecEnv {
  readonly featureDim: number;
  readonly actionDim: number;
  private readonly envs: Env[] = [];
  private readonly drives: ReturnType<typeof jointDrives>['drives'];
  private readonly substeps: number;
  private readonly maxSteps: number;
  private readonly weights: Float64Array;
  /** The task's reward per second for staying up (TaskInstance.survivalReward). */
  private readonly survival: number;
  private readonly residual: Float64Array;
  private readonly ctrl: Float64Array;
  /** Reads each environment as a robot, exactly as onnx-policy reads a simulated robot. */
  private readonly reader: SceneRobotReader;
  private readonly obsScratch: Float32Array<ArrayBuffer>;
  /** Control steps between pushes (0: none). */
  private readonly pushSteps: number;

  constructor(
    private readonly R: Rapier,
    private readonly task: TaskInstance,
    private readonly layout: PolicyLayout,
    readonly count: number,
    seed: number,
    /** Index of the first environment among all workers' (seeds follow the global index). */
    first = 0,
    private readonly options: VecEnvOptions = {},
  ) {
    this.featureDim = options.spaces === 'task' ? task.observe(task.reset(new Random(0))).length : layout.featureDim;
    this.actionDim = options.spaces === 'task' ? task.actionDim : layout.actionDim;
    this.drives = jointDrives(layout.policy, task.scene).drives;
    this.substeps = Math.max(1, Math.round(task.timing.controlDt / task.scene.timestep));
    this.maxSteps = Math.max(1, Math.round((options.episodeSeconds ?? task.timing.episodeSeconds) / task.timing.controlDt));
    this.weights = Float64Array.from(task.costTerms, (t) => t.weight);
    this.survival = task.survivalReward ?? 0;
    this.residual = new Float64Array(residualSize(task.costTerms));
    this.ctrl = new Float64Array(task.actionDim);
    this.reader = new SceneRobotReader(task.scene);
    this.obsScratch = new Float32Array(layout.obsDim);
    const dr = options.randomization;
    if (dr) checkRandomization(dr, 'randomization');
    this.pushSteps = dr?.pushes ? Math.max(1, Math.round(dr.pushes.intervalSeconds / task.timing.controlDt)) : 0;
    const perWorld = dr && (dr.friction || dr.addedBaseMass || dr.servoGains);
    const baseMass = perWorld ? bodyMass(R, task.scene, baseBody(task.scene)) : 0;
    for (let i = 0; i < count; i++) {
      // One stream per environment, so results do not depend on how environments are split over workers.
      const random = new Random((seed * 7919 + (first + i) * 104729 + 1) >>> 0);
      const scene = perWorld ? randomizeScene(task.scene, dr, random, baseMass) : task.scene;
      const env: Env = {
        scene,
        world: new PhysicsWorld(R, scene),
        state: new Float64Array(0),
        builder: new ObservationBuilder(layout.policy),
        random,
        monitor: task.monitor(),
        lastRaw: new Float64Array(layout.actionDim),
        steps: 0,
        limit: 0,
        episodeReturn: 0,
        strength: new Float64Array(task.actionDim).fill(1),
        delayed: false,
        pending: new Float32Array(layout.actionDim),
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
      if (env.delayed) {
        // This step applies the previous action; the new one waits (the first step of an episode applies zero).
        const late = env.pending.slice();
        env.pending.set(raw);
        this.applyAction(late, env.strength);
      } else this.applyAction(raw, env.strength);
      if (this.pushSteps && env.steps > 0 && env.steps % this.pushSteps === 0) {
        pushRobot(env.state, env.scene, this.options.randomization!.pushes!.maxVelocity, env.random);
        env.world.setState(env.state);
      }
      for (let s = 0; s < this.substeps; s++) env.world.step(this.ctrl);
      env.world.getState(env.state);
      for (let a = 0; a < A; a++) env.lastRaw[a] = raw[a]!;
      env.steps++;
      this.task.residual(env.state, this.ctrl, this.residual);
      const cost = totalCost(this.task.costTerms, this.weights, this.residual);
      const finite = Number.isFinite(cost) && env.state.every(Number.isFinite);
      const reward = finite ? (this.survival - cost) * dt : 0;
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

  /**
   * Every environment as data. Each world is then rebuilt from its state, as `restore` builds it, so a
   * run that goes on after a checkpoint and a run resumed from it step identical worlds (a world that
   * kept going would keep its contact cache and solver warm start, which a state vector does not hold).
   */
  snapshot(): EnvSnapshot[] {
    return this.envs.map((env) => {
      if (!env.monitor.save) throw new Error(`task '${this.task.scene.name}': its success monitor cannot be saved, so its environments cannot be checkpointed`);
      const snap: EnvSnapshot = {
        state: Array.from(env.state),
        random: env.random.save(),
        monitor: env.monitor.save(),
        history: env.builder.saveHistory(),
        lastRaw: Array.from(env.lastRaw),
        steps: env.steps,
        limit: env.limit,
        episodeReturn: env.episodeReturn,
        strength: Array.from(env.strength),
        delayed: env.delayed,
        pending: Array.from(env.pending),
      };
      this.rebuildWorld(env);
      return structuredClone(snap);
    });
  }

  /** Continues every environment from `snapshot()`'s data (same task, seed and options). */
  restore(snapshots: EnvSnapshot[]): void {
    if (snapshots.length !== this.count) throw new Error(`checkpoint: ${snapshots.length} environment states for ${this.count} environments`);
    snapshots.forEach((snap, i) => {
      const env = this.envs[i]!;
      if (snap.state.length !== env.state.length && env.state.length) throw new Error(`checkpoint: environment ${i} state has ${snap.state.length} values, the scene needs ${env.state.length}`);
      env.state = Float64Array.from(snap.state);
      env.random = Random.resume(snap.random);
      env.monitor = this.task.monitor(snap.monitor);
      env.builder.restoreHistory(snap.history);
      env.lastRaw = Float64Array.from(snap.lastRaw);
      env.steps = snap.steps;
      env.limit = snap.limit;
      env.episodeReturn = snap.episodeReturn;
      env.strength = Float64Array.from(snap.strength);
      env.delayed = snap.delayed;
      env.pending = Float32Array.from(snap.pending);
      this.rebuildWorld(env);
    });
  }

  private rebuildWorld(env: Env): void {
    env.world.dispose();
    env.world = new PhysicsWorld(this.R, env.scene);
    env.world.setState(env.state);
  }

  dispose(): void {
    for (const env of this.envs) env.world.dispose();
  }

  /** Raw outputs → actuator commands, as onnx-policy maps them (clip, scale, offset, per joint type). */
  private applyAction(raw: ArrayLike<number>, strength: Float64Array): void {
    if (this.options.spaces === 'task') {
      this.task.scene.actuators.forEach((a, j) => {
        const [low, high] = a.ctrlRange;
        const u = Math.min(1, Math.max(-1, raw[j]!));
        this.ctrl[j] = (low + ((u + 1) / 2) * (high - low)) * ((a.kind ?? 'motor') === 'motor' ? strength[j]! : 1);
      });
      return;
    }
    const commands = mapAction(this.layout.policy, raw);
    this.drives.forEach((d, j) => {
      // Motor strength scales torques (legged_gym's); servo targets are positions and speeds, not efforts.
      this.ctrl[d.actuator] = d.type === 'position' ? commands.position[j]! : d.type === 'velocity' ? commands.velocity[j]! : (commands.torque[j]! / d.gear) * strength[d.actuator]!;
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
    env.pending.fill(0);
    const dr = this.options.randomization;
    if (dr) Object.assign(env, drawEpisode(dr, env.random, this.task.actionDim));
  }

  private features(env: Env, out: Float32Array, offset: number): void {
    const noise = this.options.randomization?.observationNoise ?? 0;
    if (this.options.spaces === 'task') {
      const obs = this.task.observe(env.state);
      for (let k = 0; k < obs.length; k++) out[offset + k] = obs[k]! + (noise ? noise * env.random.normal() : 0);
      return;
    }
    const quantities = robotQuantities(this.reader.read(env.state, env.steps * this.task.timing.controlDt), this.reader.jointNames);
    const command = policyCommand(this.task, env.state);
    const obs = env.builder.build({ ...quantities, ...(command ? { command } : {}), lastAction: env.lastRaw }, this.obsScratch);
    if (noise) for (let k = 0; k < obs.length; k++) obs[k] = obs[k]! + noise * env.random.normal();
    toFeatures(this.layout, obs, out, offset);
  }
}

