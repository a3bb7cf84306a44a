/**
 * A ROS 1 node in this process: `@foxglove/ros1`'s RosNode on Node's HTTP and TCP (XML-RPC to the
 * master, TCPROS to peers), plus what a robot session needs around it — it starts without a master
 * and keeps retrying, watches the master once a second, reports when it is lost and when it is back,
 * and registers every publication and subscription again with the (possibly restarted) master.
 * Publishing goes on to connected subscribers while the master is away: ROS 1 topics are peer to peer.
 */
import { RosNode, type Publication } from '@foxglove/ros1';
import { TcpServerNode, TcpSocketNode } from '@foxglove/ros1/nodejs';
import { HttpServerNodejs } from '@foxglove/xmlrpc/nodejs';
import { ros1Type, type Ros1TypeName } from './ros1-messages.ts';

export type Ros1NodeState = 'connecting' | 'connected' | 'master-lost' | 'closed';

export interface Ros1Status {
  state: Ros1NodeState;
  masterUri: string;
  message: string;
}

export interface Ros1NodeOptions {
  /** e.g. http://127.0.0.1:11311 (ROS_MASTER_URI). */
  masterUri: string;
  /** Node name, e.g. /actuate. */
  name?: string;
  /** Address peers reach this node on (ROS_HOSTNAME / ROS_IP); loopback by default. */
  hostname?: string;
  /** How often the master is checked (ms). */
  masterCheckMs?: number;
  onStatus?: (status: Ros1Status) => void;
}

export class Ros1Node {
  private readonly node: RosNode;
  private readonly httpServer: HttpServerNodejs;
  private readonly publications = new Map<string, Ros1TypeName>();
  private readonly subscriptions = new Map<string, Ros1TypeName>();
  private state: Ros1NodeState = 'connecting';
  private timer: NodeJS.Timeout | undefined;
  private checking = false;
  /** Subscriptions register themselves (the library retries until the first master answers); only a later master needs them again. */
  private everConnected = false;
  /** Messages that arrived malformed or of an unexpected type, per topic. */
  readonly dropped = new Map<string, number>();

  private constructor(
    private readonly options: Ros1NodeOptions,
    private readonly hostname: string,
    tcpServer: Awaited<ReturnType<typeof TcpServerNode.Listen>>,
  ) {
    this.httpServer = new HttpServerNodejs();
    this.node = new RosNode({
      name: options.name ?? '/actuate',
      hostname,
      pid: process.pid,
      rosMasterUri: options.masterUri,
      httpServer: this.httpServer,
      tcpSocketCreate: TcpSocketNode.Create,
      tcpServer,
    });
    // Connection errors to peers and the master land here; the master watch reports them once.
    this.node.on('error', () => {});
  }

  static async start(options: Ros1NodeOptions): Promise<Ros1Node> {
    checkMasterUri(options.masterUri);
    const hostname = options.hostname ?? process.env.ROS_HOSTNAME ?? process.env.ROS_IP ?? '127.0.0.1';
    const tcpServer = await TcpServerNode.Listen({ host: hostname });
    const ros = new Ros1Node(options, hostname, tcpServer);
    await ros.node.start();
    ros.report('connecting', `connecting to the ROS master at ${options.masterUri}`);
    ros.timer = setInterval(() => void ros.checkMaster(), options.masterCheckMs ?? 1000);
    ros.timer.unref();
    await ros.checkMaster();
    return ros;
  }

  get status(): Ros1Status {
    return { state: this.state, masterUri: this.options.masterUri, message: '' };
  }

  get name(): string {
    return this.node.name;
  }

  /** Advertises `topic`; registration with the master is retried until it answers. */
  async advertise(topic: string, type: Ros1TypeName, latching = false): Promise<void> {
    const t = ros1Type(type);
    this.publications.set(topic, type);
    try {
      await this.node.advertise({ topic, dataType: type, messageDefinition: t.definitions, messageDefinitionText: t.text, md5sum: t.md5sum, latching });
    } catch {
      // No master yet: the publication exists locally; checkMaster registers it when one answers.
    }
  }

  /** Sends to every connected subscriber (none yet is fine). */
  publish(topic: string, message: unknown): void {
    this.node.publish(topic, message).catch((err: Error) => this.count(topic, err));
  }

  /** Number of peers subscribed to `topic`. */
  subscriberCount(topic: string): number {
    return this.node.publications.get(topic)?.subscribers().size ?? 0;
  }

  subscribe(topic: string, type: Ros1TypeName, onMessage: (message: unknown) => void): void {
    const t = ros1Type(type);
    this.subscriptions.set(topic, type);
    const subscription = this.node.subscribe({ topic, dataType: type, md5sum: t.md5sum, tcpNoDelay: true });
    subscription.on('message', (message) => {
      try {
        onMessage(message);
      } catch (err) {
        this.count(topic, err as Error);
      }
    });
    subscription.on('error', (err) => this.count(topic, err));
  }

  close(): void {
    if (this.state === 'closed') return;
    clearInterval(this.timer);
    this.state = 'closed';
    this.node.shutdown();
    this.httpServer.close();
  }

  private count(topic: string, _err: Error): void {
    this.dropped.set(topic, (this.dropped.get(topic) ?? 0) + 1);
  }

  private report(state: Ros1NodeState, message: string): void {
    if (state === this.state && state !== 'connecting') return;
    this.state = state;
    this.options.onStatus?.({ state, masterUri: this.options.masterUri, message });
  }

  /** Asks the master for its URI; on its return after a loss (or at first contact) registers everything. */
  private async checkMaster(): Promise<void> {
    if (this.checking || this.state === 'closed') return;
    this.checking = true;
    try {
      await this.node.rosMasterClient.getUri(this.node.name);
      if (this.state !== 'connected') {
        await this.registerAll();
        this.everConnected = true;
        this.report('connected', `connected to the ROS master at ${this.options.masterUri} as ${this.node.name}`);
      }
    } catch (err) {
      if (this.state === 'connected') this.report('master-lost', `lost the ROS master at ${this.options.masterUri} (${(err as Error).message}); retrying every second`);
      else if (this.state === 'connecting') this.report('master-lost', `no ROS master at ${this.options.masterUri} (${(err as Error).message}); retrying every second`);
    } finally {
      this.checking = false;
    }
  }

  private async registerAll(): Promise<void> {
    const api = this.node.rosFollower.url();
    if (!api) return;
    for (const [topic, type] of this.publications) {
      const publication: Publication | undefined = this.node.publications.get(topic);
      if (!publication) await this.advertise(topic, type);
      else await this.node.rosMasterClient.registerPublisher(this.node.name, topic, type, api);
    }
    for (const [topic, type] of this.everConnected ? this.subscriptions : []) {
      const subscription = this.node.subscriptions.get(topic);
      if (!subscription) continue;
      const [status, , publishers] = (await this.node.rosMasterClient.registerSubscriber(this.node.name, topic, type, api)) as [number, string, string[]];
      if (status !== 1 || !Array.isArray(publishers)) continue;
      const known = new Set([...subscription.publishers().values()].map((p) => p.publisherXmlRpcUrl()));
      for (const url of publishers) if (!known.has(url)) await this.node._subscribeToPublisher(url, subscription);
    }
  }
}

function checkMasterUri(uri: string): void {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new Error(`ROS master URI '${uri}' is not a URL (expected e.g. http://127.0.0.1:11311)`);
  }
  if (url.protocol !== 'http:') throw new Error(`ROS master URI '${uri}' must start with http://`);
}
