/**
 * world-model-mpc: TD-MPC2-style control. Each step encodes the task observation, plans with latent
 * MPPI (latent-mppi.ts) and sends the first action, mapped from [−1, 1] onto the actuator range.
 * Every planner setting is a live parameter; the model files come from a world-model card.
 */
import { loadModelCard } from '../../models/model-card.ts';
import { ParamError, type ParamSpec, type ParamValues } from '../../sim/params.ts';
import { Random } from '../../sim/random.ts';
import type { ControlContext, Controller, ControllerDefinition } from '../controller.ts';
import { OnnxLatentModel, type LatentModel } from './latent-model.ts';
import { LATENT_MPPI_PARAMS, LatentMppi, type PlanResult } from './latent-mppi.ts';

export const WORLD_MODEL_PARAMS: ParamSpec[] = [
  { kind: 'text', key: 'card', label: 'World-model card (.json)', default: '', placeholder: 'path/to/world-model.card.json', file: 'card', model: 'world-model', help: 'names the encoder, dynamics, reward, Q and policy .onnx files' },
  ...LATENT_MPPI_PARAMS,
  { kind: 'number', key: 'threads', label: 'Inference threads', default: 0, min: 0, max: 16, step: 1, integer: true, help: '0 = one thread, not spinning (leaves the cores to the physics); applies when the models are (re)loaded' },
];

export class WorldModelMpc implements Controller {
  private values: ParamValues;
  private readonly planner: LatentMppi;
  private last: PlanResult | undefined;

  constructor(
    readonly model: LatentModel,
    values: ParamValues,
    private readonly low: Float64Array,
    private readonly high: Float64Array,
    private readonly observe: (state: Float64Array) => ArrayLike<number> = (s) => s,
  ) {
    this.values = { ...values };
    this.planner = new LatentMppi(model);
  }

  setParams(values: ParamValues): void {
    this.values = { ...this.values, ...values };
  }

  reset(seed: number): void {
    this.planner.reset(seed);
    this.last = undefined;
  }

  info(): Record<string, string | number> {
    const summary = 'summary' in this.model ? (this.model as { summary(): Record<string, string | number> }).summary() : {};
    return { ...summary, ...(this.last ? { 'model calls per action': this.last.modelCalls } : {}) };
  }

  /** The latest plan (mean, std, best value, model calls). */
  lastPlan(): PlanResult | undefined {
    return this.last;
  }

  async act(state: Float64Array, _time: number): Promise<Float64Array> {
    const settings = { ...this.values };
    this.last = await this.planner.plan(this.observe(state), settings);
    const out = new Float64Array(this.model.actionDim);
    for (let j = 0; j < out.length; j++) out[j] = this.low[j]! + ((this.last.action[j]! + 1) / 2) * (this.high[j]! - this.low[j]!);
    return out;
  }

  async dispose(): Promise<void> {
    await this.model.dispose();
  }
}

async function create(context: ControlContext, values: ParamValues): Promise<Controller> {
  const cardPath = typeof values.card === 'string' && values.card ? values.card : undefined;
  if (!cardPath) {
    throw new ParamError('world-model-mpc needs controller.card=<file.card.json>: a world-model card naming the encoder, dynamics, reward, q and policy .onnx files');
  }
  const { card, resolvePath } = loadModelCard(cardPath);
  const wm = card.worldModel;
  if (!wm) throw new ParamError(`${cardPath}: not a world-model card (it has no 'worldModel' section)`);
  const threads = values.threads as number;
  const model = await OnnxLatentModel.load(
    {
      encoder: resolvePath(wm.models.encoder),
      dynamics: resolvePath(wm.models.dynamics),
      reward: resolvePath(wm.models.reward),
      q: resolvePath(wm.models.q),
      policy: resolvePath(wm.models.policy),
      ...(wm.models.value ? { value: resolvePath(wm.models.value) } : {}),
    },
    threads ? { intraOpThreads: threads } : {},
  );
  try {
    const obsDim = context.task.observe(context.task.reset(new Random(0))).length;
    if (model.obsDim !== obsDim) throw new ParamError(`world-model-mpc: the encoder takes ${model.obsDim} observation values, task '${context.taskId}' gives ${obsDim}`);
    if (model.actionDim !== context.task.actionDim) throw new ParamError(`world-model-mpc: the model plans ${model.actionDim} actions, task '${context.taskId}' has ${context.task.actionDim} actuators`);
    const actuators = context.task.scene.actuators;
    const low = Float64Array.from(wm.actionLow ?? actuators.map((a) => a.ctrlRange[0]));
    const high = Float64Array.from(wm.actionHigh ?? actuators.map((a) => a.ctrlRange[1]));
    return new WorldModelMpc(model, { discount: wm.discount, ...values }, low, high, (s) => context.task.observe(s));
  } catch (err) {
    await model.dispose();
    throw err;
  }
}

export const worldModelMpc: ControllerDefinition = {
  id: 'world-model-mpc',
  title: 'World-model MPC (TD-MPC2)',
  description: 'MPPI in the latent space of a learned world model (encoder, dynamics, reward, Q ensemble, policy prior as ONNX). Needs controller.card.',
  params: WORLD_MODEL_PARAMS,
  create,
};
