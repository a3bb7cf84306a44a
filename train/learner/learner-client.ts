/**
 * The main thread's handle on a learner running in a worker thread (learner-worker.ts): the same
 * calls as Learner, answered asynchronously, so rollouts and the UI keep their thread.
 */
import { Worker } from 'node:worker_threads';
import { WORKER_BOOTSTRAP } from '../../control/worker-bootstrap.ts';
import type { ActorCriticSpec } from '../actor-critic.ts';
import type { LearnerOptions, LearnerState, Minibatch, StepHyper } from './learner.ts';
import type { LearnerRequest } from './learner-worker.ts';
import type { StepStat } from './ppo-step-graph.ts';

const ENTRY = new URL('./learner-worker.ts', import.meta.url).href;

export class LearnerClient {
  private readonly worker = new Worker(WORKER_BOOTSTRAP, { workerData: { entry: ENTRY } });
  private queue: Promise<unknown> = Promise.resolve();
  private failure: Error | undefined;
  private current: { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void } | undefined;
  /** The policy's log-std as of the last answer. */
  logStd: Float32Array = new Float32Array(0);

  private constructor(readonly spec: ActorCriticSpec) {
    this.worker.on('message', (m: { ok: boolean; message?: string } & Record<string, unknown>) => {
      const c = this.current;
      this.current = undefined;
      if (m.ok) c?.resolve(m);
      else c?.reject(new Error(`learner: ${m.message}`));
    });
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => {
      if (code !== 0) this.fail(new Error(`learner worker exited with code ${code}`));
    });
  }

  static async create(spec: ActorCriticSpec, state: LearnerState, options: LearnerOptions = {}): Promise<LearnerClient> {
    const client = new LearnerClient(spec);
    try {
      const r = await client.call({ type: 'init', spec, state, options });
      client.logStd = r.logStd as Float32Array;
    } catch (err) {
      await client.worker.terminate();
      throw err;
    }
    return client;
  }

  async act(obs: Float32Array, n: number): Promise<{ mu: Float32Array; value: Float32Array }> {
    const r = await this.call({ type: 'act', obs, n });
    this.logStd = r.logStd as Float32Array;
    return { mu: r.mu as Float32Array, value: r.value as Float32Array };
  }

  async step(batch: Minibatch, hyper: StepHyper): Promise<Record<StepStat, number>> {
    return (await this.call({ type: 'step', batch, hyper })).stats as Record<StepStat, number>;
  }

  async snapshot(): Promise<LearnerState> {
    return (await this.call({ type: 'snapshot' })).state as LearnerState;
  }

  async dispose(): Promise<void> {
    if (!this.failure) await this.call({ type: 'close' }).catch(() => undefined);
    await this.worker.terminate();
  }

  /** One request at a time, in order. */
  private call(request: LearnerRequest): Promise<Record<string, unknown>> {
    const next = this.queue.then(
      () =>
        new Promise<Record<string, unknown>>((resolve, reject) => {
          if (this.failure) return reject(this.failure);
          this.current = { resolve, reject };
          this.worker.postMessage(request);
        }),
    );
    this.queue = next.catch(() => undefined);
    return next;
  }

  private fail(err: Error): void {
    this.failure = err;
    this.current?.reject(err);
    this.current = undefined;
  }
}
