import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Built into dist/console, which the gateway serves from a manifest of these files under a strict CSP: nothing
// may be inlined (no data: URLs for assets, no inline module-preload polyfill) and no source maps are shipped.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    reportCompressedSize: false,
    // The MCP client (with zod) and React make the first chunk ~650 kB (~190 kB gzipped), served from loopback.
    chunkSizeWarningLimit: 800,
  },
});
