/**
 * Runs the reverse diffusion of an action chunk through an ONNX denoiser: start from Gaussian noise
 * [B, horizon, actionDim], and at each scheduler timestep call the model once for the whole batch
 * with (noisy chunk, timestep, observation conditioning) and step the scheduler.
 */
import { float32Tensor, tensorFor, type ModelSession } from '../../models/runtime.ts';
import type { Scheduler } from './schedulers.ts';

export interface DenoiserNames {
  sample: string;
  timestep: string;
  condition: string;
  output: string;
}

export interface ChunkShape {
  horizon: number;
  actionDim: number;
  /** Length of one batch row of conditioning (obsHorizon × obsDim). */
  conditionDim: number;
}

export class DiffusionSampler {
  constructor(
    readonly model: ModelSession,
    readonly names: DenoiserNames,
    readonly shape: ChunkShape,
  ) {
    for (const n of [names.sample, names.timestep, names.condition]) {
      if (!model.inputNames.includes(n)) throw new Error(`${model.label}: the denoiser has no input '${n}'; its inputs are ${model.inputNames.join(', ')}`);
    }
    if (!model.outputNames.includes(names.output)) throw new Error(`${model.label}: the denoiser has no output '${names.output}'; its outputs are ${model.outputNames.join(', ')}`);
  }

  /** Samples `batch` chunks (row-major [batch, horizon, actionDim]) given conditioning [batch, conditionDim]. */
  async sample(condition: Float32Array, batch: number, scheduler: Scheduler, inferenceSteps: number, noise: () => number): Promise<Float32Array> {
    const { horizon, actionDim, conditionDim } = this.shape;
    if (condition.length !== batch * conditionDim) throw new Error(`conditioning has ${condition.length} values, expected ${batch}×${conditionDim}`);
    const x = new Float32Array(batch * horizon * actionDim);
    for (let i = 0; i < x.length; i++) x[i] = noise();
    const cond = float32Tensor(condition, [batch, conditionDim]);
    const tSig = this.model.inputs.find((s) => s.name === this.names.timestep)!;
    const timesteps = scheduler.timesteps(inferenceSteps);
    for (let k = 0; k < timesteps.length; k++) {
      const t = timesteps[k]!;
      const prevT = k + 1 < timesteps.length ? timesteps[k + 1]! : -1;
      // The timestep input is a scalar, [1] or [batch] depending on the export.
      const tDims = tSig.shape.length === 0 ? [] : tSig.shape[0] === 1 ? [1] : [batch];
      const tCount = tDims.length ? tDims[0]! : 1;
      const out = await this.model.run({
        [this.names.sample]: float32Tensor(x, [batch, horizon, actionDim]),
        [this.names.timestep]: tensorFor(tSig, new Array<number>(tCount).fill(t), tDims),
        [this.names.condition]: cond,
      });
      const pred = out[this.names.output]!;
      if (pred.data.length !== x.length) throw new Error(`${this.model.label}: output '${this.names.output}' has ${pred.data.length} values, expected ${x.length} (${batch}×${horizon}×${actionDim})`);
      scheduler.step(pred.data as Float32Array, t, prevT, x, noise);
    }
    return x;
  }
}
