import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cartpoleDynamicsModel } from '../control/sampling/cartpole-dynamics-model.ts';
import { mlpModel, randomMlpLayers } from '../models/onnx-builder.ts';
import { modelMisfit } from '../protocol/models.ts';
import { ModelCatalog } from './model-catalog.ts';
import { withModelKinds } from './model-kind.ts';

describe('withModelKinds', () => {
  it('tells each file what it is, from its card or its inputs, and says why it does not fit elsewhere', () => {
    const dir = mkdtempSync(join(tmpdir(), 'actuate-kinds-'));
    writeFileSync(join(dir, 'cartpole-dynamics.onnx'), cartpoleDynamicsModel({ cartMass: 1, poleMass: 0.2, poleLength: 1, maxForce: 10, controlDt: 0.02 }));
    writeFileSync(join(dir, 'mlp.onnx'), mlpModel(randomMlpLayers([4, 8, 2], 'tanh', () => 0.1)));
    const listing = withModelKinds(new ModelCatalog([dir]).list());
    const byName = (name: string) => [...listing.models, ...listing.cards].find((e) => e.path.endsWith(name))!;
    const policy = byName('go2w_robot_lab/policy.onnx');
    expect(policy).toMatchObject({ kind: 'policy', kindSource: 'card go2w_robot_lab' });
    expect(byName('go2w_robot_lab.card.json').kind).toBe('policy');
    expect(byName('cartpole-dynamics.onnx')).toMatchObject({ kind: 'dynamics', kindSource: 'inputs state, action' });
    expect(byName('mlp.onnx').kind).toBeUndefined();
    expect(modelMisfit(policy, 'dynamics')).toBe('a policy (card go2w_robot_lab), not a dynamics model');
    expect(modelMisfit(policy, 'policy')).toBeUndefined();
    expect(modelMisfit(byName('mlp.onnx'), 'diffusion-denoiser')).toBeUndefined();
  });
});
