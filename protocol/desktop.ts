/**
 * What the desktop shell's preload gives the studio (`window.actuate`), and the one IPC channel behind
 * it. Types and a constant only: the sandboxed preload imports this file, and electron/main.ts
 * validates every argument that arrives on the channel.
 */
import type { FileKind } from './params.ts';

export const PICK_FILE_CHANNEL = 'actuate:pick-file';

export interface FileFilter {
  /** Shown in the dialog's file-type menu ("ONNX models"). */
  name: string;
  /** Without the dot: ["onnx"], ["json"]; "*" for any file. */
  extensions: string[];
}

export interface PickFileOptions {
  title?: string;
  filters?: FileFilter[];
}

/** `window.actuate` inside the desktop shell; absent in a browser. */
export interface DesktopBridge {
  platform: string;
  versions: { electron: string; chrome: string; node: string };
  /** The native open-file dialog; resolves to the chosen absolute path, or undefined when cancelled. */
  pickFile(options: PickFileOptions): Promise<string | undefined>;
}

/** Dialog filters for each kind of file a parameter can name. */
export const FILE_FILTERS: Record<FileKind, FileFilter[]> = {
  onnx: [{ name: 'ONNX models', extensions: ['onnx'] }],
  card: [{ name: 'Model cards', extensions: ['json'] }],
};
