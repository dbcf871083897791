#!/usr/bin/env node
// npm run bench:browser — the inference benchmark in Debian's chromium (playwright-core, no browser
// download): builds bench/browser (Vite) into dist/bench-browser, serves it on 127.0.0.1 with
// cross-origin isolation (COOP/COEP: performance.now() in 5 µs steps, not 100), and runs in the
// page the loop of `tickmind model bench` on the fixture models — native per kernel set (relaxed
// SIMD where chromium validates it, and SIMD128) against onnxruntime-web (1 thread), interleaved.
// Prints the tables here and writes the page's report as JSON.
//
// --tick: bench:tick in the page instead (the cases of bench/tick.js, same code:
// sdk/cli/tick-bench.ts), plus the 5v5 joint kinematic case with its policy on onnxruntime-web;
// chromium gets --js-flags=--expose-gc and --enable-precise-memory-info so the page measures heap
// growth (performance.memory.usedJSHeapSize, gc()). Prints bench:tick's markdown tables.
//
//   node bench/browser.js [--batch 1,8,32,128] [--only NAME] [--kernels relaxed,simd] [--json FILE]
//                         [--budget-ms 1500] [--min-sample-us 200] [--quantize int8] [--headed]
//   node bench/browser.js --tick [--ticks 4000] [--only TEXT] [--kernels relaxed|simd] [--json FILE] [--headed]
//   CHROMIUM_PATH=/path/to/chromium node bench/browser.js
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { formatRows } from '../dist/sdk/cli/bench-core.js';
import { formatTickTables } from '../dist/sdk/cli/tick-bench.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'dist', 'bench-browser');
const fixtureDir = join(root, 'tests', 'fixtures', 'models');
const argv = process.argv.slice(2);
const arg = (name) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const tickMode = argv.includes('--tick');
const only = arg('only');
const jsonOut = arg('json');
const config = tickMode
  ? { ticks: Number(arg('ticks') ?? 4000), ...(only !== undefined ? { only } : {}), ...(arg('kernels') ? { kernels: arg('kernels') } : {}) }
  : {
      batches: (arg('batch') ?? '1,8,32,128').split(',').map(Number),
      kernels: (arg('kernels') ?? 'relaxed,simd').split(','),
      warmup: 30,
      budgetMs: Number(arg('budget-ms') ?? 1500),
      maxIterations: 5000,
      minSampleUs: Number(arg('min-sample-us') ?? 200),
      ...(arg('quantize') !== undefined ? { quantize: arg('quantize') } : {}),
    };
if (!tickMode && ![undefined, 'int8'].includes(config.quantize)) {
  console.error(`bench:browser: --quantize takes int8, got '${config.quantize}'`);
  process.exit(2);
}
if (tickMode && !['relaxed', 'simd', 'scalar', undefined].includes(config.kernels)) {
  console.error(`bench:browser --tick: --kernels takes one set (relaxed, simd or scalar), got '${config.kernels}'`);
  process.exit(2);
}

const chromiumPath = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find(
  (p) => p !== undefined && p !== '' && existsSync(p),
);
if (chromiumPath === undefined) {
  console.error("bench:browser: no chromium found: install Debian's package (apt-get install chromium) or set CHROMIUM_PATH");
  process.exit(2);
}

// The page, and the fixture models next to it.
await build({ configFile: join(root, 'bench', 'browser', 'vite.config.ts') });
const manifest = JSON.parse(readFileSync(join(fixtureDir, 'manifest.json'), 'utf8'));
const fixtures = tickMode ? [] : manifest.fixtures.filter((f) => only === undefined || f.name.includes(only));
mkdirSync(join(outDir, 'models'), { recursive: true });
for (const f of fixtures) copyFileSync(join(fixtureDir, f.file), join(outDir, 'models', f.file));

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };
const ISOLATION = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
const server = createServer(async (req, res) => {
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  const file = normalize(join(outDir, path.endsWith('/') ? `${path}index.html` : path));
  if (!file.startsWith(outDir)) return res.writeHead(403).end();
  try {
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', ...ISOLATION }).end(body);
  } catch {
    res.writeHead(404, ISOLATION).end('not found');
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}/`;

// --tick measures heap growth in the page: gc() and an exact performance.memory.
const tickFlags = ['--js-flags=--expose-gc', '--enable-precise-memory-info'];
const browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: !argv.includes('--headed'),
  args: ['--no-sandbox', ...(tickMode ? tickFlags : [])],
});
let report;
try {
  const page = await browser.newPage();
  page.on('console', (m) => process.stderr.write(`[page] ${m.text()}\n`));
  page.on('pageerror', (e) => process.stderr.write(`[page error] ${e.message}\n`));
  await page.goto(url);
  await page.waitForFunction(() => typeof globalThis.tickmindBench === 'function', undefined, { timeout: 60_000 });
  if (tickMode) report = await page.evaluate((c) => globalThis.tickmindTickBench(c), config);
  else {
    const models = fixtures.map((f) => ({ name: f.name, url: `./models/${f.file}` }));
    report = await page.evaluate((c) => globalThis.tickmindBench(c), { ...config, models });
  }
  report.browser = `chromium ${browser.version()}`;
} finally {
  await browser.close();
  server.close();
}

report.date = new Date().toISOString();
report.config = config;
console.log(`${report.browser} (${report.userAgent})`);
if (tickMode) {
  console.log(
    `cross-origin isolated: ${report.crossOriginIsolated}, timer resolution ${report.timerResolutionUs} µs (phases are multiples of it), kernels: ${report.kernels}, relaxed SIMD: ${report.relaxedSimd}`,
  );
  console.log(`heap growth: ${report.heapMeasurement}`);
  for (const s of report.skipped) console.log(`skipped: ${s.case} — ${s.reason}`);
  console.log(formatTickTables(report.cases));
} else {
  console.log(
    `cross-origin isolated: ${report.crossOriginIsolated}, timer resolution ${report.timerResolutionUs} µs, relaxed SIMD: ${report.relaxedSimd}, kernels timed: ${report.kernels.join(', ')}${report.skippedKernels.length > 0 ? ` (not run by this browser: ${report.skippedKernels.join(', ')})` : ''}`,
  );
  console.log(
    `samples of ≥ ${config.minSampleUs} µs: short calls are timed in groups (callsPerSample in the JSON), medians and p99 over group means`,
  );
  if (config.quantize === 'int8') console.log("weights: int8 on native (quantize: 'int8'), float32 on onnxruntime-web");
  for (const m of report.models) console.log(`\n### ${m.name}\n${formatRows(m.results)}`);
}
if (jsonOut !== undefined) writeFileSync(jsonOut, `${JSON.stringify(report, null, 2)}\n`);
