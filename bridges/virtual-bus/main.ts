/**
 * The virtual servo bus program: starts a socat pseudo-terminal pair, owns one end and answers on
 * it like a chain of real servos; the host opens the other end, printed in the "ready" event.
 *
 *   node --import tsx bridges/virtual-bus/main.ts --bus dynamixel --servo 1:xl330-m288 --servo 2:xl430-w250:1024
 *
 * It exits (and stops socat) when its stdin closes, so it never outlives the process that started it.
 * Fault injections arrive on stdin as JSON lines ({"op":"overload","id":2}, {"op":"corrupt","id":1,"count":5},
 * {"op":"silence","id":3,"on":true}, {"op":"move","id":1,"position":900}, {"op":"snapshot"},
 * {"op":"unplug"} stops socat as if the adapter were pulled);
 * events leave on stdout as JSON lines ({"event":"ready"}, {"event":"write","id":1,"register":"Torque_Enable","value":0}, …).
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { SerialPort } from 'serialport';
import type { BusKind } from '../buses/motor-model.ts';
import { startPtyPair } from './pty-pair.ts';
import { VirtualBus, type Injection, type VirtualServoSpec } from './virtual-bus.ts';

/** How often the servos' dynamics and watchdogs advance when the bus is quiet. */
const STEP_MS = 5;

const { values } = parseArgs({
  options: {
    bus: { type: 'string' },
    servo: { type: 'string', multiple: true, default: [] },
  },
});

const say = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);

function parseServo(text: string): VirtualServoSpec {
  const [id, model, position] = text.split(':');
  if (!id || !model || !/^\d+$/.test(id)) throw new Error(`--servo ${text}: expected ID:MODEL[:POSITION], e.g. 1:sts3215:2048`);
  return { id: Number(id), model, ...(position !== undefined ? { position: Number(position) } : {}) };
}

if (values.bus !== 'dynamixel' && values.bus !== 'feetech') {
  console.error('usage: main.ts --bus dynamixel|feetech --servo ID:MODEL[:POSITION] …');
  process.exit(2);
}

let bus: VirtualBus;
try {
  bus = new VirtualBus(values.bus as BusKind, values.servo!.map(parseServo), say);
} catch (err) {
  say({ event: 'error', message: (err as Error).message });
  process.exit(2);
}
const pty = await startPtyPair().catch((err: Error) => {
  say({ event: 'error', message: err.message });
  process.exit(1);
});
const quit = (code: number) => void pty.close().then(() => process.exit(code));
process.on('SIGTERM', () => quit(0));
process.on('SIGINT', () => quit(0));
const port = new SerialPort({ path: pty.a, baudRate: 1_000_000 });
port.on('error', (err) => {
  say({ event: 'error', message: err.message });
  quit(1);
});
port.on('open', () => say({ event: 'ready', port: pty.b, servos: [...bus.servos.keys()] }));
port.on('data', (chunk: Buffer) => {
  const replies = bus.receive(chunk);
  if (replies.length) port.write(Buffer.concat(replies));
});
port.on('close', () => say({ event: 'closed' }));
setInterval(() => bus.step(), STEP_MS);

const input = createInterface({ input: process.stdin });
input.on('close', () => quit(0));
input.on('line', (line) => {
  if (!line.trim()) return;
  try {
    const message = JSON.parse(line) as Injection | { op: 'snapshot' } | { op: 'unplug' };
    if (message.op === 'snapshot') say({ event: 'snapshot', servos: bus.snapshot(), counters: bus.counters, decoder: bus.decoderStats });
    else if (message.op === 'unplug') void pty.close().then(() => say({ event: 'unplugged' }));
    else {
      bus.inject(message);
      say({ event: 'injected', ...message });
    }
  } catch (err) {
    say({ event: 'error', message: (err as Error).message });
  }
});
