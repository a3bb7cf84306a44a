/**
 * `actuate policy info <model.onnx> [--json]`            inputs, outputs, shapes, dtypes, opset, producer, parameters
 * `actuate policy check <model.onnx> --card <card.json>` validates the card and that it matches the model (exit 1 if not)
 * `actuate policy run <model.onnx> --input <file.json> [--json]`
 *                                                        feeds named inputs ({"obs": [[…]]}) and prints the named outputs
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { compareSignatures, type TensorSignature } from '../../models/io-validation.ts';
import { loadModelCard, observationSize } from '../../models/model-card.ts';
import { describeModel, modelInfo } from '../../models/model-info.ts';
import { loadModel, tensorFor } from '../../models/runtime.ts';
import { UsageError } from '../usage-error.ts';

export async function policyCommand(argv: string[]): Promise<string> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      card: { type: 'string' },
      input: { type: 'string' },
    },
  });
  const file = positionals[0];
  if (sub !== 'info' && sub !== 'check' && sub !== 'run') {
    throw new UsageError(`unknown policy command '${sub ?? ''}'; use: actuate policy info|check|run <model.onnx>`);
  }
  if (!file) throw new UsageError(`policy ${sub} needs a model file (.onnx)`);
  if (sub === 'info') {
    const info = modelInfo(file);
    return values.json ? JSON.stringify(info) : describeModel(info);
  }
  if (sub === 'check') {
    if (!values.card) throw new UsageError('policy check needs --card <card.json>');
    return check(file, values.card);
  }
  if (!values.input) throw new UsageError('policy run needs --input <file.json> holding {"<input name>": [[…]], …}');
  return run(file, values.input, values.json!);
}

async function check(file: string, cardFile: string): Promise<string> {
  const { card } = loadModelCard(cardFile);
  const info = modelInfo(file);
  const problems = [...compareSignatures('input', card.inputs, info.inputs), ...compareSignatures('output', card.outputs, info.outputs)];
  if (problems.length) throw new Error(`${cardFile} does not match ${file}:\n  ${problems.join('\n  ')}`);
  // The model must also load and run in ONNX Runtime.
  const model = await loadModel(file, { warmupRuns: 1 });
  const provider = model.provider.provider;
  await model.dispose();
  const lines = [`ok: ${cardFile} matches ${file} (${info.inputs.length} input${info.inputs.length > 1 ? 's' : ''}, ${info.outputs.length} output${info.outputs.length > 1 ? 's' : ''}; runs on ${provider})`];
  if (card.policy) {
    const p = card.policy;
    lines.push(`policy: ${observationSize(p)} observation values in ${p.observation.terms.length} terms (${p.observation.terms.map((t) => t.name).join(', ')}), ${p.joints.length} joints, ${p.rates.controlHz} Hz control / ${p.rates.physicsHz} Hz physics`);
  }
  return lines.join('\n');
}

async function run(file: string, inputFile: string, json: boolean): Promise<string> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(inputFile, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new Error(e.code === 'ENOENT' ? `input file not found: ${inputFile}` : `${inputFile}: not valid JSON (${e.message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${inputFile}: expected an object of named inputs, like {"obs": [[0, 0, …]]}`);
  const model = await loadModel(file, { warmupRuns: 0 });
  try {
    const feeds = Object.fromEntries(
      Object.entries(raw as Record<string, unknown>).map(([name, value]) => {
        const sig = model.inputs.find((s) => s.name === name);
        if (!sig) throw new Error(`${inputFile}: unknown input '${name}'; ${model.label} takes ${model.inputNames.map((n) => `'${n}'`).join(', ')}`);
        const { data, dims } = flatten(value, `${inputFile}: input '${name}'`);
        return [name, tensorFor(sig, data, dims)];
      }),
    );
    const outputs = await model.run(feeds);
    const named = Object.fromEntries(model.outputs.map((s) => [s.name, nest(Array.from(outputs[s.name]!.data as ArrayLike<number>, Number), outputs[s.name]!.dims)]));
    if (json) return JSON.stringify(named);
    return model.outputs.map((s: TensorSignature) => `${s.name} [${outputs[s.name]!.dims.join(', ')}] ${s.dtype}: ${JSON.stringify(named[s.name])}`).join('\n');
  } finally {
    await model.dispose();
  }
}

/** Nested number arrays → flat data and dims; ragged or non-numeric input is an error naming where. */
function flatten(value: unknown, where: string): { data: number[]; dims: number[] } {
  const dims: number[] = [];
  let probe: unknown = value;
  while (Array.isArray(probe)) {
    dims.push(probe.length);
    probe = probe[0];
  }
  const data: number[] = [];
  const walk = (v: unknown, depth: number, path: string) => {
    if (depth === dims.length) {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${where}${path}: expected a finite number, got ${JSON.stringify(v)}`);
      data.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== dims[depth]) throw new Error(`${where}${path}: ragged array (expected ${dims[depth]} entries)`);
    v.forEach((x, i) => walk(x, depth + 1, `${path}[${i}]`));
  };
  walk(value, 0, '');
  return { data, dims };
}

function nest(data: number[], dims: readonly number[]): unknown {
  if (dims.length === 0) return data[0];
  if (dims.length === 1) return data;
  const stride = dims.slice(1).reduce((a, b) => a * b, 1);
  return Array.from({ length: dims[0]! }, (_, i) => nest(data.slice(i * stride, (i + 1) * stride), dims.slice(1)));
}
