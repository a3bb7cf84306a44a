/**
 * The learner: the actor-critic's parameters and Adam moments, and two ONNX Runtime sessions over
 * them — the training-step graph (ppo-step-graph.ts) and the acting graph. Runs wherever it is
 * created; train/learner/learner-worker.ts puts it on its own thread, because `session.run` blocks
 * the thread that calls it.
 */
import { float32Tensor, loadModel, ort, type ModelSession, type Outputs, type RuntimeOptions } from '../../models/runtime.ts';
import { LOG_STD, parameterShapes, type ActorCriticSpec, type ParamTensor } from '../actor-critic.ts';
import { adamScalars } from './mlp-graph.ts';
import { actGraph, ppoStepGraph, STEP_STATS, type StepStat } from './ppo-step-graph.ts';

/** One minibatch, flat row-major arrays. */
export interface Minibatch {
  size: number;
  obs: Float32Array;
  actions: Float32Array;
  oldLogProb: Float32Array;
  advantages: Float32Array;
  returns: Float32Array;
  oldValues: Float32Array;
  oldMu: Float32Array;
  oldLogStd: Float32Array;
}

export interface StepHyper {
  learningRate: number;
  clipParam: number;
  valueCoef: number;
  entropyCoef: number;
  maxGradNorm: number;
}

export interface LearnerState {
  params: ParamTensor[];
  m: ParamTensor[];
  v: ParamTensor[];
  /** Adam steps taken. */
  steps: number;
}

/** A training-step graph's inputs for the parameters and their Adam moments (`w`, `w.m`, `w.v`). */
export function stateFeeds({ params, m, v }: LearnerState): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  params.forEach((p, i) => {
    feeds[p.name] = float32Tensor(p.data, p.dims);
    feeds[`${p.name}.m`] = float32Tensor(m[i]!.data, p.dims);
    feeds[`${p.name}.v`] = float32Tensor(v[i]!.data, p.dims);
  });
  return feeds;
}

/** The state a training step leaves (its outputs `w.next`, `w.m.next`, `w.v.next`), one Adam step on. */
export function nextState(out: Outputs, { params, steps }: LearnerState): LearnerState {
  const take = (name: string, like: ParamTensor) => ({ name: like.name, dims: like.dims, data: out[name]!.data as Float32Array });
  return {
    params: params.map((p) => take(`${p.name}.next`, p)),
    m: params.map((p) => take(`${p.name}.m.next`, p)),
    v: params.map((p) => take(`${p.name}.v.next`, p)),
    steps: steps + 1,
  };
}

/**
 * How training graphs run: ONNX Runtime's CPU kernels, one thread unless told, no spinning (the CPU is
 * shared with the environment workers), no warm-up or per-call checks (our own graphs, called in a loop).
 */
export function learnerRuntime(threads = 1): RuntimeOptions {
  return { providers: ['cpu'], warmupRuns: 0, validateInputs: false, checkOutputs: false, intraOpThreads: threads, allowSpinning: false };
}

export interface LearnerOptions {
  /** ORT intra-op threads for the training step (default 1: the env workers need the other cores). */
  threads?: number;
}

export class Learner {
  private constructor(
    readonly spec: ActorCriticSpec,
    private readonly stepSession: ModelSession,
    private readonly actSession: ModelSession,
    private state: LearnerState,
  ) {}

  static async create(spec: ActorCriticSpec, state: LearnerState, options: LearnerOptions = {}): Promise<Learner> {
    checkState(spec, state);
    const runtime = learnerRuntime(options.threads);
    const stepSession = await loadModel(ppoStepGraph(spec), { ...runtime, label: 'ppo-step' });
    const actSession = await loadModel(actGraph(spec), { ...runtime, label: 'act' });
    return new Learner(spec, stepSession, actSession, state);
  }

  get steps(): number {
    return this.state.steps;
  }

  parameters(): ParamTensor[] {
    return this.state.params;
  }

  /** A copy of everything needed to continue training (checkpoints). */
  snapshot(): LearnerState {
    const copy = (ts: ParamTensor[]) => ts.map((t) => ({ name: t.name, dims: [...t.dims], data: t.data.slice() }));
    return { params: copy(this.state.params), m: copy(this.state.m), v: copy(this.state.v), steps: this.state.steps };
  }

  logStd(): Float32Array {
    return this.state.params.find((p) => p.name === LOG_STD)!.data;
  }

  /** Policy mean [n·A] and value [n] for n normalised observations. */
  async act(obs: Float32Array, n: number): Promise<{ mu: Float32Array; value: Float32Array }> {
    const feeds: Record<string, ort.Tensor> = { obs: float32Tensor(obs, [n, this.spec.obsDim]) };
    for (const p of this.state.params) if (p.name !== LOG_STD) feeds[p.name] = float32Tensor(p.data, p.dims);
    const out = await this.actSession.run(feeds);
    return { mu: out.mu!.data as Float32Array, value: out.value!.data as Float32Array };
  }

  /** One Adam step on a minibatch; returns the step's losses and diagnostics. */
  async step(batch: Minibatch, hyper: StepHyper): Promise<Record<StepStat, number>> {
    const { size: n } = batch;
    const A = this.spec.actionDim;
    const { stepSize, invSqrtBias2 } = adamScalars(hyper.learningRate, this.state.steps + 1);
    const scalar = (x: number) => new ort.Tensor('float32', Float32Array.of(x), []);
    const feeds: Record<string, ort.Tensor> = {
      ...stateFeeds(this.state),
      obs: float32Tensor(batch.obs, [n, this.spec.obsDim]),
      actions: float32Tensor(batch.actions, [n, A]),
      old_log_prob: float32Tensor(batch.oldLogProb, [n, 1]),
      advantages: float32Tensor(batch.advantages, [n, 1]),
      returns: float32Tensor(batch.returns, [n, 1]),
      old_values: float32Tensor(batch.oldValues, [n, 1]),
      old_mu: float32Tensor(batch.oldMu, [n, A]),
      old_log_std: float32Tensor(batch.oldLogStd, [A]),
      step_size: scalar(stepSize),
      inv_sqrt_bias2: scalar(invSqrtBias2),
      clip_param: scalar(hyper.clipParam),
      value_coef: scalar(hyper.valueCoef),
      entropy_coef: scalar(hyper.entropyCoef),
      max_grad_norm: scalar(hyper.maxGradNorm),
    };
    const out = await this.stepSession.run(feeds);
    this.state = nextState(out, this.state);
    return Object.fromEntries(STEP_STATS.map((s) => [s, Number((out[s]!.data as Float32Array)[0])])) as Record<StepStat, number>;
  }

  async dispose(): Promise<void> {
    await this.stepSession.dispose();
    await this.actSession.dispose();
  }
}

/** Fresh Adam state (zero moments) around a set of parameters. */
export function freshLearnerState(params: ParamTensor[]): LearnerState {
  const zeros = (ts: ParamTensor[]) => ts.map((t) => ({ name: t.name, dims: [...t.dims], data: new Float32Array(t.data.length) }));
  return { params, m: zeros(params), v: zeros(params), steps: 0 };
}

/** Throws naming the first tensor that does not match the network description (corrupt or foreign checkpoints). */
export function checkState(spec: ActorCriticSpec, state: LearnerState): void {
  const shapes = parameterShapes(spec);
  for (const [label, tensors] of [['parameters', state.params], ['Adam m', state.m], ['Adam v', state.v]] as const) checkTensors(label, tensors, shapes);
  if (!Number.isInteger(state.steps) || state.steps < 0) throw new Error(`Adam steps: ${state.steps} is not a whole number ≥ 0`);
}

/** Throws naming the first of `tensors` whose name or size differs from `shapes` (in order). */
export function checkTensors(label: string, tensors: ParamTensor[], shapes: { name: string; dims: number[] }[]): void {
  if (tensors.length !== shapes.length) throw new Error(`${label}: ${tensors.length} tensors, the network has ${shapes.length}`);
  shapes.forEach((s, i) => {
    const t = tensors[i]!;
    const count = s.dims.reduce((a, b) => a * b, 1);
    if (t.name !== s.name) throw new Error(`${label}[${i}]: '${t.name}', expected '${s.name}'`);
    if (t.data.length !== count) throw new Error(`${label} '${s.name}': ${t.data.length} values, expected ${count} ([${s.dims.join(', ')}])`);
  });
}
