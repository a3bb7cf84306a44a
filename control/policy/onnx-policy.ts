/**
 * onnx-policy: runs an RL policy exported to ONNX (Isaac Lab, robot_lab, MuJoCo Playground, Actuate's
 * own PPO) on a robot, exactly as its model card describes: the observation is built term by term from
 * what the robot reports (models/observation-layout.ts), the policy runs at the card's control rate, and
 * its output becomes position, velocity or torque commands for the robot's actuators, matched by joint
 * name. The velocity command is the task's own (TaskInstance.command, live sliders of the task): the
 * policy is fed exactly what the task scores.
 */
import { existsSync } from 'node:fs';
import { cardBeside, loadModelCard, type PolicySpec } from '../../models/model-card.ts';
import { actionTypes, jointIndexMap, mapAction, ObservationBuilder, ObservationError } from '../../models/observation-layout.ts';
import { float32Tensor, type ModelSession } from '../../models/runtime.ts';
import { loadControllerModel } from '../model-thread.ts';
import { ParamError, type ParamSpec, type ParamValues } from '../../sim/params.ts';
import type { SceneDescription } from '../../sim/scene.ts';
import { policyCommand, type TaskInstance } from '../../sim/task.ts';
import type { ControlContext, Controller, ControllerDefinition } from '../controller.ts';
import type { RobotState } from '../../sim/robot/robot.ts';
import { robotQuantities } from '../../sim/robot/robot-quantities.ts';
import { SceneRobotReader } from '../../sim/robot/scene-robot-state.ts';
import { projectPath } from '../../sim/project-paths.ts';
// Registers the model-card reader free play builds a policy's robot with (robot: tasks' `card` parameter).
import './card-drive-setup.ts';

/** The robot_lab Go2-W policy the studio ships (task go2w-walk). */
export const SHIPPED_POLICY_CARD = projectPath('models/cards/go2w_robot_lab.card.json');

const FILE_PARAMS: ParamSpec[] = [
  { kind: 'text', key: 'card', label: 'Model card (.json)', default: SHIPPED_POLICY_CARD, placeholder: 'path/to/policy.card.json', file: 'card', model: 'policy', help: 'observation terms, joint order, action scale and PD gains of the policy' },
  { kind: 'text', key: 'model', label: 'Policy (.onnx)', default: '', placeholder: 'the card’s model', file: 'onnx', model: 'policy', help: 'overrides the model file the card names' },
];

/** Fed to a policy on a task without a velocity command (an arm, free play). */
const NO_COMMAND = new Float64Array(3);

/** How each card joint reaches the robot: the actuator driving it and what that actuator takes. */
interface JointDrive {
  actuator: number;
  type: 'position' | 'velocity' | 'torque';
  gear: number;
}

/** Matches the card's joints to the scene's actuators by joint name; throws naming every mismatch. */
export function jointDrives(policy: PolicySpec, scene: SceneDescription): { drives: JointDrive[]; warnings: string[] } {
  jointIndexMap(policy.joints, scene.joints.map((j) => j.name));
  const types = actionTypes(policy);
  const problems: string[] = [];
  const warnings: string[] = [];
  const expected = { position: 'position', velocity: 'velocity', torque: 'motor' } as const;
  const drives = policy.joints.map((name, i): JointDrive => {
    const actuator = scene.actuators.findIndex((a) => scene.joints[a.joint]!.name === name);
    const type = types[i]!;
    if (actuator < 0) {
      problems.push(`joint '${name}' has no actuator on the robot`);
      return { actuator, type, gear: 1 };
    }
    const a = scene.actuators[actuator]!;
    const kind = a.kind ?? 'motor';
    if (kind !== expected[type]) problems.push(`joint '${name}': the card sends ${type} commands, the robot's actuator '${a.name}' is a ${kind} actuator`);
    const kp = policy.pd.stiffness[i]!;
    const kv = policy.pd.servoDamping[i]!;
    if (kind === 'position' && (a.kp ?? 0) !== kp) warnings.push(`${name}: servo kp ${num(a.kp ?? 0)}, card ${kp}`);
    if (kind !== 'motor' && (a.kv ?? 0) !== kv) warnings.push(`${name}: servo kv ${num(a.kv ?? 0)}, card ${kv}`);
    const jointDamping = policy.pd.jointDamping?.[i];
    const robotDamping = scene.joints[a.joint]!.damping ?? 0;
    if (jointDamping !== undefined && robotDamping !== jointDamping) warnings.push(`${name}: joint damping ${num(robotDamping)}, card ${jointDamping}`);
    const limit = policy.pd.torqueLimit?.[i];
    if (limit !== undefined && a.forceLimit !== limit) warnings.push(`${name}: torque limit ${a.forceLimit === undefined ? 'none' : num(a.forceLimit)}, card ${limit}`);
    const range = scene.joints[a.joint]!.limits;
    const pose = policy.defaultPose[i]!;
    if (type === 'position' && range && (pose < range[0] || pose > range[1])) warnings.push(`${name}: card default pose ${pose} is outside the joint's limits [${range[0]}, ${range[1]}]`);
    return { actuator, type, gear: a.gear || 1 };
  });
  if (problems.length) throw new ObservationError(`the policy's card does not match the robot: ${problems.join('; ')}`);
  return { drives, warnings };
}

/** A robot's value as a person reads it: 118.5, not 118.49999999999999. */
function num(x: number): number {
  return Number(x.toPrecision(6));
}

export class OnnxPolicy implements Controller {
  private readonly builder: ObservationBuilder;
  private readonly drives: JointDrive[];
  private readonly warnings: string[];
  /** Reads the robot from a scene state when act() is given no robot reading (tests, offline runs). */
  private readonly reader: SceneRobotReader;
  /** Joint names of the readings act() is given. */
  private readonly joints: readonly string[];
  readonly reads = 'robot';
  private readonly inputName: string;
  private readonly outputName: string;
  private readonly period: number;
  private lastRaw: Float64Array;
  private ctrl: Float64Array;
  private nextAct = 0;
  private steps = 0;

  constructor(
    private readonly model: ModelSession,
    private readonly policy: PolicySpec,
    private readonly task: TaskInstance,
    robotJoints?: readonly string[],
  ) {
    const { drives, warnings } = jointDrives(policy, task.scene);
    this.drives = drives;
    this.warnings = warnings;
    this.builder = new ObservationBuilder(policy);
    this.reader = new SceneRobotReader(task.scene);
    this.joints = robotJoints ?? this.reader.jointNames;
    this.inputName = policy.observation.input ?? model.inputNames[0]!;
    this.outputName = policy.action.output ?? model.outputNames[0]!;
    if (!model.inputNames.includes(this.inputName)) throw new ParamError(`${model.label}: the card feeds input '${this.inputName}', the model has ${model.inputNames.join(', ')}`);
    if (!model.outputNames.includes(this.outputName)) throw new ParamError(`${model.label}: the card reads output '${this.outputName}', the model has ${model.outputNames.join(', ')}`);
    this.period = 1 / policy.rates.controlHz;
    if (task.timing.controlDt > this.period + 1e-9) {
      this.warnings.push(`the task acts every ${task.timing.controlDt * 1000} ms, the policy expects ${Math.round(this.period * 1000)} ms`);
    }
    // Only a coarser step is worth a warning: a finer one integrates the same dynamics more exactly (the
    // Go2-W task steps at 2 ms for its foot contacts; its policy trained at 5 ms).
    const physicsDt = 1 / policy.rates.physicsHz;
    if (task.scene.timestep > physicsDt + 1e-9) {
      this.warnings.push(`the physics steps ${task.scene.timestep * 1000} ms, the policy was trained at ${physicsDt * 1000} ms`);
    }
    this.lastRaw = new Float64Array(policy.joints.length);
    this.ctrl = new Float64Array(task.actionDim);
  }

  setParams(): void {}

  reset(): void {
    this.builder.reset();
    this.lastRaw.fill(0);
    this.nextAct = 0;
    this.steps = 0;
  }

  async act(state: Float64Array, time: number, robot?: RobotState): Promise<Float64Array> {
    // The policy runs at its own rate; between its steps the actuators keep the last command.
    if (time + 1e-9 < this.nextAct) return this.ctrl.slice();
    this.nextAct = time + this.period;
    const quantities = robot ? robotQuantities(robot, this.joints) : robotQuantities(this.reader.read(state, time), this.reader.jointNames);
    const command = policyCommand(this.task, state) ?? NO_COMMAND;
    const obs = this.builder.build({ ...quantities, command, lastAction: this.lastRaw });
    const outputs = await this.model.run({ [this.inputName]: float32Tensor(obs, [1, obs.length]) });
    const raw = outputs[this.outputName]!.data as Float32Array;
    this.lastRaw = Float64Array.from(raw);
    const commands = mapAction(this.policy, raw);
    const ctrl = this.ctrl.slice();
    this.drives.forEach((d, i) => {
      ctrl[d.actuator] = d.type === 'position' ? commands.position[i]! : d.type === 'velocity' ? commands.velocity[i]! : commands.torque[i]! / d.gear;
    });
    this.ctrl = ctrl;
    this.steps++;
    return ctrl.slice();
  }

  info(): Record<string, string | number> {
    return {
      ...this.model.summary(),
      'policy rate Hz': this.policy.rates.controlHz,
      'policy steps': this.steps,
      ...(this.warnings.length ? { warnings: this.warnings.join('; ') } : {}),
    };
  }

  async dispose(): Promise<void> {
    await this.model.dispose();
  }
}

async function create(context: ControlContext, values: ParamValues): Promise<Controller> {
  const cardPath = cardFor(values, context.task.policyCard ?? SHIPPED_POLICY_CARD);
  if (!cardPath) throw new ParamError('onnx-policy needs controller.card=<policy.card.json> (the observation and action layout)');
  const loaded = loadModelCard(cardPath);
  const policy = loaded.card.policy;
  if (!policy) throw new ParamError(`${cardPath}: not a policy card (it has no 'policy' section)`);
  const file = typeof values.model === 'string' && values.model ? values.model : loaded.modelPath;
  if (!file) throw new ParamError(`${cardPath}: the card names no model file; give controller.model=<file.onnx>`);
  const model = await loadControllerModel(file);
  try {
    return new OnnxPolicy(model, policy, context.task, context.robot?.joints);
  } catch (err) {
    await model.dispose();
    throw err;
  }
}

export const onnxPolicy: ControllerDefinition = {
  id: 'onnx-policy',
  title: 'ONNX policy',
  description: 'Runs an RL policy exported to ONNX as its model card describes (observation terms, joint order, action scale, PD gains, rate).',
  params: FILE_PARAMS,
  // A task that ships a policy of its own (TaskInstance.policyCard) runs it by default.
  paramsFor: (task) => (task.policyCard ? [{ ...FILE_PARAMS[0]!, default: task.policyCard } as ParamSpec, FILE_PARAMS[1]!] : FILE_PARAMS),
  create,
};

/** The card named, or — when only a model is named — the card beside that model, if it has one (a training run's export). */
function cardFor(values: ParamValues, defaultCard: string): string | undefined {
  const card = typeof values.card === 'string' && values.card ? values.card : undefined;
  const model = typeof values.model === 'string' && values.model ? values.model : undefined;
  if (model && card === defaultCard && existsSync(cardBeside(model))) return cardBeside(model);
  return card;
}
