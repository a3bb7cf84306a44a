/**
 * The recording's messages, live: a session recorder (bridges/recording/session-recorder.ts) writes
 * to this sink instead of a file, and each message goes to the Foxglove WebSocket clients subscribed
 * to its topic — the same topics, schemas and encodings as an Actuate recording, so a Foxglove layout
 * made for a recording works live too.
 *
 * Settings, scene and the first transforms (fixed bodies are sent only then) are kept and sent again
 * when a client subscribes, as ROS latches them. A client that reads too slowly misses messages
 * (counted) rather than growing the server's memory.
 */
import type { McapTypes } from '@mcap/core';
import type { FoxgloveServer } from '@foxglove/ws-protocol';
import type { McapSink } from '../recording/flushing-mcap-writer.ts';

/** Topics whose message describes the session until the next one: sent again to a new subscriber. */
const LATCHED_LAST = new Set(['/actuate/settings', '/actuate/scene']);
/** Topics whose first message holds what later ones leave out (fixed bodies' transforms). */
const LATCHED_FIRST = new Set(['/tf']);

export interface FoxgloveLiveSinkOptions {
  /** Bytes waiting to be sent to the slowest client beyond which messages are dropped. */
  maxBufferedBytes?: number;
  /** The clients' largest send buffer (the WebSocket server knows it). */
  bufferedBytes: () => number;
}

export class FoxgloveLiveSink implements McapSink {
  readonly dropped = new Map<number, number>();
  private readonly decoder = new TextDecoder();
  private readonly schemas = new Map<number, Omit<McapTypes.Schema, 'id'>>();
  /** Our channel id → the Foxglove server's channel id, and the topic. */
  private readonly channels = new Map<number, { server: number; topic: string }>();
  private readonly latched = new Map<number, { channel: number; logTime: bigint; data: Uint8Array }>();
  private readonly subscribed = new Set<number>();
  private nextSchema = 1;
  private nextChannel = 1;
  private readonly maxBuffered: number;

  constructor(
    private readonly server: FoxgloveServer,
    readonly path: string,
    private readonly options: FoxgloveLiveSinkOptions,
  ) {
    this.maxBuffered = options.maxBufferedBytes ?? 8 << 20;
    server.on('subscribe', (serverChannel) => {
      this.subscribed.add(serverChannel);
      const latched = this.latched.get(serverChannel);
      if (latched) server.sendMessage(serverChannel, latched.logTime, latched.data);
    });
    server.on('unsubscribe', (serverChannel) => this.subscribed.delete(serverChannel));
  }

  registerSchema(schema: Omit<McapTypes.Schema, 'id'>): number {
    const id = this.nextSchema++;
    this.schemas.set(id, schema);
    return id;
  }

  registerChannel(channel: Omit<McapTypes.Channel, 'id'>): number {
    const schema = this.schemas.get(channel.schemaId);
    if (!schema) throw new Error(`channel ${channel.topic}: schema ${channel.schemaId} was not registered`);
    const server = this.server.addChannel({
      topic: channel.topic,
      encoding: channel.messageEncoding,
      schemaName: schema.name,
      schema: this.decoder.decode(schema.data),
      schemaEncoding: schema.encoding,
    });
    const id = this.nextChannel++;
    this.channels.set(id, { server, topic: channel.topic });
    return id;
  }

  wants(channelId: number): boolean {
    const channel = this.channels.get(channelId);
    return !!channel && (this.subscribed.has(channel.server) || this.latches(channel));
  }

  addMessage(message: McapTypes.Message): void {
    const channel = this.channels.get(message.channelId);
    if (!channel) return;
    if (this.latches(channel)) this.latched.set(channel.server, { channel: channel.server, logTime: message.logTime, data: message.data });
    if (!this.subscribed.has(channel.server)) return;
    if (this.options.bufferedBytes() > this.maxBuffered) {
      this.dropped.set(message.channelId, (this.dropped.get(message.channelId) ?? 0) + 1);
      return;
    }
    this.server.sendMessage(channel.server, message.logTime, message.data);
  }

  /** Whether this channel's next message is kept for later subscribers. */
  private latches(channel: { server: number; topic: string }): boolean {
    return LATCHED_LAST.has(channel.topic) || (LATCHED_FIRST.has(channel.topic) && !this.latched.has(channel.server));
  }

  chunkIsDue(): boolean {
    return false;
  }

  flush(): void {}

  close(): void {
    for (const { server } of this.channels.values()) this.server.removeChannel(server);
    this.channels.clear();
  }
}
