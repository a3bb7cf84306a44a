/**
 * The topics an Actuate recording holds and their schemas. The per-step robot data are the ROS 1
 * messages every robotics tool reads (sensor_msgs/JointState, tf2_msgs/TFMessage; binary, about ten
 * times cheaper to write than JSON); plans are Foxglove's own SceneUpdate; the rest are small JSON
 * schemas whose fields plot by name (`/cost.terms.upright`).
 */
import { SceneUpdate } from '@foxglove/schemas/jsonschema.js';
import type { Ros1TypeName } from '../ros1/ros1-messages.ts';

export type JsonSchema = Record<string, unknown>;

export const numberMap: JsonSchema = { type: 'object', additionalProperties: { type: 'number' } };
export const numbers: JsonSchema = { type: 'array', items: { type: 'number' } };

export type TopicSpec =
  | { topic: string; encoding: 'json'; schemaName: string; schema: JsonSchema; description: string }
  | { topic: string; encoding: 'ros1'; schemaName: Ros1TypeName; description: string };

export type JsonTopicSpec = Extract<TopicSpec, { encoding: 'json' }>;

export function topic(topic: string, schemaName: string, schema: JsonSchema, description: string): JsonTopicSpec {
  return { topic, encoding: 'json', schemaName, schema, description };
}

function ros1Topic(topic: string, schemaName: Ros1TypeName, description: string): TopicSpec {
  return { topic, encoding: 'ros1', schemaName, description };
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
  jointStates: ros1Topic('/joint_states', 'sensor_msgs/JointState', 'every joint position and velocity, each control step'),
  tf: ros1Topic('/tf', 'tf2_msgs/TFMessage', 'every body pose in the world frame, each control step'),
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
  recording: topic('/actuate/recording', 'actuate.RecordingStats', {
    type: 'object', properties: { dropped: numberMap },
  }, 'messages the disk could not keep up with, per topic; written when the recording stops, only if any were dropped'),
} as const satisfies Record<string, TopicSpec>;

export type RecordingTopic = keyof typeof RECORDING_TOPICS;
