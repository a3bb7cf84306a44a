/**
 * A TD-MPC2-style latent world model: encoder h(obs) → z, dynamics d(z, a) → z', reward R(z, a),
 * Q ensemble Q(z, a) and policy prior π(z). The planner sees this interface; `OnnxLatentModel` runs
 * five ONNX files, one batched call per function per planning step.
 */
import { float32Tensor, type Feeds, type ModelSession, type RuntimeOptions } from '../../models/runtime.ts';
import { loadControllerModel } from '../model-thread.ts';

export interface LatentModel {
  readonly latentDim: number;
  readonly actionDim: number;
  /** obs [obsDim] → z [latentDim]. */
  encode(obs: ArrayLike<number>): Promise<Float32Array>;
  /** z [batch, L], a [batch, A] → z' [batch, L]. */
  next(z: Float32Array, a: Float32Array, batch: number): Promise<Float32Array>;
  /** → [batch]. */
  reward(z: Float32Array, a: Float32Array, batch: number): Promise<Float32Array>;
  /** → [batch, ensemble] (reduced by the planner). */
  q(z: Float32Array, a: Float32Array, batch: number): Promise<{ values: Float32Array; ensemble: number }>;
  /** z → mean action in [−1, 1] and, when the prior has one, its std. */
  pi(z: Float32Array, batch: number): Promise<{ mean: Float32Array; std?: Float32Array }>;
  /**
   * Optional: the planner's value of `batch` action sequences of `horizon` steps in one call (as
   * latent-mppi.ts computes it from the calls above); `noise` [batch, A] samples π at z_H.
   */
  readonly rolloutValue?: RolloutValue;
  dispose(): Promise<void>;
}

export interface RolloutValue {
  readonly horizon: number;
  /** z [batch, L], actions [horizon, batch, A] → G [batch], the Q heads averaged or their minimum. */
  run(z: Float32Array, actions: Float32Array, noise: Float32Array, batch: number, discount: number, reduce: 'mean' | 'min'): Promise<Float32Array>;
}

export interface LatentModelFiles {
  encoder: string | Uint8Array;
  dynamics: string | Uint8Array;
  reward: string | Uint8Array;
  q: string | Uint8Array;
  policy: string | Uint8Array;
  /** Optional: inputs z, action [H, batch, A], noise, discount → value_mean, value_min (RolloutValue). */
  value?: string | Uint8Array;
}

/** The z and action inputs of a (z, a) model: named 'z'/'action' when present, else by position. */
function zaNames(m: ModelSession): [string, string] {
  const names = m.inputNames;
  const z = names.find((n) => n === 'z') ?? names[0];
  const a = names.find((n) => n === 'action' || n === 'a') ?? names.find((n) => n !== z);
  if (!z || !a) throw new Error(`${m.label}: expected inputs (z, action), found ${names.join(', ')}`);
  return [z, a];
}

export class OnnxLatentModel implements LatentModel {
  readonly rolloutValue: RolloutValue | undefined;

  /** The dynamics network's summary: it is called most (every horizon step of every sample). */
  summary(): Record<string, string | number> {
    return this.dynamics.summary();
  }

  private constructor(
    private readonly encoder: ModelSession,
    private readonly dynamics: ModelSession,
    private readonly rewardModel: ModelSession,
    private readonly qModel: ModelSession,
    private readonly policy: ModelSession,
    readonly latentDim: number,
    readonly actionDim: number,
    readonly obsDim: number,
    private readonly bound: () => Feeds,
    private readonly value: ModelSession | undefined,
  ) {
    if (value) {
      const horizon = value.inputs.find((i) => i.name === 'action')?.shape[0];
      if (typeof horizon !== 'number') throw new Error(`${value.label}: input 'action' needs a fixed first dimension (the horizon)`);
      this.rolloutValue = { horizon, run: (z, actions, noise, batch, discount, reduce) => this.runValue(value, horizon, { z, actions, noise, batch, discount, reduce }) };
    }
  }

  /**
   * `bound`: inputs besides the data, fed to every call (a trainer plans with models that take its live
   * parameters as inputs); a model ignores the ones it does not declare.
   */
  static async load(files: LatentModelFiles, options: RuntimeOptions = {}, bound?: () => Feeds): Promise<OnnxLatentModel> {
    const names = ['encoder', 'dynamics', 'reward', 'q', 'policy', ...(files.value ? (['value'] as const) : [])] as const;
    const sessions: ModelSession[] = [];
    try {
      for (const n of names) {
        const src = files[n]!;
        sessions.push(await loadControllerModel(src, { ...options, label: typeof src === 'string' ? src : `${n} (in memory)` }));
      }
    } catch (err) {
      await Promise.all(sessions.map((s) => s.dispose()));
      throw err;
    }
    const [enc, dyn, rew, q, pi, value] = sessions as [ModelSession, ModelSession, ModelSession, ModelSession, ModelSession, ModelSession | undefined];
    const lastDim = (m: ModelSession, which: 'in' | 'out', name?: string) => {
      const sigs = which === 'in' ? m.inputs : m.outputs;
      const sig = name ? sigs.find((s) => s.name === name) : sigs[0];
      const d = sig?.shape.at(-1);
      if (typeof d !== 'number') throw new Error(`${m.label}: ${which === 'in' ? 'input' : 'output'} '${sig?.name ?? '?'}' needs a fixed last dimension`);
      return d;
    };
    const latentDim = lastDim(enc, 'out');
    const obsDim = lastDim(enc, 'in');
    const [, aName] = zaNames(dyn);
    const actionDim = lastDim(dyn, 'in', aName);
    const piDim = lastDim(pi, 'out');
    if (piDim !== actionDim) throw new Error(`${pi.label}: outputs ${piDim} actions, the dynamics model takes ${actionDim}`);
    if (lastDim(dyn, 'out') !== latentDim) throw new Error(`${dyn.label}: outputs a ${lastDim(dyn, 'out')}-dim latent, the encoder gives ${latentDim}`);
    try {
      return new OnnxLatentModel(enc, dyn, rew, q, pi, latentDim, actionDim, obsDim, bound ?? (() => ({})), value);
    } catch (err) {
      await Promise.all(sessions.map((s) => s.dispose()));
      throw err;
    }
  }

  sessions(): ModelSession[] {
    return [this.encoder, this.dynamics, this.rewardModel, this.qModel, this.policy, ...(this.value ? [this.value] : [])];
  }

  private async runValue(m: ModelSession, horizon: number, x: { z: Float32Array; actions: Float32Array; noise: Float32Array; batch: number; discount: number; reduce: 'mean' | 'min' }): Promise<Float32Array> {
    const out = await this.run(m, {
      z: float32Tensor(x.z, [x.batch, this.latentDim]),
      action: float32Tensor(x.actions, [horizon, x.batch, this.actionDim]),
      noise: float32Tensor(x.noise, [x.batch, this.actionDim]),
      discount: float32Tensor([x.discount], []),
    });
    return out[x.reduce === 'min' ? 'value_min' : 'value_mean']!.data as Float32Array;
  }

  /** `data` and the bound inputs this model declares. */
  private run(m: ModelSession, data: Feeds): ReturnType<ModelSession['run']> {
    const bound = this.bound();
    for (const name of m.inputNames) if (!(name in data) && bound[name]) data[name] = bound[name];
    return m.run(data);
  }

  async encode(obs: ArrayLike<number>): Promise<Float32Array> {
    const out = await this.run(this.encoder, { [this.encoder.inputNames[0]!]: float32Tensor(obs, [1, obs.length]) });
    return out[this.encoder.outputNames[0]!]!.data as Float32Array;
  }

  private async za(m: ModelSession, z: Float32Array, a: Float32Array, batch: number): Promise<Float32Array> {
    const [zn, an] = zaNames(m);
    const out = await this.run(m, { [zn]: float32Tensor(z, [batch, this.latentDim]), [an]: float32Tensor(a, [batch, this.actionDim]) });
    return out[m.outputNames[0]!]!.data as Float32Array;
  }

  next(z: Float32Array, a: Float32Array, batch: number): Promise<Float32Array> {
    return this.za(this.dynamics, z, a, batch);
  }

  reward(z: Float32Array, a: Float32Array, batch: number): Promise<Float32Array> {
    return this.za(this.rewardModel, z, a, batch);
  }

  async q(z: Float32Array, a: Float32Array, batch: number): Promise<{ values: Float32Array; ensemble: number }> {
    const values = await this.za(this.qModel, z, a, batch);
    return { values, ensemble: values.length / batch };
  }

  async pi(z: Float32Array, batch: number): Promise<{ mean: Float32Array; std?: Float32Array }> {
    const out = await this.run(this.policy, { [this.policy.inputNames[0]!]: float32Tensor(z, [batch, this.latentDim]) });
    const mean = out[this.policy.outputNames[0]!]!.data as Float32Array;
    const stdName = this.policy.outputNames[1];
    return stdName ? { mean, std: out[stdName]!.data as Float32Array } : { mean };
  }

  async dispose(): Promise<void> {
    await Promise.all(this.sessions().map((s) => s.dispose()));
  }
}
