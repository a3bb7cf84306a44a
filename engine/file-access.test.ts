import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileAccess, SIZE_LIMITS } from './file-access.ts';

const root = mkdtempSync(join(tmpdir(), 'actuate-access-'));
const allowed = join(root, 'robots');
const outside = join(root, 'private');
mkdirSync(allowed);
mkdirSync(outside);
writeFileSync(join(allowed, 'arm.urdf'), '<robot name="arm"><link name="a"/></robot>');
writeFileSync(join(outside, 'secret.urdf'), '<robot name="API_KEY=sk"/>');
symlinkSync(join(outside, 'secret.urdf'), join(allowed, 'link.urdf'));
execFileSync('mkfifo', [join(allowed, 'pipe.urdf')]);
execFileSync('mkfifo', [join(outside, 'pipe.urdf')]);
writeFileSync(join(allowed, 'huge.json'), '');
truncateSync(join(allowed, 'huge.json'), SIZE_LIMITS.card + 1); // sparse: no disk used

const access = new FileAccess([allowed]);

describe('FileAccess', () => {
  it('allows a regular file inside an allowed folder, as its real path', () => {
    expect(access.check(join(allowed, 'arm.urdf'), 'robot')).toBe(join(allowed, 'arm.urdf'));
    expect(access.check(join(allowed, 'sub', '..', 'arm.urdf'), 'robot')).toBe(join(allowed, 'arm.urdf'));
  });

  it('refuses a path outside with the same words whether or not it exists', () => {
    const exists = () => access.check(join(outside, 'secret.urdf'), 'robot');
    const missing = () => access.check(join(outside, 'nothing.urdf'), 'robot');
    expect(exists).toThrow(/is outside the folders this studio may open/);
    const words = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return (err as Error).message.replace(/\S+\.urdf/, 'FILE');
      }
      return '';
    };
    expect(words(exists)).toBe(words(missing));
    expect(() => access.check(join(allowed, '..', 'private', 'secret.urdf'), 'robot')).toThrow(/outside/);
  });

  it('refuses a FIFO outside without touching it, and one inside by its type, at once', () => {
    const started = performance.now();
    expect(() => access.check(join(outside, 'pipe.urdf'), 'robot')).toThrow(/outside/);
    expect(() => access.check(join(allowed, 'pipe.urdf'), 'robot')).toThrow(/not a regular file \(a FIFO\)/);
    expect(performance.now() - started).toBeLessThan(1000); // an open() of a FIFO would block forever
  });

  it('refuses a link out of the folder, a file over its size limit, the wrong kind and a missing file', () => {
    expect(() => access.check(join(allowed, 'link.urdf'), 'robot')).toThrow(/is a link to a file outside/);
    expect(() => access.check(join(allowed, 'huge.json'), 'card')).toThrow(/huge\.json: 4\.0 MB is over the 4\.0 MB limit for model cards/);
    expect(() => access.check(join(allowed, 'arm.urdf'), 'model')).toThrow(/models end in \.onnx/);
    expect(() => access.check(join(allowed, 'gone.urdf'), 'robot')).toThrow(/gone\.urdf: no such file/);
    expect(() => access.check('/dev/zero', 'robot')).toThrow(/robot files end in/);
    expect(() => access.check('/dev/zero.urdf', 'robot')).toThrow(/outside/);
  });

  it('allows a file the user picked in a dialog', () => {
    const picked = new FileAccess([allowed]);
    picked.allowFile(join(outside, 'secret.urdf'));
    expect(picked.check(join(outside, 'secret.urdf'), 'robot')).toBe(join(outside, 'secret.urdf'));
  });
});
