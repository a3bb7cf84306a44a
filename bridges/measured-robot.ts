/**
 * Times a robot's bus round trips: every `read` and `send` is passed through and its wall time (ms)
 * reported, with the reading or the command sent, to the observer. Deploy and teleop loop statistics
 * come from it, whatever the robot.
 */
import type { Robot, RobotCommand, RobotState, SentCommand } from '../sim/robot/robot.ts';

export interface RoundTripObserver {
  read?(ms: number, state: RobotState): void;
  sent?(ms: number, sent: SentCommand): void;
}

export class MeasuredRobot<R extends Robot = Robot> implements Robot {
  readonly name: string;
  readonly capabilities: Robot['capabilities'];

  constructor(
    readonly inner: R,
    private readonly observer: RoundTripObserver,
  ) {
    this.name = inner.name;
    this.capabilities = inner.capabilities;
  }

  connect(): Promise<void> {
    return this.inner.connect();
  }

  async read(): Promise<RobotState> {
    const t0 = performance.now();
    const state = await this.inner.read();
    this.observer.read?.(performance.now() - t0, state);
    return state;
  }

  async send(command: RobotCommand): Promise<SentCommand> {
    const t0 = performance.now();
    const sent = await this.inner.send(command);
    this.observer.sent?.(performance.now() - t0, sent);
    return sent;
  }

  emergencyStop(reason: string): Promise<void> {
    return this.inner.emergencyStop(reason);
  }

  disconnect(): Promise<void> {
    return this.inner.disconnect();
  }
}
