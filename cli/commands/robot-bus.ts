/**
 * `actuate robot ports | scan | read | calibrate | virtual-bus`: real servo buses from the command line.
 * Loaded on demand by cli/main.ts so `actuate` starts fast without serialport.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { BusRobot } from '../../bridges/bus-robot.ts';
import { openBus } from '../../bridges/buses/open-bus.ts';
import { calibrate } from '../../bridges/calibrate.ts';
import { loadRobotConfig, saveRobotConfig } from '../../bridges/robot-config.ts';
import { listSerialPorts } from '../../bridges/transport/serial-link.ts';
import { VirtualBusProcess } from '../../bridges/virtual-bus/harness.ts';
import { UsageError } from '../usage-error.ts';

/** What a bus command prints, and its exit code when it is not 0. */
export type BusCommandOutput = string | { text: string; exitCode: number };

export async function robotBusCommand(argv: string[]): Promise<BusCommandOutput> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'ports':
      return ports(rest);
    case 'scan':
      return scan(rest);
    case 'read':
      return read(rest);
    case 'calibrate':
      return calibrateCommand(rest);
    case 'virtual-bus':
      return virtualBus(rest);
    default:
      throw new UsageError(`unknown robot command '${sub ?? ''}'`);
  }
}

async function ports(argv: string[]): Promise<string> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean', default: false } } });
  const list = await listSerialPorts();
  if (values.json) return JSON.stringify(list);
  if (!list.length) return 'no serial ports found';
  return list.map((p) => `${p.path.padEnd(24)} ${[p.manufacturer, p.vendorId && `${p.vendorId}:${p.productId}`, p.serialNumber].filter(Boolean).join('  ')}`).join('\n');
}

/** "1-6,9" → [1…6, 9]. */
function parseIds(text: string): number[] {
  const ids = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw new UsageError(`--ids: '${part}' is not an ID or a range like 1-6`);
    for (let id = Number(m[1]); id <= Number(m[2] ?? m[1]); id++) ids.add(id);
  }
  return [...ids];
}

async function scan(argv: string[]): Promise<string> {
  const { values } = parseArgs({
    args: argv,
    options: {
      bus: { type: 'string' },
      port: { type: 'string' },
      baud: { type: 'string', default: '1000000' },
      ids: { type: 'string', default: '0-252' },
      // Generous by default: USB adapters (FTDI) hold replies up to their 16 ms latency timer.
      timeout: { type: 'string', default: '50' },
      json: { type: 'boolean', default: false },
    },
  });
  if (values.bus !== 'dynamixel' && values.bus !== 'feetech') throw new UsageError('robot scan needs --bus dynamixel|feetech');
  if (!values.port) throw new UsageError('robot scan needs --port P (list them with `actuate robot ports`)');
  const baud = Number(values.baud);
  if (!Number.isInteger(baud) || baud <= 0) throw new UsageError(`--baud ${values.baud} is not a baud rate`);
  const timeoutMs = Number(values.timeout);
  if (!(timeoutMs > 0)) throw new UsageError(`--timeout ${values.timeout} is not a time in ms`);
  const bus = await openBus({ kind: values.bus, port: values.port, baud, timeoutMs });
  try {
    // One retry per ID: a first reply can be late (adapter latency timer, a busy machine).
    const ids = parseIds(values.ids!);
    const progress = !values.json && process.stderr.isTTY;
    const found = await bus.scan(ids, timeoutMs, 1, progress ? (id, i, n) => process.stderr.write(`\rID ${id} (${i + 1} of ${ids.length}), ${n} found\x1b[K`) : undefined);
    if (progress) process.stderr.write('\r\x1b[K');
    if (values.json) return JSON.stringify(found.map((f) => ({ id: f.id, model: f.model, firmware: f.firmware })));
    if (!found.length) return `no ${values.bus} servos answered on ${values.port} at ${baud} baud`;
    return found.map((f) => `ID ${String(f.id).padStart(3)}  ${f.model.padEnd(12)} (model ${f.modelNumber}, firmware ${f.firmware})`).join('\n');
  } finally {
    await bus.close();
  }
}

/** Prints the robot's state; exits 1 when a servo reports a fault (after printing it). */
async function read(argv: string[]): Promise<BusCommandOutput> {
  const { values } = parseArgs({ args: argv, options: { robot: { type: 'string' }, port: { type: 'string' }, json: { type: 'boolean', default: false } } });
  if (!values.robot) throw new UsageError('robot read needs --robot robot.json');
  const config = loadRobotConfig(values.robot);
  // Reading never enables torque.
  const robot = new BusRobot(config, { torque: false, ...(values.port ? { port: values.port } : {}) });
  await robot.connect();
  try {
    const s = await robot.read();
    const joints = robot.capabilities.joints.map((name, i) => ({
      joint: name,
      position: s.position[i]!,
      velocity: s.velocity[i]!,
      effort: s.effort![i]!,
      temperature: s.temperature![i]!,
      voltage: s.voltage![i]!,
    }));
    const exitCode = s.faults.length ? 1 : 0;
    if (values.json) return { text: JSON.stringify({ robot: config.name, stamp: s.stamp, joints, faults: s.faults }), exitCode };
    const f = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : '—');
    const text = [
      `${config.name} on ${values.port ?? config.bus.port}`,
      `  ${'joint'.padEnd(16)} ${'rad'.padStart(8)} ${'rad/s'.padStart(8)} ${'load'.padStart(7)} ${'°C'.padStart(4)} ${'V'.padStart(5)}`,
      ...joints.map((j) => `  ${j.joint.padEnd(16)} ${f(j.position).padStart(8)} ${f(j.velocity).padStart(8)} ${f(j.effort, 1).padStart(7)} ${f(j.temperature, 0).padStart(4)} ${f(j.voltage, 1).padStart(5)}`),
      ...s.faults.map((x) => `  fault: ${x.message}`),
    ].join('\n');
    return { text, exitCode };
  } finally {
    await robot.disconnect();
  }
}

async function calibrateCommand(argv: string[]): Promise<string> {
  const { values } = parseArgs({
    args: argv,
    options: { robot: { type: 'string' }, port: { type: 'string' }, seconds: { type: 'string' }, yes: { type: 'boolean', default: false }, out: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  if (!values.robot) throw new UsageError('robot calibrate needs --robot robot.json');
  const interactive = !values.yes;
  if (!interactive && !values.seconds) throw new UsageError('non-interactive calibration (--yes) needs --seconds S of range recording');
  const seconds = values.seconds ? Number(values.seconds) : undefined;
  if (seconds !== undefined && !(seconds > 0)) throw new UsageError(`--seconds ${values.seconds} is not a positive duration`);
  const config = loadRobotConfig(values.robot);
  const robot = new BusRobot(config, { torque: false, ...(values.port ? { port: values.port } : {}) });
  await robot.connect();
  const lines = interactive ? createInterface({ input: process.stdin }) : undefined;
  const enter = () => new Promise<void>((resolve) => lines!.once('line', () => resolve()));
  try {
    if (interactive) {
      process.stderr.write(`Torque is off. Move every joint of ${config.name} to the middle of its range, then press Enter.\n`);
      await enter();
      process.stderr.write('Now move every joint through its whole range; press Enter when done.\n');
    } else {
      process.stderr.write(`recording ranges for ${seconds} s (the present pose is taken as the middle)\n`);
    }
    const stop = interactive ? enter() : new Promise<void>((r) => setTimeout(r, seconds! * 1000));
    const result = await calibrate(robot.motorBus, config, {
      recordUntil: stop,
      onProgress: (ranges) => {
        if (!process.stderr.isTTY) return;
        process.stderr.write(`\r${Object.entries(ranges).map(([j, r]) => `${j} ${r.min}..${r.max}`).join('  ')}   `);
      },
    });
    const file = values.out ?? values.robot;
    saveRobotConfig(file, { ...config, calibration: result });
    if (values.json) return JSON.stringify({ file, calibration: result });
    return [`calibration saved to ${file}`, ...Object.entries(result).map(([j, c]) => `  ${j.padEnd(16)} offset ${String(c.homingOffset).padStart(5)}  range ${c.rangeMin}..${c.rangeMax}  direction ${c.direction}`)].join('\n');
  } finally {
    lines?.close();
    await robot.disconnect();
  }
}

/** Runs a virtual servo bus until Ctrl-C, so every robot command can be tried without hardware. */
async function virtualBus(argv: string[]): Promise<string> {
  const { values } = parseArgs({ args: argv, options: { bus: { type: 'string' }, servo: { type: 'string', multiple: true, default: [] } } });
  if (values.bus !== 'dynamixel' && values.bus !== 'feetech') throw new UsageError('robot virtual-bus needs --bus dynamixel|feetech');
  if (!values.servo!.length) throw new UsageError('robot virtual-bus needs at least one --servo ID:MODEL, e.g. --servo 1:sts3215');
  const servos = values.servo!.map((s) => {
    const [id, model] = s.split(':');
    if (!id || !model) throw new UsageError(`--servo ${s}: expected ID:MODEL`);
    return { id: Number(id), model };
  });
  const vb = await VirtualBusProcess.start(values.bus, servos);
  process.stderr.write(`virtual ${values.bus} bus with IDs ${servos.map((s) => s.id).join(', ')} on ${vb.port} (Ctrl-C to stop)\n`);
  console.log(vb.port);
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  await vb.stop();
  return '';
}
