/**
 * Checks what goes into and comes out of a model: every feed's name, shape and dtype against the
 * session's input metadata (and the model card), and every output for NaN/Inf. Messages name the
 * tensor and say what was expected and what was given: "input 'obs' expects [1,57] float32, got [1,48]".
 */

/** A tensor's declared signature; symbolic dims ('batch') match any size, bound consistently across tensors. */
export interface TensorSignature {
  name: string;
  shape: (number | string)[];
  dtype: string;
}

/** The parts of a tensor validation reads (an `ort.Tensor` has them). */
export interface TensorLike {
  type: string;
  dims: readonly number[];
  data: ArrayLike<number | bigint | boolean | string>;
}

export class ModelIoError extends Error {
  override name = 'ModelIoError';
}

export class NonFiniteOutputError extends Error {
  override name = 'NonFiniteOutputError';
}

export function formatShape(shape: readonly (number | string)[]): string {
  return `[${shape.join(',')}]`;
}

/**
 * Validates feeds against input signatures: no missing or unknown names, fixed dims equal, symbolic
 * dims bound to one size across all inputs, dtypes equal. Returns the symbolic bindings.
 */
export function validateFeeds(
  signatures: readonly TensorSignature[],
  feeds: Record<string, TensorLike>,
  label = 'model',
): Record<string, number> {
  const names = signatures.map((s) => s.name);
  for (const key of Object.keys(feeds)) {
    if (!names.includes(key)) throw new ModelIoError(`${label}: unknown input '${key}'; inputs are ${names.map((n) => `'${n}'`).join(', ')}`);
  }
  const bound: Record<string, number> = {};
  for (const sig of signatures) {
    const feed = feeds[sig.name];
    const expects = `input '${sig.name}' expects ${formatShape(sig.shape)} ${sig.dtype}`;
    if (!feed) throw new ModelIoError(`${label}: missing ${expects}`);
    const dtypeOk = feed.type === sig.dtype;
    const got = `got ${formatShape(feed.dims)}${dtypeOk ? '' : ` ${feed.type}`}`;
    if (!dtypeOk || feed.dims.length !== sig.shape.length) throw new ModelIoError(`${expects}, ${got}`);
    sig.shape.forEach((d, i) => {
      const size = feed.dims[i]!;
      if (typeof d === 'number' && d >= 0) {
        if (size !== d) throw new ModelIoError(`${expects}, ${got}`);
      } else if (typeof d === 'string' && d !== '') {
        if (bound[d] !== undefined && bound[d] !== size) {
          throw new ModelIoError(`${expects}, ${got} ('${d}' is ${bound[d]} in another input)`);
        }
        bound[d] = size;
      }
    });
    const count = feed.dims.reduce((a, b) => a * b, 1);
    if (feed.data.length !== count) throw new ModelIoError(`input '${sig.name}': shape ${formatShape(feed.dims)} holds ${count} values, data has ${feed.data.length}`);
  }
  return bound;
}

/** Throws if any float output holds NaN or ±Inf, naming the output, the element and the model. */
export function checkFinite(outputs: Record<string, TensorLike>, label = 'model'): void {
  for (const [name, t] of Object.entries(outputs)) {
    if (t.type !== 'float32' && t.type !== 'float64' && t.type !== 'float16') continue;
    const data = t.data as ArrayLike<number>;
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (!Number.isFinite(v)) {
        throw new NonFiniteOutputError(`${label}: output '${name}' has ${Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf'} at ${formatShape(unravel(i, t.dims))} (${countNonFinite(data)} of ${data.length} values are not finite)`);
      }
    }
  }
}

function countNonFinite(data: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i]!)) n++;
  return n;
}

function unravel(index: number, dims: readonly number[]): number[] {
  const out = new Array<number>(dims.length);
  let rest = index;
  for (let k = dims.length - 1; k >= 0; k--) {
    const d = dims[k]!;
    out[k] = d > 0 ? rest % d : 0;
    rest = d > 0 ? Math.floor(rest / d) : rest;
  }
  return out;
}

/**
 * Compares the signatures a model card declares with the model's own. Symbolic dims in either match
 * any size or name; a fixed size must agree. Returns one message per mismatch (empty when they agree).
 */
export function compareSignatures(
  kind: 'input' | 'output',
  declared: readonly TensorSignature[],
  actual: readonly TensorSignature[],
): string[] {
  const problems: string[] = [];
  for (const d of declared) {
    const a = actual.find((x) => x.name === d.name);
    if (!a) {
      problems.push(`card ${kind} '${d.name}' is not in the model; model ${kind}s: ${actual.map((x) => `'${x.name}'`).join(', ')}`);
      continue;
    }
    const shapeOk =
      a.shape.length === d.shape.length &&
      a.shape.every((dim, i) => {
        const c = d.shape[i]!;
        return typeof dim !== 'number' || typeof c !== 'number' || dim < 0 || dim === c;
      });
    if (!shapeOk || a.dtype !== d.dtype) {
      problems.push(`card ${kind} '${d.name}' says ${formatShape(d.shape)} ${d.dtype}, the model has ${formatShape(a.shape)} ${a.dtype}`);
    }
  }
  for (const a of actual) {
    if (!declared.some((d) => d.name === a.name)) problems.push(`model ${kind} '${a.name}' ${formatShape(a.shape)} ${a.dtype} is missing from the card`);
  }
  return problems;
}
