/**
 * Off-thread job (see off-thread.ts): reads and decodes the .onnx files a controller is about to load,
 * so a huge or malformed file is refused on a worker thread, never while the engine's thread reads
 * it. Returns each file's size; throws the first file's problem (naming the file, quoting none of it).
 */
import { modelInfo } from '../models/model-info.ts';

export function run({ files }: { files: string[] }): { file: string; bytes: number }[] {
  return files.map((file) => ({ file, bytes: modelInfo(file).bytes }));
}
