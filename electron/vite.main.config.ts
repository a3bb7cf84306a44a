import { defineConfig } from 'vite';

// Main process and engine entry: Node targets; native and WASM packages stay external.
export default defineConfig({
  build: {
    rollupOptions: { external: ['electron', 'onnxruntime-node', '@dimforge/rapier3d-simd-compat', 'ws', 'tsx', 'linkedom', 'urdf-loader', 'three', '@xmldom/xmldom'] },
  },
});
