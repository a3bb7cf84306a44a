// Flat config: typescript-eslint's recommended rules (not type-aware, to stay fast) plus the layering
// rule of tools/eslint-layers.js, which enforces docs/architecture.md's folder import table.
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import layers from './tools/eslint-layers.js';

export default defineConfig(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'scratch/**', '.vite/**', 'test-results/**', 'vendor/**', 'assets/**', 'bench/results/**'] },
  tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    plugins: { actuate: { rules: { layers } } },
    rules: {
      'actuate/layers': 'error',
      // Non-null assertions mark indexes the surrounding code has already bounded (noUncheckedIndexedAccess).
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
);
