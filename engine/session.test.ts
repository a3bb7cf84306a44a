import { afterEach, describe, expect, it } from 'vitest';
import { Session } from './session.ts';
import { findController } from '../control/registry.ts';
import type { Controller, ControllerDefinition } from '../control/controller.ts';
import type { FrameEvent, PlanEvent, TelemetryEvent } from '../protocol/api.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jointPosition } from '../sim/kinematics.ts';
import { defaults } from '../sim/params.ts';
import { loadRapier } from '../sim/rapier/load-rapier.ts';
import { Random } from '../sim/random.ts';
import type { Robot } from '../sim/robot/robot.ts';
import { SimRobot } from '../sim/robot/sim-robot.ts';
import { findTask } from '../sim/tasks/index.ts';
import { cartpoleDynamicsModel } from '../control/sampling/cartpole-dynamics-model.ts';

const sessions: Session[] = [];
const robots: SimRobot[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.dispose()));
  await Promise.all(robots.splice(0).map((r) => r.disconnect()));
});

async function session(options: Parameters<typeof Session.create>[0] = {}): Promise<Session> {
  const s = await Session.create({ controllerId: 'zero', ...options });
  sessions.push(s);
  return s;
}

/** A controller that works for `healthySteps` control steps, then throws. */
const flaky: ControllerDefinition = {
  id: 'flaky',
  title: 'Flaky',
  description: 'throws after a while',
  params: [],
  create: ({ task }) => {
    let n = 0;
    return {
      setParams() {},
      reset() { n = 0; },
      act() {
        if (n++ >= 5) throw new Error('sensor exploded');
        return new Float64Array(task.actionDim).fill(1);
      },
      dispose() {},
    };
  },
};
const withFlaky = (id: string) => (id === 'flaky' ? flaky : findController(id));

describe('Session', () => {
  it('steps at the control rate and is deterministic for a seed', async () => {
    const a = await session({ taskId: 'cartpole-swingup', seed: 3 });
    const b = await session({ taskId: 'cartpole-swingup', seed: 3 });
    await a.step(10);
    await b.step(10);
    expect(a.simTime).toBeCloseTo(0.2);
    expect(a.currentState()).toEqual(b.currentState());
  });

  it('switches the engine between runs: the same task and start, simulated as a session started in that engine', async () => {
    const switched = await session({ taskId: 'cartpole-swingup', seed: 3 });
    const mujoco = await session({ taskId: 'cartpole-swingup', seed: 3, engine: 'mujoco' });
    const rapier = await session({ taskId: 'cartpole-swingup', seed: 3 });
    expect(switched.snapshot().engine).toBe('rapier');
    const snapshot = await switched.setEngine('mujoco');
    expect(snapshot).toMatchObject({ engine: 'mujoco', controller: { id: 'zero' }, time: 0 });
    for (const s of [switched, mujoco, rapier]) await s.step(10);
    expect(switched.currentState()).toEqual(mujoco.currentState());
    expect(switched.currentState()).not.toEqual(rapier.currentState());
    expect((await switched.setEngine('rapier')).engine).toBe('rapier');
    await rapier.reset(3);
    for (const s of [switched, rapier]) await s.step(10);
    expect(switched.currentState()).toEqual(rapier.currentState());
  });

  it('runs the task and controller in the other engine as a ghost, stepping as a session in that engine does', async () => {
    const s = await session({ taskId: 'cartpole-swingup', seed: 3 });
    const mujoco = await session({ taskId: 'cartpole-swingup', seed: 3, engine: 'mujoco' });
    const frames: FrameEvent[] = [];
    const reference: FrameEvent[] = [];
    s.on('frame', (f) => void frames.push(f));
    mujoco.on('frame', (f) => void reference.push(f));
    // The ghost starts from the session's state as Rapier holds it (32-bit), the reference from the task's own.
    const gap = (a: Float32Array, b: Float32Array) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!)));
    expect((await s.setGhost(true)).ghost).toBe('mujoco');
    for (const run of [s, mujoco]) await run.step(10);
    expect(gap(frames.at(-1)!.ghost!, reference.at(-1)!.poses)).toBeLessThan(1e-6);
    expect(gap(frames.at(-1)!.ghost!, frames.at(-1)!.poses)).toBeGreaterThan(1e-6);
    // A reset starts the ghost over with the session; switching it off stops it.
    await s.reset(3);
    await s.step(1);
    await mujoco.reset(3);
    await mujoco.step(1);
    expect(gap(frames.at(-1)!.ghost!, reference.at(-1)!.poses)).toBeLessThan(1e-6);
    expect((await s.setGhost(false)).ghost).toBeUndefined();
    await s.step(1);
    expect(frames.at(-1)!.ghost).toBeUndefined();
  });

  it('stops a controller that throws, shows the error and holds the simulation', async () => {
    const s = await session({ taskId: 'cartpole-swingup', controllerId: 'flaky', findController: withFlaky });
    const statuses: string[] = [];
    s.on('status', (st) => st.error && statuses.push(st.error));
    await s.step(20);
    const snapshot = s.snapshot();
    expect(snapshot.error).toBe("controller 'flaky' failed: sensor exploded");
    expect(statuses).toContain("controller 'flaky' failed: sensor exploded");
    const time = s.simTime;
    expect(time).toBeCloseTo(5 * 0.02);
    await s.step(5);
    expect(s.simTime).toBe(time); // holds: no steps without a live controller
    expect(s.play().playing).toBe(false);
    await s.reset();
    expect(s.snapshot().error).toBeUndefined();
  });

  it('stops a controller that outputs NaN and holds', async () => {
    const nan: ControllerDefinition = { ...flaky, id: 'nan', create: () => ({ setParams() {}, reset() {}, act: () => Float64Array.of(NaN), dispose() {} }) };
    const s = await session({ taskId: 'cartpole-swingup', controllerId: 'nan', findController: (id) => (id === 'nan' ? nan : findController(id)) });
    await s.step(3);
    expect(s.snapshot().error).toBe("controller 'nan' failed: controller 'nan' returned an invalid action [NaN]");
    expect(s.simTime).toBe(0);
  });

  it('rejects bad edits with a clear error and keeps running unchanged', async () => {
    const s = await session({ taskId: 'cartpole-swingup' });
    await s.step(2);
    await expect(s.setTask('warp-drive')).rejects.toThrow("unknown task 'warp-drive'");
    await expect(s.setParams('task', { poleLength: 99 })).rejects.toThrow('task.poleLength must be within [0.3, 2]; got 99');
    await expect(s.setParams('cost', { upright: -1 })).rejects.toThrow('cost.upright must be within [0, 100]');
    await expect(s.setParams('controller', { samples: 8 })).rejects.toThrow("unknown controller parameter 'samples'");
    await expect(s.setController('nope')).rejects.toThrow("unknown controller 'nope'");
    expect(s.snapshot().task.values.poleLength).toBe(1);
    await s.step(1);
    expect(s.simTime).toBeCloseTo(0.06);
  });

  it('applies a cost weight live and rebuilds the scene for a task parameter', async () => {
    const s = await session({ taskId: 'cartpole-swingup' });
    const snapshot = await s.setParams('cost', { upright: 42 });
    expect(snapshot.task.costTerms.find((t) => t.name === 'upright')!.weight).toBe(42);
    const rebuilt = await s.setParams('task', { poleLength: 1.5 });
    expect(rebuilt.scene.joints[1]!.anchorChild[2]).toBeCloseTo(0.75);
    expect(rebuilt.task.costTerms.find((t) => t.name === 'upright')!.weight).toBe(42);
  });

  it('streams frames and telemetry only to listeners, with one pose per body', async () => {
    const s = await session({ taskId: 'push-box' });
    const frames: FrameEvent[] = [];
    const telemetry: TelemetryEvent[] = [];
    s.on('frame', (f) => void frames.push(f));
    s.on('telemetry', (t) => void telemetry.push(t));
    await s.step(3);
    expect(frames.at(-1)!.poses.length).toBe(s.snapshot().scene.bodies.length * 7);
    expect(telemetry.length).toBeGreaterThan(0);
    expect(telemetry[0]!.costTerms).toHaveLength(4);
    expect(telemetry[0]!.readouts).toHaveLength(3);
  });

  it("streams what the controller reports about its model: file, execution provider, latency", async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'actuate-info-')), 'dynamics.onnx');
    writeFileSync(file, cartpoleDynamicsModel({ cartMass: 1, poleMass: 0.2, poleLength: 1, maxForce: 10, controlDt: 0.02 }));
    const s = await session({ taskId: 'cartpole-swingup', controllerId: 'mppi', controllerParams: { dynamics: file, samples: 8, horizon: 0.2 } });
    const telemetry: TelemetryEvent[] = [];
    s.on('telemetry', (t) => void telemetry.push(t));
    await s.step(3);
    const info = telemetry.at(-1)!.controller!;
    expect(info.model).toBe('dynamics.onnx');
    expect(String(info.provider)).toMatch(/^cpu/);
    expect(info.calls).toBeGreaterThan(0);
  });

  it('has a planner trace its rollouts only for a plan that will be sent', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'actuate-trace-')), 'dynamics.onnx');
    writeFileSync(file, cartpoleDynamicsModel({ cartMass: 1, poleMass: 0.2, poleLength: 1, maxForce: 10, controlDt: 0.02 }));
    let planner: Controller | undefined;
    const lookup = (id: string): ControllerDefinition => {
      const def = findController(id);
      return id === 'mppi' ? { ...def, create: async (context, values) => (planner = await def.create(context, values)) } : def;
    };
    const s = await session({ taskId: 'cartpole-swingup', controllerId: 'mppi', controllerParams: { dynamics: file, samples: 8, horizon: 0.2 }, findController: lookup });
    await s.step(3);
    expect(planner!.plan!()).toBeUndefined(); // nobody listens: nothing traced
    const plans: PlanEvent[] = [];
    s.on('plan', (p) => void plans.push(p));
    await s.step(3);
    expect(plans.length).toBeGreaterThan(0);
    expect(plans[0]!.sampleCount).toBe(8);
    expect(plans[0]!.samples.length).toBe(8 * 10 * 3); // 8 samples × 0.2 s / 20 ms × a point
  });

  it('selects a controller still waiting for its model file, holds with the reason, and starts once a file is set', async () => {
    /** Starts only with model 'good.onnx'; any other file is "not a model". */
    const needsFile: ControllerDefinition = {
      id: 'needs-file',
      title: 'Needs a file',
      description: 'a model-driven controller',
      params: [{ kind: 'text', key: 'model', label: 'Model', default: '', file: 'onnx' }],
      create: ({ task }, values) => {
        if (!values.model) throw new Error('needs controller.model=<file.onnx>');
        if (values.model !== 'good.onnx') throw new Error(`${String(values.model)}: not an ONNX model`);
        return { setParams() {}, reset() {}, act: () => new Float64Array(task.actionDim), dispose() {} };
      },
    };
    const lookup = (id: string) => (id === 'needs-file' ? needsFile : findController(id));
    const s = await session({ taskId: 'cartpole-swingup', controllerId: 'zero', findController: lookup });
    const waiting = await s.setController('needs-file');
    expect(waiting.controller.id).toBe('needs-file');
    expect(waiting.error).toBe("controller 'needs-file' cannot start: needs controller.model=<file.onnx>");
    expect(s.play().playing).toBe(false);
    await s.step(3);
    expect(s.simTime).toBe(0); // holds while nothing runs
    // Nothing is running, so a bad file is taken and the error says why it does not start.
    const bad = await s.setParams('controller', { model: 'notes.txt' });
    expect(bad.controller.values.model).toBe('notes.txt');
    expect(bad.error).toBe("controller 'needs-file' cannot start: notes.txt: not an ONNX model");
    const good = await s.setParams('controller', { model: 'good.onnx' });
    expect(good.error).toBeUndefined();
    await s.step(2);
    expect(s.simTime).toBeCloseTo(0.04);
    // Now something runs: a bad file is refused and the running controller stays.
    await expect(s.setParams('controller', { model: 'broken.onnx' })).rejects.toThrow('broken.onnx: not an ONNX model');
    expect(s.snapshot().controller.values.model).toBe('good.onnx');
    expect(s.snapshot().error).toBeUndefined();
    await expect(s.setController('needs-file', { model: 'broken.onnx' })).rejects.toThrow('not an ONNX model');
    await s.step(1);
    expect(s.simTime).toBeCloseTo(0.06);
  });

  it("starts with the task's default controller when none is given", async () => {
    const s = await Session.create({ taskId: 'go2-stand' });
    sessions.push(s);
    expect(s.snapshot().controller.id).toBe('hold');
  });

  it("switching task gives a controller that came with the last task way to the new task's default", async () => {
    const s = await Session.create({ taskId: 'cartpole-swingup' });
    sessions.push(s);
    expect(s.snapshot().controller.id).toBe('mppi');
    const stand = await s.setTask('go2-stand');
    expect([stand.controller.id, stand.notice]).toEqual(['hold', undefined]);
    // Picked by the user, a controller follows to the next task.
    await s.setController('zero');
    expect((await s.setTask('pendulum-swingup')).controller.id).toBe('zero');
  });

  it("switching task keeps a picked controller that can run the new task, else switches to the task's default and says why", async () => {
    const s = await session({ taskId: 'cartpole-swingup' });
    const kept = await s.setTask('pendulum-swingup');
    expect(kept.controller.id).toBe('zero');
    expect(kept.notice).toBeUndefined();
    // The Go2-W policy's card drives wheel joints the Go2 does not have: the Go2's own default takes over.
    await s.setTask('go2w-walk');
    const policy = await s.setController('onnx-policy');
    expect(policy.error).toBeUndefined();
    const switched = await s.setTask('go2-stand');
    expect(switched.controller.id).toBe('hold');
    expect(switched.error).toBeUndefined();
    expect(switched.notice).toMatch(/^controller 'onnx-policy' cannot run go2-stand \(.*foot_joint.*\); switched to the task's default controller 'hold'$/);
    await s.step(2);
    expect(s.simTime).toBeCloseTo(0.04);
    // The notice belongs to that edit only.
    expect((await s.setParams('cost', { height: 5 })).notice).toBeUndefined();
  });

  it('plays in real time and pauses', async () => {
    const s = await session({ taskId: 'pendulum-swingup', controllerId: 'zero' });
    s.play();
    await new Promise((r) => setTimeout(r, 300));
    s.pause();
    const t = s.simTime;
    expect(t).toBeGreaterThan(0.1);
    expect(t).toBeLessThan(0.6);
    await new Promise((r) => setTimeout(r, 100));
    expect(s.simTime).toBeCloseTo(t, 1);
  });

  it('changes a live task parameter (the velocity command) in place: no rebuild, and the task scores it', async () => {
    const s = await session({ taskId: 'go2w-walk', controllerId: 'hold' });
    await s.step(5);
    const task = s.task;
    const snapshot = await s.setParams('task', { vx: 0.4 });
    expect(s.task).toBe(task);
    expect(s.simTime).toBeCloseTo(0.1, 9);
    expect(Array.from(task.command!)).toEqual([0.4, 0, 0]);
    expect(snapshot.task.values.vx).toBe(0.4);
    // Standing still under a 0.4 m/s command: the tracking residual is the command.
    const residual = new Float64Array(40);
    task.residual(s.currentState(), new Float64Array(task.actionDim), residual);
    expect(residual[0]).toBeCloseTo(-0.4, 1);
  });

  it('streams joints and the live episode result, and a reset shows the new seed and a fresh episode at once', async () => {
    const s = await session({ taskId: 'pendulum-swingup' });
    const telemetry: TelemetryEvent[] = [];
    s.on('telemetry', (t) => void telemetry.push(t));
    await s.step(10);
    const last = telemetry.at(-1)!;
    const scene = s.snapshot().scene;
    expect(last.joints!.position).toHaveLength(scene.joints.length);
    expect(last.episode!.return).toBeLessThan(0);
    expect(Object.keys(last.episode!.metrics).length).toBeGreaterThan(0);
    const status = await s.reset(7);
    expect(status.seed).toBe(7);
    expect(telemetry.at(-1)!.time).toBe(0);
    expect(telemetry.at(-1)!.episode!.return).toBe(0);
  });

  it('pulls a body towards a target while perturbed, and lets go on release', async () => {
    const s = await session({ taskId: 'push-box' });
    const telemetry: TelemetryEvent[] = [];
    s.on('telemetry', (t) => void telemetry.push(t));
    const scene = s.snapshot().scene;
    const box = scene.bodies.findIndex((b) => b.name === 'box');
    const z0 = s.currentState()[box * 13 + 2]!;
    await expect(s.perturb({ body: scene.bodies.findIndex((b) => b.kind === 'fixed'), anchor: [0, 0, 0], target: [0, 0, 1] })).rejects.toThrow(/not a moving body/);
    expect(await s.perturb({ body: box, anchor: [0, 0, 0], target: [0, 0, z0 + 0.3] })).toEqual({ active: true });
    await s.step(50);
    // A spring of about 1.5 Hz sags g/ω² ≈ 0.11 m below its target under the box's weight.
    expect(s.currentState()[box * 13 + 2]!).toBeGreaterThan(z0 + 0.15);
    expect(telemetry.at(-1)!.perturb!.force[2]).toBeGreaterThan(0);
    await s.perturb({});
    await s.step(50);
    expect(s.currentState()[box * 13 + 2]!).toBeCloseTo(z0, 2);
    expect(telemetry.at(-1)!.perturb).toBeUndefined();
  });

  it("starts a new controller's timing empty and says whether it plans", async () => {
    const s = await session({ taskId: 'pendulum-swingup', controllerId: 'hold' });
    await s.step(5);
    expect(s.planMs.count).toBe(5);
    expect(s.snapshot().controller.plans).toBe(false);
    await s.setController('zero');
    expect(s.planMs.count).toBe(0);
  });

  it('plays without waiting for a slow planner: physics and frames keep going, the latest plan is applied', async () => {
    /** A planner that takes 200 ms per plan and answers with the number of plans so far. */
    const slow: ControllerDefinition = {
      ...flaky,
      id: 'slow',
      create: ({ task }) => {
        let plans = 0;
        return {
          setParams() {},
          reset() {},
          act: () => new Promise<Float64Array>((r) => setTimeout(() => r(new Float64Array(task.actionDim).fill(0.1 * ++plans)), 200)),
          dispose() {},
        };
      },
    };
    const s = await session({ taskId: 'cartpole-swingup', controllerId: 'slow', findController: (id) => (id === 'slow' ? slow : findController(id)) });
    const frames: number[] = [];
    const actions: number[] = [];
    s.on('frame', (f) => void frames.push(f.time));
    s.on('telemetry', (t) => void actions.push(t.action[0]!));
    s.play();
    // Until three plans (200 ms each) have landed, however busy the machine is.
    for (let waited = 0; s.planMs.count < 3 && waited < 20_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    s.pause();
    const plans = s.planMs.count;
    await s.reset(); // waits for the plan in flight
    // Lock-step would advance one control step (0.02 s) per plan; live keeps stepping while each plan runs.
    expect(plans).toBeGreaterThanOrEqual(3);
    expect(frames.filter((t) => t > 0).length).toBeGreaterThan(2 * plans);
    expect(Math.max(...frames)).toBeGreaterThan(3 * plans * 0.02);
    // Zero (the hold action) until the first plan lands, then each plan's action in turn.
    expect(actions[0]).toBe(0);
    expect(actions).toContain(0.1);
    expect(actions).toContain(0.2);
    expect(s.planMs.count).toBeGreaterThanOrEqual(2);
    expect(s.planMs.mean()).toBeGreaterThan(150);
  });

  it("gives the robot's own reading to controllers that read only the robot", async () => {
    const seen: (number[] | undefined)[] = [];
    const reader = (reads: 'robot' | 'scene'): ControllerDefinition => ({
      ...flaky,
      id: reads,
      create: ({ task, robot }) => {
        expect(robot?.joints).toEqual(['slider', 'hinge']);
        return { reads, setParams() {}, reset() {}, act: (_s, _t, r) => (seen.push(r && Array.from(r.position)), new Float64Array(task.actionDim)), dispose() {} };
      },
    });
    const s = await session({ taskId: 'cartpole-swingup', controllerId: 'robot', findController: (id) => (id === 'robot' || id === 'scene' ? reader(id) : findController(id)) });
    const scene = s.snapshot().scene;
    const expected = [0, 1].map((j) => jointPosition(scene, s.currentState(), j));
    await s.step(1);
    expect(seen[0]).toEqual(expected);
    await s.setController('scene');
    await s.step(1);
    expect(seen[1]).toBeUndefined();
    expect(s.robot.capabilities.simulated).toBe(true);
  });

  it('drives an attached robot in real time, the scene posed as its twin, and stops it when let go', async () => {
    const real = await wallClockRobot('cartpole-swingup');
    const readings: number[][] = [];
    const push: ControllerDefinition = {
      ...flaky,
      id: 'push',
      create: ({ task }) => ({ reads: 'robot', setParams() {}, reset() {}, act: (_s, _t, r) => (readings.push(Array.from(r!.position)), new Float64Array(task.actionDim).fill(0.5)), dispose() {} }),
    };
    const s = await session({ taskId: 'cartpole-swingup', controllerId: 'push', findController: (id) => (id === 'push' ? push : findController(id)) });
    await expect(s.attachRobot((await wallClockRobot('cartpole-swingup', ['slider'])).robot)).rejects.toThrow("the robot reports no position for joint 'hinge' of 'cartpole'");
    expect(s.snapshot().robot).toEqual({ name: 'cartpole-swingup', simulated: true });
    await expect(s.runFor(1)).resolves.toBeUndefined();
    const attached = await s.attachRobot(real.robot);
    expect(attached.robot).toEqual({ name: 'wall-clock cartpole', simulated: false });
    expect(attached.time).toBe(0);
    await expect(s.runFor(1)).rejects.toThrow("robot 'wall-clock cartpole' is real and runs in real time: play it instead");
    s.play();
    await new Promise((r) => setTimeout(r, 500));
    s.pause();
    await s.step(1);
    // Commanded at the task's rate on the robot's clock; its joints arrive in its own order (reversed).
    expect(real.sent.length).toBeGreaterThan(10);
    expect(real.sent.every((c) => c[0] === 0.5)).toBe(true);
    expect(s.simTime).toBeGreaterThan(0.3);
    expect(readings.at(-1)).toEqual(Array.from(real.sim.readNow().position).reverse());
    // The scene is the robot's twin: the cart is where the robot's is.
    const cart = 1 * 13;
    expect(s.currentState()[cart]).toBeCloseTo(real.sim.simState()[cart]!, 3);
    expect(real.sim.simState()[cart]).toBeGreaterThan(0.05);
    const detached = await s.attachRobot(undefined);
    expect(real.stops).toEqual(['detached from the studio session']);
    expect(detached.robot).toEqual({ name: 'cartpole-swingup', simulated: true });
  });

  it('stops an attached robot when its controller fails', async () => {
    const real = await wallClockRobot('cartpole-swingup');
    const s = await session({ taskId: 'cartpole-swingup', controllerId: 'flaky', findController: withFlaky });
    await s.attachRobot(real.robot);
    await s.step(8);
    expect(real.sent).toHaveLength(5);
    expect(real.stops).toEqual(["controller 'flaky' failed: sensor exploded"]);
  });

  it('skips a period whose reading has a joint the robot could not read: nothing sent, no NaN in the controller, the twin or the return', async () => {
    const real = await wallClockRobot('cartpole-swingup');
    // Every third reading as a servo bus reports a read that timed out: the joint's velocity unknown (NaN).
    let reads = 0;
    const robot: Robot = { ...real.robot, read: async () => {
      const r = await real.robot.read();
      if (++reads % 3 === 0) r.velocity[1] = NaN;
      return r;
    } };
    const seen: number[] = [];
    const push: ControllerDefinition = {
      ...flaky,
      id: 'push',
      create: ({ task }) => ({ reads: 'robot', setParams() {}, reset() {}, act: (state, _t, r) => (seen.push(...state, ...r!.velocity), new Float64Array(task.actionDim).fill(0.5)), dispose() {} }),
    };
    const s = await session({ taskId: 'cartpole-swingup', controllerId: 'push', findController: (id) => (id === 'push' ? push : findController(id)) });
    const telemetry: TelemetryEvent[] = [];
    s.on('telemetry', (t) => void telemetry.push(t));
    await s.attachRobot(robot);
    await s.step(9);
    expect(reads).toBe(9);
    expect(real.sent).toHaveLength(6);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every(Number.isFinite)).toBe(true);
    expect(s.currentState().every(Number.isFinite)).toBe(true);
    expect(Number.isFinite(s.return)).toBe(true);
    expect(telemetry.at(-1)?.episode?.return).toSatisfy(Number.isFinite);
  });
});

/**
 * A stand-in for a real robot: a simulated cart-pole whose time is the wall clock (each read steps it
 * to now), that reports its joints in reverse order and is not marked simulated.
 */
async function wallClockRobot(taskId: string, only?: string[]) {
  const def = findTask(taskId);
  const task = def.build(defaults(def.params));
  const sim = new SimRobot(await loadRapier(), task.scene);
  sim.resetTo(task.reset(new Random(0)));
  const sent: number[][] = [];
  const stops: string[] = [];
  const wall0 = performance.now();
  const joints = only ?? [...sim.capabilities.joints].reverse();
  const order = joints.map((name) => sim.capabilities.joints.indexOf(name));
  const robot: Robot = {
    name: `wall-clock ${task.scene.name}`,
    capabilities: { ...sim.capabilities, joints, simulated: false },
    async connect() {},
    async read() {
      const now = (performance.now() - wall0) / 1000;
      if (now > sim.time + sim.timestep) sim.advance(now - sim.time);
      const r = sim.readNow();
      return { ...r, position: Float64Array.from(order, (i) => r.position[i]!), velocity: Float64Array.from(order, (i) => r.velocity[i]!) };
    },
    async send(command) {
      sent.push(Array.from(command.action));
      return sim.sendNow(command);
    },
    async emergencyStop(reason) {
      stops.push(reason);
      await sim.emergencyStop(reason);
    },
    async disconnect() {
      await sim.disconnect();
    },
  };
  robots.push(sim);
  return { robot, sim, sent, stops };
}
