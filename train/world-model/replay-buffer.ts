/**
 * Transitions (o, a, r, o′, not done) in a ring of fixed capacity, sampled as sub-trajectories of H
 * consecutive steps of one episode (TD-MPC2's sampler) into a RolloutBatch. Each row links to the row
 * holding its episode's next step (`nextRow`: the offset, 0 where the episode ended), so environments
 * stepped together may interleave their rows.
 */
import type { Random } from '../../sim/random.ts';
import type { RolloutBatch } from '../learner/world-model-learner.ts';

export interface SavedReplay {
  size: number;
  added: number;
  obs: Float32Array;
  action: Float32Array;
  reward: Float32Array;
  nextObs: Float32Array;
  notDone: Float32Array;
  /** Row offsets to each step's successor (absent in checkpoints written before sub-trajectories: all 0). */
  nextRow?: Int32Array;
}

/** Draws before `sample` gives up looking for a whole sub-trajectory. */
const MAX_DRAWS = 1000;

export class ReplayBuffer {
  readonly obs: Float32Array;
  readonly action: Float32Array;
  readonly reward: Float32Array;
  readonly nextObs: Float32Array;
  readonly notDone: Float32Array;
  readonly nextRow: Int32Array;
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
    this.nextRow = new Int32Array(capacity);
  }

  /**
   * `done`: the episode terminated (no bootstrapping); `nextRow`: how many rows later this episode's next
   * step will be added (the number of environments adding rows in turn), 0 when the episode ended here.
   */
  add(obs: ArrayLike<number>, action: ArrayLike<number>, reward: number, nextObs: ArrayLike<number>, done: boolean, nextRow: number): void {
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
    this.nextRow[i] = nextRow;
    this.added++;
    this.size = Math.min(this.capacity, this.size + 1);
  }

  /** The transitions held, as data (rows 0 … size − 1 are always the valid ones). */
  save(): SavedReplay {
    const rows = (a: Float32Array, width: number) => a.slice(0, this.size * width);
    return { size: this.size, added: this.added, obs: rows(this.obs, this.obsDim), action: rows(this.action, this.actionDim), reward: rows(this.reward, 1), nextObs: rows(this.nextObs, this.obsDim), notDone: rows(this.notDone, 1), nextRow: this.nextRow.slice(0, this.size) };
  }

  /** A buffer of `capacity` holding `saved`'s transitions; throws naming the field that does not fit. */
  static restore(saved: SavedReplay, capacity: number, obsDim: number, actionDim: number): ReplayBuffer {
    const b = new ReplayBuffer(Math.max(capacity, saved.size), obsDim, actionDim);
    const fields: [keyof SavedReplay & keyof ReplayBuffer, number][] = [['obs', obsDim], ['action', actionDim], ['reward', 1], ['nextObs', obsDim], ['notDone', 1], ['nextRow', 1]];
    const wrapped = saved.added > saved.size;
    // Kept where they stood when the ring keeps its capacity; otherwise in the order they were added, oldest first.
    const first = wrapped && b.capacity !== saved.size ? saved.added % saved.size : 0;
    for (const [name, width] of fields) {
      const data = name === 'nextRow' && saved.nextRow === undefined ? new Int32Array(saved.size) : saved[name];
      const type = name === 'nextRow' ? Int32Array : Float32Array;
      if (!(data instanceof type) || data.length !== saved.size * width) throw new Error(`replay buffer '${name}': expected ${saved.size} × ${width} values, got ${data instanceof type ? data.length : typeof data}`);
      const into = b[name] as Float32Array | Int32Array;
      into.set(data.subarray(first * width), 0);
      into.set(data.subarray(0, first * width), (saved.size - first) * width);
    }
    b.size = saved.size;
    b.added = wrapped && b.capacity === saved.size ? saved.added : saved.size;
    return b;
  }

  /** Whether row `i`'s episode has its next `steps` steps in the buffer, in rows not yet overwritten. */
  private continues(i: number, steps: number): boolean {
    const age = (row: number) => (((this.added - 1 - row) % this.capacity) + this.capacity) % this.capacity;
    for (let t = 0; t < steps; t++) {
      const offset = this.nextRow[i]!;
      if (offset === 0 || age(i) < offset) return false;
      i = (i + offset) % this.capacity;
    }
    return true;
  }

  /** `n` sub-trajectories of `horizon` steps, each drawn uniformly among those held whole, with replacement. */
  sample(n: number, horizon: number, random: Random): RolloutBatch {
    if (this.size === 0) throw new Error('the replay buffer is empty');
    const D = this.obsDim;
    const A = this.actionDim;
    const H = horizon;
    const b: RolloutBatch = { size: n, horizon: H, obs: new Float32Array((H + 1) * n * D), action: new Float32Array(H * n * A), reward: new Float32Array(H * n), notDone: new Float32Array(H * n) };
    for (let j = 0; j < n; j++) {
      let i = Math.floor(random.uniform() * this.size);
      for (let draws = 1; !this.continues(i, H - 1); draws++) {
        if (draws === MAX_DRAWS) throw new Error(`the replay buffer holds no ${H}-step stretch of an episode in ${MAX_DRAWS} draws (${this.size} transitions)`);
        i = Math.floor(random.uniform() * this.size);
      }
      b.obs.set(this.obs.subarray(i * D, (i + 1) * D), j * D);
      for (let t = 0; t < H; t++) {
        b.obs.set(this.nextObs.subarray(i * D, (i + 1) * D), ((t + 1) * n + j) * D);
        b.action.set(this.action.subarray(i * A, (i + 1) * A), (t * n + j) * A);
        b.reward[t * n + j] = this.reward[i]!;
        b.notDone[t * n + j] = this.notDone[i]!;
        i = (i + this.nextRow[i]!) % this.capacity;
      }
    }
    return b;
  }
}
