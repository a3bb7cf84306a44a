import { afterEach, describe, expect, it } from 'vitest';
import { jointPosition } from '../kinematics.ts';
import { defaults } from '../params.ts';
import { loadRapier } from '../rapier/load-rapier.ts';
import { PhysicsWorld } from '../rapier/physics-world.ts';
import { Random } from '../random.ts';
import type { TaskInstance } from '../task.ts';
import { findTask } from '../tasks/index.ts';
import { robotQuantities } from './robot-quantities.ts';
import { SimRobot } from './sim-robot.ts';

const robots: SimRobot[] = [];
afterEach(async () => {
  await Promise.all(robots.splice(0).map((r) => r.disconnect()));
});

function task(id: string): TaskInstance {
  const def = findTask(id);
  return def.build(defaults(def.params));
}

async function robotFor(t: TaskInstance, seed = 0): Promise<SimRobot> {
  const robot = new SimRobot(await loadRapier(), t.scene);
  robots.push(robot);
  await robot.connect();
  robot.resetTo(t.reset(new Random(seed)));
  return robot;
}

describe('SimRobot', () => {
  it("declares the scene's movable joints and actuators as its capabilities", async () => {
    const robot = await robotFor(task('cartpole-swingup'));
    const caps = robot.capabilities;
    expect(caps.joints).toEqual(['slider', 'hinge']);
    expect(caps.actuators).toEqual([{ name: 'force', joint: 'slider', kind: 'torque', min: -1, max: 1, gear: robot.scene.actuators[0]!.gear }]);
    expect(caps.floatingBase).toBe(false);
    expect(caps.simulated).toBe(true);
  });

  it('steps exactly like the physics world it wraps, holding the last command', async () => {
    const t = task('cartpole-swingup');
    const robot = await robotFor(t, 4);
    const world = new PhysicsWorld(await loadRapier(), t.scene);
    world.setState(t.reset(new Random(4)));
    const substeps = Math.round(t.timing.controlDt / t.scene.timestep);
    for (let k = 0; k < 20; k++) {
      const u = Math.sin(k / 3);
      if (k % 2 === 0) await robot.send({ action: Float64Array.of(u) }); // odd ticks: the robot holds the last command
      for (let s = 0; s < substeps; s++) world.step([k % 2 === 0 ? u : Math.sin((k - 1) / 3)]);
      robot.advance(t.timing.controlDt);
    }
    expect(robot.simState()).toEqual(world.getState());
    expect(robot.time).toBeCloseTo(20 * t.timing.controlDt, 12);
    world.dispose();
  });

  it('reads joint positions and velocities from the simulated state', async () => {
    const t = task('cartpole-swingup');
    const robot = await robotFor(t, 1);
    await robot.send({ action: Float64Array.of(1) });
    robot.advance(0.2);
    const reading = await robot.read();
    const state = robot.simState();
    expect(reading.time).toBeCloseTo(0.2, 12);
    expect(reading.position[0]).toBeCloseTo(jointPosition(t.scene, state, 0), 12);
    expect(reading.position[1]).toBeCloseTo(jointPosition(t.scene, state, 1), 12);
    expect(reading.velocity[0]).toBeGreaterThan(0.1); // pushed along +x
    expect(reading.base).toBeUndefined();
    expect(robotQuantities(reading, robot.capabilities.joints).jointPos.slider).toBe(reading.position[0]);
  });

  it('clamps commands to the actuator ranges and counts every clamped entry', async () => {
    const robot = await robotFor(task('cartpole-swingup'));
    const sent = await robot.send({ action: Float64Array.of(7) });
    expect(Array.from(sent.action)).toEqual([1]);
    expect(sent.clamped).toBe(1);
    expect((await robot.send({ action: Float64Array.of(-0.5) })).clamped).toBe(0);
    await robot.send({ action: Float64Array.of(-3) });
    expect(robot.clamps).toBe(2);
    await expect(robot.send({ action: Float64Array.of(1, 2) })).rejects.toThrow("robot 'cartpole': a command needs 1 values (one per actuator), got 2");
  });

  it('never passes a non-finite command: position servos hold where the joints are', async () => {
    const t = task('so101-reach');
    const robot = await robotFor(t);
    const state = robot.simState();
    const sent = await robot.send({ action: new Float64Array(t.actionDim).fill(NaN) });
    expect(sent.overridden).toMatch(/^non-finite command for actuator '/);
    t.scene.actuators.forEach((a, i) => expect(sent.action[i]).toBeCloseTo(jointPosition(t.scene, state, a.joint), 12));
  });

  it('holds still after an emergency stop, whatever is sent, until reset', async () => {
    const t = task('so101-reach');
    const [stopped, twin] = [await robotFor(t), await robotFor(t)];
    const start = stopped.readNow().position;
    const target = (offset: number) => Float64Array.from(t.scene.actuators, (a) => start[stopped.capabilities.joints.indexOf(t.scene.joints[a.joint]!.name)]! + offset);
    const [high, low] = [target(0.4), target(-0.4)];
    for (const robot of [stopped, twin]) {
      await robot.send({ action: high });
      robot.advance(0.3);
    }
    await stopped.emergencyStop('test');
    const stopPose = (await stopped.read()).position.slice();
    expect((await stopped.send({ action: low })).overridden).toBe('emergency stop: test');
    await twin.send({ action: low });
    stopped.advance(0.5);
    twin.advance(0.5);
    const moved = (robot: SimRobot) => robot.readNow().position.reduce((m, q, i) => Math.max(m, Math.abs(q - stopPose[i]!)), 0);
    // The twin follows the new command across the range; the stopped arm stays near its stop pose.
    expect(moved(twin)).toBeGreaterThan(0.5);
    expect(moved(stopped)).toBeLessThan(0.2 * moved(twin));
    stopped.resetTo(t.reset(new Random(0)));
    expect(stopped.emergencyStopped).toBeUndefined();
    expect((await stopped.send({ action: low })).overridden).toBeUndefined();
  });

  it('reports the floating base as an IMU would: upright at rest, gravity straight down in the base frame', async () => {
    const robot = await robotFor(task('go2-stand'));
    expect(robot.capabilities.floatingBase).toBe(true);
    expect(robot.capabilities.joints).toHaveLength(12);
    const { base } = await robot.read();
    expect(base!.orientation![0]).toBeCloseTo(1, 6); // (w, x, y, z)
    expect(base!.projectedGravity[2]).toBeCloseTo(-1, 6);
    const q = robotQuantities(await robot.read(), robot.capabilities.joints);
    expect(q.projectedGravity).toEqual(base!.projectedGravity);
    expect(Object.keys(q.jointPos)).toEqual(robot.capabilities.joints);
  });

  it('can be disconnected twice and not reconnected', async () => {
    const robot = await robotFor(task('cartpole-swingup'));
    await robot.disconnect();
    await robot.disconnect();
    await expect(robot.connect()).rejects.toThrow("simulated robot 'cartpole' was disconnected");
  });
});
