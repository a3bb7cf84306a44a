/**
 * Writes small ONNX graphs (MLPs, the exact denoisers and linear models the tests need, exported
 * networks) with `onnx-proto`. A graph is built from named values: inputs, initializers (weights) and
 * node outputs, each a string the next node refers to.
 *
 *   const g = new GraphBuilder('policy');
 *   const obs = g.input('obs', ['batch', 48]);
 *   const h = g.op('Relu', [g.op('Add', [g.op('MatMul', [obs, g.constant('w0', w0, [48, 64])]), g.constant('b0', b0, [64])])]);
 *   g.output(h, 'actions', ['batch', 64]);
 *   const bytes = g.toBytes();
 */
import onnxProto from 'onnx-proto';
import type { onnx as P } from 'onnx-proto';

const { onnx } = onnxProto;

export type ElementType = 'float32' | 'float64' | 'int64' | 'int32' | 'bool';

export const ELEMENT_TYPES: Record<ElementType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float64: onnx.TensorProto.DataType.DOUBLE,
  int64: onnx.TensorProto.DataType.INT64,
  int32: onnx.TensorProto.DataType.INT32,
  bool: onnx.TensorProto.DataType.BOOL,
};

/** A dimension: a size, or a symbolic name ('batch') the runtime binds at run time. */
export type Dim = number | string;

/** Node attributes in the protobuf's own terms: `{ alpha: { f: 1 } }`, `{ transB: { i: 1 } }`, `{ axes: { ints: [1] } }`. */
export type Attribute = { f: number } | { i: number } | { ints: number[] } | { floats: number[] } | { s: string };

export interface BuildOptions {
  /** Default opset 17 (ORT 1.30 supports up to 23; 17 has every op we write). */
  opset?: number;
  producer?: string;
  producerVersion?: string;
  docString?: string;
}

export class GraphBuilder {
  private readonly inputs: P.IValueInfoProto[] = [];
  private readonly outputs: P.IValueInfoProto[] = [];
  private readonly initializers: P.ITensorProto[] = [];
  private readonly nodes: P.INodeProto[] = [];
  private readonly names = new Set<string>();
  private counter = 0;

  constructor(private readonly name = 'graph') {}

  input(name: string, shape: Dim[], type: ElementType = 'float32'): string {
    this.claim(name);
    this.inputs.push(valueInfo(name, shape, type));
    return name;
  }

  /** A weight tensor stored in the file (float32 unless the data says otherwise). */
  constant(name: string, data: Float32Array | Float64Array | BigInt64Array | Int32Array | number[], dims: number[]): string {
    this.claim(name);
    const count = dims.reduce((a, b) => a * b, 1);
    if (data.length !== count) throw new Error(`constant '${name}': ${data.length} values for shape [${dims.join(',')}] (needs ${count})`);
    let tensor: P.ITensorProto;
    if (data instanceof BigInt64Array) {
      tensor = { name, dims, dataType: ELEMENT_TYPES.int64, rawData: bytesOf(data) };
    } else if (data instanceof Int32Array) {
      tensor = { name, dims, dataType: ELEMENT_TYPES.int32, rawData: bytesOf(data) };
    } else if (data instanceof Float64Array) {
      tensor = { name, dims, dataType: ELEMENT_TYPES.float64, rawData: bytesOf(data) };
    } else {
      tensor = { name, dims, dataType: ELEMENT_TYPES.float32, rawData: bytesOf(Float32Array.from(data)) };
    }
    this.initializers.push(tensor);
    return name;
  }

  /** An int64 constant (shapes for Reshape, indices, axes). */
  int64s(name: string, values: number[]): string {
    return this.constant(name, BigInt64Array.from(values, (v) => BigInt(v)), [values.length]);
  }

  /** Adds a node; returns the name of its first output (or of each output, with `outputs` > 1). */
  op(type: string, inputs: string[], attributes: Record<string, Attribute> = {}, outputName?: string): string {
    return this.opMulti(type, inputs, 1, attributes, outputName ? [outputName] : undefined)[0]!;
  }

  opMulti(type: string, inputs: string[], outputs: number, attributes: Record<string, Attribute> = {}, outputNames?: string[]): string[] {
    for (const i of inputs) if (i !== '' && !this.names.has(i)) throw new Error(`node ${type}: unknown input '${i}'`);
    const names = Array.from({ length: outputs }, (_, k) => outputNames?.[k] ?? `${type.toLowerCase()}_${this.counter++}`);
    for (const n of names) this.claim(n);
    this.nodes.push({
      opType: type,
      name: `${type}_${this.nodes.length}`,
      input: inputs,
      output: names,
      attribute: Object.entries(attributes).map(([name, a]) => attributeProto(name, a)),
    });
    return names;
  }

  /** Marks `value` as a graph output named `name` (an Identity node renames it when needed). */
  output(value: string, name: string = value, shape?: Dim[], type: ElementType = 'float32'): void {
    if (!this.names.has(value)) throw new Error(`output '${name}': unknown value '${value}'`);
    const final = value === name ? value : this.op('Identity', [value], {}, name);
    this.outputs.push(valueInfo(final, shape, type));
  }

  toBytes(options: BuildOptions = {}): Uint8Array {
    const model: P.IModelProto = {
      irVersion: 8,
      producerName: options.producer ?? 'actuate',
      producerVersion: options.producerVersion ?? '0.1',
      docString: options.docString ?? '',
      opsetImport: [{ domain: '', version: options.opset ?? 17 }],
      graph: {
        name: this.name,
        input: this.inputs,
        output: this.outputs,
        initializer: this.initializers,
        node: this.nodes,
      },
    };
    return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
  }

  private claim(name: string): void {
    if (this.names.has(name)) throw new Error(`value name '${name}' is used twice`);
    this.names.add(name);
  }
}

function valueInfo(name: string, shape: Dim[] | undefined, type: ElementType): P.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: ELEMENT_TYPES[type],
        ...(shape ? { shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } : {}),
      },
    },
  };
}

function attributeProto(name: string, a: Attribute): P.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if ('f' in a) return { name, type: T.FLOAT, f: a.f };
  if ('i' in a) return { name, type: T.INT, i: a.i };
  if ('ints' in a) return { name, type: T.INTS, ints: a.ints };
  if ('floats' in a) return { name, type: T.FLOATS, floats: a.floats };
  return { name, type: T.STRING, s: new TextEncoder().encode(a.s) };
}

function bytesOf(data: Float32Array | Float64Array | BigInt64Array | Int32Array): Uint8Array {
  // ONNX raw_data is little-endian, as are the typed arrays on every platform Node runs on.
  return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
}

// ── MLPs ───────────────────────────────────────────────────────────────────────────────────────

export type Activation = 'relu' | 'tanh' | 'elu' | 'none';

export interface DenseLayer {
  /** Row-major [in, out]: y = x·W + b (the PyTorch weight transposed). */
  weight: Float32Array;
  bias: Float32Array;
  inSize: number;
  outSize: number;
  activation: Activation;
}

/** Adds dense layers after `input` to a graph; returns the last value. Names are prefixed with `prefix`. */
export function addMlp(g: GraphBuilder, input: string, layers: DenseLayer[], prefix = 'mlp'): string {
  let x = input;
  layers.forEach((layer, i) => {
    const w = g.constant(`${prefix}.${i}.weight`, layer.weight, [layer.inSize, layer.outSize]);
    const b = g.constant(`${prefix}.${i}.bias`, layer.bias, [layer.outSize]);
    x = g.op('Add', [g.op('MatMul', [x, w]), b]);
    if (layer.activation === 'relu') x = g.op('Relu', [x]);
    else if (layer.activation === 'tanh') x = g.op('Tanh', [x]);
    else if (layer.activation === 'elu') x = g.op('Elu', [x], { alpha: { f: 1 } });
  });
  return x;
}

export interface MlpModelOptions extends BuildOptions {
  inputName?: string;
  outputName?: string;
  /** Symbolic batch dimension name, or a fixed batch size. */
  batch?: Dim;
}

/** A complete single-input, single-output MLP model. */
export function mlpModel(layers: DenseLayer[], options: MlpModelOptions = {}): Uint8Array {
  if (!layers.length) throw new Error('an MLP needs at least one layer');
  const g = new GraphBuilder('mlp');
  const batch = options.batch ?? 'batch';
  const x = g.input(options.inputName ?? 'obs', [batch, layers[0]!.inSize]);
  const y = addMlp(g, x, layers);
  g.output(y, options.outputName ?? 'actions', [batch, layers.at(-1)!.outSize]);
  return g.toBytes(options);
}

/**
 * Dense layers with sizes `sizes` (input first), hidden activation `activation`, the last layer linear,
 * weights drawn from `random` (a uniform [0,1) source) with PyTorch's default scale 1/√fan_in.
 */
export function randomMlpLayers(sizes: number[], activation: Activation, random: () => number): DenseLayer[] {
  const layers: DenseLayer[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const inSize = sizes[i]!;
    const outSize = sizes[i + 1]!;
    const bound = 1 / Math.sqrt(inSize);
    layers.push({
      inSize,
      outSize,
      weight: Float32Array.from({ length: inSize * outSize }, () => (2 * random() - 1) * bound),
      bias: Float32Array.from({ length: outSize }, () => (2 * random() - 1) * bound),
      activation: i + 2 < sizes.length ? activation : 'none',
    });
  }
  return layers;
}

/** The same MLP evaluated in plain JS (float64), for parity checks against the runtime. */
export function evaluateMlp(layers: DenseLayer[], x: ArrayLike<number>): Float64Array {
  let v = Float64Array.from(x);
  for (const l of layers) {
    const y = new Float64Array(l.outSize);
    for (let o = 0; o < l.outSize; o++) {
      let s = l.bias[o]!;
      for (let i = 0; i < l.inSize; i++) s += v[i]! * l.weight[i * l.outSize + o]!;
      y[o] = l.activation === 'relu' ? Math.max(0, s) : l.activation === 'tanh' ? Math.tanh(s) : l.activation === 'elu' ? (s > 0 ? s : Math.expm1(s)) : s;
    }
    v = y;
  }
  return v;
}
