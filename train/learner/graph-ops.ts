/**
 * A thin layer over the ONNX GraphBuilder for writing numeric graphs by hand in one float type:
 * arithmetic by name, scalar constants of the graph's dtype, reductions with opset 17's conventions
 * (ReduceSum takes its axes as an input, the other reductions as an attribute).
 */
import { GraphBuilder, type Attribute, type ElementType } from '../../models/onnx-builder.ts';

export type FloatType = 'float32' | 'float64';

export class GraphOps {
  readonly g: GraphBuilder;
  private scalars = new Map<number, string>();
  private axes = new Map<string, string>();
  private counter = 0;

  constructor(name: string, readonly dtype: FloatType) {
    this.g = new GraphBuilder(name);
  }

  input(name: string, shape: (number | string)[], type: ElementType = this.dtype): string {
    return this.g.input(name, shape, type);
  }

  output(value: string, name: string, shape?: (number | string)[]): void {
    this.g.output(value, name, shape, this.dtype);
  }

  op(type: string, inputs: string[], attributes: Record<string, Attribute> = {}): string {
    return this.g.op(type, inputs, attributes);
  }

  /** A scalar constant of the graph's float type (shared between uses). */
  k(value: number): string {
    const found = this.scalars.get(value);
    if (found) return found;
    const name = `k${this.counter++}`;
    this.g.constant(name, this.dtype === 'float64' ? Float64Array.of(value) : Float32Array.of(value), []);
    this.scalars.set(value, name);
    return name;
  }

  add(a: string, b: string): string { return this.op('Add', [a, b]); }
  sub(a: string, b: string): string { return this.op('Sub', [a, b]); }
  mul(a: string, b: string): string { return this.op('Mul', [a, b]); }
  div(a: string, b: string): string { return this.op('Div', [a, b]); }
  neg(a: string): string { return this.op('Neg', [a]); }
  exp(a: string): string { return this.op('Exp', [a]); }
  sqrt(a: string): string { return this.op('Sqrt', [a]); }
  abs(a: string): string { return this.op('Abs', [a]); }
  min(a: string, b: string): string { return this.op('Min', [a, b]); }
  max(a: string, b: string): string { return this.op('Max', [a, b]); }
  square(a: string): string { return this.op('Mul', [a, a]); }
  /** Clamp between two values (Max/Min rather than Clip: Clip has no float64 kernel in every ORT build). */
  clamp(a: string, lo: string, hi: string): string { return this.min(this.max(a, lo), hi); }
  /** 1 where the comparison holds, else 0, in the graph's float type. */
  indicator(type: 'Greater' | 'Less' | 'GreaterOrEqual', a: string, b: string): string {
    return this.op('Cast', [this.op(type, [a, b])], { to: { i: floatEnum(this.dtype) } });
  }
  where(cond: string, a: string, b: string): string { return this.op('Where', [cond, a, b]); }

  /** a·b (+ c), optionally with either factor transposed. */
  gemm(a: string, b: string, options: { transA?: boolean; transB?: boolean; c?: string } = {}): string {
    return this.op('Gemm', options.c ? [a, b, options.c] : [a, b], { transA: { i: options.transA ? 1 : 0 }, transB: { i: options.transB ? 1 : 0 } });
  }

  /** Σ over `axes` (all axes when omitted). */
  sum(a: string, axes?: number[], keepdims = false): string {
    if (!axes) return this.op('ReduceSum', [a], { keepdims: { i: keepdims ? 1 : 0 } });
    return this.op('ReduceSum', [a, this.axesConstant(axes)], { keepdims: { i: keepdims ? 1 : 0 } });
  }
  mean(a: string): string { return this.op('ReduceMean', [a], { keepdims: { i: 0 } }); }
  sumSquares(a: string): string { return this.op('ReduceSumSquare', [a], { keepdims: { i: 0 } }); }

  /** ELU(x) = x for x > 0, eˣ − 1 otherwise. ORT's Elu kernel is float32-only, so float64 spells it out. */
  elu(x: string): string {
    if (this.dtype === 'float32') return this.op('Elu', [x], { alpha: { f: 1 } });
    return this.where(this.op('Greater', [x, this.k(0)]), x, this.sub(this.exp(this.min(x, this.k(0))), this.k(1)));
  }

  /** ELU′ from ELU's output h: 1 where h > 0, h + 1 (= eˣ) elsewhere — min(h, 0) + 1. */
  eluGradFromOutput(h: string): string {
    return this.add(this.min(h, this.k(0)), this.k(1));
  }

  private axesConstant(axes: number[]): string {
    const key = axes.join(',');
    const found = this.axes.get(key);
    if (found) return found;
    const name = this.g.int64s(`axes${this.counter++}`, axes);
    this.axes.set(key, name);
    return name;
  }
}

function floatEnum(dtype: FloatType): number {
  // TensorProto.DataType: FLOAT = 1, DOUBLE = 11.
  return dtype === 'float64' ? 11 : 1;
}
