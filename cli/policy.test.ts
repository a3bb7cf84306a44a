import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { actuate } from './run-actuate.ts';

const MODEL = fileURLToPath(new URL('../models/go2w_robot_lab/policy.onnx', import.meta.url));
const CARD = fileURLToPath(new URL('../models/cards/go2w_robot_lab.card.json', import.meta.url));
const GOLDEN = fileURLToPath(new URL('../models/go2w_robot_lab/golden_io.json', import.meta.url));


describe('actuate policy', () => {
  it('info --json describes the Go2-W policy', async () => {
    const { code, stdout } = await actuate('policy', 'info', MODEL, '--json');
    expect(code).toBe(0);
    const info = JSON.parse(stdout);
    expect(info).toMatchObject({
      producer: 'pytorch',
      opsets: [{ domain: 'ai.onnx', version: 11 }],
      inputs: [{ name: 'obs', shape: [1, 57], dtype: 'float32' }],
      outputs: [{ name: 'actions', shape: [1, 16], dtype: 'float32' }],
      parameterCount: 195984,
    });
    const text = await actuate('policy', 'info', MODEL);
    expect(text.stdout).toContain('parameters: 195,984');
    expect(text.stdout).toMatch(/obs\s+\[1, 57\] float32/);
  });

  it('run reproduces the golden outputs through the real binary', async () => {
    const golden = JSON.parse(readFileSync(GOLDEN, 'utf8')) as { cases: { obs: number[]; action: number[] }[] };
    const dir = mkdtempSync(join(tmpdir(), 'actuate-policy-'));
    const input = join(dir, 'input.json');
    const c = golden.cases[2]!;
    writeFileSync(input, JSON.stringify({ obs: [c.obs] }));
    const { code, stdout, stderr } = await actuate('policy', 'run', MODEL, '--input', input, '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const out = JSON.parse(stdout) as { actions: number[][] };
    expect(out.actions).toHaveLength(1);
    out.actions[0]!.forEach((a, i) => expect(Math.abs(a - c.action[i]!)).toBeLessThan(1e-5));
  });

  it('run rejects a wrongly shaped input with the exact message (exit 1)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'actuate-policy-'));
    const input = join(dir, 'short.json');
    writeFileSync(input, JSON.stringify({ obs: [new Array(48).fill(0)] }));
    const { code, stderr } = await actuate('policy', 'run', MODEL, '--input', input);
    expect(code).toBe(1);
    expect(stderr).toContain("input 'obs' expects [1,57] float32, got [1,48]");
  });

  it('check accepts the shipped card and rejects a mismatched one, naming the field', async () => {
    const ok = await actuate('policy', 'check', MODEL, '--card', CARD);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('matches');
    expect(ok.stdout).toContain('57 observation values in 6 terms');
    const dir = mkdtempSync(join(tmpdir(), 'actuate-policy-'));
    const card = JSON.parse(readFileSync(CARD, 'utf8'));
    card.inputs[0].shape = [1, 48];
    card.model = MODEL;
    const bad = join(dir, 'bad.card.json');
    writeFileSync(bad, JSON.stringify(card));
    const res = await actuate('policy', 'check', MODEL, '--card', bad);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`${bad}: policy.observation.terms: add up to 57 values, input 'obs' takes 48`);
    // A card that is valid on its own but describes another model.
    card.inputs[0].shape = [1, 57];
    card.inputs[0].name = 'observations';
    card.policy.observation.input = 'observations';
    writeFileSync(bad, JSON.stringify(card));
    const res2 = await actuate('policy', 'check', MODEL, '--card', bad);
    expect(res2.code).toBe(1);
    expect(res2.stderr).toContain("card input 'observations' is not in the model; model inputs: 'obs'");
  });

  it('names a corrupt model file, and exits 2 on usage mistakes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'actuate-policy-'));
    const broken = join(dir, 'broken.onnx');
    writeFileSync(broken, readFileSync(MODEL).subarray(0, 4096));
    const res = await actuate('policy', 'info', broken);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`${broken}: not an ONNX model`);
    expect((await actuate('policy', 'run', MODEL)).code).toBe(2);
    expect((await actuate('policy', 'frobnicate', MODEL)).code).toBe(2);
  });
});
