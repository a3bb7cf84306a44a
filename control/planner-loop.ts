/**
 * Runs a controller so that the control loop never waits for it, as MuJoCo MPC separates its planning
 * thread from physics: the control loop offers the latest state every tick and reads the action the
 * latest plan prescribes for now (`actionAt`, else the last action held); a plan that is still running
 * keeps running, and when it finishes the next one starts at once from a copy of the newest state.
 * Synchronous controllers (PD, hold, jog) answer inline, on the tick that asked; a tick may also wait a
 * bounded moment (`landed`) for a fast asynchronous one (an ONNX policy) to answer for its own state.
 *
 * At most one act() is ever in flight, so a controller is never entered twice; `actNow` (lock-step
 * runs, paused stepping) and `halt` (resets, edits, dispose) wait for the plan in flight first.
 */
import type { RobotState } from '../sim/robot/robot.ts';
import type { Controller } from './controller.ts';

interface Offer {
  state: Float64Array;
  time: number;
  robot: RobotState | undefined;
}

export class PlannerLoop {
  private inFlight: Promise<void> | undefined;
  /** The newest state offered while a plan was running: the next plan starts from it. */
  private pending: Offer | undefined;
  private latest: Float64Array | undefined;
  /** Bumped by halt(): a plan started before it is discarded. */
  private generation = 0;

  constructor(
    readonly controller: Controller,
    private readonly events: {
      /** A plan finished after `ms` milliseconds (asynchronous plans only). */
      planned?(ms: number): void;
      /** A plan threw or rejected; the loop stops planning until halt(). */
      failed(err: Error): void;
    },
  ) {}

  /** True while a plan is running. */
  get busy(): boolean {
    return this.inFlight !== undefined;
  }

  /**
   * Offers the newest state; never waits. Starts a plan when none is running (copying the state), else
   * keeps the state for the next one. Returns the action when the controller answered synchronously.
   */
  offer(state: Float64Array, time: number, robot?: RobotState): Float64Array | undefined {
    const offer = { state: state.slice(), time, robot };
    if (this.inFlight) {
      this.pending = offer;
      return undefined;
    }
    return this.start(offer);
  }

  /**
   * Waits up to `ms` for a plan started by the newest offer (a fast policy answers within a fraction of
   * a control period, so the tick that asked can apply it). True if it landed in time; false at once
   * when nothing is planning from the newest state.
   */
  async landed(ms: number): Promise<boolean> {
    const plan = this.inFlight;
    if (!plan || this.pending) return false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    const done = await Promise.race([plan.then(() => true), late]);
    clearTimeout(timer);
    return done && this.latest !== undefined;
  }

  /** The action for `time`: the latest plan's action at that moment, else the last one; undefined before the first plan. */
  action(time: number): Float64Array | undefined {
    if (this.latest === undefined) return undefined;
    return this.controller.actionAt?.(time) ?? this.latest;
  }

  /** Lock-step: waits for the plan in flight, then acts on this state (synchronously when the controller can). */
  actNow(state: Float64Array, time: number, robot?: RobotState): Promise<Float64Array> | Float64Array {
    if (this.inFlight) return this.halt().then(() => this.actNow(state, time, robot));
    const answer = this.controller.act(state, time, robot, { callerWaits: true });
    if (answer instanceof Promise) {
      const done = (): void => void (this.inFlight = undefined);
      this.inFlight = answer.then(done, done);
    }
    return answer;
  }

  /** Drops any pending state, waits for the plan in flight and forgets the last action (before a reset or an edit). */
  async halt(): Promise<void> {
    this.generation++;
    this.pending = undefined;
    while (this.inFlight) await this.inFlight;
    this.latest = undefined;
  }

  private start(offer: Offer): Float64Array | undefined {
    let answer: Promise<Float64Array> | Float64Array;
    try {
      answer = this.controller.act(offer.state, offer.time, offer.robot);
    } catch (err) {
      this.events.failed(err as Error);
      return undefined;
    }
    if (!(answer instanceof Promise)) {
      this.latest = answer;
      return answer;
    }
    const generation = this.generation;
    const t0 = performance.now();
    this.inFlight = answer.then(
      (action) => {
        this.inFlight = undefined;
        if (generation !== this.generation) return;
        this.latest = action;
        this.events.planned?.(performance.now() - t0);
        const next = this.pending;
        this.pending = undefined;
        if (next) this.start(next);
      },
      (err: Error) => {
        this.inFlight = undefined;
        this.pending = undefined;
        if (generation === this.generation) this.events.failed(err);
      },
    );
    return undefined;
  }
}
