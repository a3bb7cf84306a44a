// ESLint rule enforcing DESIGN.md's folder layering: which top-level folder may import which, and
// which packages stay out of which processes (no three/React in the engine, no Node in the renderer).
import { dirname, relative, resolve, sep } from 'node:path';

/** folder → folders of ours it may import. '*' = anything. */
export const LAYERS = {
  protocol: [],
  sim: ['protocol'],
  models: [],
  control: ['sim', 'models', 'protocol'],
  train: ['sim', 'control', 'models', 'protocol'],
  bridges: ['sim', 'protocol'],
  engine: ['protocol', 'sim', 'models', 'control', 'train', 'bridges'],
  renderer: ['protocol'],
  electron: ['protocol', 'engine'],
  cli: ['protocol', 'sim', 'models', 'control', 'train', 'bridges', 'engine', 'bench'],
  bench: '*',
  tests: '*',
  scripts: '*',
  tools: '*',
};

const UI_PACKAGES = ['electron', 'react', 'react-dom', 'three', 'uplot'];
const NODE_ONLY = ['ws', 'onnxruntime-node', 'tsx', 'urdf-loader', 'linkedom', '@xmldom/xmldom'];

/** Packages a folder may not import, beyond the layering of our own folders. */
export function forbiddenPackage(layer, specifier) {
  const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
  if (layer === 'renderer') {
    if (specifier.startsWith('node:') || NODE_ONLY.includes(name) || name.startsWith('@dimforge/')) return 'the renderer runs in a sandboxed page: no Node built-ins or engine-side packages';
    return undefined;
  }
  if (['bench', 'tests', 'scripts', 'tools', 'electron'].includes(layer)) return undefined;
  // three is allowed in sim/importers only, as urdf-loader's math library (DESIGN.md names urdf-loader).
  if (name === 'three' && layer === 'sim') return undefined;
  if (UI_PACKAGES.includes(name)) return `${layer}/ runs without a window: '${name}' belongs to the renderer or the desktop shell`;
  return undefined;
}

function layerOf(root, file) {
  const rel = relative(root, file);
  // Build configuration (vite.config.ts …) runs in Node at build time, whatever folder it sits in.
  if (rel.startsWith('..') || /\.config\.[cm]?[jt]s$/.test(rel)) return undefined;
  const top = rel.split(sep)[0];
  return top in LAYERS ? top : undefined;
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the folder layering of DESIGN.md' },
    schema: [],
  },
  create(context) {
    const root = context.cwd;
    const file = context.filename;
    const layer = layerOf(root, file);
    if (!layer) return {};
    const check = (node, specifier) => {
      if (typeof specifier !== 'string') return;
      if (!specifier.startsWith('.')) {
        const reason = forbiddenPackage(layer, specifier);
        if (reason) context.report({ node, message: `${layer}/ may not import '${specifier}': ${reason}` });
        return;
      }
      const target = layerOf(root, resolve(dirname(file), specifier));
      if (!target || target === layer) return;
      const allowed = LAYERS[layer];
      if (allowed === '*' || allowed.includes(target)) return;
      context.report({
        node,
        message: `${layer}/ may not import ${target}/ (${specifier}); ${layer}/ may import ${allowed.length ? allowed.map((l) => `${l}/`).join(', ') : 'nothing of ours'} (see DESIGN.md)`,
      });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};
