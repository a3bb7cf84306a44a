import { describe, expect, it } from 'vitest';
import { defaults } from '../sim/params.ts';
import { findTask } from '../sim/tasks/index.ts';
import type { ControlContext, ControllerDefinition } from './controller.ts';
import { withExecutionNoise } from './execution-noise.ts';

/** Answers a fixed action whatever the state. */
function constant(action: number[]): ControllerDefinition {
  return { id: 'constant', title: 'constant', description: 'constant', params: [], create: () => ({ setParams() {}, reset() {}, act: () => Float64Array.from(action), dispose() {} }) };
}

const task = findTask('push-box').build(defaults(findTask('push-box').params));
const context: ControlContext = { taskId: 'push-box', taskParams: {}, task, costWeights: () => new Float64Array(4) };
const state = new Float64Array(1);

async function run(sigma: number, seed: number, action: number[], steps: number) {
  const labels: number[][] = [];
  const controller = await withExecutionNoise(constant(action), { sigma, onLabel: (a) => labels.push(Array.from(a)) }).create(context, {});
  controller.reset(seed);
  const applied: number[][] = [];
  for (let i = 0; i < steps; i++) applied.push(Array.from(await controller.act(state, i * 0.02)));
  await controller.dispose();
  return { labels, applied };
}

describe('withExecutionNoise (DART)', () => {
  it('records the clean action and applies it with noise of σ times the half range, reproducibly per seed', async () => {
    const { labels, applied } = await run(0.2, 7, [0.1, -0.3], 4000);
    expect(labels.every((l) => l[0] === 0.1 && l[1] === -0.3)).toBe(true);
    // push-box's actuators take [−1, 1]: half range 1, so the noise sd is σ.
    for (const [k, clean] of [0.1, -0.3].entries()) {
      const d = applied.map((a) => a[k]! - clean);
      const mean = d.reduce((s, x) => s + x, 0) / d.length;
      const sd = Math.sqrt(d.reduce((s, x) => s + (x - mean) ** 2, 0) / d.length);
      expect(Math.abs(mean)).toBeLessThan(0.02);
      expect(sd).toBeGreaterThan(0.19);
      expect(sd).toBeLessThan(0.21);
    }
    expect((await run(0.2, 7, [0.1, -0.3], 50)).applied).toEqual(applied.slice(0, 50));
    expect((await run(0.2, 8, [0.1, -0.3], 50)).applied).not.toEqual(applied.slice(0, 50));
  });

  it('clamps the noisy action to the actuator range, and with σ 0 applies the clean action', async () => {
    const { applied } = await run(1, 1, [0.95, -0.95], 500);
    expect(applied.every(([x, y]) => x! <= 1 && x! >= -1 && y! <= 1 && y! >= -1)).toBe(true);
    expect(applied.some(([x]) => x === 1)).toBe(true);
    expect((await run(0, 1, [0.5, 0.25], 10)).applied.every(([x, y]) => x === 0.5 && y === 0.25)).toBe(true);
    expect(() => withExecutionNoise(constant([0]), { sigma: -1, onLabel() {} })).toThrow(/σ must be a number ≥ 0, got -1/);
  });

  it('passes how it is called on to the controller (a lock-step caller lends its thread to a planner)', async () => {
    const seen: unknown[] = [];
    const spy: ControllerDefinition = { ...constant([0, 0]), create: () => ({ setParams() {}, reset() {}, act: (_s, _t, _r, options) => (seen.push(options), Float64Array.of(0, 0)), dispose() {} }) };
    const controller = await withExecutionNoise(spy, { sigma: 0.1, onLabel() {} }).create(context, {});
    await controller.act(state, 0, undefined, { callerWaits: true });
    expect(seen).toEqual([{ callerWaits: true }]);
  });
});
