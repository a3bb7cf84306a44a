import { describe, expect, it } from 'vitest';
import { Linter } from 'eslint';
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';
import layers from './eslint-layers.js';

const root = fileURLToPath(new URL('..', import.meta.url));

function lint(file: string, code: string): string[] {
  const linter = new Linter({ cwd: root });
  return linter
    .verify(code, [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser }, plugins: { actuate: { rules: { layers } } }, rules: { 'actuate/layers': 'error' } }], { filename: `${root}/${file}` })
    .map((m) => m.message);
}

describe('layers rule', () => {
  it('reports an import against the layering, naming both layers and what is allowed', () => {
    const [message] = lint('sim/x.ts', "import { Session } from '../engine/session.ts';");
    expect(message).toBe("sim/ may not import engine/ (../engine/session.ts); sim/ may import protocol/ (see DESIGN.md)");
    expect(lint('renderer/src/x.ts', "import { TASKS } from '../../sim/tasks/index.ts';")[0]).toContain('renderer/ may not import sim/');
    expect(lint('protocol/x.ts', "export * from '../sim/scene.ts';")[0]).toContain('nothing of ours');
  });

  it('keeps UI packages out of the engine and Node out of the renderer', () => {
    expect(lint('engine/x.ts', "import * as THREE from 'three';")[0]).toContain("engine/ may not import 'three'");
    expect(lint('control/x.ts', "import React from 'react';")[0]).toContain('without a window');
    expect(lint('renderer/src/x.ts', "import { readFile } from 'node:fs';")[0]).toContain('sandboxed page');
  });

  it('accepts imports the table allows', () => {
    expect(lint('engine/x.ts', "import { TASKS } from '../sim/tasks/index.ts';")).toEqual([]);
    expect(lint('control/x.ts', "import { Random } from '../sim/random.ts';")).toEqual([]);
    expect(lint('renderer/src/x.ts', "import type { FrameEvent } from '../../protocol/api.ts';")).toEqual([]);
    expect(lint('tests/x.ts', "import { Session } from '../engine/session.ts';")).toEqual([]);
  });
});
