import type { ForgeConfig } from '@electron-forge/shared-types';
import { VitePlugin } from '@electron-forge/plugin-vite';

// `npm run desktop` (electron-forge start) and `npm run package`; installers come from electron-builder
// (electron-builder.yml). Needs the Electron binary: `npm run desktop:install`.
const config: ForgeConfig = {
  packagerConfig: {
    name: 'Actuate',
    executableName: 'actuate-studio',
    asar: { unpack: '**/node_modules/{onnxruntime-node,@dimforge}/**' },
  },
  rebuildConfig: {},
  plugins: [
    new VitePlugin({
      build: [
        { entry: 'electron/main.ts', config: 'electron/vite.main.config.ts', target: 'main' },
        { entry: 'engine/electron-entry.ts', config: 'electron/vite.main.config.ts', target: 'main' },
        { entry: 'electron/preload.ts', config: 'electron/vite.preload.config.ts', target: 'preload' },
      ],
      renderer: [{ name: 'main_window', config: 'renderer/vite.config.ts' }],
    }),
  ],
};

export default config;
