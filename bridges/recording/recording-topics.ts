/**
 * The topics an Actuate recording holds and their JSON schemas. Where Foxglove has a schema for the
 * data (joint states, transforms, 3D scene entities) its own is used, so Foxglove and Lichtblick draw
 * them as they are; the rest are small JSON schemas whose fields plot by name (`/cost.terms.upright`).
 */
import { FrameTransforms, JointStates, SceneUpdate } from '@foxglove/schemas/jsonschema.js';

type JsonSchema = Record<string, unknown>;

const numberMap: JsonSchema = { type: 'object', additionalProperties: { type: 'number' } };
const numbers: JsonSchema = { type: 'array', items: { type: 'number' } };

export interface TopicSpec {
  topic: string;
  schemaName: string;
  schema: JsonSchema;
  description: string;
}

function topic(topic: string, schemaName: string, schema: JsonSchema, description: string): TopicSpec {
  return { topic, schemaName, schema, description };
}

export const RECORDING_TOPICS = {
  settings: topic('/actuate/settings', 'actuate.Settings', {
    type: 'object',
    properties: {
      task: { type: 'string' }, taskParams: { type: 'object' },
      controller: { type: 'string' }, controllerParams: { type: 'object' },
      costWeights: numberMap, seed: { type: 'integer' },
    },
  }, 'task, controller, their parameters, cost weights and seed; again after every edit'),
  scene: topic('/actuate/scene', 'actuate.Scene', { type: 'object' }, 'the scene description (bodies, joints, actuators, markers; meshes left out)'),
  jointStates: topic('/joint_states', JointStates.title, JointStates, 'every joint position and velocity, each control step'),
  tf: topic('/tf', FrameTransforms.title, FrameTransforms, 'every body pose in the world frame, each control step'),
  action: topic('/control/action', 'actuate.Action', {
    type: 'object', properties: { time: { type: 'number' }, values: numberMap },
  }, 'the controller output per actuator, each control step'),
  command: topic('/robot/command', 'actuate.Command', {
    type: 'object',
    properties: { time: { type: 'number' }, requested: numbers, sent: numbers, clamped: { type: 'integer' }, overridden: { type: 'string' } },
  }, 'the command asked for and the command sent after safety'),
  robotState: topic('/robot/state', 'actuate.RobotState', {
    type: 'object',
    properties: { time: { type: 'number' }, joints: { type: 'array', items: { type: 'string' } }, position: numbers, velocity: numbers, effort: numbers, base: { type: 'object' }, faults: { type: 'array' } },
  }, "a robot's own reading (real robots): joints, base, faults"),
  cost: topic('/cost', 'actuate.Cost', {
    type: 'object', properties: { time: { type: 'number' }, total: { type: 'number' }, terms: numberMap },
  }, 'the total cost and each weighted term, each control step'),
  plan: topic('/plan', SceneUpdate.title, SceneUpdate, "the planner's best trajectory and its samples as 3D lines"),
  timing: topic('/timing', 'actuate.Timing', {
    type: 'object',
    properties: { time: { type: 'number' }, physicsStepUs: { type: 'number' }, planMs: { type: 'number' }, planP99Ms: { type: 'number' }, replanHz: { type: 'number' }, realtimeFactor: { type: 'number' } },
  }, 'physics step and plan times, plans per second, real-time factor'),
} as const;

export type RecordingTopic = keyof typeof RECORDING_TOPICS;
