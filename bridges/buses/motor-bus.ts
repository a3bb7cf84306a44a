/**
 * Motor buses, layered as LeRobot's are: `MotorBus` (what a robot needs: scan, read, write, sync
 * read/write, torque, faults) → `SerialMotorBus` (register encoding, transactions over a
 * BusTransport, retries, fault bookkeeping) → `DynamixelBus` / `FeetechBus` (packets and each
 * family's rules). Values are raw register values; calibration (calibration.ts) maps them to radians.
 */
import type { BusTransport } from '../transport/bus-transport.ts';
import type { BusFault } from './fault.ts';
import type { BusKind, MotorModel } from './motor-model.ts';
import type { DecodedPacket } from './packet.ts';
import { decodeRegister, encodeRegister, span, type Register } from './registers.ts';

export interface FoundMotor {
  id: number;
  model: string;
  modelNumber: number;
  firmware: number;
}

export interface MotorBus {
  readonly kind: BusKind;
  readonly motors: ReadonlyMap<number, MotorModel>;
  scan(ids?: readonly number[]): Promise<FoundMotor[]>;
  read(id: number, register: string): Promise<number>;
  write(id: number, register: string, value: number): Promise<void>;
  /** One sync read of the contiguous span covering `registers`, for every motor. */
  syncRead(registers: readonly string[], ids?: readonly number[]): Promise<Map<number, Record<string, number>>>;
  syncWrite(register: string, values: ReadonlyMap<number, number>): Promise<void>;
  setTorque(on: boolean, ids?: readonly number[]): Promise<void>;
  /** Torque off on every servo with one broadcast packet that needs no reply: the emergency path. */
  torqueOffBroadcast(): Promise<void>;
  /** The same packet, for a synchronous last-moment write (process exit). */
  readonly torqueOffPacket: Uint8Array;
  /** Faults reported since the last call (status bits, hardware errors, silent servos). */
  takeFaults(): BusFault[];
  close(): Promise<void>;
}

/** A servo refused an instruction (its status packet carried an error). */
export class ServoError extends Error {
  override name = 'ServoError';
  constructor(
    readonly id: number,
    message: string,
  ) {
    super(message);
  }
}

export interface SerialBusOptions {
  /** Reply timeout per transaction, ms. */
  timeoutMs?: number;
  /** Extra attempts for reads (writes of goals are never repeated: the next tick sends a fresh one). */
  retries?: number;
}

export abstract class SerialMotorBus implements MotorBus {
  abstract readonly kind: BusKind;
  abstract readonly torqueOffPacket: Uint8Array;
  protected faults: BusFault[] = [];
  protected readonly timeoutMs: number;
  protected readonly retries: number;

  constructor(
    readonly transport: BusTransport,
    readonly motors: ReadonlyMap<number, MotorModel>,
    options: SerialBusOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 20;
    this.retries = options.retries ?? 2;
  }

  // Vendor packets and status handling.
  protected abstract pingPacket(id: number): Uint8Array;
  protected abstract readPacket(id: number, address: number, length: number): Uint8Array;
  protected abstract writePacket(id: number, address: number, data: Uint8Array): Uint8Array;
  protected abstract syncReadPacket(address: number, length: number, ids: readonly number[]): Uint8Array;
  protected abstract syncWritePacket(address: number, length: number, data: ReadonlyMap<number, Uint8Array>): Uint8Array;
  protected abstract isReply(packet: DecodedPacket): boolean;
  /** Data bytes a reply carries: a late reply to an earlier request (after a retry) has the wrong length and is skipped. */
  protected abstract dataLength(packet: DecodedPacket): number;
  /** The data of a reply, after recording its faults; throws ServoError when the instruction failed. */
  protected abstract replyData(packet: DecodedPacket): Uint8Array;
  protected abstract identify(id: number, pingReply: DecodedPacket): Promise<FoundMotor>;

  model(id: number): MotorModel {
    const m = this.motors.get(id);
    if (!m) throw new Error(`no motor with ID ${id} on this ${this.kind} bus (configured: ${[...this.motors.keys()].join(', ')})`);
    return m;
  }

  register(id: number, name: string): Register {
    const r = this.model(id).table[name];
    if (!r) throw new Error(`${this.model(id).name} (ID ${id}) has no register ${name}`);
    return r;
  }

  async ping(id: number, timeoutMs = this.timeoutMs, retries = 0): Promise<DecodedPacket> {
    const [reply] = await this.transport.transact(this.pingPacket(id), { replies: 1, accept: (p) => this.isReply(p) && p.id === id, timeoutMs, retries });
    return reply!;
  }

  /**
   * Pings each ID. A full scan of 253 IDs waits `timeoutMs` for every absent one; checking the
   * configured motors passes their IDs and the bus's own timeout and retries. `onPing` hears each ID
   * before it is asked (progress for a long sweep).
   */
  async scan(ids: readonly number[] = Array.from({ length: 253 }, (_, i) => i), timeoutMs = this.timeoutMs, retries = 0, onPing?: (id: number, index: number, found: number) => void): Promise<FoundMotor[]> {
    const found: FoundMotor[] = [];
    for (const [index, id] of ids.entries()) {
      onPing?.(id, index, found.length);
      let reply: DecodedPacket;
      try {
        reply = await this.ping(id, timeoutMs, retries);
      } catch {
        continue;
      }
      found.push(await this.identify(id, reply));
    }
    return found;
  }

  async readBytes(id: number, address: number, length: number): Promise<Uint8Array> {
    const [reply] = await this.transport.transact(this.readPacket(id, address, length), {
      replies: 1,
      accept: (p) => this.isReply(p) && p.id === id && this.dataLength(p) === length,
      timeoutMs: this.timeoutMs,
      retries: this.retries,
    });
    const data = this.replyData(reply!);
    if (data.length !== length) throw new ServoError(id, `ID ${id} answered ${data.length} bytes to a read of ${length}`);
    return data;
  }

  async read(id: number, name: string): Promise<number> {
    const reg = this.register(id, name);
    return decodeRegister(reg, await this.readBytes(id, reg.address, reg.size), 0, this.model(id).byteOrder);
  }

  async write(id: number, name: string, value: number): Promise<void> {
    const reg = this.register(id, name);
    const data = encodeRegister(`${name} of ID ${id}`, reg, value, this.model(id).byteOrder);
    const [reply] = await this.transport.transact(this.writePacket(id, reg.address, data), {
      replies: 1,
      accept: (p) => this.isReply(p) && p.id === id,
      timeoutMs: this.timeoutMs,
      retries: this.retries,
    });
    this.replyData(reply!);
  }

  async syncRead(names: readonly string[], ids: readonly number[] = [...this.motors.keys()]): Promise<Map<number, Record<string, number>>> {
    const table = this.model(ids[0]!).table;
    const { address, length } = span(table, names);
    const replies = await this.transport.transact(this.syncReadPacket(address, length, ids), {
      replies: ids.length,
      accept: (p) => this.isReply(p) && ids.includes(p.id) && this.dataLength(p) === length,
      timeoutMs: this.timeoutMs,
      retries: this.retries,
    });
    const out = new Map<number, Record<string, number>>();
    for (const reply of replies) {
      const data = this.replyData(reply);
      const model = this.model(reply.id);
      const values: Record<string, number> = {};
      for (const n of names) values[n] = decodeRegister(model.table[n]!, data, model.table[n]!.address - address, model.byteOrder);
      out.set(reply.id, values);
    }
    return out;
  }

  async syncWrite(name: string, values: ReadonlyMap<number, number>): Promise<void> {
    const data = new Map<number, Uint8Array>();
    let reg: Register | undefined;
    for (const [id, value] of values) {
      reg = this.register(id, name);
      data.set(id, encodeRegister(`${name} of ID ${id}`, reg, value, this.model(id).byteOrder));
    }
    if (!reg) return;
    await this.transport.send(this.syncWritePacket(reg.address, reg.size, data));
  }

  async setTorque(on: boolean, ids: readonly number[] = [...this.motors.keys()]): Promise<void> {
    await this.syncWrite('Torque_Enable', new Map(ids.map((id) => [id, on ? 1 : 0])));
  }

  async torqueOffBroadcast(): Promise<void> {
    await this.transport.send(this.torqueOffPacket);
  }

  takeFaults(): BusFault[] {
    const f = this.faults;
    this.faults = [];
    return f;
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}
