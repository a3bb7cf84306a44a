/**
 * Reads what an `.onnx` file declares without running it: inputs, outputs, shapes, dtypes, opsets,
 * producer and parameter count (elements of all initializers). A file that is not ONNX gives an error
 * naming the file.
 */
import { readFileSync, statSync } from 'node:fs';
import onnxProto from 'onnx-proto';
import type { onnx as P } from 'onnx-proto';
import type { TensorSignature } from './io-validation.ts';

const { onnx } = onnxProto;

export interface ModelInfo {
  file: string;
  bytes: number;
  irVersion: number;
  producer: string;
  producerVersion: string;
  opsets: { domain: string; version: number }[];
  inputs: TensorSignature[];
  outputs: TensorSignature[];
  parameterCount: number;
  initializers: number;
  /** Node count per operator type. */
  ops: Record<string, number>;
}

export class ModelFileError extends Error {
  override name = 'ModelFileError';
}

const DTYPE_NAMES: Record<number, string> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  16: 'bfloat16',
};

export function modelInfo(file: string): ModelInfo {
  let bytes: Uint8Array;
  try {
    if (statSync(file).isDirectory()) throw new ModelFileError(`${file} is a folder, not an .onnx file`);
    bytes = readFileSync(file);
  } catch (err) {
    if (err instanceof ModelFileError) throw err;
    const e = err as NodeJS.ErrnoException;
    throw new ModelFileError(e.code === 'ENOENT' ? `model file not found: ${file}` : `cannot read ${file}: ${e.message}`);
  }
  return modelInfoFromBytes(bytes, file);
}

export function modelInfoFromBytes(bytes: Uint8Array, file = 'model'): ModelInfo {
  if (bytes.byteLength === 0) throw new ModelFileError(`${file}: empty file, not an ONNX model`);
  let model: P.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (err) {
    throw new ModelFileError(`${file}: not an ONNX model (protobuf decoding failed: ${(err as Error).message})`);
  }
  // Protobuf decodes many byte strings without complaint; a model has an IR version and a graph.
  const graph = model.graph;
  const irVersion = toNumber(model.irVersion);
  if (!graph || irVersion <= 0 || !graph.output?.length) {
    throw new ModelFileError(`${file}: not an ONNX model (no ${!graph ? 'graph' : irVersion <= 0 ? 'IR version' : 'graph outputs'} found)`);
  }
  const initializers = graph.initializer ?? [];
  const initNames = new Set(initializers.map((t) => t.name));
  let parameterCount = 0;
  for (const t of initializers) parameterCount += (t.dims ?? []).reduce((n: number, d) => n * toNumber(d), 1);
  const ops: Record<string, number> = {};
  for (const n of graph.node ?? []) ops[n.opType ?? '?'] = (ops[n.opType ?? '?'] ?? 0) + 1;
  return {
    file,
    bytes: bytes.byteLength,
    irVersion,
    producer: model.producerName,
    producerVersion: model.producerVersion,
    opsets: (model.opsetImport ?? []).map((o) => ({ domain: o.domain || 'ai.onnx', version: toNumber(o.version) })),
    // Before IR 4, initializers were also listed as graph inputs; those are weights, not inputs.
    inputs: (graph.input ?? []).filter((i) => !initNames.has(i.name)).map(signature),
    outputs: graph.output.map(signature),
    parameterCount,
    initializers: initializers.length,
    ops,
  };
}

function signature(v: P.IValueInfoProto): TensorSignature {
  const t = v.type?.tensorType;
  if (!t) return { name: v.name ?? '', shape: [], dtype: 'non-tensor' };
  const shape = (t.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : d.dimValue !== undefined && d.dimValue !== null ? toNumber(d.dimValue) : '?'));
  return { name: v.name ?? '', shape, dtype: DTYPE_NAMES[t.elemType ?? 0] ?? `type ${t.elemType}` };
}

function toNumber(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  // protobufjs returns int64 fields as Long objects.
  const long = v as { toNumber?: () => number };
  return long.toNumber ? long.toNumber() : Number(v);
}

/** Human-readable summary for `actuate policy info`. */
export function describeModel(info: ModelInfo): string {
  const sig = (s: TensorSignature) => `  ${s.name.padEnd(20)} [${s.shape.join(', ')}] ${s.dtype}`;
  const opset = info.opsets.map((o) => `${o.domain} ${o.version}`).join(', ');
  return [
    `${info.file} (${info.bytes.toLocaleString('en-US')} bytes)`,
    `producer: ${info.producer || '(none)'}${info.producerVersion ? ` ${info.producerVersion}` : ''}, IR ${info.irVersion}, opset ${opset}`,
    `parameters: ${info.parameterCount.toLocaleString('en-US')} in ${info.initializers} tensors`,
    `ops: ${Object.entries(info.ops).map(([k, v]) => `${k}×${v}`).join(', ')}`,
    'inputs:',
    ...info.inputs.map(sig),
    'outputs:',
    ...info.outputs.map(sig),
  ].join('\n');
}
