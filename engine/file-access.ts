/**
 * Which files the engine may open for a client. A client (a browser tab, the desktop studio) names
 * files by path; the engine opens them only inside folders the user allowed when starting it
 * (`--models`, `--robots`, `--runs`, the shipped assets/ and models/) or picked in the desktop's file
 * dialog. Everything else is refused before the file system is touched, with the same words whether
 * or not the path exists, so a client cannot probe the disk.
 *
 * Inside an allowed folder the path is resolved through links (a link out of the folder is refused),
 * must be a regular file (never a FIFO or a device: `stat` does not block on them, `open` would) and
 * must fit the size limit of its kind. Errors name the path and the rule, never the file's contents.
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import { extname, isAbsolute, relative, resolve } from 'node:path';
import { projectPath } from '../sim/project-paths.ts';

export type FileKind = 'robot' | 'model' | 'card' | 'mesh' | 'heightField' | 'robotConfig' | 'recording';

const MB = 1 << 20;

/** Largest file of each kind the engine reads for a client; a bigger one is refused before reading. */
export const SIZE_LIMITS: Record<FileKind, number> = {
  robot: 64 * MB,
  model: 1024 * MB,
  card: 4 * MB,
  mesh: 64 * MB,
  heightField: 64 * MB,
  robotConfig: 1 * MB,
  // Read whole into memory to build a playback.
  recording: 512 * MB,
};

const EXTENSIONS: Record<FileKind, readonly string[]> = {
  robot: ['.urdf', '.xml', '.mjcf'],
  model: ['.onnx'],
  card: ['.json'],
  mesh: ['.stl', '.obj', '.dae'],
  heightField: ['.png'],
  robotConfig: ['.json'],
  recording: ['.mcap'],
};

const KIND_WORDS: Record<FileKind, string> = {
  robot: 'robot files',
  model: 'models',
  card: 'model cards',
  mesh: 'meshes',
  heightField: 'height fields',
  robotConfig: 'robot configurations',
  recording: 'recordings',
};

/** The folders shipped with Actuate that any client may read: robots and scenes, models and cards. */
export const SHIPPED_FOLDERS = [projectPath('assets'), projectPath('models'), projectPath('bridges/configs')];

/** The shipped robot configurations (robot.json: SO-101 follower and leader). */
export const ROBOT_CONFIG_FOLDER = projectPath('bridges/configs');

export class FileAccessError extends Error {
  override name = 'FileAccessError';
}

export class FileAccess {
  private readonly folders: string[];
  /** The same folders with links resolved, for checking where a file really is. */
  private readonly realFolders: string[];
  private readonly files = new Set<string>();

  /** `folders` must exist (the CLI checks); duplicates are dropped. `files`: single files allowed besides. */
  constructor(folders: readonly string[], files: readonly string[] = []) {
    this.folders = [...new Set(folders.map((f) => resolve(f)))];
    this.realFolders = [...new Set(this.folders.map((f) => safeRealpath(f) ?? f))];
    for (const file of files) this.allowFile(file);
  }

  /** What this access allows, as plain data: a worker thread rebuilds it with `new FileAccess(folders, files)`. */
  spec(): { folders: string[]; files: string[] } {
    return { folders: [...this.folders], files: [...this.files] };
  }

  /** The allowed folders, for messages and listings. */
  get allowedFolders(): readonly string[] {
    return this.folders;
  }

  /** Allows one more file: what the desktop user picked in a system dialog. */
  allowFile(path: string): void {
    const file = resolve(path);
    this.files.add(file);
    const real = safeRealpath(file);
    if (real) this.files.add(real);
  }

  /**
   * Checks that `path` may be opened as a `kind` file and returns its real absolute path; throws a
   * FileAccessError naming the rule broken otherwise.
   */
  check(path: string, kind: FileKind): string {
    if (typeof path !== 'string' || path.length === 0 || path.includes('\0')) throw new FileAccessError(`not a file path: ${JSON.stringify(String(path)).slice(0, 200)}`);
    const file = resolve(path);
    const extension = extname(file).toLowerCase();
    if (!EXTENSIONS[kind].includes(extension)) {
      throw new FileAccessError(`${path}: ${KIND_WORDS[kind]} end in ${EXTENSIONS[kind].join(', ')}`);
    }
    // Decided on the path alone, before any file-system call: the answer is the same for a file that exists and one that does not.
    if (!this.files.has(file) && !inside(this.folders, file) && !inside(this.realFolders, file)) throw this.outside(path);
    let real: string;
    try {
      real = realpathSync(file);
    } catch (err) {
      throw new FileAccessError((err as NodeJS.ErrnoException).code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot be opened (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (!this.files.has(real) && !inside(this.realFolders, real)) {
      throw new FileAccessError(`${path} is a link to a file outside the folders this studio may open`);
    }
    // stat, not open: stat answers at once for a FIFO or a device, which open would block on or read forever.
    const stats = statSync(real);
    if (!stats.isFile()) throw new FileAccessError(`${path}: not a regular file (${fileType(stats)}); ${KIND_WORDS[kind]} must be plain files`);
    const limit = SIZE_LIMITS[kind];
    if (stats.size > limit) throw new FileAccessError(`${path}: ${formatSize(stats.size)} is over the ${formatSize(limit)} limit for ${KIND_WORDS[kind]}`);
    return real;
  }

  /**
   * Checks a file named inside a file already checked (`namedIn`): a card's .onnx, an MJCF
   * `<include>`, a URDF mesh. The same rules as `check`, so a trusted file cannot lead the engine out
   * of the allowed folders; the error names the file that named it. A missing file inside the allowed
   * folders returns undefined: the importer says what is missing, as for any broken reference.
   */
  checkNested(path: string, kind: FileKind, namedIn: string): string | undefined {
    const file = resolve(path);
    try {
      if (!this.files.has(file) && !inside(this.folders, file) && !inside(this.realFolders, file)) throw this.outside(path);
      if (!existsSync(file)) return undefined;
      return this.check(file, kind);
    } catch (err) {
      if (!(err instanceof FileAccessError)) throw err;
      throw new FileAccessError(`${namedIn} names a file the studio may not open: ${err.message}`);
    }
  }

  private outside(path: string): FileAccessError {
    return new FileAccessError(
      `${path} is outside the folders this studio may open (${this.folders.join(', ')}); start it with --robots <folder> or --models <folder> to allow another`,
    );
  }
}

/** `file` is somewhere under one of `folders`. */
export function inside(folders: readonly string[], file: string): boolean {
  return folders.some((folder) => {
    const rel = relative(folder, file);
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
  });
}

function safeRealpath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

function fileType(stats: import('node:fs').Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSocket()) return 'a socket';
  return 'not a file';
}

export function formatSize(bytes: number): string {
  if (bytes >= 1 << 30) return `${(bytes / (1 << 30)).toFixed(1)} GB`;
  if (bytes >= MB) return `${(bytes / MB).toFixed(bytes >= 10 * MB ? 0 : 1)} MB`;
  return `${Math.ceil(bytes / 1024)} kB`;
}
