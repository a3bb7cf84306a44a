/**
 * go2-walk: Unitree Go2 velocity tracking on flat ground, set up as legged_gym / Isaac Lab's flat-terrain
 * tasks: the command (vx, vy, yaw rate) is a task parameter (a studio slider), actions are joint targets
 * around the default pose (scale 0.25) for PD servos (kp 25, kd 0.5), the observation is the 48-dim
 * legged_gym vector, rewards are cost terms, and a fall ends the episode.
 */
import { baseFrame, jointPosition, jointVelocity } from '../kinematics.ts';
import type { ParamSpec, ParamValues } from '../params.ts';
import { stateFromJointPositions } from '../robot/pose-state.ts';
import type { TaskDefinition, TaskInstance } from '../task.ts';
import { go2DefaultPose, go2Servos, GO2_SERVO } from './go2-stand.ts';
import { ROBOT_FILES, robotScene } from './robot-assets.ts';
import { velocityTracking } from './velocity-tracking.ts';
import { projectPath } from '../project-paths.ts';

/** The PPO policy trained on this task (models/go2-walk-ppo). */
export const GO2_WALK_POLICY_CARD = projectPath('models/go2-walk-ppo/policy.card.json');

/** legged_gym's action scale: joint target = default + 0.25 · action. */
export const ACTION_SCALE = 0.25;
/** legged_gym's observation scales. */
const OBS_SCALE = { linVel: 2, angVel: 0.25, jointVel: 0.05 };

/** The velocity command sliders every velocity-tracking task offers. */
export const COMMAND_PARAMS: ParamSpec[] = [
  { kind: 'number', key: 'vx', label: 'Command vx', default: 0.5, min: -1, max: 1, step: 0.05, unit: 'm/s', live: true },
  { kind: 'number', key: 'vy', label: 'Command vy', default: 0, min: -1, max: 1, step: 0.05, unit: 'm/s', live: true },
  { kind: 'number', key: 'yawRate', label: 'Command yaw rate', default: 0, min: -1, max: 1, step: 0.05, unit: 'rad/s', live: true },
];

export const go2Walk: TaskDefinition = {
  id: 'go2-walk',
  title: 'Go2 walk',
  description: 'Unitree Go2 tracks a velocity command (vx, vy, yaw rate) on flat ground; RL-ready observations and rewards.',
  // The PPO policy trained here on this task (models/go2-walk-ppo/README.md); it learned vx = 0.5 m/s only.
  defaultController: 'onnx-policy',
  params: [...COMMAND_PARAMS],
  build(p: ParamValues): TaskInstance {
    const gains = { kp: GO2_SERVO.kp, kv: GO2_SERVO.kv };
    const robot = robotScene(ROBOT_FILES.go2, { ground: true, timestep: 0.002, basePosition: [0, 0, 0.34] }, (m) => go2Servos(m, gains), JSON.stringify(gains));
    const scene = robot.scene;
    const base = 0;
    const pose = Float64Array.from(scene.actuators, (a) => go2DefaultPose(scene.joints[a.joint]!.name));
    const frame = baseFrame(base);
    const n = pose.length;
    const tracking = velocityTracking({ scene, base, params: p, pose: Array.from(pose), height: 0.3, fallHeight: 0.15 });
    const command = tracking.command;
    return {
      scene,
      timing: { controlDt: 0.02, episodeSeconds: 20 },
      policyCard: GO2_WALK_POLICY_CARD,
      actionDim: n,
      ...tracking,
      reset(random) {
        return stateFromJointPositions(scene, scene.joints.map((j) => go2DefaultPose(j.name) + random.range(-0.05, 0.05)));
      },
      holdAction: () => pose.slice(),
      observe(s, lastAction = new Float64Array(n)) {
        const obs = new Float64Array(48);
        obs.set(frame.velocity(s).map((x) => x * OBS_SCALE.linVel), 0);
        obs.set(frame.rate(s).map((x) => x * OBS_SCALE.angVel), 3);
        obs.set(frame.gravity(s), 6);
        obs.set([command[0]! * OBS_SCALE.linVel, command[1]! * OBS_SCALE.linVel, command[2]! * OBS_SCALE.angVel], 9);
        for (let i = 0; i < n; i++) {
          const j = scene.actuators[i]!.joint;
          obs[12 + i] = jointPosition(scene, s, j) - pose[i]!;
          obs[24 + i] = jointVelocity(scene, s, j) * OBS_SCALE.jointVel;
          // Last action in policy units (targets relative to the default pose over the scale).
          obs[36 + i] = ((lastAction[i] ?? pose[i]!) - pose[i]!) / ACTION_SCALE;
        }
        return obs;
      },
    };
  },
};
