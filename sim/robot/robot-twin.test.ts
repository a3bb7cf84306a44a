import { afterEach, describe, expect, it } from 'vitest';
import { defaults } from '../params.ts';
import { loadRapier } from '../rapier/load-rapier.ts';
import { Random } from '../random.ts';
import { findTask } from '../tasks/index.ts';
import { floatingBase } from '../scene.ts';
import { RobotTwin } from './robot-twin.ts';
import { SimRobot } from './sim-robot.ts';

const robots: SimRobot[] = [];
afterEach(async () => {
  await Promise.all(robots.splice(0).map((r) => r.disconnect()));
});

/** A simulated robot moved for `seconds` under `action`, as a stand-in for a real one. */
async function moved(taskId: string, seconds: number, action?: (robot: SimRobot) => Float64Array): Promise<SimRobot> {
  const def = findTask(taskId);
  const task = def.build(defaults(def.params));
  const robot = new SimRobot(await loadRapier(), task.scene);
  robots.push(robot);
  robot.resetTo(task.reset(new Random(2)));
  robot.sendNow({ action: action?.(robot) ?? task.holdAction?.(robot.simState()) ?? new Float64Array(task.actionDim) });
  robot.advance(seconds);
  return robot;
}

/** Largest difference between two scene states in poses (per body, 7 floats) and in velocities (6). */
function differences(a: Float64Array, b: Float64Array): { pose: number; velocity: number } {
  let pose = 0;
  let velocity = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (i % 13 < 7) pose = Math.max(pose, d);
    else velocity = Math.max(velocity, d);
  }
  return { pose, velocity };
}

describe('RobotTwin', () => {
  it("rebuilds the cart-pole's state, velocities included, from joint readings alone", async () => {
    const robot = await moved('cartpole-swingup', 0.4, () => Float64Array.of(0.8));
    const twin = new RobotTwin(robot.scene, robot.capabilities.joints);
    const reading = robot.readNow();
    expect(Math.abs(reading.velocity[1]!)).toBeGreaterThan(0.5); // the pole swings
    const d = differences(twin.stateOf(reading), robot.simState());
    expect(d.pose).toBeLessThan(1e-3);
    expect(d.velocity).toBeLessThan(1e-2);
  });

  it('places a legged robot by its base estimate and joint readings', async () => {
    const robot = await moved('go2-stand', 0.3);
    const twin = new RobotTwin(robot.scene, [...robot.capabilities.joints].reverse()); // any joint order
    const reading = robot.readNow();
    reading.position.reverse();
    reading.velocity.reverse();
    const [rebuilt, truth] = [twin.stateOf(reading), robot.simState()];
    const d = differences(rebuilt, truth);
    expect(d.pose).toBeLessThan(5e-3);
    // The base from its estimate; the legs from joint rates, which do not show the velocity errors that
    // the simulator's maximal-coordinate joints carry in contact (a few tenths of m/s down the leg).
    const base = floatingBase(robot.scene)!;
    expect(base).toBeGreaterThanOrEqual(0);
    expect(differences(rebuilt.subarray(base * 13, base * 13 + 13), truth.subarray(base * 13, base * 13 + 13)).velocity).toBeLessThan(1e-2);
    expect(d.velocity).toBeLessThan(0.3);
  });

  it('names the joints a robot does not report', async () => {
    const robot = await moved('cartpole-swingup', 0.02);
    expect(() => new RobotTwin(robot.scene, ['slider'])).toThrow("the robot reports no position for joint 'hinge' of 'cartpole'");
  });
});
