/**
 * Free play with any robot file: the robot on the ground (or on its fixed base) with position servos
 * on every joint, so the studio's joint sliders (the `jog` controller) can pose it. The task id is
 * `robot:<absolute path>`, so worker threads can rebuild the same task from the id alone.
 */
import { resolve } from 'node:path';
import { bodyPosition, jointPosition, jointVelocity } from '../kinematics.ts';
import { stateFromJointPositions } from '../robot/pose-state.ts';
import type { RobotModel } from '../robot/robot-model.ts';
import type { TaskDefinition, TaskInstance, TaskMonitor } from '../task.ts';
import { robotToScene, type RobotScene, type RobotSceneOptions } from '../robot/robot-scene.ts';
import { robotScene } from './robot-assets.ts';

export const ROBOT_TASK_PREFIX = 'robot:';

/** Joint error at which a converted servo reaches the joint's effort limit. */
const SERVO_SPAN = 0.2;

/** Every actuator becomes a position servo: URDF effort motors get kp = effort / 0.2 rad, kv = kp / 20. */
function servosEverywhere(model: RobotModel): void {
  for (const a of model.actuators) {
    if (a.kind === 'position') continue;
    const effort = model.joints.find((j) => j.name === a.joint)?.limits?.effort ?? a.forceRange?.[1] ?? 10;
    const kp = effort / SERVO_SPAN;
    Object.assign(a, { kind: 'position', kp, kv: kp / 20, gear: 1, forceRange: [-effort, effort] });
    delete a.ctrlRange;
  }
}

/** How free play stands a robot: on the ground, `height` above it when it floats. */
export function freePlaySceneOptions(height: number): RobotSceneOptions {
  return { ground: true, timestep: 0.002, basePosition: [0, 0, height] };
}

/** The free-play scene of an imported robot (servos on every joint), uncached: for a loader thread. */
export function freePlayScene(model: RobotModel, height = 0): RobotScene {
  const adjusted = structuredClone(model);
  servosEverywhere(adjusted);
  return robotToScene(adjusted, freePlaySceneOptions(height));
}

export const FREE_PLAY_VARIANT = 'servos';

export function freePlayTask(file: string): TaskDefinition {
  const path = resolve(file);
  return {
    id: `${ROBOT_TASK_PREFIX}${path}`,
    title: `Free play: ${path.split(/[/\\]/).pop()}`,
    description: 'The robot with position servos on every joint; pose it with the joint sliders.',
    // Its joint sliders are the jog controller's.
    defaultController: 'jog',
    params: [{ kind: 'number', key: 'height', label: 'Base height', default: 0, min: 0, max: 2, step: 0.01, unit: 'm', help: 'where a floating robot starts' }],
    build(p): TaskInstance {
      const height = p.height as number;
      const robot = robotScene(path, freePlaySceneOptions(height), servosEverywhere, FREE_PLAY_VARIANT);
      const scene = robot.scene;
      const home = scene.joints.map((j) => (j.limits && (j.limits[0] > 0 || j.limits[1] < 0) ? (j.limits[0] + j.limits[1]) / 2 : 0));
      return {
        scene,
        timing: { controlDt: 0.02, episodeSeconds: 10 },
        actionDim: scene.actuators.length,
        costTerms: [{ name: 'joint velocity', dim: scene.joints.length, norm: { kind: 'quadratic' }, weight: 0.01, range: [0, 1] }],
        reset: () => stateFromJointPositions(scene, home),
        residual(s, _a, out) {
          for (let j = 0; j < scene.joints.length; j++) out[j] = jointVelocity(scene, s, j);
        },
        holdAction: () => Float64Array.from(scene.actuators, (a) => home[a.joint]!),
        observe: (s) => Float64Array.from(scene.joints, (_, j) => jointPosition(scene, s, j)),
        readouts: scene.actuators.slice(0, 6).map((a) => ({ name: a.name, unit: 'rad', read: (s: Float64Array) => jointPosition(scene, s, a.joint) })),
        tracePoint: (s) => bodyPosition(s, 0),
        monitor(): TaskMonitor {
          return { record() {}, result: () => ({ success: true, metrics: {} }) };
        },
      };
    },
  };
}
