import { describe, expect, it } from 'vitest';
import type { Controller } from './controller.ts';
import { PlannerLoop } from './planner-loop.ts';

/** A planner whose plans finish when the test says so; it records the states it planned from. */
function manualPlanner(withActionAt = false) {
  const planned: number[] = [];
  const finish: ((action: Float64Array) => void)[] = [];
  const fail: ((err: Error) => void)[] = [];
  let running = 0;
  let maxRunning = 0;
  let planTime = 0;
  const controller: Controller = {
    setParams() {},
    reset() {},
    act(state, time) {
      planned.push(state[0]!);
      running++;
      maxRunning = Math.max(maxRunning, running);
      return new Promise<Float64Array>((resolve, reject) => {
        finish.push((a) => {
          running--;
          planTime = time;
          resolve(a);
        });
        fail.push((e) => {
          running--;
          reject(e);
        });
      });
    },
    ...(withActionAt ? { actionAt: (time: number) => Float64Array.of(100 + time - planTime) } : {}),
    dispose() {},
  };
  const flush = () => new Promise((r) => setImmediate(r));
  return { controller, planned, finish, fail, flush, maxRunning: () => maxRunning };
}

describe('PlannerLoop', () => {
  it('never waits for a plan: later states wait, and the next plan starts from the newest one', async () => {
    const p = manualPlanner();
    const plans: number[] = [];
    const loop = new PlannerLoop(p.controller, { planned: (ms) => plans.push(ms), failed: (e) => { throw e; } });
    expect(loop.offer(Float64Array.of(1), 0)).toBeUndefined();
    expect(loop.action(0)).toBeUndefined(); // nothing planned yet
    for (const s of [2, 3, 4]) expect(loop.offer(Float64Array.of(s), s)).toBeUndefined();
    expect(p.planned).toEqual([1]); // one plan at a time
    p.finish[0]!(Float64Array.of(10));
    await p.flush();
    expect(loop.action(5)).toEqual(Float64Array.of(10));
    expect(plans).toHaveLength(1);
    expect(p.planned).toEqual([1, 4]); // states 2 and 3 were superseded
    p.finish[1]!(Float64Array.of(40));
    await p.flush();
    expect(loop.busy).toBe(false); // nothing newer offered: idle until the next state
    expect(loop.action(6)).toEqual(Float64Array.of(40));
    expect(p.maxRunning()).toBe(1);
  });

  it('copies the state it plans from', async () => {
    const p = manualPlanner();
    const loop = new PlannerLoop(p.controller, { failed: () => {} });
    const state = Float64Array.of(1);
    loop.offer(state, 0);
    state[0] = 2;
    loop.offer(state, 0.1);
    state[0] = 3;
    p.finish[0]!(Float64Array.of(0));
    await p.flush();
    expect(p.planned).toEqual([1, 2]);
  });

  it("reads the plan's action for the current time when the controller can say it", async () => {
    const p = manualPlanner(true);
    const loop = new PlannerLoop(p.controller, { failed: () => {} });
    loop.offer(Float64Array.of(1), 2);
    p.finish[0]!(Float64Array.of(100));
    await p.flush();
    expect(loop.action(2.25)![0]).toBeCloseTo(100.25);
  });

  it('answers synchronous controllers inline', () => {
    const controller: Controller = { setParams() {}, reset() {}, act: (s) => Float64Array.of(s[0]! * 2), dispose() {} };
    const loop = new PlannerLoop(controller, { failed: () => {} });
    expect(loop.offer(Float64Array.of(3), 0)).toEqual(Float64Array.of(6));
    expect(loop.busy).toBe(false);
    expect(loop.action(1)).toEqual(Float64Array.of(6));
  });

  it('halt waits for the plan in flight, drops what was pending and forgets the old plan', async () => {
    const p = manualPlanner();
    const loop = new PlannerLoop(p.controller, { failed: () => {} });
    loop.offer(Float64Array.of(1), 0);
    loop.offer(Float64Array.of(2), 0.1);
    let halted = false;
    const halting = loop.halt().then(() => (halted = true));
    await p.flush();
    expect(halted).toBe(false);
    p.finish[0]!(Float64Array.of(9));
    await halting;
    expect(p.planned).toEqual([1]);
    expect(loop.action(0)).toBeUndefined();
  });

  it('lock-step acts only after the plan in flight, never two at once', async () => {
    const p = manualPlanner();
    const loop = new PlannerLoop(p.controller, { failed: () => {} });
    loop.offer(Float64Array.of(1), 0);
    const answer = loop.actNow(Float64Array.of(5), 0.5);
    await p.flush();
    expect(p.planned).toEqual([1]);
    p.finish[0]!(Float64Array.of(0));
    await p.flush();
    expect(p.planned).toEqual([1, 5]);
    p.finish[1]!(Float64Array.of(7));
    expect(await answer).toEqual(Float64Array.of(7));
    expect(p.maxRunning()).toBe(1);
  });

  it('reports a plan that fails, thrown or rejected', async () => {
    const p = manualPlanner();
    const errors: string[] = [];
    const loop = new PlannerLoop(p.controller, { failed: (e) => errors.push(e.message) });
    loop.offer(Float64Array.of(1), 0);
    p.fail[0]!(new Error('rollout worker died'));
    await p.flush();
    const throwing = new PlannerLoop({ ...p.controller, act: () => { throw new Error('bad state'); } }, { failed: (e) => errors.push(e.message) });
    expect(throwing.offer(Float64Array.of(1), 0)).toBeUndefined();
    expect(errors).toEqual(['rollout worker died', 'bad state']);
  });

  it('lets a tick wait a bounded moment for a plan of its own state', async () => {
    const p = manualPlanner();
    const loop = new PlannerLoop(p.controller, { failed: () => {} });
    loop.offer(Float64Array.of(1), 0);
    setTimeout(() => p.finish[0]!(Float64Array.of(3)), 5);
    expect(await loop.landed(2000)).toBe(true); // a fast answer is taken on the tick that asked
    expect(loop.action(0)).toEqual(Float64Array.of(3));
    loop.offer(Float64Array.of(2), 0.02);
    const t0 = performance.now();
    expect(await loop.landed(30)).toBe(false); // a slow plan is not waited for beyond the budget
    expect(performance.now() - t0).toBeLessThan(1000);
    loop.offer(Float64Array.of(3), 0.04);
    expect(await loop.landed(2000)).toBe(false); // the running plan is from an older state
    expect(loop.action(0.04)).toEqual(Float64Array.of(3));
  });
});
