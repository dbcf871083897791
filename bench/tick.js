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
//
//   node --expose-gc bench/tick.js [--ticks N] [--json FILE]
import { writeFileSync } from 'node:fs';
import { arenaLevel, wrapAgents } from '../dist/sdk/cli/profile-match.js';
import { Rng } from '../dist/sdk/core/index.js';
import {
  actSystem,
  addAgent,
  createAiWorld,
  decideSystem,
  layoutForWorld,
  physicsSystem,
  policyDecider,
  senseSystem,
} from '../dist/sdk/ecs/index.js';
import { BvhLevel, BvhMover, BvhRayCaster } from '../dist/sdk/physics/index.js';
import { CharacterMover, initRapier, PhysicsWorld } from '../dist/sdk/physics/rapier/index.js';
import { loadPolicy, starterModelBytes } from '../dist/sdk/policy/index.js';
import { RaySensor } from '../dist/sdk/sensors/index.js';

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

const sensor = () =>
  new RaySensor({
    layout: { kind: 'grid', cols: 16, rows: 1, horizontalFovDegrees: 180, verticalFovDegrees: 0 },
    length: 25,
    detectableTags: [1, 2, 3],
  });

/** A world of n agents (two teams) on a level, with the starter policy of `mode` (waypoints and line of sight: the shipped models' layout). */
async function makeWorld({ agents, mode, half, mover = 'kinematic', budgetUs, waypoints = false, sight = waypoints }) {
  const level = arenaLevel(half, 40, agents);
  const s = sensor();
  const bvhLevel = new BvhLevel(level);
  const caster = new BvhRayCaster(bvhLevel, { maxAgents: agents });
  const physics = mover === 'rapier' ? new PhysicsWorld(rapier, level) : undefined;
  const moverOf = {
    kinematic: undefined,
    bvh: () => new BvhMover(bvhLevel, { capacity: agents + 2 }),
    rapier: () => new CharacterMover(physics, { capacity: agents + 2 }),
  };
  const world = createAiWorld({
    seed: 1,
    capacity: agents + 2,
    sensors: [s],
    deciders: [],
    caster,
    bvh: caster,
    ...(mover !== 'kinematic' ? { mover: moverOf[mover]() } : {}),
  });
  const frame = mode === 'joint' ? { playerTokens: 10, halfExtent: half } : {};
  const layout = layoutForWorld(world, { mode, ...frame, waypoints, lineOfSight: sight ? {} : false });
  const policy = await loadPolicy(starterModelBytes({ observation: layout.toJSON(), seed: 1 }), { maxBatch: Math.max(agents, 1) });
  const decider = policyDecider(world, policy, { temperature: 1, ...(budgetUs !== undefined ? { budgetUs } : {}) });
  world.deciders.push(decider);
  const rng = new Rng(agents);
  for (let i = 0; i < agents; i++) {
    const e = addAgent(world, {
      team: i % 2,
      position: [rng.uniform(-half + 2, half - 2), 0, rng.uniform(-half + 2, half - 2)],
      yaw: rng.uniform(0, 6.28),
      period: 1,
    });
    if (waypoints) {
      // What a game's navigator writes each tick: here one fixed point per agent (the encoding is what costs).
      const W = world.c.Waypoint;
      W.x[e] = rng.uniform(-half, half);
      W.z[e] = rng.uniform(-half, half);
      W.goalDistance[e] = 20;
      W.active[e] = 1;
    }
  }
  physics?.step();
  return { world, moves: mover !== 'kinematic', decider };
}

const phase = new Float64Array(4);
/** One AI tick; phase[] receives sense, decide, act µs. Plain function: the harness allocates nothing. */
function tick(w) {
  const t0 = performance.now();
  senseSystem(w.world);
  const t1 = performance.now();
  decideSystem(w.world);
  const t2 = performance.now();
  actSystem(w.world);
  const t3 = performance.now();
  phase[0] = (t1 - t0) * 1000;
  phase[1] = (t2 - t1) * 1000;
  phase[2] = (t3 - t2) * 1000;
  phase[3] = (t3 - t0) * 1000;
  if (w.moves) {
    physicsSystem(w.world);
  }
  // Kinematic worlds keep agents inside the arena by wrapping them around (no walls to stop them).
  else wrapAgents(w.world, w.half);
  w.world.tick++;
}

function runTicks(w, n, samples) {
  for (let i = 0; i < n; i++) {
    tick(w);
    if (samples !== undefined) for (let k = 0; k < 4; k++) samples[k][i] = phase[k];
  }
}

const quantile = (xs, q) => {
  const s = Float64Array.from(xs).sort();
  return Math.round(s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] * 10) / 10;
};

/** One AI tick without timing: performance.now() returns a fresh heap number per call, so the timed tick would measure the harness. */
function quietTick(w) {
  senseSystem(w.world);
  decideSystem(w.world);
  actSystem(w.world);
  if (w.moves) {
    physicsSystem(w.world);
  } else wrapAgents(w.world, w.half);
  w.world.tick++;
}

function quietTicks(w, n) {
  for (let i = 0; i < n; i++) quietTick(w);
}

/** Heap growth over 10k ticks: 5 rounds, no GC between, the smallest, net of the harness's own growth (an empty loop). */
function heapGrowth(w) {
  quietTicks(w, 2000);
  const measure = (run) => {
    const rounds = [];
    for (let r = 0; r < 5; r++) {
      globalThis.gc();
      const before = process.memoryUsage().heapUsed;
      run();
      rounds.push(process.memoryUsage().heapUsed - before);
    }
    return Math.min(...rounds);
  };
  const harness = measure(() => {
    for (let i = 0; i < 10_000; i++) noop(i);
  });
  return Math.max(0, measure(() => quietTicks(w, 10_000)) - harness);
}

function noop(_i) {}

const rapier = await initRapier();
const report = { node: process.version, ticks: TICKS, cases: [] };

const MOVER_NAMES = { kinematic: 'kinematic', bvh: 'BvhMover (batched WebAssembly)', rapier: 'Rapier character controller' };
for (const [mover, waypoints, mode] of [
  ['kinematic', false, 'joint'],
  ['bvh', false, 'joint'],
  ['rapier', false, 'joint'],
  ['kinematic', true, 'joint'],
  ['kinematic', true, 'egocentric'],
]) {
  const name = `5v5 ${mode}${waypoints ? ' with waypoints and line of sight' : ''}, act: ${MOVER_NAMES[mover]}`;
  if (only !== undefined && !name.includes(only)) continue;
  const w = { ...(await makeWorld({ agents: 10, mode, half: 20, mover, waypoints })), half: 20 };
  runTicks(w, 300);
  const samples = [0, 1, 2, 3].map(() => new Float64Array(TICKS));
  runTicks(w, TICKS, samples);
  const row = {
    case: name,
    senseUs: { median: quantile(samples[0], 0.5), p99: quantile(samples[0], 0.99) },
    decideUs: { median: quantile(samples[1], 0.5), p99: quantile(samples[1], 0.99) },
    actUs: { median: quantile(samples[2], 0.5), p99: quantile(samples[2], 0.99) },
    tickUs: { median: quantile(samples[3], 0.5), p99: quantile(samples[3], 0.99) },
    heapGrowthPer10kTicks: heapGrowth(w),
  };
  report.cases.push(row);
  process.stderr.write(
    `${row.case}: AI tick median ${row.tickUs.median} µs, p99 ${row.tickUs.p99} µs, heap/10k ticks ${row.heapGrowthPer10kTicks} B\n`,
  );
}

const budgetRows = [];
for (const agents of [64, 256]) {
  if (only !== undefined && !`${agents} agents egocentric, 500 µs decide budget`.includes(only)) continue;
  const w = {
    ...(await makeWorld({ agents, mode: 'egocentric', half: agents === 64 ? 30 : 60, budgetUs: 500 })),
    half: agents === 64 ? 30 : 60,
  };
  runTicks(w, 300); // warm-up: JIT and the scheduler's cost model
  const scheduler = w.decider.scheduler;
  scheduler.resetStats();
  const base = { ...scheduler.stats };
  const n = Math.min(TICKS, 1500);
  const samples = [0, 1, 2, 3].map(() => new Float64Array(n));
  runTicks(w, n, samples);
  let over = 0;
  for (let i = 0; i < n; i++) if (samples[1][i] > 500) over++;
  const row = {
    case: `${agents} agents egocentric, 500 µs decide budget`,
    decideUs: { median: quantile(samples[1], 0.5), p99: quantile(samples[1], 0.99), max: quantile(samples[1], 1) },
    tickUs: { median: quantile(samples[3], 0.5), p99: quantile(samples[3], 0.99) },
    ticksOverBudget: over,
    ticks: n,
    deferralsPerTick: Math.round(((scheduler.stats.deferrals - base.deferrals) / n) * 10) / 10,
    decisionsPerTick: Math.round((agents - (scheduler.stats.deferrals - base.deferrals) / n) * 10) / 10,
    worstWaitTicks: scheduler.stats.worstWaitTicks,
    costModel: { callUs: Math.round(scheduler.callUs), agentUs: Math.round(scheduler.agentUs * 10) / 10 },
  };
  budgetRows.push(row);
  report.cases.push(row);
  process.stderr.write(`${row.case}: decide p99 ${row.decideUs.p99} µs, over budget ${over}/${n}, worst wait ${row.worstWaitTicks}\n`);
}

console.log('| case | sense µs (p50/p99) | decide µs (p50/p99) | act µs (p50/p99) | AI tick µs (p50/p99) | heap growth / 10k ticks |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const r of report.cases.filter((c) => c.senseUs !== undefined)) {
  console.log(
    `| ${r.case} | ${r.senseUs.median} / ${r.senseUs.p99} | ${r.decideUs.median} / ${r.decideUs.p99} | ${r.actUs.median} / ${r.actUs.p99} | ${r.tickUs.median} / ${r.tickUs.p99} | ${r.heapGrowthPer10kTicks} B |`,
  );
}
console.log(
  '\n| case | decide µs (p50/p99/max) | ticks over 500 µs | decisions / tick | deferrals / tick | worst wait (ticks) | learned cost |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | --- |');
for (const r of budgetRows) {
  console.log(
    `| ${r.case} | ${r.decideUs.median} / ${r.decideUs.p99} / ${r.decideUs.max} | ${r.ticksOverBudget} of ${r.ticks} | ${r.decisionsPerTick} | ${r.deferralsPerTick} | ${r.worstWaitTicks} | ${r.costModel.callUs} µs + ${r.costModel.agentUs} µs/agent |`,
  );
}
if (jsonOut !== undefined) writeFileSync(jsonOut, `${JSON.stringify(report, null, 2)}\n`);
