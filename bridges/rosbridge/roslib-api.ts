/**
 * The part of roslib 2.x this project uses, typed here: roslib's own declarations only resolve under
 * `moduleResolution: bundler` (its dist/RosLib.d.ts imports without an extension), and the project
 * compiles with NodeNext. The runtime is roslib's, unchanged.
 */
import * as roslib from 'roslib';

type Listener = (...args: never[]) => void;

interface RosApi {
  readonly isConnected: boolean;
  connect(url: string): Promise<void>;
  close(): void;
  authenticate(mac: string, client: string, dest: string, rand: string, t: number, level: string, end: number): void;
  on(event: 'connection' | 'close' | 'error', listener: Listener): this;
  once(event: 'connection' | 'close' | 'error', listener: Listener): this;
  off(event: 'connection' | 'close' | 'error', listener: Listener): this;
}

interface TopicApi {
  readonly name: string;
  readonly messageType: string;
  advertise(): void;
  unadvertise(): void;
  publish(message: unknown): void;
  subscribe(callback: (message: unknown) => void): void;
  unsubscribe(callback?: (message: unknown) => void): void;
}

interface ServiceApi {
  callService(request: unknown, callback: (response: unknown) => void, failedCallback: (error: string) => void): void;
}

interface RoslibModule {
  Ros: new (options: { url?: string }) => RosApi;
  Topic: new (options: { ros: RosApi; name: string; messageType: string; queue_size?: number; latch?: boolean }) => TopicApi;
  Service: new (options: { ros: RosApi; name: string; serviceType: string }) => ServiceApi;
}

const api = roslib as unknown as RoslibModule;
export const Ros = api.Ros;
export const Topic = api.Topic;
export const Service = api.Service;
