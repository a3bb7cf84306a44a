/**
 * A robot made of servos on one serial bus (LeRobot's SO-101 / Koch arms), behind the Robot seam.
 * Safety sits inside send(): limits, speed, max step (SafetyLayer); a software watchdog holds the
 * present position when commands stop and then turns torque off; the Dynamixel Bus Watchdog is armed
 * so the servos stop even if this process is killed; serious servo faults and lost communication
 * trip to torque off; emergencyStop() and process exit turn torque off. Everything is counted.
 */
import type { ActuatorInfo, RobotCapabilities, RobotCommand, RobotFault, RobotState, SentCommand } from '../sim/robot/robot.ts';
import { rangeRadians, radiansToTicks, ticksToRadians, type MotorCalibration } from './buses/calibration.ts';
import { DynamixelBus } from './buses/dynamixel/dynamixel-bus.ts';
import type { BusFault } from './buses/fault.ts';
import type { FeetechBus } from './buses/feetech/feetech-bus.ts';
import { findModel } from './buses/models.ts';
import type { MotorModel } from './buses/motor-model.ts';
import { openBus } from './buses/open-bus.ts';
import type { RealRobot, RealRobotMode } from './real-robot.ts';
import type { RobotConfig } from './robot-config.ts';
import { guard } from './safety/exit-guard.ts';
import { SafetyLayer, type SafetyCounters } from './safety/safety-layer.ts';
import { BusTimeoutError } from './transport/bus-transport.ts';
import type { ByteLink } from './transport/byte-link.ts';

export interface BusRobotOptions {
  /** Use this link instead of the configured port (tests: an in-memory virtual bus). */
  link?: ByteLink;
  /** Override the configured port. */
  port?: string;
  /** Enable torque on connect (default: true for a follower, never for a leader). */
  torque?: boolean;
  /** Turn torque off on SIGINT/SIGTERM/exit (default true). */
  guardProcess?: boolean;
}


interface Joint {
  name: string;
  id: number;
  model: MotorModel;
  calibration: MotorCalibration;
}

/** Faults that stop the robot: a servo that reports them has unloaded itself or is about to be damaged. */
const TRIPPING: ReadonlySet<string> = new Set(['overload', 'overheat', 'electrical', 'encoder']);

export class BusRobot implements RealRobot {
  readonly name: string;
  readonly capabilities: RobotCapabilities;
  readonly safety: SafetyLayer;
  mode: RealRobotMode = 'disconnected';
  /** Why the robot stopped, once it has. */
  stopReason: string | undefined;
  private bus: DynamixelBus | FeetechBus | undefined;
  private readonly joints: Joint[];
  private present: Float64Array;
  private lastGoal: Float64Array | undefined;
  private lastSentAt = 0;
  private lastCommandAt = 0;
  private connectedAt = 0;
  private readFailures = 0;
  private faults: RobotFault[] = [];
  private watchdogTimer: NodeJS.Timeout | undefined;
  private unguard: (() => void) | undefined;
  private readonly torqueOn: boolean;
  /** The Bus Watchdog time actually armed (ms), 0 when none. */
  busWatchdogMs = 0;

  constructor(
    readonly config: RobotConfig,
    private readonly options: BusRobotOptions = {},
  ) {
    this.name = config.name;
    this.joints = Object.entries(config.motors).map(([name, m]) => {
      const model = findModel(m.model);
      return { name, id: m.id, model, calibration: config.calibration[name] ?? { homingOffset: 0, direction: 1, rangeMin: 0, rangeMax: model.resolution - 1 } };
    });
    this.torqueOn = config.role === 'follower' && (options.torque ?? true);
    const actuators: ActuatorInfo[] = this.joints.map((j) => {
      const [lo, hi] = this.limitsOf(j);
      return { name: j.name, joint: j.name, kind: 'position', min: lo, max: hi };
    });
    this.capabilities = {
      joints: this.joints.map((j) => j.name),
      actuators,
      floatingBase: false,
      reports: { effort: true, temperature: true, voltage: true },
      simulated: false,
      hardwareWatchdog: config.bus.type === 'dynamixel' && config.safety.busWatchdogMs > 0,
    };
    this.safety = new SafetyLayer(
      this.joints.map((j, i) => ({ min: actuators[i]!.min, max: actuators[i]!.max, ...(config.limits[j.name]?.velocity ? { velocity: config.limits[j.name]!.velocity! } : {}) })),
      config.safety.maxStep,
    );
    this.present = new Float64Array(this.joints.length);
  }

  get counters(): SafetyCounters {
    return this.safety.counters;
  }

  /** The port in use: the configured one unless overridden. */
  get port(): string {
    return this.options.port ?? this.config.bus.port;
  }

  /** Torque is on: a follower taking commands or holding (a leader never). */
  get torqueEnabled(): boolean {
    return this.torqueOn && (this.mode === 'active' || this.mode === 'holding');
  }

  /** Every fault seen since connecting (also after a stop, when nothing reads the robot any more). */
  get faultList(): readonly RobotFault[] {
    return this.faults;
  }

  /** The bus, once connected (for the CLI's calibration and statistics). */
  get motorBus(): DynamixelBus | FeetechBus {
    if (!this.bus) throw new Error(`${this.name} is not connected`);
    return this.bus;
  }

  /** Joint limits: the configured ones within the calibrated range. */
  private limitsOf(j: Joint): [number, number] {
    const [lo, hi] = rangeRadians(j.calibration, j.model.resolution);
    const l = this.config.limits[j.name];
    return [Math.max(lo, l?.min ?? lo), Math.min(hi, l?.max ?? hi)];
  }

  async connect(): Promise<void> {
    if (this.mode !== 'disconnected') return;
    const c = this.config;
    if (this.torqueOn) {
      const uncalibrated = this.joints.filter((j) => !c.calibration[j.name]).map((j) => j.name);
      if (uncalibrated.length) throw new Error(`${this.name}: joints ${uncalibrated.join(', ')} are not calibrated; run \`actuate robot calibrate --robot <file>\` first`);
    }
    const port = this.options.port ?? c.bus.port;
    const bus = await openBus({ kind: c.bus.type, port, baud: c.bus.baud, timeoutMs: c.bus.timeoutMs, retries: c.bus.retries, motors: new Map(this.joints.map((j) => [j.id, j.model])), ...(this.options.link ? { link: this.options.link } : {}) });
    this.bus = bus;
    try {
      await this.checkMotors(bus);
      bus.transport.onClose((reason) => this.lost(reason));
      await bus.setTorque(false);
      await this.configure(bus);
      this.connectedAt = performance.now();
      this.mode = 'active';
      if (this.options.guardProcess ?? true) this.unguard = guard({ stop: (r) => this.disconnect(r), stopSync: () => this.stopSync() });
      const first = await this.read();
      if (this.torqueOn) {
        // Never enable torque without knowing where every joint is: the goal starts at the present position.
        const unknown = this.joints.filter((_, i) => !Number.isFinite(first.velocity[i]!)).map((j) => `${j.name} (ID ${j.id})`);
        if (unknown.length) throw new Error(`${this.name}: cannot read the present position of ${unknown.join(', ')}; torque stays off`);
        // Start where the arm is, so enabling torque moves nothing.
        await this.writeGoal(this.present);
        await bus.setTorque(true);
        if (bus instanceof DynamixelBus && c.safety.busWatchdogMs > 0) this.busWatchdogMs = await bus.armBusWatchdog(c.safety.busWatchdogMs);
        this.lastCommandAt = performance.now();
        this.watchdogTimer = setInterval(() => void this.checkWatchdog(), Math.max(5, Math.floor(c.safety.commandTimeoutMs / 4)));
        this.watchdogTimer.unref();
      }
    } catch (err) {
      await this.release();
      throw err;
    }
  }

  /** Every configured servo answers, with the configured model. */
  private async checkMotors(bus: DynamixelBus | FeetechBus): Promise<void> {
    const found = await bus.scan(this.joints.map((j) => j.id), this.config.bus.timeoutMs, this.config.bus.retries);
    const problems: string[] = [];
    for (const j of this.joints) {
      const f = found.find((x) => x.id === j.id);
      if (!f) problems.push(`${j.name}: no answer from ID ${j.id}`);
      else if (f.modelNumber !== j.model.number) problems.push(`${j.name}: ID ${j.id} is a ${f.model}, configured as ${j.model.name}`);
    }
    if (problems.length) throw new Error(`${this.name} on ${bus.transport.link.description}:\n  ${problems.join('\n  ')}`);
  }

  /** Writes the configured gains and torque limits (RAM registers every time; EEPROM only when different). */
  private async configure(bus: DynamixelBus | FeetechBus): Promise<void> {
    const c = this.config;
    const writeIfChanged = async (id: number, reg: string, value: number) => {
      if ((await bus.read(id, reg)) !== value) await bus.write(id, reg, value);
    };
    for (const j of this.joints) {
      const cal = c.calibration[j.name];
      if (cal) await writeIfChanged(j.id, 'Homing_Offset', cal.homingOffset);
      const gains = c.gains[j.name];
      if (gains) {
        const [p, i, d] = bus.kind === 'dynamixel' ? ['Position_P_Gain', 'Position_I_Gain', 'Position_D_Gain'] : ['P_Coefficient', 'I_Coefficient', 'D_Coefficient'];
        await writeIfChanged(j.id, p!, gains.p);
        await writeIfChanged(j.id, i!, gains.i);
        await writeIfChanged(j.id, d!, gains.d);
      }
      const fraction = c.torqueLimit[j.name];
      if (fraction !== undefined && j.model.torqueLimit) await writeIfChanged(j.id, j.model.torqueLimit.register, Math.round(fraction * j.model.torqueLimit.full));
    }
  }

  async read(): Promise<RobotState> {
    const bus = this.motorBus;
    const n = this.joints.length;
    const m0 = this.joints[0]!.model;
    const names = ['Present_Position', 'Present_Velocity', m0.effort.register, m0.voltageRegister, 'Present_Temperature'];
    const state: RobotState = {
      time: (performance.now() - this.connectedAt) / 1000,
      stamp: Date.now(),
      position: new Float64Array(n),
      velocity: new Float64Array(n),
      effort: new Float64Array(n),
      temperature: new Float64Array(n),
      voltage: new Float64Array(n),
      faults: [],
    };
    let values: Map<number, Record<string, number>> | undefined;
    if (this.mode !== 'disconnected' && !this.portLost) {
      try {
        values = await bus.syncRead(names);
        this.readFailures = 0;
      } catch (err) {
        await this.readFailed(err as Error);
      }
      if (bus instanceof DynamixelBus && bus.alerts.size) await bus.readHardwareErrors().catch(() => undefined);
      await this.takeBusFaults(bus.takeFaults());
    }
    this.joints.forEach((j, i) => {
      const v = values?.get(j.id);
      if (!v) {
        state.position[i] = this.present[i]!;
        state.velocity[i] = state.effort![i] = state.temperature![i] = state.voltage![i] = NaN;
        return;
      }
      this.present[i] = ticksToRadians(v.Present_Position!, j.calibration, j.model.resolution);
      state.position[i] = this.present[i]!;
      state.velocity[i] = j.calibration.direction * v.Present_Velocity! * j.model.velocityUnit;
      state.effort![i] = j.calibration.direction * v[j.model.effort.register]! * j.model.effort.scale;
      state.temperature![i] = v.Present_Temperature!;
      state.voltage![i] = v[j.model.voltageRegister]! * j.model.voltageUnit;
    });
    state.faults = [...this.faults];
    return state;
  }

  private portLost: string | undefined;

  private lost(reason: string): void {
    this.portLost = reason;
    this.addFault({ kind: 'communication', message: `${reason}: commands stopped${this.busWatchdogMs ? `; the servos' Bus Watchdog stops them within ${this.busWatchdogMs} ms` : ''}` });
    this.stop(`port lost: ${reason}`);
  }

  private async readFailed(err: Error): Promise<void> {
    this.readFailures++;
    const silent = err instanceof BusTimeoutError ? this.joints.filter((j) => !err.partial.some((p) => p.id === j.id)).map((j) => `${j.name} (ID ${j.id})`) : [];
    const message = silent.length ? `no answer from ${silent.join(', ')}` : err.message;
    if (this.readFailures >= this.config.safety.readFailures && this.mode !== 'stopped') {
      this.addFault({ kind: 'communication', message: `${message}, ${this.readFailures} reads in a row: torque off` });
      this.counters.communicationTrips++;
      await this.torqueOff(`communication lost: ${message}`);
    }
  }

  private async takeBusFaults(faults: BusFault[]): Promise<void> {
    for (const f of faults) {
      const joint = this.joints.find((j) => j.id === f.id);
      this.addFault({ kind: f.kind, ...(joint ? { joint: joint.name } : {}), message: joint ? `${joint.name}: ${f.message}` : f.message });
    }
    const serious = faults.find((f) => TRIPPING.has(f.kind));
    if (serious && this.mode !== 'stopped') {
      this.counters.faultTrips++;
      await this.torqueOff(`fault: ${serious.message}`);
    }
  }

  private addFault(fault: RobotFault): void {
    if (!this.faults.some((f) => f.message === fault.message)) this.faults.push(fault);
  }

  async send(command: RobotCommand): Promise<SentCommand> {
    this.lastCommandAt = performance.now();
    if (this.config.role === 'leader') return { action: this.present.slice(), clamped: 0, overridden: `${this.name} is a leader arm: it takes no commands` };
    if (this.mode === 'stopped' || this.mode === 'disconnected') return { action: this.present.slice(), clamped: 0, overridden: this.stopReason ?? `${this.name} is not connected` };
    if (this.mode === 'holding') this.mode = 'active';
    const now = performance.now();
    const filtered = this.safety.filter(command.action, this.present, this.lastGoal, (now - this.lastSentAt) / 1000);
    await this.writeGoal(filtered.action);
    return filtered;
  }

  private async writeGoal(goal: Float64Array): Promise<void> {
    const ticks = new Map(this.joints.map((j, i) => [j.id, radiansToTicks(goal[i]!, j.calibration, j.model.resolution)]));
    this.lastGoal = goal.slice();
    this.lastSentAt = performance.now();
    if (this.portLost) return;
    await this.motorBus.syncWrite('Goal_Position', ticks).catch((err: Error) => this.lost(err.message));
  }

  private async checkWatchdog(): Promise<void> {
    const idle = performance.now() - this.lastCommandAt;
    const s = this.config.safety;
    if (this.mode === 'active' && idle > s.commandTimeoutMs) {
      this.mode = 'holding';
      this.counters.watchdogHolds++;
      this.addFault({ kind: 'other', message: `no command for ${s.commandTimeoutMs} ms: holding the present position` });
      await this.writeGoal(this.present);
    }
    if (this.mode === 'holding' && idle > s.torqueOffAfterMs) {
      this.counters.watchdogTorqueOffs++;
      await this.torqueOff(`no command for ${s.torqueOffAfterMs} ms: torque off`);
    }
  }

  private stop(reason: string): void {
    this.mode = 'stopped';
    this.stopReason ??= reason;
    if (this.watchdogTimer) clearInterval(this.watchdogTimer);
    this.watchdogTimer = undefined;
  }

  /** Latches the stop and turns torque off: the addressed write per servo, then a broadcast that needs no reply. */
  private async torqueOff(reason: string): Promise<void> {
    this.stop(reason);
    const bus = this.bus;
    if (!bus || this.portLost) return;
    await bus.setTorque(false).catch(() => undefined);
    await bus.torqueOffBroadcast().catch(() => undefined);
  }

  async emergencyStop(reason: string): Promise<void> {
    this.counters.emergencyStops++;
    this.addFault({ kind: 'other', message: `emergency stop: ${reason}` });
    await this.torqueOff(`emergency stop: ${reason}`);
  }

  /** Synchronous torque off for the process's last moment. */
  private stopSync(): boolean {
    const bus = this.bus;
    if (!bus || this.mode === 'disconnected') return false;
    return bus.transport.link.writeSync?.(bus.torqueOffPacket) ?? false;
  }

  async disconnect(reason = 'disconnect'): Promise<void> {
    if (this.mode === 'disconnected') return;
    await this.torqueOff(reason);
    const bus = this.bus;
    if (bus instanceof DynamixelBus && this.busWatchdogMs && !this.portLost) await bus.clearBusWatchdog().catch(() => undefined);
    await this.release();
  }

  private async release(): Promise<void> {
    this.stop(this.stopReason ?? 'disconnected');
    this.mode = 'disconnected';
    this.unguard?.();
    this.unguard = undefined;
    await this.bus?.close().catch(() => undefined);
  }
}
