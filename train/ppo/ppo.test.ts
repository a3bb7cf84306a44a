/**
 * The PPO update's KL signal (what the adaptive learning-rate schedule steers by) measures how far the
 * update moved the policy, and nothing else: at learning rate 0 it is 0 and the weights stay as they were.
 */
import { describe, expect, it } from 'vitest';
import { Random } from '../../sim/random.ts';
import { initParameters, type ActorCriticSpec } from '../actor-critic.ts';
import { freshLearnerState, Learner } from '../learner/learner.ts';
import { Ppo, PPO_DEFAULTS } from './ppo.ts';
import { RolloutStorage } from './rollout-storage.ts';

/** go2-walk's network: 48 observations, 12 actions, 256-128-64. */
const spec: ActorCriticSpec = { obsDim: 48, actionDim: 12, actorHidden: [256, 128, 64], criticHidden: [256, 128, 64], initNoiseStd: 0.5 };

/** A rollout as the runner stores it: actions sampled around the learner's own means, noise for rewards. */
async function rollout(learner: Learner, random: Random, steps: number, envs: number): Promise<RolloutStorage> {
  const s = new RolloutStorage(steps, envs, spec.obsDim, spec.actionDim);
  const n = steps * envs;
  for (let i = 0; i < s.obs.length; i++) s.obs[i] = random.normal();
  const { mu, value } = await learner.act(s.obs, n);
  const logStd = learner.logStd();
  s.mu.set(mu);
  s.values.set(value);
  for (let i = 0; i < n; i++) {
    let logProb = 0;
    for (let a = 0; a < spec.actionDim; a++) {
      const eps = random.normal();
      s.actions[i * spec.actionDim + a] = mu[i * spec.actionDim + a]! + Math.exp(logStd[a]!) * eps;
      logProb += -0.5 * eps * eps - logStd[a]! - 0.5 * Math.log(2 * Math.PI);
    }
    s.logProbs[i] = logProb;
    s.rewards[i] = random.normal();
  }
  s.computeReturns(new Float32Array(envs), 0.99, 0.95);
  return s;
}

describe('PPO update', () => {
  it('at learning rate 0 reports KL 0 and clip fraction 0 and leaves the weights unchanged', async () => {
    const random = new Random(7);
    const learner = await Learner.create(spec, freshLearnerState(initParameters(spec, random)));
    const before = learner.snapshot().params;
    const storage = await rollout(learner, random, 8, 32);
    const ppo = new Ppo({ ...PPO_DEFAULTS, learningRate: 0, desiredKl: undefined, epochs: 2 }, 1);
    const stats = await ppo.update(storage, learner, learner.logStd().slice());
    expect(stats.kl).toBeLessThan(1e-9);
    expect(stats.clip_fraction).toBe(0);
    learner.parameters().forEach((p, i) => expect(p.data).toEqual(before[i]!.data));
    await learner.dispose();
  });
});
