/**
 * A bus of virtual servos: bytes from the host in, reply bytes out. Decodes with the same stream
 * decoders the host uses, steps every servo's dynamics by wall time, and runs the fault injections
 * a test asks for. `main.ts` puts it on one end of a pseudo-terminal pair.
 */
import { Protocol2Decoder } from '../buses/dynamixel/protocol2.ts';
import { ScsDecoder } from '../buses/feetech/scs-protocol.ts';
import { findModel } from '../buses/models.ts';
import type { BusKind } from '../buses/motor-model.ts';
import type { PacketDecoder } from '../buses/packet.ts';
import { dynamixelReplies } from './dynamixel-peer.ts';
import { feetechReplies } from './feetech-peer.ts';
import { VirtualServo, type ServoEvent } from './virtual-servo.ts';

export interface VirtualServoSpec {
  id: number;
  model: string;
  /** Initial Present_Position (ticks); the middle of the range when absent. */
  position?: number;
}

/** Factory defaults that matter to the host (the rest of the table reads 0). */
const DEFAULTS: Record<BusKind, Record<string, number>> = {
  dynamixel: {
    Firmware_Version: 52,
    Baud_Rate: 3,
    Return_Delay_Time: 0,
    Operating_Mode: 3,
    Temperature_Limit: 70,
    Max_Voltage_Limit: 70,
    Min_Voltage_Limit: 35,
    PWM_Limit: 885,
    Velocity_Limit: 445,
    Max_Position_Limit: 4095,
    Min_Position_Limit: 0,
    Shutdown: 52,
    Status_Return_Level: 2,
    Position_P_Gain: 400,
    Present_Input_Voltage: 50,
    Present_Temperature: 31,
  },
  feetech: {
    Firmware_Major_Version: 3,
    Firmware_Minor_Version: 10,
    Baud_Rate: 0,
    Return_Delay_Time: 0,
    Response_Status_Level: 1,
    Min_Position_Limit: 0,
    Max_Position_Limit: 4095,
    Max_Temperature_Limit: 70,
    Max_Voltage_Limit: 80,
    Min_Voltage_Limit: 40,
    Max_Torque_Limit: 1000,
    P_Coefficient: 32,
    D_Coefficient: 32,
    Torque_Limit: 1000,
    Lock: 1,
    Present_Voltage: 74,
    Present_Temperature: 29,
  },
};

export type Injection =
  | { op: 'overload'; id: number }
  | { op: 'corrupt'; id: number; count: number }
  | { op: 'silence'; id: number; on: boolean }
  | { op: 'move'; id: number; position: number };

export interface BusCounters {
  packetsIn: number;
  repliesOut: number;
}

export class VirtualBus {
  readonly servos = new Map<number, VirtualServo>();
  readonly counters: BusCounters = { packetsIn: 0, repliesOut: 0 };
  private readonly decoder: PacketDecoder;
  private lastStep = performance.now();

  constructor(
    readonly kind: BusKind,
    specs: readonly VirtualServoSpec[],
    private readonly emit: (e: ServoEvent) => void = () => {},
  ) {
    this.decoder = kind === 'dynamixel' ? new Protocol2Decoder() : new ScsDecoder();
    for (const spec of specs) {
      const model = findModel(spec.model);
      if (model.bus !== kind) throw new Error(`servo ${spec.id}: ${spec.model} is a ${model.bus} servo, not ${kind}`);
      if (this.servos.has(spec.id)) throw new Error(`servo ID ${spec.id} appears twice`);
      const servo = new VirtualServo(model, spec.id, DEFAULTS[kind], emit, spec.position);
      this.servos.set(spec.id, servo);
    }
  }

  get decoderStats() {
    return this.decoder.stats;
  }

  /** Bytes from the host; returns the bytes the servos answer with, in bus order. */
  receive(chunk: Uint8Array, now = performance.now()): Uint8Array[] {
    this.step(now);
    const replies: Uint8Array[] = [];
    for (const packet of this.decoder.push(chunk)) {
      this.counters.packetsIn++;
      for (const s of this.servos.values()) s.heard(now);
      const out = this.kind === 'dynamixel' ? dynamixelReplies(this.servos, packet) : feetechReplies(this.servos, packet);
      replies.push(...out);
    }
    this.counters.repliesOut += replies.length;
    return replies;
  }

  /** Advances every servo to `now` (ms, performance.now()). */
  step(now = performance.now()): void {
    const dt = Math.min(0.1, Math.max(0, (now - this.lastStep) / 1000));
    this.lastStep = now;
    for (const s of this.servos.values()) s.step(dt, now);
  }

  inject(injection: Injection): void {
    const s = this.servos.get(injection.id);
    if (!s) throw new Error(`no virtual servo with ID ${injection.id}`);
    switch (injection.op) {
      case 'overload':
        s.injectOverload();
        break;
      case 'corrupt':
        s.corruptReplies = injection.count;
        break;
      case 'silence':
        s.silent = injection.on;
        break;
      case 'move':
        s.moveTo(injection.position);
        break;
    }
  }

  /** What a test looks at: per servo, torque, position, goal, watchdog and faults. */
  snapshot(): Array<Record<string, number | boolean>> {
    return [...this.servos.values()].map((s) => ({
      id: s.id,
      torque: s.torque,
      position: s.get('Present_Position'),
      goal: s.get('Goal_Position'),
      goalWrites: s.goalWrites,
      homingOffset: s.get('Homing_Offset'),
      watchdogTripped: s.watchdogTripped,
      overloaded: s.overloaded,
      ...(s.has('Bus_Watchdog') ? { busWatchdog: s.get('Bus_Watchdog') } : {}),
      ...(s.has('Lock') ? { lock: s.get('Lock') } : {}),
    }));
  }
}
