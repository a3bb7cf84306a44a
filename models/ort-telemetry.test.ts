import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const RUNTIME = fileURLToPath(new URL('./runtime.ts', import.meta.url));
const MODEL = fileURLToPath(new URL('./cartpole-swingup-ppo/policy.onnx', import.meta.url));

/** Loads a model through models/runtime.ts in a new process (the setting is read once per process) with its own home folder. */
async function telemetryCacheAfterLoad(env: Record<string, string>): Promise<boolean> {
  const home = mkdtempSync(join(tmpdir(), 'actuate-ort-home-'));
  const script = `const { loadModel } = await import(${JSON.stringify(RUNTIME)}); await loadModel(${JSON.stringify(MODEL)});`;
  const { ORT_DISABLE_TELEMETRY: _inherited, ...parent } = process.env;
  await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: { ...parent, HOME: home, ...env } });
  return existsSync(join(home, '.cache', 'Microsoft'));
}

describe('ONNX Runtime telemetry', () => {
  it('is off unless the user turns it on: no device id or event cache is written', async () => {
    const [byDefault, optedIn] = await Promise.all([telemetryCacheAfterLoad({}), telemetryCacheAfterLoad({ ORT_DISABLE_TELEMETRY: '0' })]);
    expect(byDefault).toBe(false);
    // The control: the official build does write them when allowed (so the check above can fail).
    expect(optedIn).toBe(true);
  }, 60_000);
});
