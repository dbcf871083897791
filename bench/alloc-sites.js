#!/usr/bin/env node
// Where the per-tick garbage comes from: runs bench/tick.js (its --only filter and --ticks) under
// V8's sampling heap profiler, counting objects that minor and major GCs already collected (what
// a heap-growth figure cannot see: garbage collected inside the measured window), and prints the
// functions that allocated most. Setup shows up too (module loading, Rapier's init); look for sdk
// functions that run per tick.
//   node --expose-gc bench/alloc-sites.js --only 'egocentric with' [--ticks 2000] [--top 25]
import { Session } from 'node:inspector/promises';

const argv = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const top = Number(arg('top', '25'));
if (!argv.includes('--ticks')) process.argv.push('--ticks', '2000');

const session = new Session();
session.connect();
await session.post('HeapProfiler.enable');
await session.post('HeapProfiler.startSampling', {
  samplingInterval: 256,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
});
await import('./tick.js');
const { profile } = await session.post('HeapProfiler.stopSampling');

const bytes = new Map();
const walk = (node) => {
  const f = node.callFrame;
  const site = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
  if (node.selfSize > 0) bytes.set(site, (bytes.get(site) ?? 0) + node.selfSize);
  for (const child of node.children) walk(child);
};
walk(profile.head);
console.log('\nallocated (sampled, collected objects included), by function:');
for (const [site, n] of [...bytes].sort((a, b) => b[1] - a[1]).slice(0, top))
  console.log(`${(n / 1024).toFixed(0).padStart(9)} kB  ${site}`);
