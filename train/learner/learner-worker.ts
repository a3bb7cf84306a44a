/** The learner on its own thread (session.run blocks the thread that calls it). learner-client.ts is its other end. */
import { parentPort } from 'node:worker_threads';
import type { ActorCriticSpec } from '../actor-critic.ts';
import { Learner, type LearnerOptions, type LearnerState, type Minibatch, type StepHyper } from './learner.ts';

export type LearnerRequest =
  | { type: 'init'; spec: ActorCriticSpec; state: LearnerState; options: LearnerOptions }
  | { type: 'act'; obs: Float32Array; n: number }
  | { type: 'step'; batch: Minibatch; hyper: StepHyper }
  | { type: 'snapshot' }
  | { type: 'close' };

const port = parentPort!;
let learner: Learner | undefined;

port.on('message', async (m: LearnerRequest) => {
  try {
    switch (m.type) {
      case 'init':
        learner = await Learner.create(m.spec, m.state, m.options);
        port.postMessage({ ok: true, logStd: learner.logStd().slice() });
        break;
      case 'act': {
        const { mu, value } = await learner!.act(m.obs, m.n);
        port.postMessage({ ok: true, mu, value, logStd: learner!.logStd().slice() });
        break;
      }
      case 'step': {
        const stats = await learner!.step(m.batch, m.hyper);
        port.postMessage({ ok: true, stats });
        break;
      }
      case 'snapshot':
        port.postMessage({ ok: true, state: learner!.snapshot() });
        break;
      case 'close':
        await learner?.dispose();
        port.postMessage({ ok: true });
        port.close();
        break;
    }
  } catch (err) {
    port.postMessage({ ok: false, message: (err as Error).message });
  }
});
