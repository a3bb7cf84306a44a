import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compareSignatures } from './io-validation.ts';
import { CardError, loadModelCard, migrateCard, observationSize, parseModelCard } from './model-card.ts';
import { modelInfo } from './model-info.ts';

const CARD = fileURLToPath(new URL('./cards/go2w_robot_lab.card.json', import.meta.url));
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests mutate arbitrary fields of the raw JSON
type Json = any;
const raw = () => JSON.parse(readFileSync(CARD, 'utf8')) as Json;

describe('model card', () => {
  it('validates the Go2-W card, which matches its model', () => {
    const { card, modelPath } = loadModelCard(CARD);
    expect(card.kind).toBe('policy');
    expect(observationSize(card.policy!)).toBe(57);
    expect(card.policy!.joints).toHaveLength(16);
    expect(modelPath).toBe(fileURLToPath(new URL('./go2w_robot_lab/policy.onnx', import.meta.url)));
    const info = modelInfo(modelPath!);
    expect(compareSignatures('input', card.inputs, info.inputs)).toEqual([]);
    expect(compareSignatures('output', card.outputs, info.outputs)).toEqual([]);
  });

  it('joint terms may read their own joint list (a cart-pole observes the hinge it cannot drive)', () => {
    const card = raw();
    const term = card.policy.observation.terms[3]; // joint_pos_rel, 16 card joints
    term.joints = ['FL_hip_joint', 'FR_hip_joint'];
    term.size = 2;
    card.inputs[0].shape = [1, 57 - 14];
    expect(observationSize(parseModelCard(card).policy!)).toBe(43);
    term.size = 3;
    expect(() => parseModelCard(card)).toThrow('policy.observation.terms[3] (joint_pos_rel).size: 3, expected 2');
    const other = raw();
    other.policy.observation.terms[0].joints = ['FL_hip_joint'];
    expect(() => parseModelCard(other)).toThrow(`policy.observation.terms[0] (${other.policy.observation.terms[0].name}).joints: only joint terms read a joint list`);
  });

  it('names the field that is wrong', () => {
    const cases: [(c: Json) => void, string][] = [
      [(c) => (c.policy.pd.stiffness = c.policy.pd.stiffness.slice(0, 12)), 'policy.pd.stiffness: 12 values, the card has 16 joints'],
      [(c) => (c.policy.pd.armature = [0.01, 0.01]), 'policy.pd.armature: 2 values, the card has 16 joints'],
      [(c) => (c.policy.pd.armature = c.policy.joints.map(() => -1)), 'policy.pd.armature[0]'],
      [(c) => (c.policy.observation.terms[3].size = 12), 'policy.observation.terms[3] (joint_pos_rel).size: 12, expected 16 (one per joint)'],
      [(c) => (c.policy.observation.terms[0].size = 4), 'policy.observation.terms: add up to 58 values, input \'obs\' takes 57'],
      [(c) => (c.policy.action.type = 'angle'), 'policy.action.type'],
      [(c) => (c.policy.observation.terms[1].name = 'gravity'), 'policy.observation.terms[1].name'],
      [(c) => (c.policy.observation.terms[3].zeroJoints = ['wheel_7']), "zeroJoints: unknown joint 'wheel_7'"],
      [(c) => (c.policy.joints[1] = c.policy.joints[0]), "policy.joints[1]: joint 'FR_hip_joint' listed twice"],
      [(c) => delete c.provenance.license, 'provenance.license'],
      [(c) => (c.inputs[0].dtype = 'float33'), 'inputs[0].dtype'],
      [(c) => delete c.policy, 'policy: required when kind is "policy"'],
      [(c) => (c.outputs[0].shape = [1, 12]), "policy.joints: 16 joints, output 'actions' has 12 values"],
    ];
    for (const [mutate, message] of cases) {
      const c = raw();
      mutate(c);
      expect(() => parseModelCard(c, 'go2w.card.json'), message).toThrow(CardError);
      expect(() => parseModelCard(c, 'go2w.card.json'), message).toThrow(`go2w.card.json: `);
      expect(() => parseModelCard(c, 'go2w.card.json'), message).toThrow(message);
    }
  });

  it('reports a card that does not match its model', () => {
    const { card } = loadModelCard(CARD);
    const info = modelInfo(loadModelCard(CARD).modelPath!);
    const wrong = [{ name: 'obs', shape: [1, 48], dtype: 'float32' as const }];
    expect(compareSignatures('input', wrong, info.inputs)).toEqual(["card input 'obs' says [1,48] float32, the model has [1,57] float32"]);
    expect(compareSignatures('output', [{ name: 'act', shape: ['batch', 16], dtype: 'float32' }], info.outputs)).toEqual([
      "card output 'act' is not in the model; model outputs: 'actions'",
      "model output 'actions' [1,16] float32 is missing from the card",
    ]);
    // Symbolic dims match any size.
    expect(compareSignatures('input', [{ name: 'obs', shape: ['batch', 57], dtype: 'float32' }], info.inputs)).toEqual([]);
    expect(card.inputs[0]!.shape).toEqual([1, 57]);
  });

  it('reads a version 1 card: its pd.damping was the servo kv', () => {
    const v1 = raw();
    v1.schemaVersion = 1;
    v1.policy.pd.damping = v1.policy.pd.servoDamping;
    delete v1.policy.pd.servoDamping;
    const card = parseModelCard(v1, 'v1.card.json');
    expect(card.schemaVersion).toBe(2);
    expect(card.policy!.pd.servoDamping).toEqual(raw().policy.pd.servoDamping);
    expect(card.policy!.pd.jointDamping).toBeUndefined();
    // A version 2 card that still says `damping` is told what it is called now.
    const stale = raw();
    stale.policy.pd.damping = stale.policy.pd.servoDamping;
    expect(() => parseModelCard(stale, 'v2.card.json')).toThrow("v2.card.json: policy.pd.damping: renamed in card schema 2: 'servoDamping' for the servo's kv");
    const joint = raw();
    joint.policy.pd.jointDamping = [0.1];
    expect(() => parseModelCard(joint)).toThrow('policy.pd.jointDamping: 1 values, the card has 16 joints');
  });

  it('migrates older cards and refuses newer ones', () => {
    const migrations = { 1: (c: Record<string, unknown>) => ({ ...c, migrated: true }) };
    expect(migrateCard({ schemaVersion: 1, name: 'x' }, migrations, 2)).toEqual({ schemaVersion: 2, name: 'x', migrated: true });
    expect(() => migrateCard({ schemaVersion: 3 }, {}, 2)).toThrow('schemaVersion: 3 is newer than this Actuate reads (2)');
    expect(() => migrateCard({ name: 'x' })).toThrow('schemaVersion: missing');
    expect(() => migrateCard([1, 2])).toThrow('must be a JSON object');
    expect(() => parseModelCard({ ...raw(), schemaVersion: 9 }, 'a.json')).toThrow('a.json: schemaVersion: 9 is newer');
  });

  it('names the file for unreadable or malformed JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'actuate-card-'));
    const file = join(dir, 'bad.card.json');
    writeFileSync(file, '{ "schemaVersion": 1, ');
    expect(() => loadModelCard(file)).toThrow(`${file}: not valid JSON`);
    expect(() => loadModelCard(join(dir, 'none.json'))).toThrow(`model card not found: ${join(dir, 'none.json')}`);
  });
});
