/**
 * Transitions (o, a, r, o′, not done) in a ring of fixed capacity, sampled uniformly into a
 * TransitionBatch (TD-MPC2 samples sub-trajectories of H + 1 steps; with H = 1 a transition is one).
 */
import type { Random } from '../../sim/random.ts';
import type { TransitionBatch } from '../learner/world-model-learner.ts';

export interface SavedReplay {
  size: number;
  added: number;
  obs: Float32Array;
  action: Float32Array;
  reward: Float32Array;
  nextObs: Float32Array;
  notDone: Float32Array;
}

export class ReplayBuffer {
  readonly obs: Float32Array;
  readonly action: Float32Array;
  readonly reward: Float32Array;
  readonly nextObs: Float32Array;
  readonly notDone: Float32Array;
  /** Transitions held (≤ capacity). */
  size = 0;
  /** Transitions ever added. */
  added = 0;

  constructor(
    readonly capacity: number,
    readonly obsDim: number,
    readonly actionDim: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`replay buffer capacity must be a whole number ≥ 1, got ${capacity}`);
    this.obs = new Float32Array(capacity * obsDim);
    this.action = new Float32Array(capacity * actionDim);
    this.reward = new Float32Array(capacity);
    this.nextObs = new Float32Array(capacity * obsDim);
    this.notDone = new Float32Array(capacity);
  }

  add(obs: ArrayLike<number>, action: ArrayLike<number>, reward: number, nextObs: ArrayLike<number>, done: boolean): void {
    const i = this.added % this.capacity;
    const D = this.obsDim;
    const A = this.actionDim;
    for (let k = 0; k < D; k++) {
      this.obs[i * D + k] = obs[k]!;
      this.nextObs[i * D + k] = nextObs[k]!;
    }
    for (let k = 0; k < A; k++) this.action[i * A + k] = action[k]!;
    this.reward[i] = reward;
    this.notDone[i] = done ? 0 : 1;
    this.added++;
    this.size = Math.min(this.capacity, this.size + 1);
  }

  /** The transitions held, as data (rows 0 … size − 1 are always the valid ones). */
  save(): SavedReplay {
    const rows = (a: Float32Array, width: number) => a.slice(0, this.size * width);
    return { size: this.size, added: this.added, obs: rows(this.obs, this.obsDim), action: rows(this.action, this.actionDim), reward: rows(this.reward, 1), nextObs: rows(this.nextObs, this.obsDim), notDone: rows(this.notDone, 1) };
  }

  /** A buffer of `capacity` holding `saved`'s transitions; throws naming the field that does not fit. */
  static restore(saved: SavedReplay, capacity: number, obsDim: number, actionDim: number): ReplayBuffer {
    const b = new ReplayBuffer(Math.max(capacity, saved.size), obsDim, actionDim);
    const fields: [keyof SavedReplay & keyof ReplayBuffer, number][] = [['obs', obsDim], ['action', actionDim], ['reward', 1], ['nextObs', obsDim], ['notDone', 1]];
    for (const [name, width] of fields) {
      const data = saved[name] as Float32Array;
      if (!(data instanceof Float32Array) || data.length !== saved.size * width) throw new Error(`replay buffer '${name}': expected ${saved.size} × ${width} values, got ${data instanceof Float32Array ? data.length : typeof data}`);
      (b[name] as Float32Array).set(data);
    }
    b.size = saved.size;
    // Continue the ring where it stood when it had wrapped at this capacity; otherwise after the last row.
    b.added = saved.added > saved.size && b.capacity === saved.size ? saved.added : saved.size;
    return b;
  }

  /** `n` transitions drawn uniformly with replacement. */
  sample(n: number, random: Random): TransitionBatch {
    if (this.size === 0) throw new Error('the replay buffer is empty');
    const D = this.obsDim;
    const A = this.actionDim;
    const b: TransitionBatch = { size: n, obs: new Float32Array(n * D), action: new Float32Array(n * A), reward: new Float32Array(n), nextObs: new Float32Array(n * D), notDone: new Float32Array(n) };
    for (let j = 0; j < n; j++) {
      const i = Math.floor(random.uniform() * this.size);
      b.obs.set(this.obs.subarray(i * D, (i + 1) * D), j * D);
      b.nextObs.set(this.nextObs.subarray(i * D, (i + 1) * D), j * D);
      b.action.set(this.action.subarray(i * A, (i + 1) * A), j * A);
      b.reward[j] = this.reward[i]!;
      b.notDone[j] = this.notDone[i]!;
    }
    return b;
  }
}
