#!/usr/bin/env node
// What a profile run retains: builds one `tickmind profile` match (a retake map of the arena),
// warms it up, then takes two heap snapshots --ticks apart (after full collections) and prints
// what grew, by object type and name: JavaScript objects that accumulate (a leak), or the
// engine's compiled code and feedback (code, deopt data, feedback vectors: not tickmind's).
// Writes the snapshots to the working directory (open them in Chrome DevTools → Memory).
//   npm run build && node bench/heap-diff.js [--map inferno] [--mode joint|egocentric] [--ticks 5000] [--seed 1] [--top 15]
import { readFileSync } from 'node:fs';
import { setFlagsFromString, writeHeapSnapshot } from 'node:v8';
import { runInNewContext } from 'node:vm';

const argv = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const map = arg('map', 'inferno');
const mode = arg('mode', 'joint');
const ticks = Number(arg('ticks', '5000'));
const top = Number(arg('top', '15'));
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
const { profileMaps } = await import('../dist/sandbox/arena/cli-extensions.js');
const { buildProfileMatch } = await import('../dist/sdk/cli/profile-match.js');
const { Profiler } = await import('../dist/sdk/profiling/index.js');
const { enableRelaxedSimd } = await import('../dist/sdk/cli/wasm-flags.js');
enableRelaxedSimd();

const profiler = new Profiler({ ticks, spansPerTick: 16, budgetUs: 1000, ticksByCaller: false });
const config = {
  agents: 10,
  ticks,
  budgetUs: 1000,
  decisionPeriod: 1,
  backend: 'native',
  mode,
  map,
  seed: Number(arg('seed', '1')),
  matches: 1,
  decisionOffset: 0,
  profiler,
  policies: new Map(),
};
const match = await buildProfileMatch(config, profileMaps);
for (let i = 0; i < 1500; i++) match.advance(); // warm-up: JIT, lazily sized buffers

/** Object count and self size per "type:name" in a .heapsnapshot. */
function census(file) {
  const snap = JSON.parse(readFileSync(file, 'utf8'));
  const fields = snap.snapshot.meta.node_fields.length;
  const types = snap.snapshot.meta.node_types[0];
  const out = new Map();
  for (let i = 0; i < snap.nodes.length; i += fields) {
    const key = `${types[snap.nodes[i]]}: ${snap.strings[snap.nodes[i + 1]].slice(0, 60)}`;
    const entry = out.get(key) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += snap.nodes[i + 3];
    out.set(key, entry);
  }
  return out;
}

gc();
gc();
const before = process.memoryUsage().heapUsed;
const first = writeHeapSnapshot(`heap-diff-${map}-before.heapsnapshot`);
for (let i = 0; i < ticks; i++) match.advance();
gc();
gc();
const after = process.memoryUsage().heapUsed;
const second = writeHeapSnapshot(`heap-diff-${map}-after.heapsnapshot`);
console.log(`${map}, ${mode}: heap used after full GCs grew ${after - before} B over ${ticks} ticks (${first} → ${second})`);
const a = census(first);
const grew = [];
for (const [key, b] of census(second)) {
  const was = a.get(key) ?? { count: 0, bytes: 0 };
  if (b.bytes !== was.bytes) grew.push({ key, bytes: b.bytes - was.bytes, count: b.count - was.count });
}
grew.sort((x, y) => y.bytes - x.bytes);
console.log('| bytes | objects | type: name |\n| ---: | ---: | --- |');
for (const g of grew.slice(0, top)) console.log(`| ${g.bytes} | ${g.count} | ${g.key} |`);
