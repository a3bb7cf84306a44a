import { describe, expect, it } from 'vitest';
import { TASKS, findTask } from './index.ts';
import { defaults } from '../params.ts';
import { residualSize } from '../cost.ts';
import { Random } from '../random.ts';
import { stateSize } from '../scene.ts';
import { loadRapier } from '../rapier/load-rapier.ts';
import { PhysicsWorld } from '../rapier/physics-world.ts';

const R = await loadRapier();

describe.each(TASKS.map((t) => [t.id, t] as const))('task %s', (_id, def) => {
  const task = def.build(defaults(def.params));

  it('declares a consistent scene, costs and reset', () => {
    expect(task.actionDim).toBe(task.scene.actuators.length);
    const s = task.reset(new Random(0));
    expect(s.length).toBe(stateSize(task.scene));
    const r = new Float64Array(residualSize(task.costTerms));
    task.residual(s, new Float64Array(task.actionDim), r);
    expect(r.every(Number.isFinite)).toBe(true);
    for (const term of task.costTerms) {
      expect(term.weight).toBeGreaterThanOrEqual(term.range[0]);
      expect(term.weight).toBeLessThanOrEqual(term.range[1]);
    }
    expect(task.reset(new Random(1))).not.toEqual(s);
  });

  it('continues its success monitor from a saved copy (training checkpoints resume episodes)', () => {
    const states = Array.from({ length: 6 }, (_, k) => task.reset(new Random(k)));
    const action = new Float64Array(task.actionDim);
    const monitor = task.monitor();
    states.slice(0, 3).forEach((s, k) => monitor.record(0.02 * k, s, action));
    const copy = task.monitor(JSON.parse(JSON.stringify(monitor.save!())));
    for (const m of [monitor, copy]) states.slice(3).forEach((s, k) => m.record(0.02 * (3 + k), s, action));
    expect(copy.result()).toEqual(monitor.result());
  });

  it('starts at rest: the reset state is consistent with its joints', () => {
    const world = new PhysicsWorld(R, task.scene);
    const s = task.reset(new Random(3));
    world.setState(s);
    world.step(new Float64Array(task.actionDim));
    const after = world.getState();
    // One step from a consistent state moves nothing more than gravity would in 10 ms.
    let moved = 0;
    for (let i = 0; i < s.length; i += 13) moved = Math.max(moved, Math.hypot(after[i]! - s[i]!, after[i + 1]! - s[i + 1]!, after[i + 2]! - s[i + 2]!));
    expect(moved).toBeLessThan(0.005);
    world.dispose();
  });
});

describe('findTask', () => {
  it('lists the available tasks for an unknown id', () => {
    expect(() => findTask('nope')).toThrow("unknown task 'nope'; available: pendulum-swingup, cartpole-swingup, push-box");
  });
});
