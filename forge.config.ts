import type { ForgeConfig } from '@electron-forge/shared-types';
import { VitePlugin } from '@electron-forge/plugin-vite';

/**
 * What the packaged app holds besides the Vite output: production node_modules (packager prunes the
 * dev ones), the shipped robots, and the engine's source folders, which its worker threads load through
 * tsx exactly as `actuate serve` does (see electron/vite.main.config.ts). Tests stay out.
 */
const SHIPPED = /^\/(\.vite|node_modules|assets|protocol|sim|models|control|train|bridges|engine)(\/|$)/;
const ignore = (file: string): boolean => file !== '' && file !== '/package.json' && (!SHIPPED.test(file) || /\.test\.ts$/.test(file));

// `npm run desktop` (electron-forge start) and `npm run package` (electron-forge package). Installers come
// from electron-builder (electron-builder.yml, `npm run make`), so no Forge makers are configured.
// Needs the Electron binary (`npm run desktop:install`) and Forge 8 needs Node >= 22.13.
const config: ForgeConfig = {
  packagerConfig: {
    name: 'Actuate',
    executableName: 'actuate-studio',
    appBundleId: 'dev.actuate.studio',
    appCategoryType: 'public.app-category.developer-tools',
    ignore,
    // Native addons and WASM are loaded from real files, not from inside the asar archive.
    asar: { unpack: '**/node_modules/{onnxruntime-node,@dimforge}/**' },
  },
  rebuildConfig: {},
  plugins: [
    new VitePlugin({
      // Each entry builds to .vite/build/<name>.cjs, which electron/main.ts and package.json "main" name.
      build: [
        { entry: 'electron/main.ts', config: 'electron/vite.main.config.ts', target: 'main' },
        { entry: 'engine/electron-entry.ts', config: 'electron/vite.main.config.ts', target: 'main' },
        { entry: 'electron/preload.ts', config: 'electron/vite.preload.config.ts', target: 'preload' },
      ],
      renderer: [{ name: 'main_window', config: 'electron/vite.renderer.config.ts' }],
      // Two cores: building the renderer and three Node bundles at once mostly thrashes.
      concurrent: 2,
    }),
  ],
};

export default config;
