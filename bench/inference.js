#!/usr/bin/env node
// npm run bench:inference — every fixture in tests/fixtures/models at batch 1, 8, 32, 128:
// native (each kernel set: relaxed SIMD where the engine runs it, and SIMD128) vs
// onnxruntime-web (1 thread) in the same run, interleaved call by call, medians and p99 over many
// calls after warm-up, their ratios, and heap growth per 10k native calls.
//
//   node --expose-gc bench/inference.js [--batch 1,8,32,128] [--only NAME] [--kernels relaxed,simd] [--json FILE]
//
// Node 20 runs relaxed SIMD only with V8's --experimental-wasm-relaxed-simd: this script sets it
// from inside (enableRelaxedSimd) before any kernel compiles; Node 22+ needs nothing.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { randomFeeds } from '../dist/sdk/cli/feeds.js';
import { benchModel, defaultBatchDim, formatRows, nativeSessions, parseKernels } from '../dist/sdk/cli/model-bench.js';
import { enableRelaxedSimd } from '../dist/sdk/cli/wasm-flags.js';
import { describeKernelSet } from '../dist/sdk/inference/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fixtureDir = join(root, 'tests', 'fixtures', 'models');
const argv = process.argv.slice(2);
const arg = (name) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const batches = (arg('batch') ?? '1,8,32,128').split(',').map(Number);
const only = arg('only');
const jsonOut = arg('json');
const relaxed = enableRelaxedSimd();
const kernels = parseKernels(arg('kernels') ?? (relaxed ? 'relaxed,simd' : 'simd'));

if (typeof globalThis.gc !== 'function') {
  console.error('bench:inference: run with node --expose-gc (npm run bench:inference does) to measure heap growth');
  process.exit(2);
}

/** The measured loop lives in a plain function: a loop in async or module top-level code can allocate by itself. */
function callMany(session, feeds, n) {
  for (let i = 0; i < n; i++) session.runSync(feeds);
}

const idle = { runSync() {} };

/**
 * Heap growth over 10k native calls with no GC in between (heapUsed after - before), in three
 * rounds after a warm-up. A per-call allocation shows in every round; background work of the
 * engine (JIT tier-up) shows in some rounds only, so the minimum is the per-call figure.
 */
async function heapGrowth(bytes, file, batch) {
  const session = nativeSessions(bytes, file, kernels.slice(0, 1))[0].session;
  const feeds = randomFeeds(session.inputs, { [defaultBatchDim(session.inputs) ?? 'batch']: batch }, 7);
  callMany(session, feeds, 3000);
  let gcs = 0;
  const observer = new PerformanceObserver((list) => {
    gcs += list.getEntries().length;
  });
  const measure = async (target) => {
    const rounds = [];
    for (let r = 0; r < 3; r++) {
      globalThis.gc();
      await new Promise((resolve) => setTimeout(resolve, 10));
      observer.observe({ entryTypes: ['gc'] });
      const before = process.memoryUsage().heapUsed;
      callMany(target, feeds, 10_000);
      rounds.push(process.memoryUsage().heapUsed - before);
      await new Promise((resolve) => setTimeout(resolve, 10));
      observer.disconnect();
    }
    return rounds;
  };
  // The harness itself (process.memoryUsage's result) costs a fixed amount: measured on a no-op.
  const baseline = Math.min(...(await measure(idle)));
  gcs = 0;
  const rounds = (await measure(session)).map((r) => r - baseline);
  await session.dispose();
  return { batch, kernels: kernels[0], bytesPer10kCalls: Math.min(...rounds), rounds, gcDuringCalls: gcs };
}

const manifest = JSON.parse(readFileSync(join(fixtureDir, 'manifest.json'), 'utf8'));
const report = { node: process.version, date: new Date().toISOString(), kernels, fixtures: [] };
console.log(`kernels: ${kernels.map((k) => `${k} — ${describeKernelSet(k)}`).join('; ')}`);
if (!relaxed) console.log('relaxed SIMD is not available in this engine: SIMD128 only');
for (const fixture of manifest.fixtures) {
  if (only !== undefined && !fixture.name.includes(only)) continue;
  const file = join(fixtureDir, fixture.file);
  const bytes = new Uint8Array(readFileSync(file));
  process.stderr.write(`${fixture.name}: ${fixture.description}\n`);
  const rows = await benchModel(bytes, file, {
    batches,
    dims: {},
    kernels,
    onRow: (r) => {
      const natives = [{ kernels: r.kernels, medianUs: r.native.medianUs }, ...(r.otherKernels ?? [])];
      process.stderr.write(
        `  batch ${r.batch}: ${natives.map((n) => `native (${n.kernels}) ${n.medianUs} µs`).join(', ')}, onnxruntime-web ${r.ortWeb.medianUs} µs\n`,
      );
    },
  });
  const heap = [];
  // Heap growth at batch 1, and at batch 32 when a call is cheap enough to repeat 63k times quickly.
  const row32 = rows.find((r) => r.batch === 32);
  for (const batch of row32 !== undefined && row32.native.medianUs < 500 ? [1, 32] : [1]) heap.push(await heapGrowth(bytes, file, batch));
  report.fixtures.push({ name: fixture.name, results: rows, heap });
  console.log(`\n### ${fixture.name}\n${formatRows(rows)}`);
  console.log(
    heap
      .map(
        (h) =>
          `heap growth per 10k native (${h.kernels}) calls at batch ${h.batch}: ${h.bytesPer10kCalls} bytes (rounds: ${h.rounds.join(', ')}; GCs during the calls: ${h.gcDuringCalls})`,
      )
      .join('\n'),
  );
}
if (jsonOut !== undefined) writeFileSync(jsonOut, `${JSON.stringify(report, null, 2)}\n`);
