/**
 * The denoiser's learner: its parameters and Adam moments, and an ONNX Runtime session over the
 * training-step graph (denoiser-step-graph.ts). One `step` is one Adam step on a minibatch.
 */
import { float32Tensor, loadModel, ort, type ModelSession } from '../../models/runtime.ts';
import { chunkSize, conditionSize, type DenoiserSpec } from '../diffusion/denoiser.ts';
import { denoiserStepGraph } from './denoiser-step-graph.ts';
import { learnerRuntime, nextState, stateFeeds, type LearnerOptions, type LearnerState } from './learner.ts';
import { adamScalars } from './mlp-graph.ts';

/** One minibatch of B samples, flat row-major arrays. */
export interface DenoiserBatch {
  size: number;
  /** x_t [B × chunk] */
  noisy: Float32Array;
  /** ε [B × chunk] */
  noise: Float32Array;
  /** [B × obsHorizon·obsDim] */
  condition: Float32Array;
  /** t [B], as floats. */
  timestep: Float32Array;
}

export class DenoiserLearner {
  private constructor(
    readonly spec: DenoiserSpec,
    private readonly session: ModelSession,
    private state: LearnerState,
  ) {}

  static async create(spec: DenoiserSpec, state: LearnerState, options: LearnerOptions = {}): Promise<DenoiserLearner> {
    const session = await loadModel(denoiserStepGraph(spec), { ...learnerRuntime(options.threads), label: 'denoiser-step' });
    return new DenoiserLearner(spec, session, state);
  }

  get steps(): number {
    return this.state.steps;
  }

  parameters(): LearnerState['params'] {
    return this.state.params;
  }

  async step(batch: DenoiserBatch, hyper: { learningRate: number; maxGradNorm: number }): Promise<{ loss: number; gradNorm: number }> {
    const n = batch.size;
    const { stepSize, invSqrtBias2 } = adamScalars(hyper.learningRate, this.state.steps + 1);
    const scalar = (x: number) => new ort.Tensor('float32', Float32Array.of(x), []);
    const feeds: Record<string, ort.Tensor> = {
      ...stateFeeds(this.state),
      noisy_chunk: float32Tensor(batch.noisy, [n, chunkSize(this.spec)]),
      noise: float32Tensor(batch.noise, [n, chunkSize(this.spec)]),
      condition: float32Tensor(batch.condition, [n, conditionSize(this.spec)]),
      timestep: float32Tensor(batch.timestep, [n, 1]),
      step_size: scalar(stepSize),
      inv_sqrt_bias2: scalar(invSqrtBias2),
      max_grad_norm: scalar(hyper.maxGradNorm),
    };
    const out = await this.session.run(feeds);
    this.state = nextState(out, this.state);
    return { loss: Number((out.loss!.data as Float32Array)[0]), gradNorm: Number((out.grad_norm!.data as Float32Array)[0]) };
  }

  async dispose(): Promise<void> {
    await this.session.dispose();
  }
}
