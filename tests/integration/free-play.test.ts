/**
 * `actuate run --robot` tells the truth about what the robot did (sim/tasks/free-play.ts): a Go2
 * standing under `hold` does not fall, the same Go2 dropped from 1 m with no torque does, Barkour
 * starts from its MJCF keyframe at its file's time step, and `--package` finds a URDF's meshes.
 * Each run goes through the CLI's own main in this process (cli/run-actuate.ts).
 */
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { actuate } from '../../cli/run-actuate.ts';
import { projectPath } from '../../sim/project-paths.ts';

const GO2 = projectPath('assets/robots/go2/example-robot-data/robots/go2_description/urdf/go2.urdf');
const BARKOUR = projectPath('assets/robots/barkour_vb/scene.xml');

async function run(...args: string[]) {
  const r = await actuate('run', ...args, '--json');
  expect(r.code, r.stderr).toBe(0);
  return { ...(JSON.parse(r.stdout) as { success: boolean; metrics: Record<string, number> }), stderr: r.stderr };
}

describe('actuate run --robot: free play that reports what happened', () => {
  it('a Go2 standing under hold does not fall', async () => {
    const r = await run('--robot', GO2, '--controller', 'hold', '--seconds', '3');
    expect(r.metrics).toMatchObject({ fell: 0, blewUp: 0, limitViolations: 0 });
    // Set down on its feet (not buried at z = 0): the base stays 0.2–0.25 m up, level, in place.
    expect(r.metrics.minHeight).toBeGreaterThan(0.2);
    expect(r.metrics.maxHeight).toBeLessThan(0.25);
    expect(r.metrics.maxTilt).toBeLessThan(0.05);
    expect(Math.hypot(r.metrics.dx!, r.metrics.dy!)).toBeLessThan(0.1);
    expect(r.success).toBe(true);
  });

  it('a Go2 dropped from 1 m with no torque falls, and the run fails', async () => {
    const r = await run('--robot', GO2, '--controller', 'zero', '--seconds', '3', '--set', 'task.height=1');
    expect(r.metrics.maxHeight).toBeGreaterThan(0.95);
    expect(r.metrics.fell).toBe(1);
    expect(r.metrics.minHeight).toBeLessThan(r.metrics.fallHeight!);
    expect(r.success).toBe(false);
  });

  it('Barkour starts from its home keyframe (0.28 m) at its 1 ms time step and stands', async () => {
    const r = await run('--robot', BARKOUR, '--controller', 'hold', '--seconds', '2');
    expect(r.metrics.maxHeight).toBeGreaterThan(0.27);
    expect(r.metrics.maxHeight).toBeLessThan(0.29);
    expect(r.metrics.fallHeight).toBeCloseTo(0.14, 6);
    expect(r.success).toBe(true);
    const unknown = await actuate('run', '--robot', BARKOUR, '--keyframe', 'crouch', '--seconds', '0.1');
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/'crouch' is not a keyframe of .*'home'/);
  });

  it('--package name=dir finds the meshes of a URDF copied away from its package', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'actuate-free-play-'));
    const copy = join(dir, 'go2.urdf');
    copyFileSync(GO2, copy);
    const lost = await run('--robot', copy, '--controller', 'hold', '--seconds', '0.1');
    expect(lost.stderr).toMatch(/warning: link 'base': mesh 'package:\/\/example-robot-data\/.*not found/);
    const found = await run('--robot', copy, '--controller', 'hold', '--seconds', '0.1', '--package', `example-robot-data=${projectPath('assets/robots/go2/example-robot-data')}`);
    expect(found.stderr).not.toMatch(/not found/);
    const bad = await actuate('run', '--robot', copy, '--package', 'nodir');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--package expects name=dir/);
  });
});
