/**
 * Vite config of the browser benchmark page (bench/browser.js builds it into dist/bench-browser):
 * the SDK's embedded WebAssembly and onnxruntime-web's wasm are bundled, relative paths.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const repo = fileURLToPath(new URL('../..', import.meta.url));

export default defineConfig({
  root,
  base: './',
  publicDir: false,
  logLevel: 'warn',
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: {
    outDir: `${repo}dist/bench-browser`,
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 8192,
    assetsInlineLimit: 0,
  },
});
