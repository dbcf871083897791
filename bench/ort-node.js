#!/usr/bin/env node
// npm run bench:ort-node — native (every kernel set asked for) against onnxruntime-node (native
// CPU code, AVX2/AVX-512 FMA, 1 thread), interleaved call by call, on the fixtures in
// tests/fixtures/models. onnxruntime-node is not a dependency: install it for this run from the
// npm registry, without its postinstall script (which fetches CUDA binaries from outside npm;
// the CPU binaries are in the npm package itself):
//   npm install --no-save --ignore-scripts onnxruntime-node@1.30.0
// Options: --only TEXT (fixtures whose name contains TEXT), --batch 1,8,32, --kernels relaxed,simd,
// --json FILE. Each row also checks that both backends give the same outputs (max |diff|).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomFeeds } from '../dist/sdk/cli/feeds.js';
import { defaultBatchDim, nativeSessions, parseKernels } from '../dist/sdk/cli/model-bench.js';
import { summarize } from '../dist/sdk/cli/stats.js';
import { enableRelaxedSimd } from '../dist/sdk/cli/wasm-flags.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fixtureDir = join(root, 'tests', 'fixtures', 'models');
const argv = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const only = flag('only', 'transformer');
const batches = flag('batch', '1,8,32').split(',').map(Number);
const relaxed = enableRelaxedSimd();
const kernels = parseKernels(flag('kernels', relaxed ? 'relaxed,simd' : 'simd'));
const jsonOut = flag('json', undefined);

let ortNode;
try {
  ortNode = await import('onnxruntime-node');
} catch {
  console.error(
    'bench:ort-node: onnxruntime-node is not installed. Install it for this run (npm registry only, no postinstall download):\n' +
      '  npm install --no-save --ignore-scripts onnxruntime-node@1.30.0',
  );
  process.exit(2);
}
const ort = ortNode.default ?? ortNode;

const manifest = JSON.parse(readFileSync(join(fixtureDir, 'manifest.json'), 'utf8'));
const report = {
  node: process.version,
  date: new Date().toISOString(),
  kernels,
  onnxruntimeNode: ort.env?.versions?.node ?? 'unknown',
  rows: [],
};
console.log(`kernels: ${kernels.join(', ')}; onnxruntime-node ${report.onnxruntimeNode}, 1 thread`);
console.log('| fixture | batch | native median (set) | onnxruntime-node median | native vs onnxruntime-node | max abs diff |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const fixture of manifest.fixtures) {
  if (!fixture.name.includes(only)) continue;
  const file = join(fixtureDir, fixture.file);
  const bytes = new Uint8Array(readFileSync(file));
  const natives = nativeSessions(bytes, file, kernels);
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });
  const inputs = natives[0].session.inputs;
  const batchDim = defaultBatchDim(inputs);
  for (const batch of batches) {
    const feeds = randomFeeds(inputs, batchDim === undefined ? {} : { [batchDim]: batch }, batch);
    const ortFeeds = Object.fromEntries(inputs.map((i) => [i.name, new ort.Tensor(i.dtype, feeds[i.name].data, feeds[i.name].dims)]));
    const name = natives[0].session.outputs[0].name;
    const want = (await session.run(ortFeeds))[name].data;
    const got = natives[0].session.runSync(feeds)[name].data;
    let diff = 0;
    for (let i = 0; i < want.length; i++) diff = Math.max(diff, Math.abs(Number(got[i]) - Number(want[i])));
    // Warm up, then interleave: each native kernel set, then onnxruntime-node, call by call.
    const iterations = batch >= 32 ? 200 : 600;
    const samples = [...natives, null].map(() => new Float64Array(iterations));
    for (let i = -50; i < iterations; i++) {
      for (let s = 0; s < natives.length; s++) {
        const t0 = performance.now();
        natives[s].session.runSync(feeds);
        if (i >= 0) samples[s][i] = (performance.now() - t0) * 1000;
      }
      const t0 = performance.now();
      await session.run(ortFeeds);
      if (i >= 0) samples[natives.length][i] = (performance.now() - t0) * 1000;
    }
    const stats = samples.map((s) => summarize(s));
    const ortStats = stats[natives.length];
    for (let s = 0; s < natives.length; s++) {
      const ratio = ortStats.medianUs / stats[s].medianUs;
      report.rows.push({
        fixture: fixture.name,
        batch,
        kernels: natives[s].kernels,
        native: stats[s],
        ortNode: ortStats,
        ratio,
        maxAbsDiff: diff,
      });
      console.log(
        `| ${fixture.name} | ${batch} | ${stats[s].medianUs} µs (${natives[s].kernels}) | ${ortStats.medianUs} µs | ${ratio.toFixed(2)}× | ${diff.toExponential(1)} |`,
      );
    }
  }
  for (const n of natives) n.session.dispose();
  await session.release();
}
if (jsonOut !== undefined) writeFileSync(jsonOut, `${JSON.stringify(report, null, 2)}\n`);
