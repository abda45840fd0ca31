import { defineConfig } from 'vite';

// A static build: index.html, one hashed JS file and one CSS file under static/ (not
// Vite's default assets/, which is also the app's own path for equipment: /assets/{id}),
// and the parts loaded on demand (the office console, setting up an authenticator app)
// as chunks beside them. Those import only what the first file already has: there is
// nothing to preload, so no modulepreload polyfill in every member's first load.
export default defineConfig({
  build: {
    assetsDir: 'static',
    modulePreload: false,
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    reportCompressedSize: true,
  },
});
