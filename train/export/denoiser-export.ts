/**
 * The trained denoiser as the model `diffusion-policy` runs: `policy.onnx` with Diffusion Policy's
 * interface (sample [B, horizon, actionDim], timestep [B] int64, global_cond [B, obsHorizon·obsDim] →
 * noise_pred [B, horizon, actionDim], all in normalized space) and its card: sizes, noise schedule,
 * normalization and provenance.
 */
import type { SchedulerConfig } from '../../control/diffusion/schedulers.ts';
import { CARD_SCHEMA_VERSION, parseModelCard, type NormalizerSpec } from '../../models/model-card.ts';
import type { ParamTensor } from '../actor-critic.ts';
import { chunkSize, conditionSize, denoiserContext, denoiserForward, type DenoiserSpec } from '../diffusion/denoiser.ts';
import { GraphOps } from '../learner/graph-ops.ts';
import type { ExportedPolicy } from './policy-export.ts';

export interface DenoiserProvenance {
  task: string;
  taskParams: Record<string, unknown>;
  /** Where the demonstrations came from: file(s), episodes used, their controller. */
  demonstrations: { files: string[]; episodes: number; steps: number; controller: string };
  trainSteps: number;
  batchSize: number;
  wallSeconds: number;
  seed: number;
  metrics: Record<string, number>;
}

export interface DenoiserExportOptions {
  spec: DenoiserSpec;
  /** Actions executed from each chunk before sampling the next. */
  actionSteps: number;
  schedule: SchedulerConfig;
  normalization: { observation: NormalizerSpec; action: NormalizerSpec };
  /** The actions are position targets tracked by this PD (train/diffusion/position-targets.ts). */
  positionTarget?: { observation: number[]; lead: number; kp: number[]; kd: number[] };
  provenance: DenoiserProvenance;
  name?: string;
}

export function exportDenoiser(params: ParamTensor[], options: DenoiserExportOptions): ExportedPolicy {
  const { spec, provenance } = options;
  const name = options.name ?? 'policy';
  const o = new GraphOps('denoiser', 'float32');
  const g = o.g;
  const sample = g.input('sample', ['batch', spec.horizon, spec.actionDim]);
  const timestep = g.input('timestep', ['batch'], 'int64');
  const condition = g.input('global_cond', ['batch', conditionSize(spec)]);
  // The trained parameters as constants under the names the forward pass uses.
  for (const p of params) g.constant(p.name, p.data, p.dims);
  const flat = g.op('Reshape', [sample, g.int64s('flat_shape', [-1, chunkSize(spec)])]);
  const t = g.op('Reshape', [g.op('Cast', [timestep], { to: { i: 1 } }), g.int64s('column_shape', [-1, 1])]);
  const { out } = denoiserForward(o, spec, flat, denoiserContext(o, spec, condition, t));
  g.output(g.op('Reshape', [out, g.int64s('chunk_shape', [-1, spec.horizon, spec.actionDim])]), 'noise_pred', ['batch', spec.horizon, spec.actionDim]);
  const onnx = g.toBytes({ docString: `Actuate diffusion-policy denoiser for ${provenance.task}` });
  const chunk = ['batch', spec.horizon, spec.actionDim];
  const card = parseModelCard(
    {
      schemaVersion: CARD_SCHEMA_VERSION,
      name,
      description: `Diffusion policy for ${provenance.task}, trained by Actuate on this machine from ${provenance.demonstrations.episodes} demonstrations by ${provenance.demonstrations.controller}.`,
      kind: 'diffusion-denoiser',
      model: `${name}.onnx`,
      inputs: [
        { name: 'sample', shape: chunk, dtype: 'float32', description: 'noisy action chunk, normalized' },
        { name: 'timestep', shape: ['batch'], dtype: 'int64', description: 'diffusion timestep' },
        { name: 'global_cond', shape: ['batch', conditionSize(spec)], dtype: 'float32', description: `the last ${spec.obsHorizon} observations, normalized, oldest first` },
      ],
      outputs: [{ name: 'noise_pred', shape: chunk, dtype: 'float32', description: 'predicted noise ε̂' }],
      diffusion: {
        horizon: spec.horizon,
        obsHorizon: spec.obsHorizon,
        actionSteps: options.actionSteps,
        actionDim: spec.actionDim,
        obsDim: spec.obsDim,
        inputs: { sample: 'sample', timestep: 'timestep', condition: 'global_cond' },
        output: 'noise_pred',
        ...options.schedule,
        normalization: options.normalization,
        ...(options.positionTarget ? { positionTarget: options.positionTarget } : {}),
      },
      provenance: {
        source: 'trained here',
        license: 'Apache-2.0',
        trainedWith: 'Actuate diffusion behavior cloning (DDPM, ONNX Runtime learner)',
        notes: JSON.stringify({
          task: provenance.task,
          taskParams: provenance.taskParams,
          algorithm: 'diffusion',
          demonstrations: provenance.demonstrations,
          trainSteps: provenance.trainSteps,
          batchSize: provenance.batchSize,
          wallSeconds: Math.round(provenance.wallSeconds),
          seed: provenance.seed,
          network: { hidden: spec.hidden, activation: 'elu', timeEmbedDim: spec.timeEmbedDim, weights: 'EMA' },
          metrics: provenance.metrics,
        }),
      },
    },
    `${name}.card.json`,
  );
  return { onnx, card };
}
