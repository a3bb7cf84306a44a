import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoryPortPair } from '../protocol/memory-port.ts';
import { createClient, type Client } from '../protocol/rpc.ts';
import { mlpModel, randomMlpLayers } from '../models/onnx-builder.ts';
import { ModelCatalog, SHIPPED_MODELS_DIR } from './model-catalog.ts';
import { EngineHost } from './host.ts';

const POLICY = fileURLToPath(new URL('../models/go2w_robot_lab/policy.onnx', import.meta.url));
const CARD = fileURLToPath(new URL('../models/cards/go2w_robot_lab.card.json', import.meta.url));
const goCard = () => JSON.parse(readFileSync(CARD, 'utf8')) as Record<string, unknown>;

/** A folder the user adds with `--models`: a small MLP with a card beside it, a bad card, a corrupt model. */
function userFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'actuate-models-'));
  mkdirSync(join(dir, 'nested'));
  writeFileSync(join(dir, 'nested', 'mlp.onnx'), mlpModel(randomMlpLayers([4, 8, 2], 'tanh', () => 0.1), { producer: 'actuate-test' }));
  const card = { schemaVersion: 1, name: 'tiny-mlp', kind: 'generic', inputs: [{ name: 'obs', shape: ['batch', 4], dtype: 'float32' }], outputs: [{ name: 'actions', shape: ['batch', 2], dtype: 'float32' }], provenance: { source: 'this test', license: 'CC0-1.0' } };
  writeFileSync(join(dir, 'nested', 'mlp.card.json'), JSON.stringify(card));
  writeFileSync(join(dir, 'corrupt.onnx'), readFileSync(POLICY).subarray(0, 4000));
  writeFileSync(join(dir, 'corrupt.card.json'), JSON.stringify({ ...card, name: 'stiff', kind: 'policy' }));
  writeFileSync(join(dir, 'notes.txt'), 'not listed');
  return dir;
}

describe('ModelCatalog', () => {
  it("describes the Go2-W policy with the card models/cards/ names it by", () => {
    const d = new ModelCatalog().describe(POLICY);
    expect(d.model).toMatchObject({ file: POLICY, irVersion: 6, producer: 'pytorch', producerVersion: '2.7.0', parameterCount: 195984 });
    expect(d.model!.opsets).toEqual([{ domain: 'ai.onnx', version: 11 }]);
    expect(d.model!.inputs).toEqual([{ name: 'obs', shape: [1, 57], dtype: 'float32' }]);
    expect(d.model!.outputs).toEqual([{ name: 'actions', shape: [1, 16], dtype: 'float32' }]);
    expect(d.cardFile).toBe(CARD);
    expect(d.card!.name).toBe('go2w_robot_lab');
    expect(d.card!.kind).toBe('policy');
    expect(d.card!.policy!.joints).toHaveLength(16);
    expect(d.card!.policy!.observation.terms.map((t) => [t.name, t.size])).toContainEqual(['joint_vel', 16]);
    expect(d.card!.policy!.rates).toEqual({ controlHz: 50, physicsHz: 200 });
    expect(d.card!.provenance.license).toBe('Apache-2.0');
    expect(d.cardError).toBeUndefined();
    expect(d.mismatches).toEqual([]);
  });

  it('describes a card given as the path, with the model it names', () => {
    const d = new ModelCatalog().describe(CARD);
    expect(d.card!.name).toBe('go2w_robot_lab');
    expect(d.model!.file).toBe(POLICY);
    expect(d.mismatches).toEqual([]);
  });

  it('uses an explicit card and reports where it disagrees with the model', () => {
    const dir = mkdtempSync(join(tmpdir(), 'actuate-card-'));
    const file = join(dir, 'other.card.json');
    writeFileSync(file, JSON.stringify({ ...goCard(), kind: 'generic', policy: undefined, model: undefined, inputs: [{ name: 'obs', shape: [1, 48], dtype: 'float32' }] }));
    const d = new ModelCatalog().describe(POLICY, file);
    expect(d.cardFile).toBe(file);
    expect(d.mismatches).toEqual(["card input 'obs' says [1,48] float32, the model has [1,57] float32"]);
  });

  it('fails on a corrupt model with the error naming the file, and reports a bad card beside a good model', () => {
    const dir = userFolder();
    const corrupt = join(dir, 'corrupt.onnx');
    const catalog = new ModelCatalog([dir]);
    // The card beside it is found only after the model reads; the model's own error comes first.
    expect(() => catalog.describe(corrupt)).toThrow(`${corrupt}: not an ONNX model`);
    expect(() => catalog.describe(join(dir, 'missing.onnx'))).toThrow(`model file not found: ${join(dir, 'missing.onnx')}`);
    expect(() => catalog.describe(join(dir, 'corrupt.card.json'))).toThrow(`${join(dir, 'corrupt.card.json')}: policy: required when kind is "policy"`);
    const good = join(dir, 'nested', 'mlp.onnx');
    const withBadCard = catalog.describe(good, join(dir, 'corrupt.card.json'));
    expect(withBadCard.model!.inputs[0]).toEqual({ name: 'obs', shape: ['batch', 4], dtype: 'float32' });
    expect(withBadCard.card).toBeUndefined();
    expect(withBadCard.cardError).toContain('policy: required when kind is "policy"');
  });

  it('finds <name>.card.json beside a model', () => {
    const dir = userFolder();
    const d = new ModelCatalog([dir]).describe(join(dir, 'nested', 'mlp.onnx'));
    expect(d.cardFile).toBe(join(dir, 'nested', 'mlp.card.json'));
    expect(d.card!.name).toBe('tiny-mlp');
    expect(d.mismatches).toEqual([]);
  });

  it('lists .onnx files and cards under models/ and the added folders, paths only', () => {
    const dir = userFolder();
    const listing = new ModelCatalog([dir]).list();
    expect(listing.folders).toEqual([SHIPPED_MODELS_DIR.replace(/[/\\]$/, ''), dir]);
    const policy = listing.models.find((m) => m.path === POLICY);
    expect(policy).toEqual({ path: POLICY, name: join('go2w_robot_lab', 'policy.onnx'), folder: listing.folders[0], card: CARD });
    expect(listing.cards.map((c) => c.path)).toContain(CARD);
    expect(listing.models.find((m) => m.path === join(dir, 'nested', 'mlp.onnx'))).toMatchObject({ name: join('nested', 'mlp.onnx'), folder: dir, card: join(dir, 'nested', 'mlp.card.json') });
    expect(listing.models.map((m) => m.path)).toContain(join(dir, 'corrupt.onnx'));
    expect(listing.models.concat(listing.cards).every((e) => e.path.endsWith('.onnx') || e.path.endsWith('.card.json'))).toBe(true);
    for (const entry of [...listing.models, ...listing.cards]) expect(Object.keys(entry).sort()).toEqual(expect.arrayContaining(['folder', 'name', 'path']));
    expect(JSON.stringify(listing)).not.toContain('velocity'); // no card or model contents travel
  });
});

describe('listModels / describeModel over the protocol', () => {
  let host: EngineHost;
  let client: Client;
  let dir: string;

  beforeAll(async () => {
    dir = userFolder();
    host = await EngineHost.create({ controllerId: 'zero', modelDirs: [dir] });
    const [a, b] = memoryPortPair();
    host.connect(a);
    client = createClient(b);
  });
  afterAll(async () => {
    client.close();
    await host.dispose();
  });

  it('answers with the listing, the description, and the clear error for a corrupt file', async () => {
    const listing = await client.call('listModels');
    expect(listing.models.map((m) => m.path)).toEqual(expect.arrayContaining([POLICY, join(dir, 'nested', 'mlp.onnx')]));
    const d = await client.call('describeModel', { path: POLICY });
    expect(d.card!.name).toBe('go2w_robot_lab');
    expect(d.model!.inputs[0]!.shape).toEqual([1, 57]);
    await expect(client.call('describeModel', { path: join(dir, 'corrupt.onnx') })).rejects.toThrow(`${join(dir, 'corrupt.onnx')}: not an ONNX model`);
    await expect(client.call('describeModel', { path: '' })).rejects.toThrow(/describeModel: path/);
  });
});
