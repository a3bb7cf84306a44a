/**
 * The studio's link to one real robot (the Robot panel): connects a robot.json (servos on a bus, or a
 * robot on ROS), opens its model for
 * free play with joint sliders (`jog`) set to where the arm is — so connecting moves nothing — and
 * attaches it to the session, which then drives it through its safety layer while playing. Streams
 * the robot's joints, faults and safety counters. The emergency stop goes straight to the robot,
 * not through the session's queue, so it acts while a controller step is still running.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { JOG_LEAD, type RobotConfigInfo, type RobotStatus } from '../protocol/api.ts';
import { DryRunRobot } from '../bridges/dry-run-robot.ts';
import { MeasuredRobot } from '../bridges/measured-robot.ts';
import type { RealRobot } from '../bridges/real-robot.ts';
import { loadRobotFile, makeRobot } from '../bridges/robot-file.ts';
import { EndEffectorJog } from '../bridges/teleop/end-effector-jog.ts';
import { loadRapier } from '../sim/rapier/load-rapier.ts';
import type { RobotState } from '../sim/robot/robot.ts';
import type { SceneDescription } from '../sim/scene.ts';
import type { Session } from './session.ts';

/** How often the panel's state goes out while a robot is connected. */
const STATUS_INTERVAL_MS = 100;

export interface RobotLinkOptions {
  /** Checks a robot.json path a client named; returns its real path (the host's FileAccess). */
  checkConfig(path: string): string;
  /** Checks and loads the robot model file; returns the free-play task id for it. */
  openModel(path: string): Promise<string>;
  /** Folders searched for *.robot.json. */
  folders: readonly string[];
}

export class RobotLink {
  private robot: RealRobot | undefined;
  private configPath: string | undefined;
  private dryRun = false;
  /** What the session drives: the robot, or in a dry run its twin (released with it). */
  private driven: RealRobot | DryRunRobot | undefined;
  private last: RobotState | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** The model's kinematics for end-effector jogging (made for the scene of the connected robot). */
  private kinematics: EndEffectorJog | undefined;
  private jogs: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<(status: RobotStatus) => void>();

  constructor(
    private readonly session: Session,
    private readonly options: RobotLinkOptions,
  ) {}

  onStatus(listener: (status: RobotStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(): RobotConfigInfo[] {
    const found: RobotConfigInfo[] = [];
    for (const folder of this.options.folders) {
      let names: string[];
      try {
        names = readdirSync(folder).filter((n) => n.endsWith('.robot.json')).sort();
      } catch {
        continue;
      }
      for (const name of names) {
        const path = join(folder, name);
        try {
          const f = loadRobotFile(path);
          found.push({ path, name: f.name, role: f.role, bus: f.transport, port: f.port });
        } catch {
          // A broken file is reported when connected, with the field that is wrong.
        }
      }
    }
    return found;
  }

  async connect(configPath: string, port?: string, dryRun = false): Promise<RobotStatus> {
    const real = this.options.checkConfig(configPath);
    const file = loadRobotFile(real);
    const model = file.robotModel;
    if (!model) throw new Error(`${configPath}: no robotModel (the URDF or MJCF the studio shows and jogs)`);
    const taskId = await this.options.openModel(model);
    await this.disconnect();
    const s = this.session;
    // The model first: a ROS robot's joints and limits are its scene's. Nothing is attached yet, so nothing moves.
    await s.setTaskWithController(taskId, {}, 'jog');
    const robot = makeRobot(file, s.task.scene, { ...(port ? { port } : {}), guardProcess: true, ...(dryRun ? { torque: false } : {}) });
    await robot.connect();
    try {
      const here = await robot.read();
      const driven = dryRun ? new DryRunRobot(robot, await loadRapier(), s.task.scene) : robot;
      if (driven instanceof DryRunRobot) await driven.connect();
      // The sliders start where the arm is: attaching and playing hold it there.
      const scene = s.task.scene;
      const sliders: Record<string, number> = {};
      for (const a of scene.actuators) {
        const position = readingOf(robot, scene, here, a.joint);
        if (position !== undefined) sliders[a.name] = position;
      }
      await s.setParams('controller', sliders);
      await s.attachRobot(new MeasuredRobot(driven, { read: (_ms, state) => (this.last = state) }));
      this.robot = robot;
      this.kinematics = new EndEffectorJog(scene);
      this.configPath = real;
      this.dryRun = dryRun;
      this.driven = driven;
      this.last = here;
      // A leader arm only reports; a follower is commanded from now on.
      s.play();
    } catch (err) {
      await robot.disconnect();
      throw err;
    }
    this.timer = setInterval(() => this.emit(), STATUS_INTERVAL_MS);
    this.timer.unref();
    return this.emit();
  }

  /** Torque off at once; the session pauses (its controller keeps nothing moving: the robot is latched off). */
  async emergencyStop(reason = 'studio emergency stop'): Promise<RobotStatus> {
    const robot = this.robot;
    if (robot) {
      const stopping = robot.emergencyStop(reason);
      this.session.pause();
      await stopping;
    }
    return this.emit();
  }

  /**
   * Moves the tool point by `delta` (world, m): the jog sliders (the goals, so quick presses add up
   * before the arm gets there) become the joint positions that move it so, clamped to their ranges.
   */
  jogEndEffector(delta: [number, number, number]): Promise<RobotStatus> {
    // One at a time: each builds on the sliders the one before set (quick presses add up).
    const run = this.jogs.then(() => this.jogOnce(delta));
    this.jogs = run.catch(() => undefined);
    return run;
  }

  private async jogOnce(delta: [number, number, number]): Promise<RobotStatus> {
    const kinematics = this.kinematics;
    if (!this.robot || !kinematics) throw new Error('no robot connected');
    const snapshot = this.session.snapshot();
    if (snapshot.controller.id !== 'jog') throw new Error(`end-effector jogging drives the joint sliders; the controller is '${snapshot.controller.id}'`);
    const scene = this.session.task.scene;
    const byJoint = new Map(scene.actuators.map((a) => [a.joint, a]));
    const q = scene.joints.map((_, j) => {
      const value = snapshot.controller.values[byJoint.get(j)?.name ?? ''];
      return typeof value === 'number' ? value : 0;
    });
    const next = kinematics.step(q, delta, (j) => byJoint.has(j));
    const sliders: Record<string, number> = {};
    for (const [j, a] of byJoint) {
      const measured = this.last && readingOf(this.robot, scene, this.last, j);
      const goal = measured !== undefined && Number.isFinite(measured) ? Math.min(measured + JOG_LEAD, Math.max(measured - JOG_LEAD, next[j]!)) : next[j]!;
      sliders[a.name] = Math.min(a.ctrlRange[1], Math.max(a.ctrlRange[0], goal));
    }
    await this.session.setParams('controller', sliders);
    return this.emit();
  }

  async disconnect(): Promise<RobotStatus> {
    const robot = this.robot;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.robot = undefined;
    const driven = this.driven;
    this.driven = undefined;
    if (robot) {
      this.session.pause();
      await this.session.attachRobot(undefined);
      await (driven ?? robot).disconnect();
    }
    this.configPath = undefined;
    this.last = undefined;
    this.kinematics = undefined;
    return this.emit();
  }

  status(): RobotStatus {
    const robot = this.robot;
    if (!robot) return { mode: 'disconnected', torque: false, joints: [], faults: [], counters: {} };
    const r = this.last;
    const at = (a: Float64Array | undefined, i: number) => (a && Number.isFinite(a[i]) ? { value: a[i]! } : undefined);
    return {
      mode: robot.mode,
      config: this.configPath!,
      name: robot.name,
      port: robot.port,
      torque: robot.torqueEnabled,
      ...(this.dryRun ? { dryRun: true } : {}),
      ...(robot.stopReason ? { stopReason: robot.stopReason } : {}),
      hardwareWatchdog: (robot.busWatchdogMs ?? 0) > 0,
      joints: robot.capabilities.joints.map((name, i) => ({
        name,
        position: r?.position[i] ?? NaN,
        velocity: r?.velocity[i] ?? NaN,
        ...(at(r?.effort, i) ? { effort: r!.effort![i]! } : {}),
        ...(at(r?.temperature, i) ? { temperature: r!.temperature![i]! } : {}),
        ...(at(r?.voltage, i) ? { voltage: r!.voltage![i]! } : {}),
      })),
      faults: robot.faultList.map((f) => ({ kind: f.kind, ...(f.joint ? { joint: f.joint } : {}), message: f.message })),
      counters: { ...robot.counters },
      ...(r && this.kinematics ? { tool: this.toolAt(r) } : {}),
    };
  }

  /** The tool point for a reading, by forward kinematics of the robot model. */
  private toolAt(reading: RobotState): { body: string; position: [number, number, number] } {
    const kinematics = this.kinematics!;
    const q = kinematics.scene.joints.map((_, j) => readingOf(this.robot!, kinematics.scene, reading, j) ?? 0);
    return { body: kinematics.bodyName, position: kinematics.toolPoint(q) };
  }

  private emit(): RobotStatus {
    const status = this.status();
    for (const l of this.listeners) l(status);
    return status;
  }

  async dispose(): Promise<void> {
    await this.disconnect();
  }
}

/** The robot's reading of the model's joint `j` (matched by name); undefined where the robot has no such joint. */
function readingOf(robot: RealRobot, scene: SceneDescription, reading: RobotState, j: number): number | undefined {
  const k = robot.capabilities.joints.indexOf(scene.joints[j]!.name);
  return k >= 0 ? reading.position[k] : undefined;
}
