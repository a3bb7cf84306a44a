/**
 * Text encoding for transports that carry strings (WebSocket): JSON in which typed arrays travel as
 * `{"$typed": "f32" | "f64", "b64": "…"}`. Transports that structured-clone (MessagePort, workers) skip it.
 */

type TypedTag = 'f32' | 'f64';

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
    if (value instanceof Float32Array || value instanceof Float64Array) {
      const tag: TypedTag = value instanceof Float32Array ? 'f32' : 'f64';
      return { $typed: tag, b64: toBase64(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)) };
    }
    return value;
  });
}

export function decodeMessage(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) => {
    if (value && typeof value === 'object' && '$typed' in value && 'b64' in value) {
      const { $typed, b64 } = value as { $typed: TypedTag; b64: string };
      const bytes = fromBase64(b64);
      const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      if ($typed === 'f32') return new Float32Array(buffer);
      if ($typed === 'f64') return new Float64Array(buffer);
      throw new Error(`unknown typed array tag '${String($typed)}'`);
    }
    return value;
  });
}
