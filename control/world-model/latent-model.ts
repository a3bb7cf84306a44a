/**
 * A TD-MPC2-style latent world model: encoder h(obs) → z, dynamics d(z, a) → z', reward R(z, a),
 * Q ensemble Q(z, a) and policy prior π(z). The planner sees this interface; `OnnxLatentModel` runs
 * five ONNX files, one batched call per function per planning step.
 */
import { float32Tensor, type ModelSession, type RuntimeOptions } from '../../models/runtime.ts';
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
  dispose(): Promise<void>;
}

export interface LatentModelFiles {
  encoder: string | Uint8Array;
  dynamics: string | Uint8Array;
  reward: string | Uint8Array;
  q: string | Uint8Array;
  policy: string | Uint8Array;
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
  ) {}

  static async load(files: LatentModelFiles, options: RuntimeOptions = {}): Promise<OnnxLatentModel> {
    const names = ['encoder', 'dynamics', 'reward', 'q', 'policy'] as const;
    const sessions: ModelSession[] = [];
    try {
      for (const n of names) {
        const src = files[n];
        sessions.push(await loadControllerModel(src, { ...options, label: typeof src === 'string' ? src : `${n} (in memory)` }));
      }
    } catch (err) {
      await Promise.all(sessions.map((s) => s.dispose()));
      throw err;
    }
    const [enc, dyn, rew, q, pi] = sessions as [ModelSession, ModelSession, ModelSession, ModelSession, ModelSession];
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
    return new OnnxLatentModel(enc, dyn, rew, q, pi, latentDim, actionDim, obsDim);
  }

  sessions(): ModelSession[] {
    return [this.encoder, this.dynamics, this.rewardModel, this.qModel, this.policy];
  }

  async encode(obs: ArrayLike<number>): Promise<Float32Array> {
    const out = await this.encoder.run({ [this.encoder.inputNames[0]!]: float32Tensor(obs, [1, obs.length]) });
    return out[this.encoder.outputNames[0]!]!.data as Float32Array;
  }

  private async za(m: ModelSession, z: Float32Array, a: Float32Array, batch: number): Promise<Float32Array> {
    const [zn, an] = zaNames(m);
    const out = await m.run({ [zn]: float32Tensor(z, [batch, this.latentDim]), [an]: float32Tensor(a, [batch, this.actionDim]) });
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
    const out = await this.policy.run({ [this.policy.inputNames[0]!]: float32Tensor(z, [batch, this.latentDim]) });
    const mean = out[this.policy.outputNames[0]!]!.data as Float32Array;
    const stdName = this.policy.outputNames[1];
    return stdName ? { mean, std: out[stdName]!.data as Float32Array } : { mean };
  }

  async dispose(): Promise<void> {
    await Promise.all(this.sessions().map((s) => s.dispose()));
  }
}
