/**
 * linkedom, the DOM urdf-loader and the COLLADA loader need, takes ≈ 0.4 s to load: it is loaded on
 * the first parse that needs it, not at every `actuate` start. Its CommonJS build is required, so the
 * parsers stay synchronous.
 */
import { createRequire } from 'node:module';

type Linkedom = typeof import('linkedom');

let linkedom: Linkedom | undefined;

export function linkedomParser(): Linkedom['DOMParser'] {
  linkedom ??= createRequire(import.meta.url)('linkedom') as Linkedom;
  return linkedom.DOMParser;
}
