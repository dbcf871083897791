#!/usr/bin/env node
// npm run bench:profiler — what profiling costs.
//   1. One span (begin + end, two clock reads) in a tick of 32 spans: ns per span, net of an empty loop.
//   2. The 5v5 joint match of `tickmind profile` stepped with and without a profiler, interleaved
//      blocks on the same machine: µs per tick both ways, the overhead, and heap growth per 10k
//      ticks of the profiled step (min of 5 rounds, net of the harness).
//
//   node --expose-gc bench/profiler.js [--ticks N] [--json FILE]
import { writeFileSync } from 'node:fs';
import { buildProfileMatch } from '../dist/sdk/cli/profile-match.js';
import { monotonicClock, Profiler } from '../dist/sdk/profiling/index.js';

const argv = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const TICKS = Number(arg('ticks', '10000'));
const jsonOut = arg('json', undefined);
if (typeof globalThis.gc !== 'function') {
  console.error('bench:profiler: run with node --expose-gc (npm run bench:profiler does)');
  process.exit(2);
}
const median = (xs) => Float64Array.from(xs).sort()[Math.floor(xs.length / 2)];
const p99 = (xs) => {
  const s = Float64Array.from(xs).sort();
  return s[Math.min(s.length - 1, Math.ceil(0.99 * s.length) - 1)];
};
const r2 = (x) => Math.round(x * 100) / 100;

// 1. Span cost.
const SPANS = 32;
const spanProfiler = new Profiler({ ticks: 1024, spansPerTick: SPANS });
const ids = Array.from({ length: SPANS }, (_, i) => spanProfiler.span(`s${i}`));
function spanTicks(n) {
  for (let t = 0; t < n; t++) {
    spanProfiler.beginTick();
    for (let k = 0; k < SPANS; k++) {
      spanProfiler.begin(ids[k]);
      spanProfiler.end();
    }
    spanProfiler.endTick();
  }
}
function emptyTicks(n) {
  let x = 0;
  for (let t = 0; t < n; t++) for (let k = 0; k < SPANS; k++) x += ids[k];
  return x;
}
spanTicks(2000);
const perSpanNs = [];
for (let r = 0; r < 30; r++) {
  const t0 = monotonicClock();
  spanTicks(500);
  const t1 = monotonicClock();
  emptyTicks(500);
  const t2 = monotonicClock();
  perSpanNs.push(((t1 - t0 - (t2 - t1)) * 1000) / (500 * SPANS));
}

// 2. Profiled vs unprofiled step.
const config = {
  agents: 10,
  mode: 'joint',
  policy: undefined,
  backend: 'native',
  decisionPeriod: 1,
  budgetUs: 1000,
  map: 'arena',
  seed: 1,
};
const profiler = new Profiler({ ticks: 4096 });
const plain = await buildProfileMatch({ ...config });
const profiled = await buildProfileMatch({ ...config, profiler });
const run = (m, n) => {
  for (let i = 0; i < n; i++) {
    m.advance();
  }
};
run(plain, 500);
run(profiled, 500);
const BLOCK = 250;
const plainUs = [];
const profiledUs = [];
for (let b = 0; b < TICKS / BLOCK; b++) {
  let t = monotonicClock();
  run(plain, BLOCK);
  plainUs.push((monotonicClock() - t) / BLOCK);
  t = monotonicClock();
  run(profiled, BLOCK);
  profiledUs.push((monotonicClock() - t) / BLOCK);
}
const heap = (fn) => {
  const rounds = [];
  for (let r = 0; r < 5; r++) {
    globalThis.gc();
    const before = process.memoryUsage().heapUsed;
    fn();
    rounds.push(process.memoryUsage().heapUsed - before);
  }
  return Math.min(...rounds);
};
const harness = heap(() => {
  for (let i = 0; i < 10_000; i++) noop(i);
});
function noop(_i) {}
const report = {
  node: process.version,
  spanCostNs: { median: r2(median(perSpanNs)), p99: r2(p99(perSpanNs)) },
  tickUs: {
    unprofiled: { median: r2(median(plainUs)), p99: r2(p99(plainUs)) },
    profiled: { median: r2(median(profiledUs)), p99: r2(p99(profiledUs)) },
  },
  overheadUsPerTick: r2(median(profiledUs) - median(plainUs)),
  heapGrowthPer10kTicks: {
    unprofiled: Math.max(0, heap(() => run(plain, 10_000)) - harness),
    profiled: Math.max(0, heap(() => run(profiled, 10_000)) - harness),
  },
};
console.log('| measure | median | p99 |');
console.log('| --- | ---: | ---: |');
console.log(`| one span (begin + end), ns | ${report.spanCostNs.median} | ${report.spanCostNs.p99} |`);
console.log(
  `| 5v5 joint step, unprofiled, µs/tick (blocks of ${BLOCK}) | ${report.tickUs.unprofiled.median} | ${report.tickUs.unprofiled.p99} |`,
);
console.log(`| 5v5 joint step, profiled, µs/tick | ${report.tickUs.profiled.median} | ${report.tickUs.profiled.p99} |`);
console.log(
  `\noverhead ${report.overheadUsPerTick} µs/tick; heap growth per 10k ticks: unprofiled ${report.heapGrowthPer10kTicks.unprofiled} B, profiled ${report.heapGrowthPer10kTicks.profiled} B`,
);
if (jsonOut !== undefined) writeFileSync(jsonOut, `${JSON.stringify(report, null, 2)}\n`);
