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

  it('checks files named inside a checked file: outside refused naming who named it, missing inside left to the importer', () => {
    const card = join(allowed, 'card.json');
    expect(() => access.checkNested(join(outside, 'secret.urdf'), 'robot', card)).toThrow(
      `${card} names a file the studio may not open: ${join(outside, 'secret.urdf')} is outside the folders this studio may open`,
    );
    // Outside and missing: the same refusal (no probing through a card).
    expect(() => access.checkNested(join(outside, 'nothing.onnx'), 'model', card)).toThrow(/is outside the folders/);
    expect(() => access.checkNested(join(allowed, 'link.urdf'), 'robot', card)).toThrow(/names a file the studio may not open: .* is a link to a file outside/);
    expect(() => access.checkNested(join(allowed, 'pipe.urdf'), 'robot', card)).toThrow(/not a regular file \(a FIFO\)/);
    expect(access.checkNested(join(allowed, 'missing.stl'), 'mesh', card)).toBeUndefined();
    expect(access.checkNested(join(allowed, 'arm.urdf'), 'robot', card)).toBe(join(allowed, 'arm.urdf'));
  });

  it('crosses to a worker thread as plain data', () => {
    const single = join(outside, 'secret.urdf');
    const access2 = new FileAccess([allowed], [single]);
    const copy = new FileAccess(access2.spec().folders, access2.spec().files);
    expect(copy.check(single, 'robot')).toBe(single);
    expect(copy.check(join(allowed, 'arm.urdf'), 'robot')).toBe(join(allowed, 'arm.urdf'));
  });
});
