/**
 * The studio's ROS connections (the ROS panel): puts the live session on a ROS 1 master or a rosbridge
 * server, with a topic namespace and a publishing rate, as `serve --ros1/--rosbridge` does (and adopts
 * the connections those flags made), and streams each connection's topics with live message counts
 * and the newest things it had to say. Several may be open at once (ROS 1 and ROS 2 through rosbridge).
 */
import type { RosConnectionStatus, RosStatus } from '../protocol/api.ts';
import { checkTopicNames, connectSessionToRos1, connectSessionToRosbridge, type RosSessionBridge } from './ros-session.ts';
import type { Session } from './session.ts';

const STATUS_INTERVAL_MS = 500;
const LOG_LINES = 8;
const DEFAULT_RATE_HZ = 50;

export interface RosConnectOptions {
  kind: 'ros1' | 'rosbridge';
  url: string;
  namespace?: string | undefined;
  rateHz?: number | undefined;
  /** Other names for topics, by their default name (relative: under the namespace). */
  topics?: Record<string, string> | undefined;
  /** The joints `joint_states` carries (default: every moving joint). */
  joints?: string[] | undefined;
}

interface Connection {
  id: number;
  options: Required<Pick<RosConnectOptions, 'kind' | 'url' | 'rateHz'>> & { namespace: string };
  bridge: RosSessionBridge;
  log: string[];
}

/** The newest things a connection said (its onStatus), for the panel; `say` may also be wrapped to print them. */
export function connectionLog(): { lines: string[]; say: (message: string) => void } {
  const lines: string[] = [];
  return {
    lines,
    say(message) {
      lines.push(message);
      if (lines.length > LOG_LINES) lines.shift();
    },
  };
}

export class RosLink {
  private readonly connections: Connection[] = [];
  private nextId = 1;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<(status: RosStatus) => void>();

  constructor(private readonly session: Session) {}

  onStatus(listener: (status: RosStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async connect(options: RosConnectOptions): Promise<RosStatus> {
    const url = options.url.trim();
    if (options.kind === 'ros1' && !/^https?:\/\/[^/\s]+/.test(url)) throw new Error(`a ROS 1 master URI looks like http://localhost:11311, not '${url}'`);
    if (options.kind === 'rosbridge' && !/^wss?:\/\/[^/\s]+/.test(url)) throw new Error(`a rosbridge URL looks like ws://localhost:9090, not '${url}'`);
    const topics = checkTopicNames(options.topics ?? {});
    const { lines: log, say } = connectionLog();
    const common = { ...(options.namespace ? { namespace: options.namespace } : {}), ...(options.joints?.length ? { joints: options.joints } : {}), topics, rateHz: options.rateHz ?? DEFAULT_RATE_HZ, onStatus: say };
    const bridge = options.kind === 'ros1' ? await connectSessionToRos1(this.session, { ...common, masterUri: url }) : await connectSessionToRosbridge(this.session, { ...common, url });
    return this.adopt(bridge, { ...options, url }, log);
  }

  /** Shows (and lets the panel close) a connection made elsewhere (`serve --ros1`); `log` is filled by its onStatus. */
  adopt(bridge: RosSessionBridge, options: RosConnectOptions, log: string[] = []): RosStatus {
    this.connections.push({ id: this.nextId++, options: { kind: options.kind, url: options.url, namespace: options.namespace ?? '', rateHz: options.rateHz ?? DEFAULT_RATE_HZ }, bridge, log });
    this.timer ??= setInterval(() => this.emit(), STATUS_INTERVAL_MS);
    this.timer.unref();
    return this.emit();
  }

  disconnect(id: number): RosStatus {
    const k = this.connections.findIndex((c) => c.id === id);
    if (k < 0) throw new Error(`no ROS connection ${id} (open: ${this.connections.map((c) => c.id).join(', ') || 'none'})`);
    this.connections.splice(k, 1)[0]!.bridge.close();
    if (this.connections.length === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    return this.emit();
  }

  status(): RosStatus {
    return { connections: this.connections.map(describe) };
  }

  dispose(): void {
    for (const c of [...this.connections]) this.disconnect(c.id);
  }

  private emit(): RosStatus {
    const status = this.status();
    for (const l of this.listeners) l(status);
    return status;
  }
}

function describe({ id, options, bridge, log }: Connection): RosConnectionStatus {
  const { topics, sent, received } = bridge;
  const out = (topic: string, type: string) => ({ topic, type, messages: sent.get(topic) ?? 0 });
  const into = (topic: string, type: string) => ({ topic, type, messages: received.get(topic) ?? 0 });
  return {
    id,
    ...options,
    published: [
      out(topics.joint_states, 'sensor_msgs/JointState'),
      out(topics.tf, 'tf2_msgs/TFMessage'),
      out(topics.odom, 'nav_msgs/Odometry'),
      out(topics.task_state, 'std_msgs/Float64MultiArray'),
    ],
    subscribed: [
      into(topics.cmd_vel, 'geometry_msgs/Twist'),
      into(topics.joint_commands, 'std_msgs/Float64MultiArray'),
      into(topics.joint_trajectory, 'trajectory_msgs/JointTrajectory'),
    ],
    log: [...log],
  };
}
