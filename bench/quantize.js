#!/usr/bin/env node
// npm run bench:quantize — int8 weights against float32 on the native backend, batch 1:
// median latency of each (interleaved, same process), max |difference| relative to the largest
// float32 output, and how often the argmax (the action a policy would take) agrees, over the
// fixture's reference inputs row by row. Then the GEMM-bound fixtures at batches 8–128 (random
// feeds, seeded; the batches a match of agents runs), and single 3×3 convolutions of several
// sizes (built here, seeded), where the table gives the max difference only. Float32 runs on the
// best kernel set (relaxed SIMD where it validates: set from inside on Node 20), and the int8
// kernels are the same code in every SIMD set; the set is printed first.
//
//   node --expose-gc bench/quantize.js [--only NAME]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomFeeds } from '../dist/sdk/cli/feeds.js';
import { enableRelaxedSimd } from '../dist/sdk/cli/wasm-flags.js';
import { Rng } from '../dist/sdk/core/index.js';
import { readNpy } from '../dist/sdk/dataset/index.js';
import { defaultKernelSet, describeKernelSet, encodeModel, NativeSession } from '../dist/sdk/inference/index.js';
import { GraphBuilder, f32 as tensorOf } from '../dist/sdk/policy/index.js';

const DIR = join(import.meta.dirname, '..', 'tests', 'fixtures', 'models');
const argv = process.argv.slice(2);
const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : undefined;
const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8'));
enableRelaxedSimd();

/** Feeds for row r of the fixture's reference inputs (batch 1). */
function rowFeeds(fixture, r) {
  const feeds = {};
  for (const name of fixture.inputs.map((i) => i.name ?? i)) {
    const a = readNpy(new Uint8Array(readFileSync(join(DIR, `${fixture.name}.in.${name}.npy`))));
    const per = a.data.length / a.dims[0];
    feeds[name] = { data: a.data.slice(r * per, (r + 1) * per), dims: [1, ...a.dims.slice(1)] };
  }
  return feeds;
}

function median(session, feeds, calls) {
  const t = new Float64Array(calls);
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    session.runSync(feeds);
    t[i] = performance.now() - t0;
  }
  return t.sort()[calls >> 1] * 1000;
}

function argmaxRows(data, classes) {
  const out = [];
  for (let o = 0; o < data.length; o += classes) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (data[o + c] > data[o + best]) best = c;
    out.push(best);
  }
  return out;
}

/** Float32 and int8 medians of one feed, interleaved in rounds so the machine's drift hits both alike. */
function interleaved(f32, int8, feeds, calls) {
  median(f32, feeds, calls >> 1);
  median(int8, feeds, calls >> 1);
  let tf = 0;
  let tq = 0;
  for (let round = 0; round < 5; round++) {
    tf += median(f32, feeds, calls) / 5;
    tq += median(int8, feeds, calls) / 5;
  }
  return { tf, tq };
}

console.log(`kernels: ${describeKernelSet(defaultKernelSet())}`);
console.log('');
console.log('| fixture | float32 median | int8 median | speed-up | max abs diff / max abs | argmax agreement |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const fixture of manifest.fixtures) {
  if (only !== undefined && !fixture.name.includes(only)) continue;
  const bytes = new Uint8Array(readFileSync(join(DIR, `${fixture.name}.onnx`)));
  const f32 = NativeSession.create(bytes, { file: fixture.name });
  const int8 = NativeSession.create(bytes, { file: fixture.name, quantize: 'int8' });
  const rows = readNpy(new Uint8Array(readFileSync(join(DIR, `${fixture.name}.in.${fixture.inputs[0].name ?? fixture.inputs[0]}.npy`))))
    .dims[0];
  let maxDiff = 0;
  let maxAbs = 0;
  let agree = 0;
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const feeds = rowFeeds(fixture, r);
    const a = Object.values(f32.runSync(feeds))[0];
    const aData = Float32Array.from(a.data);
    const b = Object.values(int8.runSync(feeds))[0].data;
    for (let i = 0; i < aData.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(aData[i] - b[i]));
      maxAbs = Math.max(maxAbs, Math.abs(aData[i]));
    }
    const classes = a.dims[a.dims.length - 1];
    const x = argmaxRows(aData, classes);
    const y = argmaxRows(b, classes);
    for (let i = 0; i < x.length; i++) agree += x[i] === y[i] ? 1 : 0;
    total += x.length;
  }
  const { tf, tq } = interleaved(f32, int8, rowFeeds(fixture, 0), 600);
  console.log(
    `| ${fixture.name} | ${tf.toFixed(1)} µs | ${tq.toFixed(1)} µs | ${(tf / tq).toFixed(2)}× | ${(maxDiff / maxAbs).toExponential(1)} | ${((100 * agree) / total).toFixed(1)} % |`,
  );
}

console.log('');
console.log('| fixture, batch | float32 median | int8 median | speed-up | max abs diff / max abs |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const name of ['mlp_200_256_256_32', 'transformer_d64_l2', 'transformer_d128_l4']) {
  if (only !== undefined && !name.includes(only)) continue;
  const bytes = new Uint8Array(readFileSync(join(DIR, `${name}.onnx`)));
  const f32 = NativeSession.create(bytes, { file: name });
  const int8 = NativeSession.create(bytes, { file: name, quantize: 'int8' });
  const batchDim = f32.inputs[0].dims.find((d) => typeof d === 'string');
  for (const batch of [8, 32, 128]) {
    const feeds = randomFeeds(f32.inputs, { [batchDim]: batch }, batch);
    const a = Float32Array.from(Object.values(f32.runSync(feeds))[0].data);
    const b = Object.values(int8.runSync(feeds))[0].data;
    let maxDiff = 0;
    let maxAbs = 0;
    for (let i = 0; i < a.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
      maxAbs = Math.max(maxAbs, Math.abs(a[i]));
    }
    // Calls per median: about 0.2 s of float32 work.
    const t0 = performance.now();
    f32.runSync(feeds);
    const calls = Math.max(20, Math.min(600, Math.round(200 / Math.max(1e-3, performance.now() - t0))));
    const { tf, tq } = interleaved(f32, int8, feeds, calls);
    console.log(
      `| ${name}, ${batch} | ${tf.toFixed(1)} µs | ${tq.toFixed(1)} µs | ${(tf / tq).toFixed(2)}× | ${(maxDiff / maxAbs).toExponential(1)} |`,
    );
  }
}

/** One 3×3 Conv (pads 1): C → M channels on H × H, seeded. */
function convModel(C, M, H) {
  const rng = new Rng(C * 31 + M);
  const g = new GraphBuilder(1);
  g.inputs.push({ name: 'x', dtype: 'float32', dims: [1, C, H, H] });
  const K = C * 9;
  const w = g.constant(
    tensorOf(
      [M, C, 3, 3],
      Float32Array.from({ length: M * K }, () => rng.uniform(-1, 1) / Math.sqrt(K)),
    ),
    'w',
  );
  const b = g.constant(
    tensorOf(
      [M],
      Float32Array.from({ length: M }, () => rng.uniform(-0.1, 0.1)),
    ),
    'b',
  );
  g.nodes.push({
    name: 'conv',
    op: 'Conv',
    domain: '',
    inputs: ['x', w, b],
    outputs: ['y'],
    attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] },
  });
  g.outputs.push({ name: 'y', dtype: 'float32', dims: [1, M, H, H] });
  return encodeModel(g.build(13, {}), 'conv');
}

console.log('');
console.log('| 3×3 Conv, batch 1 | taps K | float32 median | int8 median | speed-up | max abs diff / max abs |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const [C, M, H] of [
  [8, 16, 32],
  [8, 32, 16],
  [16, 32, 16],
  [32, 64, 16],
  [64, 64, 8],
  [64, 128, 8],
]) {
  if (only !== undefined && !'conv'.includes(only)) break;
  const bytes = convModel(C, M, H);
  const f32 = NativeSession.create(bytes, { file: 'conv' });
  const int8 = NativeSession.create(bytes, { file: 'conv', quantize: 'int8' });
  const rng = new Rng(7);
  const feeds = { x: { data: Float32Array.from({ length: C * H * H }, () => rng.uniform(-1, 1)), dims: [1, C, H, H] } };
  const a = Float32Array.from(f32.runSync(feeds).y.data);
  const b = int8.runSync(feeds).y.data;
  let maxDiff = 0;
  let maxAbs = 0;
  for (let i = 0; i < a.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
    maxAbs = Math.max(maxAbs, Math.abs(a[i]));
  }
  const { tf, tq } = interleaved(f32, int8, feeds, 300);
  console.log(
    `| ${C} → ${M} ch, ${H}×${H} | ${C * 9}${C * 9 < 96 ? ' (float32: < 96)' : ''} | ${tf.toFixed(1)} µs | ${tq.toFixed(1)} µs | ${(tf / tq).toFixed(2)}× | ${maxDiff === 0 ? '0' : (maxDiff / maxAbs).toExponential(1)} |`,
  );
}
