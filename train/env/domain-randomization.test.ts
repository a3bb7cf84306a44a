import { describe, expect, it } from 'vitest';
import { loadRapier } from '../../sim/rapier/load-rapier.ts';
import { Random } from '../../sim/random.ts';
import { policyLayout } from '../policy-layout.ts';
import { baseBody, bodyMass, checkRandomization, pushRobot, randomizeScene, taskRandomization, TASK_RANDOMIZATION } from './domain-randomization.ts';
import { BODY_STATE_SIZE } from '../../sim/scene.ts';
import { buildTask } from './task-build.ts';
import { VecEnv } from './vec-env.ts';

type EnvInternals = { envs: { state: Float64Array; strength: Float64Array; delayed: boolean }[] };

describe('domain randomization', () => {
  it("scales each servo's kp and kd together per world, leaving torque actuators and the task scene alone", () => {
    const { task } = buildTask('go2-walk', {});
    const before = JSON.stringify(task.scene.actuators);
    const scene = randomizeScene(task.scene, { servoGains: [0.5, 1.5] }, new Random(4), 0);
    const factors = scene.actuators.map((a, i) => a.kp! / task.scene.actuators[i]!.kp!);
    scene.actuators.forEach((a, i) => {
      expect(task.scene.actuators[i]!.kind).toBe('position');
      expect(a.kv! / task.scene.actuators[i]!.kv!).toBeCloseTo(factors[i]!, 12);
    });
    for (const f of factors) expect(f >= 0.5 && f <= 1.5).toBe(true);
    expect(new Set(factors).size).toBe(factors.length);
    expect(JSON.stringify(task.scene.actuators)).toBe(before);
    const cartpole = buildTask('cartpole-swingup', {}).task.scene;
    expect(randomizeScene(cartpole, { servoGains: [0.5, 1.5] }, new Random(4), 0).actuators).toEqual(cartpole.actuators);
    expect(() => checkRandomization({ servoGains: [0, 1] }, 'r')).toThrow('r.servoGains: a gain factor must be > 0, got 0');
  });

  it('varies friction and base mass per world within the declared ranges, leaving the task scene alone', async () => {
    const R = await loadRapier();
    const { task } = buildTask('ant-walk', {});
    const base = baseBody(task.scene);
    const mass = bodyMass(R, task.scene, base);
    expect(mass).toBeGreaterThan(0);
    const before = JSON.stringify(task.scene.bodies);
    const random = new Random(3);
    const masses: number[] = [];
    const frictions: number[] = [];
    for (let k = 0; k < 6; k++) {
      const scene = randomizeScene(task.scene, { friction: [0.5, 1.25], addedBaseMass: [-0.1, 0.1] }, random, mass);
      masses.push(bodyMass(R, scene, base) - mass);
      // The torso's first geom names its friction (ant.xml's): the factor is the ratio.
      frictions.push(scene.bodies[base]!.geoms[0]!.friction! / task.scene.bodies[base]!.geoms[0]!.friction!);
    }
    for (const m of masses) expect(Math.abs(m)).toBeLessThanOrEqual(0.1 + 1e-6);
    expect(new Set(masses.map((m) => m.toFixed(4))).size).toBe(6);
    for (const f of frictions) {
      expect(f).toBeGreaterThanOrEqual(0.5 - 1e-9);
      expect(f).toBeLessThanOrEqual(1.25 + 1e-9);
    }
    expect(new Set(frictions).size).toBe(6);
    expect(JSON.stringify(task.scene.bodies)).toBe(before);
  });

  it('in the environments: motor strength scales the push, latency delays it one step, noise perturbs observations', async () => {
    const R = await loadRapier();
    const { task } = buildTask('cartpole-swingup', {});
    const layout = policyLayout(task);
    const cartSpeed = (env: VecEnv, i: number) => (env as unknown as EnvInternals).envs[i]!.state[13 + 7]!;
    const push = (env: VecEnv, n: number) => env.step(new Float32Array(n).fill(0.5));

    // Strength only: the cart's speed after one push is proportional to the episode's strength.
    const strong = new VecEnv(R, task, layout, 4, 1, 0, { randomization: { motorStrength: [0.5, 1.5] } });
    const reference = new VecEnv(R, task, layout, 4, 1);
    strong.reset();
    reference.reset();
    push(strong, 4);
    push(reference, 4);
    const internals = (strong as unknown as EnvInternals).envs;
    for (let i = 0; i < 4; i++) {
      const k = internals[i]!.strength[0]!;
      expect(k).toBeGreaterThanOrEqual(0.5);
      expect(k).toBeLessThanOrEqual(1.5);
      expect(cartSpeed(strong, i) / cartSpeed(reference, i)).toBeCloseTo(k, 1);
    }
    expect(new Set(internals.map((e) => e.strength[0]!.toFixed(3))).size).toBe(4);

    // Latency always: the first step applies nothing (as a zero push would), the second the first push.
    const late = new VecEnv(R, task, layout, 2, 1, 0, { randomization: { actionLatency: 1 } });
    const idle = new VecEnv(R, task, layout, 2, 1);
    const pushed = new VecEnv(R, task, layout, 2, 1);
    for (const e of [late, idle, pushed]) e.reset();
    push(late, 2);
    idle.step(new Float32Array(2));
    expect(cartSpeed(late, 0)).toBe(cartSpeed(idle, 0));
    push(late, 2);
    idle.step(new Float32Array(2).fill(0.5));
    expect(cartSpeed(late, 0)).toBe(cartSpeed(idle, 0));
    expect(Math.abs(cartSpeed(late, 0) - cartSpeed(reference, 0))).toBeGreaterThan(1e-3);
    idle.dispose();
    pushed.dispose();

    // Observation noise: features differ from the noiseless ones by about σ (the cart position x is feature 0).
    const noisy = new VecEnv(R, task, layout, 64, 1, 0, { randomization: { observationNoise: 0.05 } });
    const clean = new VecEnv(R, task, layout, 64, 1);
    const a = noisy.reset();
    const b = clean.reset();
    let sq = 0;
    for (let i = 0; i < 64; i++) sq += (a[i * layout.featureDim]! - b[i * layout.featureDim]!) ** 2;
    expect(Math.sqrt(sq / 64)).toBeGreaterThan(0.03);
    expect(Math.sqrt(sq / 64)).toBeLessThan(0.08);
    for (const e of [strong, reference, late, noisy, clean]) e.dispose();
  });

  it('pushes the robot every interval: the base gets a random horizontal velocity, every body the same change', async () => {
    const R = await loadRapier();
    const { task } = buildTask('ant-walk', {});
    const base = baseBody(task.scene);
    const state = task.reset(new Random(1));
    for (let i = 0; i < task.scene.bodies.length; i++) state[i * BODY_STATE_SIZE + 7] = 0.1 * i;
    const before = state.slice();
    pushRobot(state, task.scene, 0.5, new Random(2));
    const dx = state[base * BODY_STATE_SIZE + 7]! - before[base * BODY_STATE_SIZE + 7]!;
    expect(Math.abs(state[base * BODY_STATE_SIZE + 7]!)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(state[base * BODY_STATE_SIZE + 8]!)).toBeLessThanOrEqual(0.5);
    task.scene.bodies.forEach((b, i) => {
      if (b.kind === 'dynamic') expect(state[i * BODY_STATE_SIZE + 7]! - before[i * BODY_STATE_SIZE + 7]!).toBeCloseTo(dx, 12);
      // Heights and vertical speeds are left alone.
      expect(state[i * BODY_STATE_SIZE + 2]).toBe(before[i * BODY_STATE_SIZE + 2]);
      expect(state[i * BODY_STATE_SIZE + 9]).toBe(before[i * BODY_STATE_SIZE + 9]);
    });

    // In the environments: identical to unpushed ones until the first push (after 3 steps), then apart.
    const layout = policyLayout(task);
    const pushed = new VecEnv(R, task, layout, 2, 1, 0, { randomization: { pushes: { intervalSeconds: 3 * task.timing.controlDt, maxVelocity: 1 } } });
    const plain = new VecEnv(R, task, layout, 2, 1);
    // Both environments' base velocity, x and y.
    const speed = (env: VecEnv) => (env as unknown as EnvInternals).envs.flatMap((e) => [e.state[base * BODY_STATE_SIZE + 7]!, e.state[base * BODY_STATE_SIZE + 8]!]);
    pushed.reset();
    plain.reset();
    const zero = new Float32Array(2 * layout.actionDim);
    for (let k = 0; k < 3; k++) {
      pushed.step(zero);
      plain.step(zero);
      expect(speed(pushed)).toEqual(speed(plain));
    }
    pushed.step(zero);
    plain.step(zero);
    const apart = speed(pushed).reduce((m, v, k) => Math.max(m, Math.abs(v - speed(plain)[k]!)), 0);
    expect(apart).toBeGreaterThan(0.05);
    pushed.dispose();
    plain.dispose();
  });

  it('is declared per task and rejects ranges a user could get wrong, naming the field', () => {
    expect(taskRandomization('go2-walk').friction).toEqual([0.5, 1.25]);
    for (const [id, r] of Object.entries(TASK_RANDOMIZATION)) expect(() => checkRandomization(r, id)).not.toThrow();
    expect(() => taskRandomization('so101-reach')).toThrow(/task 'so101-reach' declares no domain randomization; tasks that do: cartpole-swingup/);
    expect(() => checkRandomization({ friction: [1.2, 0.5] }, 'r')).toThrow('r.friction: expected [lo, hi] with lo ≤ hi, got [1.2,0.5]');
    expect(() => checkRandomization({ actionLatency: 2 }, 'r')).toThrow('r.actionLatency: a probability in [0, 1], got 2');
    expect(() => checkRandomization({ observationNoise: -1 }, 'r')).toThrow('r.observationNoise: expected ≥ 0, got -1');
    expect(() => checkRandomization({ pushes: { intervalSeconds: 0, maxVelocity: 1 } }, 'r')).toThrow('r.pushes: expected intervalSeconds > 0 and maxVelocity ≥ 0, got {"intervalSeconds":0,"maxVelocity":1}');
  });
});
