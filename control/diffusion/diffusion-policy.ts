/**
 * diffusion-policy: Diffusion Policy (Chi et al. 2023) with an ONNX denoiser. Every `actionSteps`
 * control steps it samples an action chunk of `horizon` steps conditioned on the last `obsHorizon`
 * observations, and executes actions [obsHorizon−1, obsHorizon−1+actionSteps) of it (receding horizon).
 * With temporal ensembling (ACT, Zhao et al. 2023) every chunk's prediction for the current step is
 * averaged with weights exp(−m·i), i = 0 for the oldest prediction.
 *
 * The card (kind 'diffusion-denoiser'; by default the one beside the model) gives the sizes, the noise schedule the model was trained with
 * and the action/observation normalization; when it has `positionTarget`, the denoised actions are
 * position targets that a PD loop tracks (position-tracker.ts). Without a card, sizes come from the model's input shapes
 * and the schedule from Diffusion Policy's defaults (squaredcos_cap_v2, 100 steps, epsilon, clip).
 */
import { existsSync } from 'node:fs';
import { cardBeside, loadModelCard, type DiffusionSpec, type NormalizerSpec } from '../../models/model-card.ts';
import { type ModelSession } from '../../models/runtime.ts';
import { loadControllerModel } from '../model-thread.ts';
import { ParamError, type ParamSpec, type ParamValues } from '../../sim/params.ts';
import { Random } from '../../sim/random.ts';
import type { ControlContext, Controller, ControllerDefinition } from '../controller.ts';
import { PositionTracker } from './position-tracker.ts';
import { DiffusionSampler } from './sampler.ts';
import { createScheduler, type Scheduler } from './schedulers.ts';

export const DIFFUSION_PARAMS: ParamSpec[] = [
  { kind: 'text', key: 'model', label: 'Denoiser (.onnx)', default: '', placeholder: 'path/to/denoiser.onnx', file: 'onnx', model: 'diffusion-denoiser', help: 'ONNX denoiser: noisy action chunk, timestep, observation → noise or sample' },
  { kind: 'text', key: 'card', label: 'Model card (.json)', default: '', placeholder: 'path/to/denoiser.card.json', file: 'card', model: 'diffusion-denoiser' },
  { kind: 'choice', key: 'scheduler', label: 'Scheduler', default: 'ddim', options: ['ddim', 'ddpm'], help: 'DDIM takes large deterministic steps; DDPM needs about as many steps as training had' },
  { kind: 'number', key: 'inferenceSteps', label: 'Denoising steps', default: 10, min: 1, max: 1000, step: 1, integer: true, help: 'model calls per chunk' },
  { kind: 'number', key: 'eta', label: 'DDIM η', default: 0, min: 0, max: 1, step: 0.05, help: '0 = deterministic DDIM, 1 = DDPM-like noise' },
  { kind: 'number', key: 'actionSteps', label: 'Executed steps', default: 0, min: 0, max: 256, step: 1, integer: true, help: 'actions run from each chunk before replanning (0 = the card’s)' },
  { kind: 'choice', key: 'ensemble', label: 'Temporal ensembling', default: 'off', options: ['off', 'on'], help: 'average overlapping chunks (ACT)' },
  { kind: 'number', key: 'ensembleDecay', label: 'Ensemble decay m', default: 0.01, min: 0, max: 1, step: 0.005, help: 'weight exp(−m·i), i = 0 for the oldest prediction' },
  { kind: 'number', key: 'threads', label: 'Inference threads', default: 0, min: 0, max: 16, step: 1, integer: true, help: '0 = one thread, not spinning (leaves the cores to the physics); applies when the model is (re)loaded' },
];

export interface DiffusionPolicyOptions {
  model: ModelSession;
  spec: DiffusionSpec;
  obsDim: number;
  actionLow?: Float64Array;
  actionHigh?: Float64Array;
}

/** Maps raw values to the model's normalized space and back (Diffusion Policy's LinearNormalizer, LeRobot's min_max/mean_std). */
export class Normalizer {
  private readonly scale: Float64Array;
  private readonly offset: Float64Array;

  /** normalized = raw · scale + offset. */
  constructor(spec: NormalizerSpec | undefined, size: number, what: string) {
    this.scale = new Float64Array(size).fill(1);
    this.offset = new Float64Array(size);
    if (!spec) return;
    const [a, b] = spec.mode === 'min_max' ? [spec.min, spec.max] : [spec.mean, spec.std];
    if (a.length !== size || b.length !== size) throw new ParamError(`${what} normalization has ${a.length}/${b.length} values, expected ${size}`);
    for (let i = 0; i < size; i++) {
      if (spec.mode === 'min_max') {
        const range = Math.max(b[i]! - a[i]!, 1e-12);
        this.scale[i] = 2 / range;
        this.offset[i] = -1 - (2 * a[i]!) / range;
      } else {
        this.scale[i] = 1 / Math.max(b[i]!, 1e-12);
        this.offset[i] = -a[i]! / Math.max(b[i]!, 1e-12);
      }
    }
  }

  normalize(raw: ArrayLike<number>, out: Float32Array, at = 0): void {
    for (let i = 0; i < this.scale.length; i++) out[at + i] = raw[i]! * this.scale[i]! + this.offset[i]!;
  }

  denormalize(n: ArrayLike<number>, at: number, out: Float64Array): void {
    for (let i = 0; i < this.scale.length; i++) out[i] = (n[at + i]! - this.offset[i]!) / this.scale[i]!;
  }
}

export class DiffusionPolicy implements Controller {
  private values: ParamValues;
  private random = new Random(0);
  private readonly sampler: DiffusionSampler;
  private readonly actionNorm: Normalizer;
  private readonly obsNorm: Normalizer;
  /** Tracks the model's position targets when its card says its actions are targets. */
  private readonly tracker: PositionTracker | undefined;
  private scheduler: Scheduler | undefined;
  private schedulerKey = '';
  private obsHistory: Float32Array[] = [];
  /** Predictions per absolute step: [value, chunk index]. */
  private predictions = new Map<number, { action: Float64Array; chunk: number }[]>();
  private step = 0;
  private chunks = 0;
  private lastChunkStep = -Infinity;

  constructor(
    private readonly options: DiffusionPolicyOptions,
    values: ParamValues,
  ) {
    const { spec, model } = options;
    checkActionSteps(values, spec);
    this.values = { ...values };
    this.sampler = new DiffusionSampler(model, { ...spec.inputs, output: spec.output }, {
      horizon: spec.horizon,
      actionDim: spec.actionDim,
      conditionDim: spec.obsHorizon * spec.obsDim,
    });
    this.actionNorm = new Normalizer(spec.normalization?.action, spec.actionDim, 'action');
    this.obsNorm = new Normalizer(spec.normalization?.observation, spec.obsDim, 'observation');
    this.tracker = spec.positionTarget && new PositionTracker(spec.positionTarget);
  }

  /** Chunks sampled since reset (each one denoising run). */
  get chunkCount(): number {
    return this.chunks;
  }

  get model(): ModelSession {
    return this.options.model;
  }

  info(): Record<string, string | number> {
    return { ...this.options.model.summary(), chunks: this.chunks };
  }

  setParams(values: ParamValues): void {
    checkActionSteps(values, this.options.spec);
    this.values = { ...this.values, ...values };
  }

  reset(seed: number): void {
    this.random = new Random(seed);
    this.obsHistory = [];
    this.predictions.clear();
    this.step = 0;
    this.chunks = 0;
    this.lastChunkStep = -Infinity;
    this.tracker?.reset();
  }

  async act(state: Float64Array, _time: number): Promise<Float64Array> {
    return this.actOnObservation(state);
  }

  /** One control step given the (raw) observation vector. */
  async actOnObservation(observation: ArrayLike<number>): Promise<Float64Array> {
    const { spec } = this.options;
    if (observation.length !== spec.obsDim) {
      throw new ParamError(`diffusion-policy: the observation has ${observation.length} values, the model expects obsDim ${spec.obsDim}`);
    }
    const settings = { ...this.values };
    const obs = new Float32Array(spec.obsDim);
    this.obsNorm.normalize(observation, obs);
    // The first observation fills the whole history (as Diffusion Policy's env runner pads at reset).
    if (!this.obsHistory.length) this.obsHistory = Array.from({ length: spec.obsHorizon }, () => obs);
    else {
      this.obsHistory.shift();
      this.obsHistory.push(obs);
    }
    const actionSteps = (settings.actionSteps as number) || spec.actionSteps;
    const ensemble = settings.ensemble === 'on';
    // Measured from the last chunk, so a change of actionSteps applies at once.
    if (this.step - this.lastChunkStep >= actionSteps || !this.predictions.has(this.step)) {
      await this.sampleChunk(settings);
      this.lastChunkStep = this.step;
    }
    const predicted = this.combine(ensemble, settings.ensembleDecay as number);
    this.predictions.delete(this.step);
    this.step++;
    return this.clamp(this.tracker ? this.tracker.command(predicted, observation) : predicted);
  }

  private async sampleChunk(settings: ParamValues): Promise<void> {
    const { spec } = this.options;
    const scheduler = this.schedulerFor(settings);
    const condition = new Float32Array(spec.obsHorizon * spec.obsDim);
    this.obsHistory.forEach((o, i) => condition.set(o, i * spec.obsDim));
    const chunk = await this.sampler.sample(condition, 1, scheduler, settings.inferenceSteps as number, () => this.random.normal());
    const chunkIndex = this.chunks++;
    // Chunk entry j predicts the action for step (now − (obsHorizon − 1) + j); keep the present and future.
    for (let j = spec.obsHorizon - 1; j < spec.horizon; j++) {
      const abs = this.step + j - (spec.obsHorizon - 1);
      const a = new Float64Array(spec.actionDim);
      this.actionNorm.denormalize(chunk, j * spec.actionDim, a);
      const list = this.predictions.get(abs) ?? [];
      if (settings.ensemble !== 'on') list.length = 0;
      list.push({ action: a, chunk: chunkIndex });
      this.predictions.set(abs, list);
    }
  }

  private combine(ensemble: boolean, decay: number): Float64Array {
    const list = this.predictions.get(this.step)!;
    const out = new Float64Array(this.options.spec.actionDim);
    if (!ensemble) out.set(list.at(-1)!.action);
    else {
      // ACT: w_i = exp(−m·i) with i = 0 the oldest prediction for this step.
      let total = 0;
      list.forEach((p, i) => {
        const w = Math.exp(-decay * i);
        total += w;
        for (let k = 0; k < out.length; k++) out[k]! += w * p.action[k]!;
      });
      for (let k = 0; k < out.length; k++) out[k]! /= total;
    }
    return out;
  }

  /** The command within the actuators' ranges. */
  private clamp(command: Float64Array): Float64Array {
    const { actionLow, actionHigh } = this.options;
    if (actionLow && actionHigh) for (let k = 0; k < command.length; k++) command[k] = Math.min(actionHigh[k]!, Math.max(actionLow[k]!, command[k]!));
    return command;
  }

  private schedulerFor(settings: ParamValues): Scheduler {
    const key = `${settings.scheduler}/${settings.eta}`;
    if (!this.scheduler || key !== this.schedulerKey) {
      const spec = this.options.spec;
      this.scheduler = createScheduler(settings.scheduler as 'ddpm' | 'ddim', spec, settings.eta as number);
      this.schedulerKey = key;
    }
    return this.scheduler;
  }

  async dispose(): Promise<void> {
    await this.options.model.dispose();
  }
}

/** Fills the diffusion section from the model's own shapes when there is no card. */
export function inferDiffusionSpec(model: ModelSession, obsDim: number): DiffusionSpec {
  const [sampleSig, timestepSig, conditionSig] = [model.inputs[0], model.inputs[1], model.inputs[2]];
  const horizon = sampleSig?.shape[1];
  const actionDim = sampleSig?.shape[2];
  const conditionDim = conditionSig?.shape[1];
  if (!sampleSig || !timestepSig || !conditionSig || typeof horizon !== 'number' || typeof actionDim !== 'number' || typeof conditionDim !== 'number') {
    throw new ParamError(`${model.label}: without a card the denoiser must have inputs (sample [B,horizon,actionDim], timestep, condition [B,obsHorizon·obsDim]) with fixed sizes; give controller.card=<file.card.json>`);
  }
  if (conditionDim % obsDim !== 0) throw new ParamError(`${model.label}: condition size ${conditionDim} is not a multiple of the task's observation size ${obsDim}`);
  const obsHorizon = conditionDim / obsDim;
  return {
    horizon,
    obsHorizon,
    actionSteps: Math.max(1, Math.min(8, horizon - obsHorizon + 1)),
    actionDim,
    obsDim,
    inputs: { sample: sampleSig.name, timestep: timestepSig.name, condition: conditionSig.name },
    output: model.outputNames[0]!,
    trainTimesteps: 100,
    betaSchedule: 'squaredcos_cap_v2',
    betaStart: 0.0001,
    betaEnd: 0.02,
    predictionType: 'epsilon',
    clipSample: true,
    clipSampleRange: 1,
  };
}

/** A chunk predicts horizon actions from obsHorizon observations: the ones from the present on can run. */
function checkActionSteps(values: ParamValues, spec: DiffusionSpec): void {
  const most = spec.horizon - spec.obsHorizon + 1;
  const asked = values.actionSteps as number | undefined;
  if (asked && asked > most) throw new ParamError(`controller.actionSteps must be at most ${most} for this model (horizon ${spec.horizon} − obsHorizon ${spec.obsHorizon} + 1); got ${asked}`);
}

async function create(context: ControlContext, values: ParamValues): Promise<Controller> {
  const modelPath = typeof values.model === 'string' && values.model ? values.model : undefined;
  // Without controller.card, the card beside the model (`policy.card.json` for `policy.onnx`), when there is one.
  const besideModel = modelPath && existsSync(cardBeside(modelPath)) ? cardBeside(modelPath) : undefined;
  const cardPath = typeof values.card === 'string' && values.card ? values.card : besideModel;
  if (!modelPath && !cardPath) throw new ParamError('diffusion-policy needs controller.model=<file.onnx> (and controller.card=<file.card.json> for its schedule and normalization)');
  const loaded = cardPath ? loadModelCard(cardPath) : undefined;
  if (loaded && !loaded.card.diffusion) throw new ParamError(`${cardPath}: not a diffusion card (it has no 'diffusion' section)`);
  const file = modelPath ?? loaded?.modelPath;
  if (!file) throw new ParamError(`${cardPath}: the card names no model file; give controller.model=<file.onnx>`);
  const threads = values.threads as number;
  const model = await loadControllerModel(file, threads ? { intraOpThreads: threads } : {});
  try {
    const obsDim = context.task.observe(context.task.reset(new Random(0))).length;
    const spec = loaded?.card.diffusion ?? inferDiffusionSpec(model, obsDim);
    if (spec.obsDim !== obsDim) throw new ParamError(`diffusion-policy: the model takes ${spec.obsDim} observation values, task '${context.taskId}' gives ${obsDim}`);
    if (spec.actionDim !== context.task.actionDim) throw new ParamError(`diffusion-policy: the model outputs ${spec.actionDim} actions, task '${context.taskId}' has ${context.task.actionDim} actuators`);
    const actuators = context.task.scene.actuators;
    const policy = new DiffusionPolicy(
      {
        model,
        spec,
        obsDim,
        actionLow: Float64Array.from(actuators, (a) => a.ctrlRange[0]),
        actionHigh: Float64Array.from(actuators, (a) => a.ctrlRange[1]),
      },
      values,
    );
    // The controller sees the task's observation, not the raw state.
    return {
      setParams: (v) => policy.setParams(v),
      reset: (seed) => policy.reset(seed),
      act: (state) => policy.actOnObservation(context.task.observe(state)),
      info: () => policy.info(),
      dispose: () => policy.dispose(),
    };
  } catch (err) {
    await model.dispose();
    throw err;
  }
}

export const diffusionPolicy: ControllerDefinition = {
  id: 'diffusion-policy',
  title: 'Diffusion policy',
  description: 'Diffusion Policy: denoises action chunks with an ONNX model (DDIM/DDPM), executes them with a receding horizon. Needs controller.model / controller.card.',
  params: DIFFUSION_PARAMS,
  create,
};
