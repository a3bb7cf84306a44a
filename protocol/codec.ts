/**
 * Text encoding for transports that carry strings (WebSocket): JSON in which typed arrays travel as
 * `{"$typed": "f32" | "f64" | "u32", "b64": "…"}`. Transports that structured-clone (MessagePort, workers) skip it.
 */

type TypedTag = 'f32' | 'f64' | 'u32';

const TAGS: [TypedTag, Float32ArrayConstructor | Float64ArrayConstructor | Uint32ArrayConstructor][] = [
  ['f32', Float32Array],
  ['f64', Float64Array],
  ['u32', Uint32Array],
];

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(b64: string): Uint8Array {
  const s = atob(b64);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes;
}

export function encodeMessage(message: unknown): string {
  return JSON.stringify(message, (_key, value: unknown) => {
    const entry = TAGS.find(([, type]) => value instanceof type);
    if (entry) {
      const array = value as Float32Array | Float64Array | Uint32Array;
      return { $typed: entry[0], b64: toBase64(new Uint8Array(array.buffer, array.byteOffset, array.byteLength)) };
    }
    return value;
  });
}

export function decodeMessage(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) => {
    if (value && typeof value === 'object' && '$typed' in value && 'b64' in value) {
      const { $typed, b64 } = value as { $typed: TypedTag; b64: string };
      const bytes = fromBase64(b64);
      const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      const type = TAGS.find(([tag]) => tag === $typed)?.[1];
      if (!type) throw new Error(`unknown typed array tag '${String($typed)}'`);
      return new type(buffer);
    }
    return value;
  });
}
