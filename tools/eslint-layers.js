// ESLint rule enforcing docs/architecture.md's folder layering: which top-level folder may import which of ours,
// and which packages stay out of which processes (no window libraries in the engine, no Node in the
// renderer). Checks every import, export-from and dynamic import with a literal specifier.
import { builtinModules } from 'node:module';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: layers are top-level folders of it, wherever ESLint is started from. */
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** folder → folders of ours it may import ('*' = anything). docs/architecture.md, "Folders and what may import what". */
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
  // "engine and below", plus bench/: `actuate bench` is the CLI front of the benchmarks.
  cli: ['protocol', 'sim', 'models', 'control', 'train', 'bridges', 'engine', 'bench'],
  bench: '*',
  tests: '*',
  scripts: '*',
  tools: '*',
};

/** Layers that run without a window (plain Node, tested without Electron or a DOM). */
const HEADLESS = new Set(['protocol', 'sim', 'models', 'control', 'train', 'bridges', 'engine', 'cli']);
const WINDOW_PACKAGES = new Set(['electron', 'react', 'react-dom', 'three', 'uplot']);
/** Packages that need Node (native addons, sockets, module loaders): never in the sandboxed renderer. */
const NODE_PACKAGES = new Set(['ws', 'onnxruntime-node', 'tsx']);
const NODE_BUILTINS = new Set(builtinModules);

const packageName = (specifier) => (specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]);

/** Why `layer` may not import the package `specifier`, or undefined when it may. */
export function forbiddenPackage(layer, specifier, file = '') {
  const name = packageName(specifier);
  if (layer === 'renderer') {
    if (specifier.startsWith('node:') || NODE_BUILTINS.has(name)) return 'the renderer is a sandboxed web page: no Node built-ins (ask the engine through protocol/)';
    if (NODE_PACKAGES.has(name) || name.startsWith('@dimforge/')) return `the renderer is a sandboxed web page: '${name}' runs in the engine (reach it through protocol/)`;
    return undefined;
  }
  if (!HEADLESS.has(layer) || !WINDOW_PACKAGES.has(name)) return undefined;
  // urdf-loader (docs/architecture.md's URDF importer) works on three's scene graph, so the importers use three's math.
  if (name === 'three' && relative(ROOT, file).split(sep).slice(0, 2).join('/') === 'sim/importers') return undefined;
  return `${layer}/ runs without a window, in plain Node: '${name}' belongs to the renderer or the desktop shell`;
}

/** The layer a file belongs to, or undefined outside the table (root files, build configs). */
function layerOf(file) {
  const rel = relative(ROOT, file);
  // Build configuration (vite.config.ts …) runs in Node at build time, whatever folder it sits in.
  if (rel.startsWith('..') || /\.config\.[cm]?[jt]s$/.test(rel)) return undefined;
  const top = rel.split(sep)[0];
  return Object.hasOwn(LAYERS, top) ? top : undefined;
}

const describeAllowed = (allowed) => (allowed.length ? allowed.map((l) => `${l}/`).join(', ') : 'nothing of ours');

export default {
  meta: {
    type: 'problem',
    docs: { description: "Enforce docs/architecture.md's folder layering and keep window packages out of the engine and Node out of the renderer" },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    const layer = layerOf(file);
    if (!layer) return {};
    const check = (node, specifier) => {
      if (typeof specifier !== 'string') return;
      if (!specifier.startsWith('.')) {
        const reason = forbiddenPackage(layer, specifier, file);
        if (reason) context.report({ node, message: `${layer}/ may not import '${specifier}': ${reason}` });
        return;
      }
      const target = layerOf(resolve(dirname(file), specifier));
      if (!target || target === layer) return;
      const allowed = LAYERS[layer];
      if (allowed === '*' || allowed.includes(target)) return;
      context.report({
        node,
        message: `${layer}/ may not import ${target}/ ('${specifier}'): ${layer}/ may import ${describeAllowed(allowed)} (docs/architecture.md, "Folders and what may import what")`,
      });
    };
    const literal = (source) => (source && source.type === 'Literal' ? source.value : undefined);
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => check(node, literal(node.source)),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => check(node, literal(node.source)),
      TSImportEqualsDeclaration: (node) => check(node, node.moduleReference.type === 'TSExternalModuleReference' ? literal(node.moduleReference.expression) : undefined),
    };
  },
};
