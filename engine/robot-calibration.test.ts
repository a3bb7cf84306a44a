import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BusRobot } from '../bridges/bus-robot.ts';
import { MemoryLink } from '../bridges/virtual-bus/memory-link.ts';
import { VirtualBus } from '../bridges/virtual-bus/virtual-bus.ts';
import type { CalibrationStatus } from '../protocol/api.ts';
import { RobotCalibration } from './robot-calibration.ts';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const CONFIG = {
  version: 1,
  name: 'two-joint arm',
  bus: { type: 'feetech', port: '/dev/never-opened', timeoutMs: 200, retries: 1 },
  motors: { a: { id: 1, model: 'sts3215' }, b: { id: 2, model: 'sts3215' } },
  safety: { commandTimeoutMs: 5000 },
};

let flow: RobotCalibration | undefined;
afterEach(() => flow?.dispose());

/** A calibration of a two-servo robot.json in a temp folder over an in-memory virtual bus. */
function setup(cannotSave?: string) {
  const file = join(mkdtempSync(join(tmpdir(), 'actuate-cal-')), 'arm.robot.json');
  writeFileSync(file, JSON.stringify(CONFIG));
  const vbus = new VirtualBus('feetech', [{ id: 1, model: 'sts3215' }, { id: 2, model: 'sts3215' }], () => {});
  const steps: CalibrationStatus['step'][] = [];
  let released = 0;
  flow = new RobotCalibration({
    checkConfig: (path) => path,
    cannotSave: () => cannotSave,
    releaseRobot: async () => released++,
    open: (config) => new BusRobot(config, { link: new MemoryLink(vbus), torque: false, guardProcess: false }),
  });
  flow.onStatus((s) => steps.push(s.step));
  /** A hand moving both joints to `position` (ticks as read) and holding it a moment. */
  const move = async (position: number) => {
    for (const id of [1, 2]) vbus.inject({ op: 'move', id, position });
    await sleep(60);
  };
  return { file, vbus, flow, steps, move, released: () => released };
}

describe('RobotCalibration (the studio\'s guided calibration)', () => {
  it('goes torque off → middle → range → saved, with the CLI\'s calibration and the rest of the file kept', async () => {
    const { file, vbus, flow, steps, move, released } = setup();
    const started = await flow.start(file);
    expect(started).toMatchObject({ step: 'middle', name: 'two-joint arm', joints: [{ name: 'a', resolution: 4096 }, { name: 'b', resolution: 4096 }] });
    expect(released()).toBe(1);
    expect(vbus.snapshot().every((s) => !s.torque)).toBe(true);
    await expect(flow.finish()).rejects.toThrow(/no range being recorded \(step: middle\)/);
    flow.middle();
    await sleep(50);
    for (const p of [1000, 3100, 2000]) await move(p);
    const done = await flow.finish();
    expect(done.step).toBe('done');
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(saved.calibration.a).toMatchObject({ rangeMin: 1000, rangeMax: 3100, direction: 1 });
    expect(saved.bus.port).toBe('/dev/never-opened');
    expect(saved.safety.commandTimeoutMs).toBe(5000);
    expect(done.saved).toBe(file);
    expect(steps.slice(0, 2)).toEqual(['middle', 'range']);
    expect(steps.at(-1)).toBe('done');
  });

  it('fails naming the joints that were not moved, and saves nothing', async () => {
    const { file, flow } = setup();
    await flow.start(file);
    flow.middle();
    await sleep(50);
    const failed = await flow.finish();
    expect(failed).toMatchObject({ step: 'failed' });
    expect(failed.error).toMatch(/calibration incomplete: a, b moved less than 100 ticks/);
    expect(JSON.parse(readFileSync(file, 'utf8')).calibration).toBeUndefined();
  });

  it('cancel while recording saves nothing; a file it may not write is refused before the bus opens', async () => {
    const { file, flow, move } = setup();
    await flow.start(file);
    flow.middle();
    await move(1000);
    await move(3100);
    expect((await flow.cancel()).step).toBe('idle');
    expect(flow.active).toBe(false);
    expect(JSON.parse(readFileSync(file, 'utf8')).calibration).toBeUndefined();
    const refused = setup('a shipped template');
    await expect(refused.flow.start(refused.file)).rejects.toThrow('a shipped template');
    expect(refused.released()).toBe(0);
  });
});
