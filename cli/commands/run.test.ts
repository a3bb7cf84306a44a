import { describe, expect, it } from 'vitest';
import { runCommand } from './run.ts';

describe('actuate run', () => {
  it("runs the task's default controller when --controller is not given", async () => {
    const result = JSON.parse(await runCommand(['--task', 'go2-stand', '--seconds', '0.1', '--json'])) as { controller: string; steps: number };
    expect(result.controller).toBe('hold');
    expect(result.steps).toBe(5);
  });
});
