/**
 * A simulated robot: the Robot seam over a Rapier world built from a task's scene. Like a real robot
 * it holds the last command it was sent until the next one; unlike one, its time moves only when
 * `advance` steps the physics, so a session can run it in lock-step (headless, deterministic) or
 * paced by the wall clock (the studio). Planners read the simulator's full state through `simState`,
 * beyond what any real robot reports.
 */
import type { Rapier } from '../rapier/load-rapier.ts';
import { PhysicsWorld } from '../rapier/physics-world.ts';
import { jointPosition } from '../kinematics.ts';
import { stateSize, type SceneDescription } from '../scene.ts';
import type { ActuatorInfo, Robot, RobotCapabilities, RobotCommand, RobotState, SentCommand } from './robot.ts';
import { SceneRobotReader } from './scene-robot-state.ts';
import type { SimWorld } from './sim-world.ts';
import { SiteSensors } from './site-sensors.ts';

const KIND = { motor: 'torque', position: 'position', velocity: 'velocity' } as const;

export class SimRobot implements Robot {
  readonly capabilities: RobotCapabilities;
  private readonly world: SimWorld;
  private readonly reader: SceneRobotReader;
  private readonly sensors: SiteSensors;
  private readonly touch: boolean;
  private readonly state: Float64Array;
  /** The command the actuators hold until the next send (zeros before the first). */
  private readonly held: Float64Array;
  private readonly lower: Float64Array;
  private readonly upper: Float64Array;
  private clock = 0;
  private stopped: string | undefined;
  private disconnected = false;
  /** Command entries clamped to the actuator ranges since construction. */
  clamps = 0;

  /** `physics`: the Rapier module (a PhysicsWorld is built from the scene) or a world of another engine built from it. */
  constructor(
    physics: Rapier | SimWorld,
    readonly scene: SceneDescription,
    readonly name = scene.name,
  ) {
    this.world = 'getState' in physics ? physics : new PhysicsWorld(physics, scene);
    this.reader = new SceneRobotReader(scene);
    this.state = this.world.getState(new Float64Array(stateSize(scene)));
    this.sensors = new SiteSensors(scene);
    this.touch = scene.sensors?.some((s) => s.type === 'touch') ?? false;
    this.readSensors();
    this.held = new Float64Array(scene.actuators.length);
    this.lower = Float64Array.from(scene.actuators, (a) => a.ctrlRange[0]);
    this.upper = Float64Array.from(scene.actuators, (a) => a.ctrlRange[1]);
    this.capabilities = {
      joints: this.reader.jointNames,
      actuators: scene.actuators.map((a): ActuatorInfo => ({
        name: a.name,
        joint: scene.joints[a.joint]!.name,
        kind: KIND[a.kind ?? 'motor'],
        min: a.ctrlRange[0],
        max: a.ctrlRange[1],
        ...((a.kind ?? 'motor') === 'motor' ? { gear: a.gear } : {}),
      })),
      floatingBase: this.reader.base !== undefined,
      reports: { effort: false, temperature: false, voltage: false },
      simulated: true,
      hardwareWatchdog: false,
    };
  }

  /** Simulation time (s). */
  get time(): number {
    return this.clock;
  }

  /** Physics time step (s). */
  get timestep(): number {
    return this.world.timestep;
  }

  /** Why sends are overridden, while an emergency stop holds. */
  get emergencyStopped(): string | undefined {
    return this.stopped;
  }

  connect(): Promise<void> {
    if (this.disconnected) return Promise.reject(new Error(`simulated robot '${this.name}' was disconnected; build a new one`));
    return Promise.resolve();
  }

  async read(): Promise<RobotState> {
    return this.readNow();
  }

  async send(command: RobotCommand): Promise<SentCommand> {
    return this.sendNow(command);
  }

  /** What `read` resolves with, without a round through the event loop (the session's hot path). */
  readNow(): RobotState {
    const reading = this.reader.read(this.state, this.clock);
    if (this.sensors.count) reading.sensors = Object.fromEntries(Object.entries(this.sensors.values).map(([name, v]) => [name, v.slice()]));
    return reading;
  }

  /**
   * What `send` resolves with, synchronously: the command clamped to the actuator ranges (each clamped
   * entry counted) becomes the held command. Under an emergency stop the hold command stays instead.
   */
  sendNow(command: RobotCommand): SentCommand {
    const { action } = command;
    if (action.length !== this.held.length) {
      throw new Error(`robot '${this.name}': a command needs ${this.held.length} values (one per actuator), got ${action.length}`);
    }
    if (this.stopped) return { action: this.held.slice(), clamped: 0, overridden: `emergency stop: ${this.stopped}` };
    let bad = -1;
    for (let i = 0; i < action.length && bad < 0; i++) if (!Number.isFinite(action[i])) bad = i;
    if (bad >= 0) {
      // A non-finite command never reaches the actuators: they hold where they are.
      this.held.set(this.holdCommand());
      return { action: this.held.slice(), clamped: 0, overridden: `non-finite command for actuator '${this.capabilities.actuators[bad]!.name}'` };
    }
    let clamped = 0;
    for (let i = 0; i < action.length; i++) {
      const v = action[i]!;
      const c = v < this.lower[i]! ? this.lower[i]! : v > this.upper[i]! ? this.upper[i]! : v;
      if (c !== v) clamped++;
      this.held[i] = c;
    }
    this.clamps += clamped;
    return { action: this.held.slice(), clamped };
  }

  /**
   * Steps the physics for `seconds` (rounded to whole time steps, at least one) with the held command,
   * and with `push` (world force at a world point on a body, the studio's drag) on every step.
   */
  advance(seconds: number, push?: { body: number; force: readonly number[]; point: readonly number[] }): void {
    const steps = Math.max(1, Math.round(seconds / this.world.timestep));
    for (let s = 0; s < steps; s++) {
      if (push) this.world.pushBody(push.body, push.force, push.point);
      // An accelerometer differences the site's velocity over the last step.
      if (s === steps - 1 && this.sensors.needsAcceleration) this.sensors.beforeStep(this.world.getState(this.state));
      this.world.step(this.held);
    }
    this.world.getState(this.state);
    this.readSensors();
    // The description's time step, not Rapier's 32-bit copy of it: 50 steps of 0.02 s make 1 s.
    this.clock += steps * this.scene.timestep;
  }

  /** The simulator's full scene state (every body's pose and velocity), copied into `out`. */
  simState(out: Float64Array = new Float64Array(this.state.length)): Float64Array {
    out.set(this.state);
    return out;
  }

  /** Puts the robot in scene state `state` at time `time`: an episode reset. Clears the held command and an emergency stop. */
  resetTo(state: ArrayLike<number>, time = 0): void {
    this.setSimState(state, time);
    this.held.fill(0);
    this.stopped = undefined;
  }

  /** Sets the scene state and time, keeping the command (a twin posed from a real robot's reading). */
  setSimState(state: ArrayLike<number>, time: number): void {
    this.world.setState(state);
    this.world.getState(this.state);
    this.clock = time;
    this.sensors.beforeStep(this.state);
    this.readSensors();
  }

  /** A body's mass as simulated, kg. */
  bodyMass(index: number): number {
    return this.world.bodyMass(index);
  }

  /** Body poses for the viewport (protocol frame layout). */
  poses(): Float32Array {
    return this.world.getPoses();
  }

  /** The last step's contacts (protocol/contacts.ts layout). */
  contacts(): Float32Array {
    return this.world.contacts();
  }

  /** Holds still: position servos keep the joints where they are, velocity servos and motors get zero. */
  emergencyStop(reason: string): Promise<void> {
    this.held.set(this.holdCommand());
    this.stopped = reason;
    return Promise.resolve();
  }

  disconnect(): Promise<void> {
    if (!this.disconnected) this.world.dispose();
    this.disconnected = true;
    return Promise.resolve();
  }

  private readSensors(): void {
    if (this.sensors.count) this.sensors.update(this.state, this.world.timestep, this.touch ? this.world.contacts() : undefined);
  }

  private holdCommand(): Float64Array {
    return Float64Array.from(this.scene.actuators, (a) => ((a.kind ?? 'motor') === 'position' ? jointPosition(this.scene, this.state, a.joint) : 0));
  }
}
