/**
 * Exponential moving average of the weights, as Diffusion Policy's EMAModel (the weights it evaluates
 * and exports): on its k-th update (k = 0, 1, …), decay = 1 − (1 + n)^−power with n = max(0, k − 1)
 * (0 while n = 0), clamped to [0, maxDecay]; ema ← decay · ema + (1 − decay) · θ.
 */
import type { ParamTensor } from '../actor-critic.ts';

export class WeightAverage {
  private readonly average: ParamTensor[];
  private updates = 0;

  constructor(
    params: ParamTensor[],
    readonly power = 0.75,
    readonly maxDecay = 0.9999,
  ) {
    this.average = params.map((p) => ({ name: p.name, dims: [...p.dims], data: p.data.slice() }));
  }

  decay(): number {
    const n = Math.max(0, this.updates - 2);
    return n === 0 ? 0 : Math.min(this.maxDecay, 1 - (1 + n) ** -this.power);
  }

  update(params: ParamTensor[]): void {
    this.updates++;
    const d = this.decay();
    params.forEach((p, i) => {
      const a = this.average[i]!.data;
      for (let k = 0; k < a.length; k++) a[k] = d * a[k]! + (1 - d) * p.data[k]!;
    });
  }

  parameters(): ParamTensor[] {
    return this.average;
  }
}
