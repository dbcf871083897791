/**
 * Vite config of the browser sandbox: `npm start` serves it, `npm run build:web` writes the
 * static site to dist/web (relative asset paths, so any static file server and any sub-path
 * works). Everything the page loads — the map, the plant states, the shipped models, the SDK's
 * embedded WebAssembly, onnxruntime-web's wasm and the demo parser — is bundled; no request leaves
 * the origin.
 *
 * The demo worker bundles `demofile` (CommonJS written for Node): `events` and `buffer` come from
 * their npm packages, and the few other Node modules it requires resolve to small stand-ins in
 * src/replay/shims (CommonJS too, so `require('assert')` is the function itself).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const repo = fileURLToPath(new URL('../..', import.meta.url));

const shims = `${root}src/replay/shims/`;
const NODE_STANDINS = [
  // bytebuffer's browser build hands demofile ArrayBuffers where it expects Buffers: use its Node build on the `buffer` package.
  { find: /^bytebuffer$/, replacement: 'bytebuffer/dist/bytebuffer-node.js' },
  { find: /^assert$/, replacement: `${shims}assert.cjs` },
  { find: /^(timers|util|url|https)$/, replacement: `${shims}node-stubs.cjs` },
];

const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  root,
  base: './',
  publicDir: false,
  resolve: { alias: NODE_STANDINS },
  // onnxruntime-web finds its wasm next to its module (import.meta.url): keep it out of the dev pre-bundle.
  // The demo worker's CommonJS parser is pre-bundled up front (found later, it would reload the page).
  optimizeDeps: { exclude: ['onnxruntime-web'], include: ['demofile', 'buffer', 'events'] },
  // Cross-origin isolation gives performance.now() 5 µs resolution (100 µs without), which the cost panel needs.
  server: { port: 5173, strictPort: false, fs: { allow: [repo] }, headers: ISOLATION },
  preview: { port: 4173, headers: ISOLATION },
  build: {
    outDir: `${repo}dist/web`,
    emptyOutDir: true,
    target: 'es2022',
    // One page bundle: the map, 3,461 plant states and the embedded WebAssembly make it ~7 MB (2.4 MB gzipped).
    chunkSizeWarningLimit: 8192,
    assetsInlineLimit: 0,
    // The stand-ins are CommonJS outside node_modules: convert them like the packages that require them.
    commonjsOptions: { include: [/node_modules/, /src\/replay\/shims\//] },
  },
  worker: { format: 'es' },
});
