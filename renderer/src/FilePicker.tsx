import { useEffect } from 'react';
import { FILE_FILTERS } from '../../protocol/desktop.ts';
import { modelMisfit, type ModelFileEntry } from '../../protocol/models.ts';
import type { FileKind, ModelKind } from '../../protocol/params.ts';
import { useEngine, useStore } from './use-engine.ts';

const NOUN: Record<FileKind, string> = { onnx: 'a model', card: 'a card' };

/**
 * Beside a file parameter's text box: the model files the engine offers (its models/ folder and
 * `actuate serve --models` folders), and on the desktop a native "Browse…" dialog. A browser cannot
 * hand over real file paths, so the engine's listing is the browser studio's picker. Choosing a file
 * sets the parameter exactly as typing its path does. Where the parameter wants one kind of model
 * (a dynamics model, a denoiser, a policy), files of another kind are listed apart, greyed, each with
 * the reason it does not fit (what its card or its inputs say it is).
 */
export function FilePicker({ kind, model, value, testId, onPick }: { kind: FileKind; model?: ModelKind | undefined; value: string; testId: string; onPick: (path: string) => void }) {
  const store = useStore();
  const { models, connection } = useEngine();
  useEffect(() => {
    if (connection === 'connected') void store.refreshModels();
  }, [store, connection]);
  const all = (kind === 'onnx' ? models?.models : models?.cards) ?? [];
  const misfit = (e: ModelFileEntry) => (model ? modelMisfit(e, model) : undefined);
  const entries = all.filter((e) => !misfit(e));
  const others = all.filter((e) => misfit(e));
  const folders = [...new Set(entries.map((e) => e.folder))];
  const desktop = typeof window !== 'undefined' ? window.actuate : undefined;
  const browse = async () => {
    try {
      const path = await desktop!.pickFile({ title: `Choose ${NOUN[kind]}`, filters: FILE_FILTERS[kind] });
      if (path) onPick(path);
    } catch (err) {
      store.toast((err as Error).message);
    }
  };
  return (
    <div className="file-picker">
      <select
        data-testid={`${testId}-pick`}
        value={entries.some((e) => e.path === value) ? value : ''}
        onFocus={() => void store.refreshModels()}
        onChange={(e) => e.target.value && onPick(e.target.value)}
        title={models ? `files under ${models.folders.join(', ')}${models.truncated ? ' (list cut short)' : ''}` : undefined}
      >
        <option value="">{entries.length ? `Choose ${NOUN[kind]}…` : `No ${model ? `${model} ` : ''}${kind === 'onnx' ? '.onnx' : '.card.json'} files found`}</option>
        {folders.map((folder) => (
          <optgroup key={folder} label={shortFolder(folder)}>
            {entries.filter((e) => e.folder === folder).map((e) => (
              <option key={e.path} value={e.path} title={e.path}>
                {label(e)}
              </option>
            ))}
          </optgroup>
        ))}
        {others.length > 0 && (
          <optgroup label="Do not fit here">
            {others.map((e) => (
              <option key={e.path} value={e.path} disabled title={`${e.path}: ${misfit(e)}`} data-misfit="true">
                {label(e)} — {misfit(e)}
              </option>
            ))}
          </optgroup>
        )}
      </select>
      {desktop?.pickFile && (
        <button type="button" data-testid={`${testId}-browse`} onClick={() => void browse()}>
          Browse…
        </button>
      )}
    </div>
  );
}

function label(entry: ModelFileEntry): string {
  return entry.card ? `${entry.name} (card)` : entry.name;
}

/** The last two folders of a path: enough to tell models/ from a --models folder. */
function shortFolder(folder: string): string {
  const parts = folder.split(/[/\\]/).filter(Boolean);
  return parts.length > 2 ? `…/${parts.slice(-2).join('/')}` : folder;
}
