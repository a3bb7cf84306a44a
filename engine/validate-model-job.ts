/**
 * Off-thread job (see off-thread.ts): reads and decodes the .onnx files a controller is about to load,
 * so a huge or malformed file is refused on a worker thread, never while the engine's thread reads
 * it. A file over `maxBytes` is refused before it is read (docs/security.md). Returns each file's size;
 * throws the first file's problem, naming the file and quoting none of it.
 */
import { statSync } from 'node:fs';
import { modelInfo } from '../models/model-info.ts';
import { formatSize } from './file-access.ts';

export interface ValidateModelsInput {
  files: string[];
  maxBytes: number;
}

export function run({ files, maxBytes }: ValidateModelsInput): { file: string; bytes: number }[] {
  for (const file of files) {
    const size = statSync(file).size;
    if (size > maxBytes) throw new Error(`${file}: ${formatSize(size)} is over the ${formatSize(maxBytes)} limit for models a controller runs in the studio`);
  }
  return files.map((file) => ({ file, bytes: modelInfo(file).bytes }));
}
