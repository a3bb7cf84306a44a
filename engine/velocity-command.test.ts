import { afterEach, describe, expect, it } from 'vitest';
import type { SessionSnapshot } from '../protocol/api.ts';
import type { NumberParam } from '../protocol/params.ts';
import { COMMAND_PARAMS } from '../sim/tasks/go2-walk.ts';
import { velocityTarget, type Velocity } from '../protocol/velocity.ts';
import { VelocityCommand } from './velocity-command.ts';

/** The parts of a snapshot the velocity command reads: the task's and the controller's parameters. */
function snapshot(taskParams: NumberParam[], controllerParams: NumberParam[] = []): SessionSnapshot {
  return { task: { id: 'walk', params: taskParams }, controller: { id: 'policy', params: controllerParams } } as unknown as SessionSnapshot;
}

const walking = snapshot(COMMAND_PARAMS as NumberParam[]);
let command: VelocityCommand | undefined;
afterEach(() => command?.dispose());

function commandOn(state: SessionSnapshot, timeoutMs = 10_000) {
  const applied: { scope: string; values: Velocity }[] = [];
  command = new VelocityCommand({ snapshot: () => state, apply: async (scope, values) => void applied.push({ scope, values }), timeoutMs });
  return { command, applied };
}

describe('VelocityCommand', () => {
  it("lands on the task's live command, clamped to its ranges", async () => {
    const { command, applied } = commandOn(walking);
    expect(await command.set({ vx: 3, vy: -0.2, yawRate: -7 })).toEqual({ scope: 'task', command: { vx: 1, vy: -0.2, yawRate: -1 } });
    expect(applied).toEqual([{ scope: 'task', values: { vx: 1, vy: -0.2, yawRate: -1 } }]);
  });

  it("falls back to a controller's vx, vy and yawRate, and names the task and controller when neither takes one", async () => {
    const onController = snapshot([], COMMAND_PARAMS.map((p) => ({ ...(p as NumberParam), live: false })));
    expect(velocityTarget(onController)?.scope).toBe('controller');
    // Live task parameters that are not the three velocity keys do not count.
    const arm = snapshot([{ kind: 'number', key: 'vx', label: 'vx', default: 0, min: -1, max: 1, live: true }]);
    await expect(commandOn(arm).command.set({ vx: 0.5, vy: 0, yawRate: 0 })).rejects.toThrow(/task 'walk' and controller 'policy' take no velocity command/);
  });

  it('refuses a non-finite value without applying anything', async () => {
    const { command, applied } = commandOn(walking);
    await expect(command.set({ vx: Number.NaN, vy: 0, yawRate: Infinity })).rejects.toThrow(/vx, yawRate not a finite number/);
    expect(applied).toEqual([]);
  });

  it('sets a moving command back to zero when it is not renewed in time, and only once', async () => {
    const { command, applied } = commandOn(walking, 60);
    await command.set({ vx: 0.5, vy: 0, yawRate: 0.1 });
    await new Promise((r) => setTimeout(r, 250));
    expect(applied.map((a) => a.values)).toEqual([{ vx: 0.5, vy: 0, yawRate: 0.1 }, { vx: 0, vy: 0, yawRate: 0 }]);
  });
});
