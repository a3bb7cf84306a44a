/**
 * What a ROS user of ours (the session bridge, a ROS robot) needs from a ROS connection, and the two
 * that give it: a native ROS 1 node, or a rosbridge v2 client (ROS 1 or ROS 2 behind it). Messages are
 * the ROS 1 objects of ros1-messages.ts either way; the rosbridge client converts them.
 */
import { RosbridgeClient } from '../rosbridge/rosbridge-client.ts';
import type { Ros1TypeName } from './ros1-messages.ts';
import { Ros1Node } from './ros1-node.ts';

export interface RosTransport {
  advertise(topic: string, type: Ros1TypeName): Promise<void> | void;
  publish(topic: string, type: Ros1TypeName, message: unknown): void;
  subscribe(topic: string, type: Ros1TypeName, onMessage: (message: unknown) => void): void;
  close(): void;
}

export async function openRos1Transport(options: { masterUri: string; nodeName?: string | undefined; onStatus?: ((message: string) => void) | undefined }): Promise<RosTransport> {
  const say = options.onStatus ?? (() => {});
  const node = await Ros1Node.start({ masterUri: options.masterUri, ...(options.nodeName ? { name: options.nodeName } : {}), onStatus: (s) => say(s.message) });
  return {
    advertise: (topic, type) => node.advertise(topic, type),
    publish: (topic, _type, message) => node.publish(topic, message),
    subscribe: (topic, type, onMessage) => node.subscribe(topic, type, onMessage),
    close: () => node.close(),
  };
}

export function openRosbridgeTransport(options: { url: string; onStatus?: ((message: string) => void) | undefined }): RosTransport {
  const say = options.onStatus ?? (() => {});
  const client = new RosbridgeClient({ url: options.url, onStatus: (_, message) => say(message) });
  return {
    advertise: (topic, type) => client.advertise(topic, type),
    publish: (topic, type, message) => client.publish(topic, type, message),
    subscribe: (topic, type, onMessage) => void client.subscribe(topic, type, onMessage),
    close: () => client.close(),
  };
}
