/**
 * Demonstrations as Diffusion Policy's training samples (its SequenceSampler): for every control step c
 * of every episode, the observation history [c − obsHorizon + 1 … c] and the action chunk
 * [c − obsHorizon + 1 … c − obsHorizon + horizon], indices clamped to the episode (its first and last
 * entries repeated, as the sampler's pad_before / pad_after do). Entry j of a chunk is the action at step
 * c − (obsHorizon − 1) + j, as `diffusion-policy` executes it. Everything is normalized to [−1, 1]
 * with min_max statistics over the whole set.
 */
import type { NormalizerSpec } from '../../models/model-card.ts';
import { Normalizer } from '../../control/diffusion/diffusion-policy.ts';

/** One recorded episode (bridges/recording/read-demonstrations.ts reads them from MCAP). */
export interface DemoEpisodeData {
  steps: number;
  /** [steps × obsDim] */
  observations: Float32Array;
  /** [steps × actionDim] */
  actions: Float32Array;
  /** Set when the actions are this expert's labels of states another controller reached (DAgger). */
  expert?: string;
}

export interface WindowShape {
  horizon: number;
  obsHorizon: number;
  obsDim: number;
  actionDim: number;
}

/** Dimensions whose range is under this are constant: they map to x − min − 1 (Diffusion Policy's range_eps). */
const RANGE_EPS = 1e-4;

/** min_max statistics of `values` ([n × dim]); constant dimensions get a range of 2 (scale 1). */
export function minMax(values: Float32Array, dim: number): NormalizerSpec & { mode: 'min_max' } {
  const min = new Array<number>(dim).fill(Infinity);
  const max = new Array<number>(dim).fill(-Infinity);
  for (let i = 0; i < values.length; i++) {
    const k = i % dim;
    if (values[i]! < min[k]!) min[k] = values[i]!;
    if (values[i]! > max[k]!) max[k] = values[i]!;
  }
  for (let k = 0; k < dim; k++) if (max[k]! - min[k]! < RANGE_EPS) max[k] = min[k]! + 2;
  return { mode: 'min_max', min, max };
}

export class DemoDataset {
  /** [windows × obsHorizon·obsDim], normalized. */
  readonly conditions: Float32Array;
  /** [windows × horizon·actionDim], normalized. */
  readonly chunks: Float32Array;
  readonly size: number;
  readonly normalization: { observation: NormalizerSpec; action: NormalizerSpec };

  constructor(episodes: DemoEpisodeData[], readonly shape: WindowShape) {
    const { horizon, obsHorizon, obsDim, actionDim } = shape;
    const steps = episodes.reduce((n, e) => n + e.steps, 0);
    if (steps === 0) throw new Error('the demonstrations hold no control steps');
    const concat = (key: 'observations' | 'actions', dim: number) => {
      const out = new Float32Array(steps * dim);
      let at = 0;
      for (const e of episodes) {
        out.set(e[key].subarray(0, e.steps * dim), at);
        at += e.steps * dim;
      }
      return out;
    };
    this.normalization = { observation: minMax(concat('observations', obsDim), obsDim), action: minMax(concat('actions', actionDim), actionDim) };
    const obsNorm = new Normalizer(this.normalization.observation, obsDim, 'observation');
    const actNorm = new Normalizer(this.normalization.action, actionDim, 'action');
    this.size = steps;
    this.conditions = new Float32Array(steps * obsHorizon * obsDim);
    this.chunks = new Float32Array(steps * horizon * actionDim);
    let w = 0;
    for (const e of episodes) {
      const clamp = (i: number) => Math.min(e.steps - 1, Math.max(0, i));
      for (let c = 0; c < e.steps; c++, w++) {
        const first = c - obsHorizon + 1;
        for (let j = 0; j < obsHorizon; j++) {
          const i = clamp(first + j);
          obsNorm.normalize(e.observations.subarray(i * obsDim, (i + 1) * obsDim), this.conditions, (w * obsHorizon + j) * obsDim);
        }
        for (let j = 0; j < horizon; j++) {
          const i = clamp(first + j);
          actNorm.normalize(e.actions.subarray(i * actionDim, (i + 1) * actionDim), this.chunks, (w * horizon + j) * actionDim);
        }
      }
    }
  }
}
