/**
 * go2w-walk: the Unitree Go2-W (wheel-legged) tracks a velocity command on flat ground, set up as
 * robot_lab trains it and rl_sar runs it: legs are position servos around the default pose, wheels
 * velocity servos, the policy acts at 50 Hz. Rewards, termination and the tracking metric are those of
 * go2-walk; the shipped robot_lab policy (controller `onnx-policy`) drives it.
 */
import { baseFrame, jointPosition, jointVelocity } from '../kinematics.ts';
import { withDefaults, type ParamValues } from '../params.ts';
import { stateFromJointPositions } from '../robot/pose-state.ts';
import type { TaskDefinition, TaskInstance } from '../task.ts';
import { COMMAND_PARAMS } from './go2-walk.ts';
import { GO2W_GAINS, toGo2W } from './go2w-model.ts';
import { ROBOT_FILES, robotScene } from './robot-assets.ts';
import { velocityTracking } from './velocity-tracking.ts';

/** rl_sar's default pose for the robot_lab Go2-W policy (config.yaml), by joint kind and leg. */
export function go2wDefaultPose(joint: string): number | undefined {
  if (joint.includes('foot')) return undefined;
  if (joint.includes('hip')) return 0;
  if (joint.includes('thigh')) return joint.startsWith('F') ? 0.5 : 0.8;
  return -1.5;
}

const START_HEIGHT = 0.42;

export const go2wWalk: TaskDefinition = {
  id: 'go2w-walk',
  title: 'Go2-W drive',
  description: 'Unitree Go2-W (wheel-legged) tracks a velocity command (vx, vy, yaw rate) on flat ground; legs position-servoed, wheels velocity-servoed.',
  // The shipped robot_lab policy (onnx-policy's default card).
  defaultController: 'onnx-policy',
  params: withDefaults(COMMAND_PARAMS, { vx: 0 }),
  build(p: ParamValues): TaskInstance {
    const robot = robotScene(ROBOT_FILES.go2, { ground: true, timestep: 0.002, basePosition: [0, 0, START_HEIGHT] }, (m) => toGo2W(m), `go2w:${JSON.stringify(GO2W_GAINS)}`);
    const scene = robot.scene;
    const base = 0;
    const pose = scene.actuators.map((a) => go2wDefaultPose(scene.joints[a.joint]!.name));
    const hold = Float64Array.from(pose, (q) => q ?? 0);
    const frame = baseFrame(base);
    const joints = scene.actuators.map((a) => a.joint);
    const tracking = velocityTracking({ scene, base, params: p, pose, height: 0.4, fallHeight: 0.22 });
    const command = tracking.command;
    return {
      scene,
      timing: { controlDt: 0.02, episodeSeconds: 20 },
      actionDim: scene.actuators.length,
      ...tracking,
      reset(random) {
        return stateFromJointPositions(scene, scene.joints.map((j) => (go2wDefaultPose(j.name) ?? 0) + random.range(-0.02, 0.02)));
      },
      holdAction: () => hold.slice(),
      plannerDefaults: { modelStep: 'physics', horizon: 0.4, knots: 3, noise: 0.05, samples: 16 },
      observe(s) {
        return Float64Array.of(
          ...frame.rate(s),
          ...frame.gravity(s),
          ...command,
          ...joints.map((j, i) => (pose[i] === undefined ? 0 : jointPosition(scene, s, j) - pose[i]!)),
          ...joints.map((j) => jointVelocity(scene, s, j)),
        );
      },
    };
  },
};
