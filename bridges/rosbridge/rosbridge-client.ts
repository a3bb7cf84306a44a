/**
 * A rosbridge v2 client (roslib over WebSocket) that a session can lean on: it reconnects with
 * exponential backoff when the server goes away (roslib itself then advertises and subscribes again),
 * authenticates when given a rosauth token, calls services with a timeout, lists topics through rosapi,
 * and converts Actuate's ROS 1 message objects to rosbridge JSON (typed arrays to arrays, `{sec, nsec}`
 * stamps to ROS 1's `{secs, nsecs}`).
 */
import { Ros, Service, Topic } from './roslib-api.ts';

export type RosbridgeState = 'connecting' | 'connected' | 'disconnected' | 'closed';

export interface RosbridgeClientOptions {
  url: string;
  /** rosauth credentials, sent on every (re)connection when the server requires authentication. */
  auth?: { mac: string; client: string; dest: string; rand: string; t: number; level: string; end: number };
  /** First and longest wait between reconnection attempts (s). */
  backoff?: { initial: number; max: number };
  onStatus?: (state: RosbridgeState, message: string) => void;
}

export class RosbridgeClient {
  readonly ros: InstanceType<typeof Ros>;
  private state: RosbridgeState = 'connecting';
  private attempt = 0;
  private retry: NodeJS.Timeout | undefined;
  private readonly topics = new Map<string, InstanceType<typeof Topic>>();
  /** Connections made so far (1 after the first, +1 per reconnection). */
  connections = 0;

  constructor(private readonly options: RosbridgeClientOptions) {
    checkUrl(options.url);
    this.ros = new Ros({});
    this.ros.on('connection', () => {
      this.attempt = 0;
      this.connections++;
      if (options.auth) {
        const a = options.auth;
        this.ros.authenticate(a.mac, a.client, a.dest, a.rand, a.t, a.level, a.end);
      }
      this.report('connected', `connected to rosbridge at ${options.url}`);
    });
    this.ros.on('close', () => this.scheduleReconnect('closed the connection'));
    this.ros.on('error', () => this.scheduleReconnect('is unreachable'));
    void this.connect();
  }

  get status(): RosbridgeState {
    return this.state;
  }

  /** Resolves once connected (or rejects after `seconds`). */
  waitConnected(seconds = 10): Promise<void> {
    if (this.state === 'connected') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.ros.off('connection', done);
        reject(new Error(`rosbridge at ${this.options.url}: not connected after ${seconds} s`));
      }, seconds * 1000);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.ros.once('connection', done);
    });
  }

  advertise(topic: string, type: string): void {
    this.topic(topic, type).advertise();
  }

  publish(topic: string, type: string, message: unknown): void {
    this.topic(topic, type).publish(toRosbridge(message) as never);
  }

  subscribe(topic: string, type: string, onMessage: (message: unknown) => void): () => void {
    const t = this.topic(topic, type);
    const listener = (m: unknown) => onMessage(m);
    t.subscribe(listener);
    return () => t.unsubscribe(listener);
  }

  /** Calls a ROS service; rejects with the server's error, or after `seconds`. */
  callService<Res>(name: string, type: string, request: unknown, seconds = 10): Promise<Res> {
    if (this.state !== 'connected') return Promise.reject(new Error(`rosbridge at ${this.options.url} is not connected; ${name} not called`));
    const service = new Service({ ros: this.ros, name, serviceType: type });
    return new Promise<Res>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`service ${name}: no answer within ${seconds} s`)), seconds * 1000);
      service.callService(
        toRosbridge(request) as never,
        (response: unknown) => {
          clearTimeout(timer);
          resolve(response as Res);
        },
        (error: string) => {
          clearTimeout(timer);
          reject(new Error(`service ${name}: ${error}`));
        },
      );
    });
  }

  /** Topics and their types, from rosapi. */
  async listTopics(): Promise<{ topic: string; type: string }[]> {
    const r = await this.callService<{ topics: string[]; types: string[] }>('/rosapi/topics', 'rosapi/Topics', {});
    return r.topics.map((topic, i) => ({ topic, type: r.types[i] ?? '' }));
  }

  close(): void {
    this.state = 'closed';
    clearTimeout(this.retry);
    for (const t of this.topics.values()) {
      t.unsubscribe();
      t.unadvertise();
    }
    this.ros.close();
  }

  private topic(name: string, type: string): InstanceType<typeof Topic> {
    let t = this.topics.get(name);
    if (!t) this.topics.set(name, (t = new Topic({ ros: this.ros, name, messageType: type, queue_size: 1 })));
    if (t.messageType !== type) throw new Error(`topic ${name} is already used with type ${t.messageType}, not ${type}`);
    return t;
  }

  private async connect(): Promise<void> {
    if (this.state === 'closed') return;
    try {
      await this.ros.connect(this.options.url);
    } catch {
      this.scheduleReconnect('is unreachable');
    }
  }

  private scheduleReconnect(why: string): void {
    if (this.state === 'closed' || this.retry) return;
    const { initial, max } = this.options.backoff ?? { initial: 0.25, max: 5 };
    const wait = Math.min(max, initial * 2 ** this.attempt++);
    this.report('disconnected', `rosbridge at ${this.options.url} ${why}; retrying in ${wait} s`);
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.state = 'connecting';
      void this.connect();
    }, wait * 1000);
    this.retry.unref();
  }

  private report(state: RosbridgeState, message: string): void {
    const changed = state !== this.state;
    this.state = state;
    if (changed || state === 'disconnected') this.options.onStatus?.(state, message);
  }
}

/** ROS 1 message objects as rosbridge JSON: arrays for typed arrays, `{secs, nsecs}` stamps. */
export function toRosbridge(value: unknown): unknown {
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>);
  if (Array.isArray(value)) return value.map(toRosbridge);
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 2 && typeof o.sec === 'number' && typeof o.nsec === 'number') return { secs: o.sec, nsecs: o.nsec };
    return Object.fromEntries(keys.map((k) => [k, toRosbridge(o[k])]));
  }
  return value;
}

function checkUrl(url: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`rosbridge URL '${url}' is not a URL (expected e.g. ws://127.0.0.1:9090)`);
  }
  if (u.protocol !== 'ws:' && u.protocol !== 'wss:') throw new Error(`rosbridge URL '${url}' must start with ws:// or wss://`);
}
