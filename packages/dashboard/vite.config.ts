import { defineConfig } from 'vite';

// The dashboard is served by the Ebb server at `/`, so assets are absolute and the API is the
// same origin. No source maps in the shipped bundle: the bundle size is part of the budget.
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: true,
  },
  server: {
    // `vite` in this folder proxies the API to a server on :8787 for development.
    proxy: { '/api': 'http://localhost:8787' },
  },
});
