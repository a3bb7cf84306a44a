/**
 * ROS 1 message types Actuate speaks, from the common definitions Foxglove ships
 * (`@foxglove/rosmsg-msgs-common`): the full definition (with every nested type, as a ROS 1 node
 * sends it in its connection header and as MCAP's `ros1msg` schema holds it), its md5sum, and a
 * serializer. Plus builders that turn a scene's body states into JointState and TFMessage.
 */
import type { MessageDefinition } from '@foxglove/message-definition';
import { ros1 } from '@foxglove/rosmsg-msgs-common';
import { md5, stringify } from '@foxglove/rosmsg';
import { MessageReader, MessageWriter } from '@foxglove/rosmsg-serialization';
import { BODY_STATE_SIZE, type SceneDescription } from '../../protocol/scene.ts';
import { jointPosition, jointVelocity } from '../../sim/kinematics.ts';

export type Ros1TypeName = keyof typeof ros1;

export interface Ros1Type {
  name: Ros1TypeName;
  /** The type first, then every type it nests (what MessageWriter/Reader take). */
  definitions: MessageDefinition[];
  /** `gendeps --cat` text: the connection header's message_definition and MCAP's ros1msg schema. */
  text: string;
  md5sum: string;
  writer: MessageWriter;
  reader: MessageReader;
}

const cache = new Map<Ros1TypeName, Ros1Type>();

export function ros1Type(name: Ros1TypeName): Ros1Type {
  let type = cache.get(name);
  if (!type) {
    const definitions = collect(name);
    type = { name, definitions, text: stringify(definitions), md5sum: md5(definitions), writer: new MessageWriter(definitions), reader: new MessageReader(definitions) };
    cache.set(name, type);
  }
  return type;
}

function collect(name: string, seen = new Set<string>()): MessageDefinition[] {
  const def = (ros1 as Record<string, MessageDefinition>)[name];
  if (!def) throw new Error(`unknown ROS 1 message type '${name}'`);
  seen.add(name);
  const out: MessageDefinition[] = [def];
  for (const field of def.definitions) {
    if (field.isComplex && !seen.has(field.type)) out.push(...collect(field.type, seen));
  }
  return out;
}

export interface RosTime {
  sec: number;
  nsec: number;
}

export function rosTime(seconds: number): RosTime {
  const sec = Math.floor(seconds);
  return { sec, nsec: Math.min(999_999_999, Math.round((seconds - sec) * 1e9)) };
}

/** Joints a JointState reports: the scene's revolute and prismatic joints. */
export function movingJoints(scene: SceneDescription): number[] {
  return scene.joints.flatMap((j, i) => (j.type === 'revolute' || j.type === 'prismatic' ? [i] : []));
}

/**
 * The joints a session publishes: those named (in that order), or every moving joint when none are. A
 * name that is not a moving joint of the scene is an error listing the ones that are.
 */
export function publishedJoints(scene: SceneDescription, names?: readonly string[]): number[] {
  const moving = movingJoints(scene);
  if (!names?.length) return moving;
  return names.map((name) => {
    const j = moving.find((i) => scene.joints[i]!.name === name);
    if (j === undefined) throw new Error(`'${name}' is not a moving joint of ${scene.name}; its joints: ${moving.map((i) => scene.joints[i]!.name).join(', ')}`);
    return j;
  });
}

export function jointStateMessage(scene: SceneDescription, joints: readonly number[], state: ArrayLike<number>, stamp: RosTime, seq = 0) {
  const position = new Float64Array(joints.length);
  const velocity = new Float64Array(joints.length);
  joints.forEach((j, k) => {
    position[k] = jointPosition(scene, state, j);
    velocity[k] = jointVelocity(scene, state, j);
  });
  return {
    header: { seq, stamp, frame_id: '' },
    name: joints.map((j) => scene.joints[j]!.name),
    position,
    velocity,
    effort: new Float64Array(0),
  };
}

/** Body poses in `world`, one TransformStamped per body listed (tf2_msgs/TFMessage). */
export function tfMessage(scene: SceneDescription, bodies: readonly number[], state: ArrayLike<number>, stamp: RosTime, prefix = '') {
  return {
    transforms: bodies.map((b) => {
      const o = b * BODY_STATE_SIZE;
      return {
        header: { seq: 0, stamp, frame_id: `${prefix}world` },
        child_frame_id: prefix + scene.bodies[b]!.name,
        transform: {
          translation: { x: state[o]!, y: state[o + 1]!, z: state[o + 2]! },
          rotation: { x: state[o + 3]!, y: state[o + 4]!, z: state[o + 5]!, w: state[o + 6]! },
        },
      };
    }),
  };
}
