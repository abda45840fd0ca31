import { defineConfig } from 'vite';

// A static build: index.html, one hashed JS file and one CSS file under static/ (not
// Vite's default assets/, which is also the app's own path for equipment: /assets/{id}).
export default defineConfig({
  build: {
    assetsDir: 'static',
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    reportCompressedSize: true,
  },
});
