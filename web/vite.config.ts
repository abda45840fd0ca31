import { defineConfig } from 'vite';

// A static build: index.html, one hashed JS file and one CSS file under assets/.
export default defineConfig({
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    reportCompressedSize: true,
  },
});
