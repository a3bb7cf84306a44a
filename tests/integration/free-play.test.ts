/**
 * `actuate run --robot` tells the truth about what the robot did (sim/tasks/free-play.ts): a Go2
 * standing under `hold` does not fall, the same Go2 dropped from 1 m with no torque does, Barkour
 * starts from its MJCF keyframe at its file's time step, `--package` finds a URDF's meshes, and an
 * onnx-policy run builds the robot as the policy's card says.
 * Each run goes through the CLI's own main in this process (cli/run-actuate.ts).
 */
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { actuate } from '../../cli/run-actuate.ts';
import { mlpModel } from '../../models/onnx-builder.ts';
import { projectPath } from '../../sim/project-paths.ts';
import { go2DefaultPose } from '../../sim/tasks/go2-stand.ts';

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

/**
 * A real ONNX policy for the Go2 that always outputs zero, so its action is the card's default pose (the
 * Isaac Lab stance): what the robot does then depends only on the start pose, gains and rates the card
 * sets — which these tests check free play takes from it.
 */
function stillPolicyCard(dir: string): string {
  const joints = ['FR', 'FL', 'RR', 'RL'].flatMap((leg) => ['hip', 'thigh', 'calf'].map((part) => `${leg}_${part}_joint`));
  writeFileSync(join(dir, 'still.onnx'), mlpModel([{ inSize: 42, outSize: 12, weight: new Float32Array(42 * 12), bias: new Float32Array(12), activation: 'none' }]));
  const card = {
    schemaVersion: 1,
    name: 'go2-still',
    kind: 'policy',
    model: 'still.onnx',
    inputs: [{ name: 'obs', shape: [1, 42], dtype: 'float32' }],
    outputs: [{ name: 'actions', shape: [1, 12], dtype: 'float32' }],
    policy: {
      joints,
      defaultPose: joints.map(go2DefaultPose),
      observation: { terms: [{ name: 'projected_gravity', size: 3 }, { name: 'velocity_command', size: 3 }, { name: 'joint_pos_rel', size: 12 }, { name: 'joint_vel', size: 12 }, { name: 'last_action', size: 12 }] },
      action: { type: 'position', scale: 0.25, offset: 'defaultPose' },
      pd: { stiffness: joints.map(() => 25), damping: joints.map(() => 0.5), torqueLimit: joints.map(() => 23.5), armature: joints.map(() => 0.01) },
      rates: { controlHz: 50, physicsHz: 200 },
    },
    provenance: { source: 'written by this test', license: 'MIT' },
  };
  const file = join(dir, 'still.card.json');
  writeFileSync(file, JSON.stringify(card));
  return file;
}

describe('actuate run --robot --controller onnx-policy: the robot as the card says', () => {
  const card = stillPolicyCard(mkdtempSync(join(tmpdir(), 'actuate-card-')));

  it('starts in the card pose with the card gains and reports the command tracking error', async () => {
    const r = await run('--robot', GO2, '--controller', 'onnx-policy', '--set', `controller.card=${card}`, '--set', 'task.vx=0.3', '--seconds', '3');
    // The Isaac Lab stance stands higher (≈ 0.27 m) than free play's mid-range pose under hold (≈ 0.23 m).
    expect(r.metrics.minHeight).toBeGreaterThan(0.25);
    expect(r.metrics).toMatchObject({ fell: 0, blewUp: 0 });
    // Standing still against a 0.3 m/s command: the tracking error is the command.
    expect(r.metrics.trackingError).toBeGreaterThan(0.25);
    expect(r.metrics.trackingError).toBeLessThan(0.35);
    expect(r.stderr).not.toMatch(/servo kp|torque limit|trained at/);
    expect(r.success).toBe(true);
  });

  it('keeps the robot file’s gains with task.cardGains=report, and says how they differ', async () => {
    const r = await run('--robot', GO2, '--controller', 'onnx-policy', '--set', `controller.card=${card}`, '--set', 'task.cardGains=report', '--seconds', '0.2');
    expect(r.stderr).toMatch(/warning: FR_hip_joint: servo kp 118\.5, card 25/);
    expect(r.stderr).toMatch(/warning: FR_hip_joint: torque limit 23\.7, card 23\.5/);
  });
});
