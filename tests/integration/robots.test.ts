/**
 * The shipped robots behave physically in Rapier: the SO-101 holds a pose under gravity with its own
 * servos, Go2 stands under PD control, and MPPI reaches targets with the SO-101. Go2 is drawn from its
 * Collada visuals.
 */
import { describe, expect, it } from 'vitest';
import { runEpisode } from '../../engine/run-episode.ts';
import { jointPosition } from '../../sim/kinematics.ts';
import { loadRapier } from '../../sim/rapier/load-rapier.ts';
import { PhysicsWorld } from '../../sim/rapier/physics-world.ts';
import { stateFromJointPositions } from '../../sim/robot/pose-state.ts';
import { ROBOT_FILES, robotScene } from '../../sim/tasks/robot-assets.ts';

describe('SO-101', () => {
  it('holds a pose under gravity within 1° for 10 s with its MJCF servos', async () => {
    const { scene } = robotScene(ROBOT_FILES.so101, { ground: true, timestep: 0.005 });
    const world = new PhysicsWorld(await loadRapier(), scene);
    const pose = [0.4, -0.8, 0.9, 0.7, 0.3, 0.2]; // arm reaching forward: gravity loads every joint
    world.setState(stateFromJointPositions(scene, pose));
    const targets = scene.actuators.map((a) => pose[a.joint]!);
    let worst = 0;
    for (let i = 0; i < 10 / scene.timestep; i++) {
      world.step(targets);
      if (i % 20 === 0) {
        const s = world.getState();
        for (const a of scene.actuators) worst = Math.max(worst, Math.abs(jointPosition(scene, s, a.joint) - pose[a.joint]!));
      }
    }
    world.dispose();
    expect((worst * 180) / Math.PI).toBeLessThan(1);
  });

  it('falls when its servos are not driven (the hold test can fail)', async () => {
    const { scene } = robotScene(ROBOT_FILES.so101, { noCollision: true, timestep: 0.005 });
    const world = new PhysicsWorld(await loadRapier(), { ...scene, actuators: [] });
    const pose = [0.4, -0.8, 0.9, 0.7, 0.3, 0.2];
    world.setState(stateFromJointPositions(scene, pose));
    // Joint damping (0.6 N·m·s/rad) and friction (0.052 N·m) slow the fall; 2 s is plenty.
    for (let i = 0; i < 400; i++) world.step();
    expect(Math.abs(jointPosition(scene, world.getState(), 1) - pose[1]!)).toBeGreaterThan(0.1);
    world.dispose();
  });

});

describe('Go2', () => {
  it('is drawn from its Collada visuals, a mesh per material, with its collision hulls undrawn', () => {
    const { scene, warnings } = robotScene(ROBOT_FILES.go2, { ground: true });
    expect(warnings).toEqual([]);
    const base = scene.bodies.find((b) => b.name === 'base')!;
    const visuals = base.geoms.filter((g) => g.visualOnly && g.shape.type === 'mesh');
    expect(visuals.length).toBeGreaterThan(1);
    expect(new Set(visuals.map((g) => g.color)).size).toBeGreaterThan(1);
    for (const g of base.geoms) if (!g.visualOnly) expect(g.collisionOnly).toBe(true);
    const robot = scene.bodies.filter((b) => b.name !== 'ground');
    for (const body of robot) expect(body.geoms.some((g) => g.visualOnly && g.shape.type === 'mesh')).toBe(true);
    // The renderer's budget (docs/physics.md, "Meshes"): triangles drawn per frame, shared meshes counted per use.
    const triangles = robot.flatMap((b) => b.geoms).reduce((n, g) => n + (g.shape.type === 'mesh' && !g.collisionOnly ? scene.meshes![g.shape.mesh]!.indices.length / 3 : 0), 0);
    expect(triangles).toBeLessThan(150_000);
  });

  it('keeps its base height within 2 cm for 10 s standing under PD control', async () => {
    const result = await runEpisode({ taskId: 'go2-stand', controllerId: 'hold', seed: 0, seconds: 10 });
    expect(result.metrics.heightDrift).toBeLessThan(0.02);
    expect(result.metrics.finalHeight).toBeGreaterThan(0.25);
    expect(result.success).toBe(true);
  });

  it('does not track a walking command by standing still (go2-walk can fail)', async () => {
    const result = await runEpisode({ taskId: 'go2-walk', controllerId: 'hold', seed: 0, seconds: 3, taskParams: { vx: 0.5 } });
    expect(result.success).toBe(false);
    expect(result.metrics.trackingError).toBeGreaterThan(0.4);
  });

  it('sinks with servos too weak to carry it (the stand test can fail)', async () => {
    const result = await runEpisode({ taskId: 'go2-stand', controllerId: 'hold', seed: 0, seconds: 3, taskParams: { kp: 5, kv: 0.2 } });
    expect(result.success).toBe(false);
  });
});
