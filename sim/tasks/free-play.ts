/**
 * Free play with any robot file: the robot on the ground (or on its fixed base) with position servos
 * on every joint, so the studio's joint sliders (the `jog` controller) can pose it. The task id is
 * `robot:<absolute path>`, so worker threads can rebuild the same task from the id alone.
 *
 * It starts where the file says: an MJCF keyframe (`home` if there is one, else the first; or the one
 * named by the `keyframe` parameter), else mid-range joint angles with a floating base set down on the
 * ground or terrain under it (ground-placement.ts). It steps at the file's own `<option timestep>` when there
 * is one. Given a policy's model card (`card`), it starts in the card's default pose, steps at the
 * card's rates and drives the joints with the card's gains, limits and armature. Its monitor reports what happened (free-play-monitor.ts): a fall or a blow-up fails the run.
 */
import { resolve } from 'node:path';
import { parsePackageList } from '../importers/resolve-path.ts';
import { bodyPosition, jointPosition, jointVelocity } from '../kinematics.ts';
import { ParamError, type ParamSpec, type ParamValues } from '../params.ts';
import { applyDriveSetup, readDriveSetup, type DriveSetup } from '../robot/drive-setup.ts';
import { restingLift } from '../robot/ground-placement.ts';
import { stateFromJointPositions } from '../robot/pose-state.ts';
import type { RobotModel } from '../robot/robot-model.ts';
import { floatingBase, type Pose, type SceneDescription } from '../scene.ts';
import type { TaskDefinition, TaskInstance, TaskMonitor } from '../task.ts';
import { freePlayMonitor } from './free-play-monitor.ts';
import { robotToScene, type RobotScene, type RobotSceneOptions } from '../robot/robot-scene.ts';
import { robotScene } from './robot-assets.ts';

export const ROBOT_TASK_PREFIX = 'robot:';

/** Joint error at which a converted servo reaches the joint's effort limit. */
const SERVO_SPAN = 0.2;
/** Physics step when the file states none: 5 ms makes legged robots' foot contacts chatter (docs/physics.md). */
const DEFAULT_TIMESTEP = 0.002;
/** Gap left under the lowest collision shape when a robot is set down, so it starts out of contact. */
const GROUND_CLEARANCE = 0.001;
/** Below this fraction of its standing height a floating base has fallen (unless fallHeight is given). */
const FALL_FRACTION = 0.5;

/** Every actuator becomes a position servo: URDF effort motors get kp = effort / 0.2 rad, kv = kp / 20. */
function servosEverywhere(model: RobotModel): void {
  for (const a of model.actuators) {
    if (a.kind === 'position') continue;
    const effort = model.joints.find((j) => j.name === a.joint)?.limits?.effort ?? a.forceRange?.[1] ?? 10;
    const kp = effort / SERVO_SPAN;
    Object.assign(a, { kind: 'position', kp, kv: kp / 20, gear: 1, forceRange: [-effort, effort] });
    delete a.ctrlRange;
    delete a.dampRatio;
  }
}

const PARAMS: ParamSpec[] = [
  { kind: 'number', key: 'height', label: 'Drop height', default: 0, min: 0, max: 5, step: 0.01, unit: 'm', help: 'a floating base starts this high; 0: where the keyframe puts it, or resting on the ground' },
  { kind: 'text', key: 'keyframe', label: 'Keyframe', default: '', placeholder: 'home, else the first', help: 'the MJCF <key> the robot starts from' },
  { kind: 'number', key: 'fallHeight', label: 'Fall height', default: 0, min: 0, max: 5, step: 0.01, unit: 'm', help: `a base below this has fallen; 0: ${FALL_FRACTION} × the standing height` },
  { kind: 'number', key: 'fallTilt', label: 'Fall tilt', default: 60, min: 1, max: 180, step: 1, unit: '°', help: 'a base tilted further has fallen' },
  { kind: 'number', key: 'vx', label: 'Command vx', default: 0, min: -2, max: 2, step: 0.05, unit: 'm/s', help: 'velocity command for policies (onnx-policy starts from it); tracking error is measured against it' },
  { kind: 'number', key: 'vy', label: 'Command vy', default: 0, min: -2, max: 2, step: 0.05, unit: 'm/s' },
  { kind: 'number', key: 'yawRate', label: 'Command yaw rate', default: 0, min: -2, max: 2, step: 0.05, unit: 'rad/s' },
  { kind: 'text', key: 'card', label: 'Policy card', default: '', placeholder: 'none', file: 'card', help: "a policy's model card: the robot starts in its default pose and steps at its rates" },
  { kind: 'choice', key: 'cardGains', label: 'Card gains', default: 'apply', options: ['apply', 'report'], help: "apply: the card's PD gains, torque limits and armature drive the joints, as in training; report: keep the robot file's and list the differences" },
  { kind: 'text', key: 'packages', label: 'Package roots', default: '', placeholder: 'name=dir, …', help: 'where package:// paths of a URDF point (as `--package name=dir`)' },
];

/** How free play builds a robot without a policy card: on the ground, at the file's step (else 2 ms). */
export function freePlaySceneOptions(): RobotSceneOptions {
  return { ground: true, timestep: DEFAULT_TIMESTEP, fileTimestep: true };
}

/** The free-play scene of an imported robot (servos on every joint), uncached: for a loader thread. */
export function freePlayScene(model: RobotModel): RobotScene {
  const adjusted = structuredClone(model);
  servosEverywhere(adjusted);
  return robotToScene(adjusted, freePlaySceneOptions());
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
    params: PARAMS,
    build(p): TaskInstance {
      const packages = parsePackageList(String(p.packages ?? ''));
      const cardFile = String(p.card ?? '').trim();
      const setup = cardFile ? readDriveSetup(cardFile) : undefined;
      const apply = setup && p.cardGains !== 'report' ? setup : undefined;
      const adjust = (model: RobotModel) => {
        servosEverywhere(model);
        if (apply) model.warnings.push(...applyDriveSetup(model, apply));
      };
      // A policy steps at its trainer's rate: the card's physics step wins over the file's (docs/physics.md).
      const options = setup ? { ground: true, timestep: 1 / setup.physicsHz } : freePlaySceneOptions();
      const imports = Object.keys(packages).length ? { packages } : {};
      const robot = robotScene(path, options, adjust, apply ? `${FREE_PLAY_VARIANT}+${JSON.stringify(apply)}` : FREE_PLAY_VARIANT, imports);
      const scene = robot.scene;
      const start = startPose(robot, p, setup);
      const base = floatingBase(scene);
      const standing = base === undefined ? 0 : start.standingHeight;
      const command = Float64Array.of(p.vx as number, p.vy as number, p.yawRate as number);
      const fall = { height: (p.fallHeight as number) || FALL_FRACTION * standing, tilt: ((p.fallTilt as number) * Math.PI) / 180 };
      const home = start.q;
      return {
        scene,
        timing: { controlDt: setup ? 1 / setup.controlHz : 0.02, episodeSeconds: 10 },
        actionDim: scene.actuators.length,
        costTerms: [{ name: 'joint velocity', dim: scene.joints.length, norm: { kind: 'quadratic' }, weight: 0.01, range: [0, 1] }],
        reset: () => stateFromJointPositions(scene, home, start.root),
        residual(s, _a, out) {
          for (let j = 0; j < scene.joints.length; j++) out[j] = jointVelocity(scene, s, j);
        },
        holdAction: () => Float64Array.from(scene.actuators, (a) => home[a.joint]!),
        observe: (s) => Float64Array.from(scene.joints, (_, j) => jointPosition(scene, s, j)),
        readouts: scene.actuators.slice(0, 6).map((a) => ({ name: a.name, unit: 'rad', read: (s: Float64Array) => jointPosition(scene, s, a.joint) })),
        tracePoint: (s) => bodyPosition(s, base ?? 0),
        command,
        warnings: robot.warnings,
        monitor(): TaskMonitor {
          return freePlayMonitor({ scene, base, fall, ...(base !== undefined ? { command } : {}) });
        },
      };
    },
  };
}

interface StartPose {
  q: number[];
  /** The floating base's pose (undefined for a fixed base). */
  root?: Pose;
  /** Base height of the pose before any drop height: what a fall is judged against. */
  standingHeight: number;
}

/** The keyframe the parameters ask for (default: `home`, else the first), or the rest pose set on the ground. */
function startPose(robot: RobotScene, p: ParamValues, setup: DriveSetup | undefined): StartPose {
  const { scene, keyframes } = robot;
  const asked = String(p.keyframe ?? '').trim();
  // A keyframe asked for by name wins; then the card's default pose; then `home`, else the first keyframe.
  const key = asked ? keyframes.find((k) => k.name === asked) : setup ? undefined : (keyframes.find((k) => k.name === 'home') ?? keyframes[0]);
  if (asked && !key) {
    throw new ParamError(`task.keyframe: '${asked}' is not a keyframe of ${scene.name}; it has ${keyframes.length ? keyframes.map((k) => `'${k.name}'`).join(', ') : 'none'}`);
  }
  const q = key?.q ?? (setup ? cardPose(scene, setup) : midRange(scene));
  const base = floatingBase(scene);
  if (base === undefined) return { q, standingHeight: 0 };
  let root: Pose = key?.root ?? { position: [0, 0, 0], rotation: [0, 0, 0, 1] };
  if (!key?.root) {
    // Set down: at the rest pose the robot just clears the ground, the floor or the terrain under it.
    const lift = restingLift(scene, stateFromJointPositions(scene, q, root));
    if (lift !== undefined) root = { position: [0, 0, GROUND_CLEARANCE + lift], rotation: root.rotation };
  }
  const standingHeight = root.position[2];
  const drop = p.height as number;
  if (drop > 0) root = { position: [root.position[0], root.position[1], drop], rotation: root.rotation };
  return { q, root, standingHeight };
}

/** The card's default pose by joint name; joints the card does not name stay at mid-range. */
function cardPose(scene: SceneDescription, setup: DriveSetup): number[] {
  const q = midRange(scene);
  setup.joints.forEach((name, i) => {
    const j = scene.joints.findIndex((joint) => joint.name === name);
    if (j >= 0) q[j] = setup.defaultPose[i]!;
  });
  return q;
}

/** Mid-range for joints whose range excludes 0, else 0. */
function midRange(scene: SceneDescription): number[] {
  return scene.joints.map((j) => (j.limits && (j.limits[0] > 0 || j.limits[1] < 0) ? (j.limits[0] + j.limits[1]) / 2 : 0));
}
