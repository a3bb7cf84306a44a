/**
 * The PD loop that turns a diffusion policy's position targets into actuator commands (a card's
 * `diffusion.positionTarget`, fitted by train/diffusion/position-targets.ts):
 * command_k = kp_k·(target_k − x_k) − kd_k·(x_k − x_k,prev), x the tracked observation entries and
 * x_prev their values one control step earlier (none on the first step after a reset: at rest).
 */
import type { DiffusionSpec } from '../../models/model-card.ts';

export type PositionTargetSpec = NonNullable<DiffusionSpec['positionTarget']>;

export class PositionTracker {
  private previous: Float64Array | undefined;

  constructor(private readonly spec: PositionTargetSpec) {}

  reset(): void {
    this.previous = undefined;
  }

  /** The command toward `target` from the raw observation; call once per control step. */
  command(target: ArrayLike<number>, observation: ArrayLike<number>): Float64Array {
    const { observation: entries, kp, kd } = this.spec;
    const x = Float64Array.from(entries, (i) => observation[i]!);
    const out = new Float64Array(entries.length);
    for (let k = 0; k < out.length; k++) {
      const velocity = this.previous ? x[k]! - this.previous[k]! : 0;
      out[k] = kp[k]! * (target[k]! - x[k]!) - kd[k]! * velocity;
    }
    this.previous = x;
    return out;
  }
}
