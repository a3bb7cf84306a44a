/**
 * `actuate sim2sim` and `run --engine mujoco` on robots shipped in the repository: the same controller in
 * Rapier and in MuJoCo (npm `mujoco-js`, the official WebAssembly build) from the same start. A Go2
 * standing under `hold` stands in both and they stay together; the same Go2 dropped from 1 m with `zero`
 * falls in both; Barkour's MJCF stands in both; the Go2-W policy drives in both.
 * Each run goes through the CLI's own main in this process (cli/run-actuate.ts).
 */
import { describe, expect, it } from 'vitest';
import { actuate } from '../../cli/run-actuate.ts';
import type { Sim2simResult } from '../../engine/sim2sim.ts';
import { projectPath } from '../../sim/project-paths.ts';

const GO2 = projectPath('assets/robots/go2/example-robot-data/robots/go2_description/urdf/go2.urdf');
const BARKOUR = projectPath('assets/robots/barkour_vb/scene.xml');

async function sim2sim(...args: string[]): Promise<Sim2simResult> {
  const r = await actuate('sim2sim', ...args, '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Sim2simResult;
}

describe('actuate sim2sim: one controller, two engines', () => {
  it('a Go2 standing under hold stands in Rapier and in MuJoCo, and the two stay within centimetres', async () => {
    const r = await sim2sim('--robot', GO2, '--controller', 'hold', '--seconds', '2');
    for (const run of Object.values(r.runs)) {
      expect(run.metrics).toMatchObject({ fell: 0, blewUp: 0 });
      expect(run.metrics.minHeight).toBeGreaterThan(0.2);
      expect(run.success).toBe(true);
    }
    expect(r.seconds).toBeCloseTo(2, 6);
    // Same start: nothing apart before the first step but Rapier's 32-bit rounding.
    const start = r.divergence.samples[0]!;
    expect(start.t).toBe(0);
    expect(Math.max(start.basePosition, start.heading, start.jointRms)).toBeLessThan(1e-6);
    expect(r.divergence.samples.length).toBe(21);
    expect(r.divergence.max.basePosition).toBeLessThan(0.05);
    expect(r.divergence.max.heading).toBeLessThan(0.02);
    expect(r.divergence.max.jointRms).toBeLessThan(0.1);
  });

  it('a Go2 dropped from 1 m with zero falls in both engines, and both runs fail', async () => {
    const r = await sim2sim('--robot', GO2, '--controller', 'zero', '--seconds', '3', '--set', 'task.height=1');
    for (const run of Object.values(r.runs)) {
      expect(run.metrics.maxHeight).toBeGreaterThan(0.95);
      expect(run.metrics.fell).toBe(1);
      expect(run.success).toBe(false);
    }
    // Both fell within a tenth of a second of each other.
    expect(Math.abs(r.runs.rapier.metrics.fellAt! - r.runs.mujoco.metrics.fellAt!)).toBeLessThan(0.1);
  });

  it("Barkour's MJCF stands from its home keyframe in both engines", async () => {
    const r = await sim2sim('--robot', BARKOUR, '--controller', 'hold', '--seconds', '1');
    for (const run of Object.values(r.runs)) {
      expect(run.metrics.fell).toBe(0);
      expect(run.metrics.maxHeight).toBeGreaterThan(0.27);
    }
    expect(r.divergence.max.basePosition).toBeLessThan(0.03);
  });
});

describe('actuate run --engine', () => {
  it('drives the Go2-W with its ONNX policy in MuJoCo, at the commanded speed', async () => {
    const r = await actuate('run', '--task', 'go2w-walk', '--engine', 'mujoco', '--seconds', '3', '--set', 'task.vx=0.5', '--json');
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { engine: string; success: boolean; metrics: Record<string, number> };
    expect(result.engine).toBe('mujoco');
    expect(result.metrics.fell).toBe(0);
    expect(result.metrics.trackingError).toBeLessThan(0.1);
    expect(result.success).toBe(true);
  });

  it('refuses an unknown engine with a usage error naming it', async () => {
    const r = await actuate('run', '--task', 'cartpole-swingup', '--engine', 'bullet', '--seconds', '0.1');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--engine must be rapier or mujoco, got 'bullet'/);
  });
});
