/**
 * The studio's guided calibration of a robot.json (the Robot panel), step by step as `actuate robot
 * calibrate` does it and with its code (bridges/calibrate.ts): the bus opens with torque off; the
 * user puts every joint in the middle of its range ("Set middle" writes the homing offsets), moves
 * every joint through its range while the recorded min/max stream to the panel, and "Finish" saves
 * the calibration into the robot.json — only a file the studio may open, in a folder it was given.
 */
import type { CalibrationStatus } from '../protocol/api.ts';
import { BusRobot } from '../bridges/bus-robot.ts';
import { calibrate } from '../bridges/calibrate.ts';
import { loadRobotConfig, saveRobotConfig, type RobotConfig } from '../bridges/robot-config.ts';

export interface RobotCalibrationOptions {
  /** Checks a robot.json path a client named; returns its real path (the host's FileAccess). */
  checkConfig(path: string): string;
  /** Why a checked robot.json may not be written (a shipped template), or undefined when it may. */
  cannotSave(realPath: string): string | undefined;
  /** Lets go of the robot the studio has connected (the bus is needed here). */
  releaseRobot(): Promise<unknown>;
  /** Makes the robot whose bus is calibrated (default: its configured serial port, or `port`; torque off). */
  open?: (config: RobotConfig, port?: string) => BusRobot;
}

export class RobotCalibration {
  private state: CalibrationStatus = { step: 'idle', joints: [] };
  private robot: BusRobot | undefined;
  private config: RobotConfig | undefined;
  private file: string | undefined;
  private stopRecording: (() => void) | undefined;
  private running: Promise<void> | undefined;
  /** The recording under way; cancelling it keeps its result from being saved. */
  private flow = { cancelled: false };
  private readonly listeners = new Set<(status: CalibrationStatus) => void>();

  constructor(private readonly options: RobotCalibrationOptions) {}

  get active(): boolean {
    return this.robot !== undefined;
  }

  onStatus(listener: (status: CalibrationStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  status(): CalibrationStatus {
    return this.state;
  }

  /** Opens the robot's bus with torque off and asks for the middle pose. */
  async start(configPath: string, port?: string): Promise<CalibrationStatus> {
    if (this.state.step !== 'idle') await this.cancel();
    const real = this.options.checkConfig(configPath);
    const refused = this.options.cannotSave(real);
    if (refused) throw new Error(refused);
    const config = loadRobotConfig(real);
    await this.options.releaseRobot();
    const robot = this.options.open?.(config, port) ?? new BusRobot(config, { torque: false, guardProcess: true, ...(port ? { port } : {}) });
    await robot.connect();
    this.robot = robot;
    this.config = config;
    this.file = real;
    const joints = Object.entries(config.motors).map(([name, m]) => ({ name, resolution: robot.motorBus.model(m.id).resolution }));
    return this.emit({ step: 'middle', config: real, name: config.name, port: robot.port, joints });
  }

  /**
   * The present pose is the middle: writes the homing offsets and records every joint's range until
   * `finish` (the CLI's calibrate(), unchanged).
   */
  middle(): CalibrationStatus {
    const { robot, config } = this;
    if (!robot || !config || this.state.step !== 'middle') throw new Error(`no calibration waiting for the middle pose (step: ${this.state.step})`);
    const until = new Promise<void>((resolve) => (this.stopRecording = resolve));
    const flow = { cancelled: false };
    this.flow = flow;
    this.running = calibrate(robot.motorBus, config, {
      recordUntil: until,
      // A few times a second: the panel's live min/max bars.
      onProgress: (ranges) => void this.emit({ ...this.state, joints: this.state.joints.map((j) => ({ ...j, ...ranges[j.name] })) }),
    }).then(
      (calibration) => {
        if (flow.cancelled) return;
        const file = this.file!;
        saveRobotConfig(file, { ...config, calibration });
        this.emit({ ...this.state, step: 'done', saved: file, calibration });
      },
      (err: Error) => void (flow.cancelled || this.emit({ ...this.state, step: 'failed', error: err.message })),
    ).finally(() => this.close());
    return this.emit({ ...this.state, step: 'range' });
  }

  /** Stops recording; resolves with the saved calibration, or the reason it failed (a joint not moved). */
  async finish(): Promise<CalibrationStatus> {
    if (this.state.step !== 'range') throw new Error(`no range being recorded (step: ${this.state.step})`);
    this.stopRecording?.();
    await this.running;
    return this.state;
  }

  /** Stops wherever the flow is and closes the bus (torque stays off); nothing is saved. */
  async cancel(): Promise<CalibrationStatus> {
    if (this.state.step === 'range') {
      // The recording loop ends and its result is thrown away.
      this.flow.cancelled = true;
      this.stopRecording?.();
      await this.running;
    }
    await this.close();
    return this.emit({ step: 'idle', joints: [] });
  }

  private async close(): Promise<void> {
    const robot = this.robot;
    this.robot = undefined;
    this.stopRecording = undefined;
    await robot?.disconnect();
  }

  private emit(status: CalibrationStatus): CalibrationStatus {
    this.state = status;
    for (const l of this.listeners) l(status);
    return status;
  }

  async dispose(): Promise<void> {
    await this.cancel();
  }
}
