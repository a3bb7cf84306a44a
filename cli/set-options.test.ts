import { describe, expect, it } from 'vitest';
import { parseSetOptions } from './set-options.ts';

describe('--set scope.key=value', () => {
  it('sorts keys into task, controller, cost and (with an expert) expert settings', () => {
    expect(parseSetOptions(['task.goalX=0.2', 'controller.model=p.onnx', 'cost.control=1', 'expert.samples=64'], 'push-box', 'diffusion-policy', 'mppi')).toEqual({
      task: { goalX: '0.2' },
      controller: { model: 'p.onnx' },
      cost: { control: '1' },
      expert: { samples: '64' },
    });
  });

  it('names the valid keys when one is unknown; expert.* needs an expert', () => {
    expect(() => parseSetOptions(['expert.samples=64'], 'push-box', 'mppi')).toThrow(/unknown --set key 'expert.samples'; valid keys: task.goalX/);
    expect(() => parseSetOptions(['expert.model=x'], 'push-box', 'diffusion-policy', 'mppi')).toThrow(/valid keys: .*expert\.temperature/);
  });
});
