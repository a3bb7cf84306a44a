import { describe, expect, it } from 'vitest';
import { MemoryLink } from '../virtual-bus/memory-link.ts';
import { VirtualBus, type VirtualServoSpec } from '../virtual-bus/virtual-bus.ts';
import type { ServoEvent } from '../virtual-bus/virtual-servo.ts';
import { BusTimeoutError, BusTransport } from '../transport/bus-transport.ts';
import { DynamixelBus } from './dynamixel/dynamixel-bus.ts';
import { Protocol2Decoder } from './dynamixel/protocol2.ts';
import { FeetechBus } from './feetech/feetech-bus.ts';
import { ScsDecoder } from './feetech/scs-protocol.ts';
import { findModel } from './models.ts';

function dynamixel(specs: VirtualServoSpec[]) {
  const events: ServoEvent[] = [];
  const vbus = new VirtualBus('dynamixel', specs, (e) => events.push(e));
  const link = new MemoryLink(vbus);
  const bus = new DynamixelBus(new BusTransport(link, new Protocol2Decoder()), new Map(specs.map((s) => [s.id, findModel(s.model)])), { timeoutMs: 200 });
  return { vbus, link, bus, events };
}
function feetech(specs: VirtualServoSpec[]) {
  const events: ServoEvent[] = [];
  const vbus = new VirtualBus('feetech', specs, (e) => events.push(e));
  const link = new MemoryLink(vbus);
  const bus = new FeetechBus(new BusTransport(link, new ScsDecoder()), new Map(specs.map((s) => [s.id, findModel(s.model)])), { timeoutMs: 200 });
  return { vbus, link, bus, events };
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('DynamixelBus against the virtual bus', () => {
  it('scans, sync reads and moves to a sync-written goal', async () => {
    const { bus } = dynamixel([{ id: 1, model: 'xl330-m288' }, { id: 4, model: 'xl430-w250', position: 1000 }]);
    const pinged: string[] = [];
    expect(await bus.scan([0, 1, 2, 3, 4], undefined, 0, (id, i, found) => pinged.push(`${id}:${i}:${found}`))).toEqual([
      { id: 1, model: 'xl330-m288', modelNumber: 1200, firmware: 52 },
      { id: 4, model: 'xl430-w250', modelNumber: 1060, firmware: 52 },
    ]);
    // Progress before each ping: the ID, its place in the sweep, the servos found so far.
    expect(pinged).toEqual(['0:0:0', '1:1:0', '2:2:1', '3:3:1', '4:4:1']);
    const before = await bus.syncRead(['Present_Position', 'Present_Velocity', 'Present_Input_Voltage', 'Present_Temperature']);
    expect(before.get(4)).toMatchObject({ Present_Position: 1000, Present_Input_Voltage: 50, Present_Temperature: 31 });
    await bus.syncWrite('Goal_Position', new Map([[1, 2100], [4, 1000]]));
    await bus.setTorque(true);
    await sleep(400);
    const after = await bus.syncRead(['Present_Position']);
    expect(after.get(1)!.Present_Position).toBeGreaterThan(2090);
  });

  it('a refused write names the servo and the error; EEPROM is locked while torque is on', async () => {
    const { bus } = dynamixel([{ id: 1, model: 'xl330-m288' }]);
    await bus.write(1, 'Torque_Enable', 1);
    await expect(bus.write(1, 'Homing_Offset', 10)).rejects.toThrow('ID 1 refused the instruction: access error');
  });

  it('the Bus Watchdog stops a servo that hears nothing, and reports −1', async () => {
    const { bus, vbus, events } = dynamixel([{ id: 1, model: 'xl330-m288' }]);
    await bus.write(1, 'Goal_Position', 2048);
    await bus.write(1, 'Torque_Enable', 1);
    expect(await bus.armBusWatchdog(50)).toBe(60);
    await bus.write(1, 'Goal_Position', 3500);
    await sleep(100);
    vbus.step();
    expect(events).toContainEqual({ event: 'watchdog-trip', id: 1 });
    expect(await bus.read(1, 'Bus_Watchdog')).toBe(-1);
    await expect(bus.write(1, 'Goal_Position', 3000)).rejects.toThrow(/data range error/);
    const stoppedAt = await bus.read(1, 'Present_Position');
    await sleep(60);
    expect(await bus.read(1, 'Present_Position')).toBe(stoppedAt);
    await bus.clearBusWatchdog();
    await bus.write(1, 'Goal_Position', 3000);
  });

  it('overload raises Alert; the hardware error register is read into a named fault', async () => {
    const { bus, vbus } = dynamixel([{ id: 2, model: 'xl330-m288' }]);
    vbus.inject({ op: 'overload', id: 2 });
    await bus.syncRead(['Present_Position']);
    expect(bus.alerts.has(2)).toBe(true);
    await bus.readHardwareErrors();
    expect(bus.takeFaults()).toEqual([{ kind: 'overload', id: 2, message: 'ID 2: overload: sustained load beyond the motor’s capacity' }]);
    await bus.reboot(2);
    expect(await bus.read(2, 'Hardware_Error_Status')).toBe(0);
  });

  it('corrupted replies are retried; a silent servo times out naming what arrived', async () => {
    const { bus, vbus, link } = dynamixel([{ id: 1, model: 'xl330-m288' }, { id: 2, model: 'xl330-m288' }]);
    vbus.inject({ op: 'corrupt', id: 1, count: 1 });
    expect((await bus.syncRead(['Present_Position'])).size).toBe(2);
    expect(bus.transport.stats.retries).toBe(1);
    expect(bus.transport.decoder.stats.checksumErrors).toBe(1);
    vbus.inject({ op: 'silence', id: 2, on: true });
    const err = await bus.syncRead(['Present_Position']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BusTimeoutError);
    expect((err as BusTimeoutError).partial.map((p) => p.id)).toEqual([1]);
    link.unplug();
    await expect(bus.read(1, 'Present_Position')).rejects.toThrow(/unplugged/);
  });

  it('fast sync read returns every servo’s block from one packet', async () => {
    const { bus } = dynamixel([{ id: 1, model: 'xl330-m288', position: 100 }, { id: 2, model: 'xl330-m288', position: 200 }, { id: 3, model: 'xl330-m288', position: 300 }]);
    const data = await bus.fastSyncRead(132, 4, [1, 2, 3]);
    expect([...data.keys()]).toEqual([1, 2, 3]);
    expect([...data.values()].map((d) => d[0]! | (d[1]! << 8))).toEqual([100, 200, 300]);
  });
});

describe('FeetechBus against the virtual bus', () => {
  it('scans an STS3215 and reads its model number from the table', async () => {
    const { bus } = feetech([{ id: 3, model: 'sts3215' }]);
    expect(await bus.scan([1, 2, 3])).toEqual([{ id: 3, model: 'sts3215', modelNumber: 777, firmware: 3 }]);
  });

  it('unlocks EEPROM around a write so it survives a restart; sign-magnitude offsets round-trip', async () => {
    const { bus, vbus, events } = feetech([{ id: 1, model: 'sts3215' }]);
    await bus.write(1, 'Homing_Offset', -300);
    expect(events.filter((e) => e.event === 'write' && e.register === 'Lock').map((e) => (e as { value: number }).value)).toEqual([0, 1]);
    vbus.servos.get(1)!.restart();
    expect(await bus.read(1, 'Homing_Offset')).toBe(-300);
    // Feetech subtracts the offset: a shaft at 2048 now reads 2348.
    expect(await bus.read(1, 'Present_Position')).toBe(2348);
  });

  it('status byte faults are named', async () => {
    const { bus, vbus } = feetech([{ id: 5, model: 'sts3215' }]);
    vbus.inject({ op: 'overload', id: 5 });
    await bus.syncRead(['Present_Position']);
    expect(bus.takeFaults().map((f) => f.kind)).toEqual(['overload']);
  });
});
