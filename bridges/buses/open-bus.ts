/** A vendor bus on a serial port (or any ByteLink), from a bus kind and its motors. */
import { BusTransport } from '../transport/bus-transport.ts';
import type { ByteLink } from '../transport/byte-link.ts';
import { SerialLink } from '../transport/serial-link.ts';
import { DynamixelBus } from './dynamixel/dynamixel-bus.ts';
import { Protocol2Decoder } from './dynamixel/protocol2.ts';
import { FeetechBus } from './feetech/feetech-bus.ts';
import { ScsDecoder } from './feetech/scs-protocol.ts';
import type { SerialBusOptions } from './motor-bus.ts';
import type { BusKind, MotorModel } from './motor-model.ts';

export interface OpenBusOptions extends SerialBusOptions {
  kind: BusKind;
  port: string;
  baud: number;
  motors?: ReadonlyMap<number, MotorModel>;
  /** Use this link instead of opening `port` (tests: an in-memory virtual bus). */
  link?: ByteLink;
}

export async function openBus(options: OpenBusOptions): Promise<DynamixelBus | FeetechBus> {
  const link = options.link ?? (await SerialLink.open(options.port, options.baud));
  const motors = options.motors ?? new Map();
  if (options.kind === 'dynamixel') return new DynamixelBus(new BusTransport(link, new Protocol2Decoder(), options.timeoutMs), motors, options);
  return new FeetechBus(new BusTransport(link, new ScsDecoder(), options.timeoutMs), motors, options);
}
