/**
 * `serve --foxglove`: a client of the Foxglove WebSocket protocol (the protocol's own package) sees the
 * session's topics advertised with their schemas, gets the latched scene when it subscribes, and decodes
 * live sensor_msgs/JointState messages with nothing but the advertised schema text, as Foxglove does.
 */
import { parse } from '@foxglove/rosmsg';
import { MessageReader } from '@foxglove/rosmsg-serialization';
import { FoxgloveClient, type Channel, type MessageData } from '@foxglove/ws-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { takeFoxgloveOption } from '../../cli/commands/serve.ts';
import { serveFoxglove, type LiveFoxglove } from '../../engine/foxglove-live.ts';
import { Session } from '../../engine/session.ts';

let session: Session;
let live: LiveFoxglove;

beforeAll(async () => {
  session = await Session.create({ taskId: 'cartpole-swingup', controllerId: 'zero', seed: 1 });
  live = await serveFoxglove(session, { port: 0 });
});
afterAll(async () => {
  await live?.close();
  await session?.dispose();
});

function connect(url: string): Promise<{ client: FoxgloveClient; channels: Channel[]; messages: MessageData[]; close(): void }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, [FoxgloveClient.SUPPORTED_SUBPROTOCOL]);
    const client = new FoxgloveClient({ ws: ws as never });
    const messages: MessageData[] = [];
    client.on('message', (m) => void messages.push(m));
    client.on('error', reject);
    client.on('advertise', (channels) => resolve({ client, channels, messages, close: () => client.close() }));
  });
}

describe('the live session on the Foxglove WebSocket protocol', () => {
  it('advertises the recording topics, sends the latched scene on subscribe and live joint states', async () => {
    const { client, channels, messages, close } = await connect(live.url);
    try {
      const byTopic = new Map(channels.map((c) => [c.topic, c]));
      expect([...byTopic.keys()]).toEqual(expect.arrayContaining(['/joint_states', '/tf', '/cost', '/actuate/scene', '/actuate/settings', '/plan']));
      const joints = byTopic.get('/joint_states')!;
      expect(joints).toMatchObject({ encoding: 'ros1', schemaName: 'sensor_msgs/JointState' });
      const sceneSub = client.subscribe(byTopic.get('/actuate/scene')!.id);
      const jointSub = client.subscribe(joints.id);
      // Nothing steps yet: only the latched scene can arrive.
      await expect.poll(() => messages.filter((m) => m.subscriptionId === sceneSub).length, { timeout: 10_000 }).toBe(1);
      const sceneData = messages.find((m) => m.subscriptionId === sceneSub)!.data;
      const scene = JSON.parse(new TextDecoder().decode(new Uint8Array(sceneData.buffer, sceneData.byteOffset, sceneData.byteLength))) as { bodies: unknown[] };
      expect(messages.some((m) => m.subscriptionId === jointSub)).toBe(false);
      expect(scene.bodies.length).toBeGreaterThan(1);
      await session.runFor(1);
      await expect.poll(() => messages.filter((m) => m.subscriptionId === jointSub).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(50);
      const reader = new MessageReader(parse(joints.schema, { ros2: false }));
      const data = messages.filter((m) => m.subscriptionId === jointSub).at(-1)!.data;
      const last = reader.readMessage<{ name: string[]; position: number[] }>(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      expect(last.name).toEqual(['slider', 'hinge']);
      expect(last.position.every(Number.isFinite)).toBe(true);
      expect(live.dropped()).toEqual({});
    } finally {
      close();
    }
  });

  it('takes --foxglove with or without a port', () => {
    expect(takeFoxgloveOption(['--foxglove', '--port', '0'])).toEqual({ rest: ['--port', '0'], foxglovePort: 8765 });
    expect(takeFoxgloveOption(['--foxglove', '9000'])).toEqual({ rest: [], foxglovePort: 9000 });
    expect(takeFoxgloveOption(['--foxglove=9001'])).toEqual({ rest: [], foxglovePort: 9001 });
    expect(() => takeFoxgloveOption(['--foxglove=x'])).toThrow(/port number/);
    expect(takeFoxgloveOption(['--port', '1'])).toEqual({ rest: ['--port', '1'] });
  });
});
