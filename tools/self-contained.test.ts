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

  it('finds the checkout data through sim/project-paths.ts in code that is compiled to dist/', () => {
    // `new URL('../x', import.meta.url)` points elsewhere from dist/sim/… than from sim/…; same-folder
    // references (a worker next to its pool) compile along with their module and stay valid.
    const compiled = /^(protocol|sim|models|control|train|bridges|engine|cli|bench)\/.*(?<!\.test)\.(ts|mjs)$/;
    const parentRelative = /new URL\(\s*['"`]\.\.\//;
    const offenders = trackedTextFiles()
      .filter((f) => compiled.test(f))
      .flatMap((file) => {
        let text = '';
        try {
          text = readFileSync(join(ROOT, file), 'utf8');
        } catch {
          return [];
        }
        return text.split('\n').flatMap((line, i) => (parentRelative.test(line) && line.includes('import.meta.url') ? [`${file}:${i + 1}`] : []));
      });
    expect(offenders, 'use projectPath() from sim/project-paths.ts').toEqual([]);
  });
});
