import { describe, expect, it } from 'vitest';
import { Linter } from 'eslint';
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';
import layers from './eslint-layers.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Lints `code` as if it were the file at `file` (relative to the repository root); returns the messages. */
function lint(file: string, code: string): string[] {
  const config = [{ files: ['**/*.ts', '**/*.tsx'], languageOptions: { parser: tseslint.parser }, plugins: { actuate: { rules: { layers } } }, rules: { 'actuate/layers': 'error' as const } }];
  return new Linter().verify(code, config, { filename: `${root}${file}` }).map((m) => m.message);
}

describe('layers rule', () => {
  it('reports an import against the table, naming both layers and what the importing layer may import', () => {
    expect(lint('sim/x.ts', "import { Session } from '../engine/session.ts';")).toEqual([
      `sim/ may not import engine/ ('../engine/session.ts'): sim/ may import protocol/ (docs/architecture.md, "Folders and what may import what")`,
    ]);
    expect(lint('renderer/src/x.tsx', "import { TASKS } from '../../sim/tasks/index.ts';")[0]).toContain('renderer/ may not import sim/');
    expect(lint('protocol/x.ts', "export * from '../sim/scene.ts';")[0]).toContain('protocol/ may import nothing of ours');
    expect(lint('control/x.ts', "const m = await import('../engine/host.ts');")[0]).toContain('control/ may not import engine/');
    expect(lint('electron/main.ts', "import { x } from '../renderer/src/App.tsx';")[0]).toContain('electron/ may import protocol/, engine/');
  });

  it('keeps window packages out of the headless layers and Node out of the renderer', () => {
    expect(lint('engine/x.ts', "import * as THREE from 'three';")[0]).toContain("engine/ may not import 'three'");
    expect(lint('control/x.ts', "import React from 'react';")[0]).toContain('runs without a window');
    expect(lint('cli/x.ts', "import { app } from 'electron';")[0]).toContain("cli/ may not import 'electron'");
    expect(lint('renderer/src/x.ts', "import { readFile } from 'node:fs';")[0]).toContain('sandboxed web page');
    expect(lint('renderer/src/x.ts', "import { readFile } from 'fs';")[0]).toContain('no Node built-ins');
    expect(lint('renderer/src/x.ts', "import RAPIER from '@dimforge/rapier3d-compat';")[0]).toContain("'@dimforge/rapier3d-compat'");
    expect(lint('renderer/src/x.ts', "import { WebSocket } from 'ws';")[0]).toContain("'ws' runs in the engine");
  });

  it('accepts imports the table allows', () => {
    expect(lint('engine/x.ts', "import { TASKS } from '../sim/tasks/index.ts';")).toEqual([]);
    expect(lint('control/x.ts', "import { Random } from '../sim/random.ts';")).toEqual([]);
    expect(lint('renderer/src/x.ts', "import type { FrameEvent } from '../../protocol/api.ts'; import * as THREE from 'three';")).toEqual([]);
    expect(lint('electron/main.ts', "import { app } from 'electron'; import { join } from 'node:path';")).toEqual([]);
    expect(lint('engine/electron-entry.ts', "import { fromStructuredPort } from '../protocol/port.ts';")).toEqual([]);
    expect(lint('sim/importers/urdf.ts', "import { Object3D } from 'three';")).toEqual([]);
    expect(lint('tests/x.ts', "import { Session } from '../engine/session.ts';")).toEqual([]);
    expect(lint('renderer/vite.config.ts', "import { fileURLToPath } from 'node:url';")).toEqual([]);
  });
});
