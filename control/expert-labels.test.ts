import { describe, expect, it } from 'vitest';
import { findTask } from '../sim/tasks/index.ts';
import { defaults } from '../sim/params.ts';
import type { ControlContext, Controller, ControllerDefinition } from './controller.ts';
import { withExpertLabels } from './expert-labels.ts';

/** A controller answering `value` + the state's first entry, and logging what happens to it. */
function fake(id: string, value: number, log: string[]): ControllerDefinition {
  return {
    id,
    title: id,
    description: id,
    params: [{ kind: 'number', key: 'gain', label: 'gain', default: 1, min: 0, max: 10, step: 1 }],
    create(_context, values): Controller {
      log.push(`${id} created with gain ${values.gain}`);
      return {
        setParams: (v) => log.push(`${id} set ${JSON.stringify(v)}`),
        reset: (seed) => log.push(`${id} reset ${seed}`),
        act: (state) => Float64Array.of((values.gain as number) * (value + state[0]!)),
        dispose: () => void log.push(`${id} disposed`),
      };
    },
  };
}

const task = findTask('push-box').build(defaults(findTask('push-box').params));
const context: ControlContext = { taskId: 'push-box', taskParams: {}, task, costWeights: () => new Float64Array(4) };

describe('withExpertLabels (DAgger)', () => {
  it('applies the learner\'s action and hands the expert\'s for the same state to onLabel', async () => {
    const log: string[] = [];
    const labels: number[] = [];
    const def = withExpertLabels(fake('learner', 1, log), { expert: fake('expert', 10, log), expertParams: { gain: 2 }, onLabel: (a) => labels.push(a[0]!) });
    expect(def.id).toBe('learner');
    const controller = await def.create(context, { gain: 1 });
    controller.reset(7);
    controller.setParams({ gain: 3 });
    expect(Array.from(await controller.act(Float64Array.of(0.5), 0))).toEqual([1.5]);
    expect(labels).toEqual([21]);
    await controller.dispose();
    expect(log).toEqual(['expert created with gain 2', 'learner created with gain 1', 'learner reset 7', 'expert reset 7', 'learner set {"gain":3}', 'learner disposed', 'expert disposed']);
  });

  it('checks the expert\'s settings against its schema, and lets the expert go when the learner cannot start', async () => {
    const log: string[] = [];
    const onLabel = () => undefined;
    const bad = withExpertLabels(fake('learner', 1, log), { expert: fake('expert', 10, log), expertParams: { gain: 99 }, onLabel });
    await expect(bad.create(context, { gain: 1 })).rejects.toThrow(/expert\.gain must be within \[0, 10\]/);
    const broken: ControllerDefinition = { ...fake('learner', 1, log), create: () => Promise.reject(new Error('no model file')) };
    await expect(withExpertLabels(broken, { expert: fake('expert', 10, log), onLabel }).create(context, {})).rejects.toThrow('no model file');
    expect(log.at(-1)).toBe('expert disposed');
  });
});
