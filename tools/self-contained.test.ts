// The repository must work wherever it is cloned: nothing it runs, tests or documents may reach into a
// `shared/` folder beside the checkout (the development machines have one; users and CI clones do not).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TEXT = /\.(ts|tsx|js|mjs|cjs|json|md|yml|yaml|sh|html|css)$|(^|\/)(run|start-rosbridge|stop-rosbridge)$/;
// Built from pieces so that this file does not match itself.
const OUTSIDE = new RegExp(['\\.\\.', '(\\/\\.\\.)*', '\\/shared\\b'].join(''));

function trackedTextFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  return out.split('\0').filter((f) => f && TEXT.test(f) && !f.startsWith('node_modules/'));
}

describe('self-contained repository', () => {
  it('has no source, test, script or doc that refers to a shared folder outside the checkout', () => {
    const offenders: string[] = [];
    for (const file of trackedTextFiles()) {
      let text: string;
      try {
        text = readFileSync(join(ROOT, file), 'utf8');
      } catch {
        continue; // deleted in the work tree
      }
      text.split('\n').forEach((line, i) => {
        if (OUTSIDE.test(line)) offenders.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offenders).toEqual([]);
  });
});
