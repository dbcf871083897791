#!/usr/bin/env node
// npm run bench:tick — the whole AI tick (sense + decide + act) on the native backend.
//   1. 5v5 joint: 10 agents, 16-ray fans, the joint starter transformer deciding for all ten every
//      tick; act by kinematic integration (allocation-free), then the batched BvhMover (one
//      WebAssembly call moves all ten against the level), then Rapier's character controller (its
//      binding allocates), on the same level; then kinematic with the shipped models' layout
//      (waypoint features and line of sight cast in the sense phase in every token); last, the
//      egocentric starter with the same blocks (one row per agent). Median, p99, per phase, heap
//      growth per 10k ticks.
//   2. 64 and 256 agents, egocentric starter transformer, every agent due every tick, a 500 µs
//      decide budget: ticks over budget, deferrals, worst wait.
// The worlds and the tick loop are sdk/cli/tick-world.ts and tick-bench.ts (no Node APIs): the
// browser benchmark (npm run bench:browser -- --tick) runs the same code in chromium.
//
// Kernels: Node 20 runs relaxed SIMD only with V8's --experimental-wasm-relaxed-simd; this script
// sets it from inside (enableRelaxedSimd) before any model is created, so the native kernels run
// what Node 22+ and chromium run by default. --kernels relaxed|simd picks a set (default: the best
// the engine runs, or TICKMIND_KERNELS); the output and the JSON say which ran.
//
//   node --expose-gc bench/tick.js [--ticks N] [--json FILE] [--only TEXT] [--kernels relaxed|simd]
import { writeFileSync } from 'node:fs';
import { UsageError } from '../dist/sdk/cli/args.js';
import { parseKernels } from '../dist/sdk/cli/model-bench.js';
import { formatTickTables, progressLine, runTickBench } from '../dist/sdk/cli/tick-bench.js';
import { enableRelaxedSimd } from '../dist/sdk/cli/wasm-flags.js';
import { describeKernelSet } from '../dist/sdk/inference/index.js';
import { CharacterMover, initRapier, PhysicsWorld } from '../dist/sdk/physics/rapier/index.js';

const argv = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const TICKS = Number(arg('ticks', '4000'));
const jsonOut = arg('json', undefined);
// --only TEXT: run only the cases whose name contains TEXT (e.g. --only 'line of sight').
const only = arg('only', undefined);
if (typeof globalThis.gc !== 'function') {
  console.error('bench:tick: run with node --expose-gc (npm run bench:tick does)');
  process.exit(2);
}

const relaxedSimd = enableRelaxedSimd();
let kernels;
try {
  kernels = parseKernels(arg('kernels', 'auto'));
  if (kernels.length !== 1) throw new UsageError('--kernels takes one set here (relaxed or simd)');
} catch (err) {
  if (!(err instanceof UsageError || err?.code === 'INVALID_ARGUMENT' || err?.code === 'BACKEND_UNAVAILABLE')) throw err;
  console.error(`bench:tick: ${err.message}`);
  process.exit(2);
}
console.log(`kernels: ${kernels[0]} — ${describeKernelSet(kernels[0])}${relaxedSimd ? '' : ' (this engine has no relaxed SIMD)'}`);

const rapier = await initRapier();
const rapierMover = (level, capacity) => {
  const physics = new PhysicsWorld(rapier, level);
  return { mover: new CharacterMover(physics, { capacity }), settle: () => physics.step() };
};
const heap = { used: () => process.memoryUsage().heapUsed, gc: () => globalThis.gc() };

const result = await runTickBench({
  ticks: TICKS,
  ...(only !== undefined ? { only } : {}),
  kernels: kernels[0],
  heap,
  rapier: rapierMover,
  onRow: (row) => process.stderr.write(`${progressLine(row)}\n`),
});
const report = {
  node: process.version,
  ticks: TICKS,
  cases: result.cases,
  kernels: result.kernels,
  relaxedSimd,
  date: new Date().toISOString(),
  heapMeasurement: 'process.memoryUsage().heapUsed after − before 10k untimed ticks, no GC between; min of 5 rounds, net of an empty loop',
};

console.log(formatTickTables(report.cases));
if (jsonOut !== undefined) writeFileSync(jsonOut, `${JSON.stringify(report, null, 2)}\n`);
