/**
 * The world model's learner: every network's parameters and Adam moments, the EMA copy of the Q heads
 * (TD-MPC2's target network, τ = 0.01 per step), and ONNX Runtime sessions over the training-step
 * graph and the acting graph (world-model-step-graph.ts).
 */
import { float32Tensor, loadModel, ort, type ModelSession } from '../../models/runtime.ts';
import type { ParamTensor } from '../actor-critic.ts';
import { parameterShapesOf, qNets, worldModelParameterShapes, type WorldModelNetSpec } from '../world-model/world-model-net.ts';
import { checkTensors, learnerRuntime, nextState, stateFeeds, type LearnerOptions, type LearnerState } from './learner.ts';
import { adamScalars } from './mlp-graph.ts';
import { WORLD_MODEL_STATS, worldModelActGraph, worldModelStepGraph, type WorldModelStat } from './world-model-step-graph.ts';

/**
 * B sub-trajectories of H steps, step-major flat arrays: obs [H+1, B, D] (o_0 … o_H), action [H, B, A]
 * in [−1, 1], reward [H, B], notDone [H, B].
 */
export interface RolloutBatch {
  size: number;
  horizon: number;
  obs: Float32Array;
  action: Float32Array;
  reward: Float32Array;
  notDone: Float32Array;
}

export interface WorldModelHyper {
  learningRate: number;
  maxGradNorm: number;
  discount: number;
  consistencyCoef: number;
  rewardCoef: number;
  valueCoef: number;
  entropyCoef: number;
  /** Q's scale in the policy loss (TD-MPC2 divides by a running 5–95 % range of Q). */
  qScale: number;
  /** EMA rate of the target Q heads. */
  targetRate: number;
}

export interface WorldModelLearnerState extends LearnerState {
  /** The EMA Q heads, in parameterShapesOf(spec, qNets(spec)) order. */
  target: ParamTensor[];
}

export class WorldModelLearner {
  private feeds: Record<string, ort.Tensor> | undefined;
  private feedsAt = -1;

  private constructor(
    readonly spec: WorldModelNetSpec,
    readonly horizon: number,
    private readonly stepSession: ModelSession,
    private readonly actSession: ModelSession,
    private state: WorldModelLearnerState,
  ) {}

  /** `loss.horizon` and `loss.rho`: the latent rollout the losses run over (world-model-step-graph.ts). */
  static async create(spec: WorldModelNetSpec, state: WorldModelLearnerState, loss: { horizon: number; rho: number }, options: LearnerOptions = {}): Promise<WorldModelLearner> {
    checkWorldModelState(spec, state);
    const runtime = learnerRuntime(options.threads);
    const stepSession = await loadModel(worldModelStepGraph(spec, loss), { ...runtime, label: 'world-model-step' });
    const actSession = await loadModel(worldModelActGraph(spec), { ...runtime, label: 'world-model-act' });
    return new WorldModelLearner(spec, loss.horizon, stepSession, actSession, state);
  }

  get steps(): number {
    return this.state.steps;
  }

  parameters(): ParamTensor[] {
    return this.state.params;
  }

  /** The current parameters as feeds by name (remade once per step), for graphs that take them as inputs. */
  parameterFeeds(): Record<string, ort.Tensor> {
    if (this.feedsAt !== this.state.steps || !this.feeds) {
      this.feeds = Object.fromEntries(this.state.params.map((p) => [p.name, float32Tensor(p.data, p.dims)]));
      this.feedsAt = this.state.steps;
    }
    return this.feeds;
  }

  snapshot(): WorldModelLearnerState {
    const copy = (ts: ParamTensor[]) => ts.map((t) => ({ name: t.name, dims: [...t.dims], data: t.data.slice() }));
    return { params: copy(this.state.params), m: copy(this.state.m), v: copy(this.state.v), target: copy(this.state.target), steps: this.state.steps };
  }

  /** a = tanh(μ(h(obs)) + σ·noise) for n observations (noise zeros: the prior's mean action). */
  async act(obs: Float32Array, noise: Float32Array, n: number): Promise<Float32Array> {
    const feeds: Record<string, ort.Tensor> = { obs: float32Tensor(obs, [n, this.spec.obsDim]), noise: float32Tensor(noise, [n, this.spec.actionDim]) };
    const wanted = new Set(parameterShapesOf(this.spec, ['encoder', 'policy']).map((p) => p.name));
    for (const p of this.state.params) if (wanted.has(p.name)) feeds[p.name] = float32Tensor(p.data, p.dims);
    return (await this.actSession.run(feeds)).action!.data as Float32Array;
  }

  /** One Adam step of both groups on a batch (ε for the policy samples drawn by `normal`), then the target EMA. */
  async step(batch: RolloutBatch, hyper: WorldModelHyper, normal: () => number): Promise<Record<WorldModelStat, number>> {
    const { size: n } = batch;
    const H = this.horizon;
    if (batch.horizon !== H) throw new Error(`world-model learner: a batch of ${batch.horizon}-step sub-trajectories for a ${H}-step loss`);
    const { obsDim: D, actionDim: A } = this.spec;
    const { stepSize, invSqrtBias2 } = adamScalars(hyper.learningRate, this.state.steps + 1);
    const scalar = (x: number) => new ort.Tensor('float32', Float32Array.of(x), []);
    const noise = (steps: number) => Float32Array.from({ length: steps * n * A }, normal);
    const feeds: Record<string, ort.Tensor> = {
      ...stateFeeds(this.state),
      obs: float32Tensor(batch.obs, [H + 1, n, D]),
      action: float32Tensor(batch.action, [H, n, A]),
      reward: float32Tensor(batch.reward, [H, n, 1]),
      not_done: float32Tensor(batch.notDone, [H, n, 1]),
      policy_noise: float32Tensor(noise(H + 1), [H + 1, n, A]),
      next_noise: float32Tensor(noise(H), [H, n, A]),
      step_size: scalar(stepSize),
      inv_sqrt_bias2: scalar(invSqrtBias2),
      max_grad_norm: scalar(hyper.maxGradNorm),
      discount: scalar(hyper.discount),
      consistency_coef: scalar(hyper.consistencyCoef),
      reward_coef: scalar(hyper.rewardCoef),
      value_coef: scalar(hyper.valueCoef),
      entropy_coef: scalar(hyper.entropyCoef),
      q_scale: scalar(hyper.qScale),
    };
    for (const t of this.state.target) feeds[`target.${t.name}`] = float32Tensor(t.data, t.dims);
    const out = await this.stepSession.run(feeds);
    const next = nextState(out, this.state);
    const byName = new Map(next.params.map((p) => [p.name, p.data]));
    for (const t of this.state.target) {
      const online = byName.get(t.name)!;
      for (let k = 0; k < t.data.length; k++) t.data[k]! += hyper.targetRate * (online[k]! - t.data[k]!);
    }
    this.state = { ...next, target: this.state.target };
    return Object.fromEntries(WORLD_MODEL_STATS.map((s) => [s, Number((out[s]!.data as Float32Array)[0])])) as Record<WorldModelStat, number>;
  }

  async dispose(): Promise<void> {
    await this.stepSession.dispose();
    await this.actSession.dispose();
  }
}

/** Fresh Adam state and a target copy of the Q heads around a set of parameters. */
export function freshWorldModelState(spec: WorldModelNetSpec, params: ParamTensor[]): WorldModelLearnerState {
  const zeros = (ts: ParamTensor[]) => ts.map((t) => ({ name: t.name, dims: [...t.dims], data: new Float32Array(t.data.length) }));
  const qNames = new Set(parameterShapesOf(spec, qNets(spec)).map((p) => p.name));
  const target = params.filter((p) => qNames.has(p.name)).map((p) => ({ name: p.name, dims: [...p.dims], data: p.data.slice() }));
  return { params, m: zeros(params), v: zeros(params), target, steps: 0 };
}

/** Throws naming the first tensor that does not fit the network description. */
export function checkWorldModelState(spec: WorldModelNetSpec, state: WorldModelLearnerState): void {
  const shapes = worldModelParameterShapes(spec);
  checkTensors('parameters', state.params, shapes);
  checkTensors('Adam m', state.m, shapes);
  checkTensors('Adam v', state.v, shapes);
  checkTensors('target Q', state.target, parameterShapesOf(spec, qNets(spec)));
}
