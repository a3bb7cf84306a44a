/**
 * A controller whose actions are executed with Gaussian noise added while its clean actions are handed
 * to `onLabel` — DART (Laskey et al. 2017): demonstrations recorded this way visit the states a
 * slightly-off policy drifts into and show the expert's correction there, at no more cost than plain
 * recording (the expert is asked once per step either way; DAgger needs a learner and a second run).
 *
 * σ is in units of each actuator's half range (as a sampling planner's exploration noise); the noisy
 * action is clamped to the range. The noise stream is seeded by the episode's seed, so a recording is
 * reproducible.
 */
import type { ParamValues } from '../sim/params.ts';
import { Random } from '../sim/random.ts';
import type { ControllerDefinition } from './controller.ts';

export interface ExecutionNoise {
  /** Standard deviation of the added noise, as a fraction of each actuator's half range. */
  sigma: number;
  /** Called with the controller's clean action for the state it was just asked about. */
  onLabel(action: Float64Array): void;
}

/** Keeps the noise stream apart from the controller's own (which is seeded by the same episode seed). */
const NOISE_SEED_OFFSET = 0x5eed;

export function withExecutionNoise(expert: ControllerDefinition, noise: ExecutionNoise): ControllerDefinition {
  const { sigma, onLabel } = noise;
  if (!(sigma >= 0 && Number.isFinite(sigma))) throw new Error(`execution noise σ must be a number ≥ 0, got ${sigma}`);
  return {
    ...expert,
    description: `${expert.description} Executed with noise σ ${sigma} (DART).`,
    async create(context, values) {
      const ranges = context.task.scene.actuators.map((a) => a.ctrlRange);
      const inner = await expert.create(context, values);
      let random = new Random(NOISE_SEED_OFFSET);
      return {
        setParams: (v: ParamValues) => inner.setParams(v),
        reset(seed) {
          inner.reset(seed);
          random = new Random(seed + NOISE_SEED_OFFSET);
        },
        async act(state, time, robot, options) {
          // How it is called passes through: a planner in a lock-step recording rolls out on the waiting caller's thread as in `run`.
          const clean = await inner.act(state, time, robot, options);
          onLabel(clean.slice());
          const noisy = new Float64Array(clean.length);
          for (let i = 0; i < clean.length; i++) {
            const [lo, hi] = ranges[i]!;
            noisy[i] = Math.min(hi, Math.max(lo, clean[i]! + sigma * 0.5 * (hi - lo) * random.normal()));
          }
          return noisy;
        },
        ...(inner.reads ? { reads: inner.reads } : {}),
        plan: () => inner.plan?.(),
        info: () => inner.info?.(),
        dispose: () => inner.dispose(),
      };
    },
  };
}
