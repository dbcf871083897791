#!/usr/bin/env node
// npm run bench:record — what recording adds to the tick: 10 agents (5v5, egocentric tokens of
// 10 × 89 floats, the 97-class action and its movement) recorded EVERY tick, the worst case
// (the arena records every 8th). Median and p99 µs of the record phase, next to the AI tick it
// rides on, and heap growth per 10k ticks (episodes cycled in place: nothing is copied out).
//
//   node --expose-gc bench/record.js [--ticks N]
import { arenaLevel, wrapAgents } from '../dist/sdk/cli/profile-match.js';
import { Rng } from '../dist/sdk/core/index.js';
import { Recorder } from '../dist/sdk/dataset/index.js';
import {
  actSystem,
  addAgent,
  createAiWorld,
  decideSystem,
  layoutForWorld,
  policyDecider,
  senseSystem,
  TokenObservations,
} from '../dist/sdk/ecs/index.js';
import { BvhRayCaster } from '../dist/sdk/physics/index.js';
import { loadPolicy, starterModelBytes } from '../dist/sdk/policy/index.js';
import { RaySensor } from '../dist/sdk/sensors/index.js';

const argv = process.argv.slice(2);
const TICKS = Number(argv[argv.indexOf('--ticks') + 1] || 4000);
if (typeof globalThis.gc !== 'function') {
  console.error('bench:record: run with node --expose-gc (npm run bench:record does)');
  process.exit(2);
}

const HALF = 20;
const AGENTS = 10;
const sensor = new RaySensor({
  layout: { kind: 'grid', cols: 16, rows: 1, horizontalFovDegrees: 180, verticalFovDegrees: 0 },
  length: 25,
  detectableTags: [1, 2, 3],
});
const caster = new BvhRayCaster(arenaLevel(HALF, 40, AGENTS), { maxAgents: AGENTS });
const world = createAiWorld({ seed: 1, capacity: AGENTS + 2, sensors: [sensor], caster, bvh: caster });
const joint = layoutForWorld(world, { mode: 'joint', playerTokens: 10, halfExtent: HALF });
const policy = await loadPolicy(starterModelBytes({ observation: joint.toJSON(), seed: 1 }), { maxBatch: 1 });
world.deciders.push(policyDecider(world, policy));
const rng = new Rng(3);
for (let i = 0; i < AGENTS; i++)
  addAgent(world, {
    team: i % 2,
    position: [rng.uniform(-HALF + 2, HALF - 2), 0, rng.uniform(-HALF + 2, HALF - 2)],
    yaw: rng.uniform(0, 6.28),
  });

// The recorder: egocentric observations as the arena records them.
const obs = new TokenObservations(world, layoutForWorld(world, { mode: 'egocentric' }));
const MAX_FRAMES = 512;
const recorder = new Recorder(
  {
    fps: 64,
    robotType: 'bench',
    features: {
      'observation.state': { dtype: 'float32', shape: [obs.rowFloats], names: null },
      'observation.mask': { dtype: 'bool', shape: [10], names: null },
      action: { dtype: 'int64', shape: [1], names: null },
      'agent.team': { dtype: 'int64', shape: [1], names: null },
    },
  },
  { slots: AGENTS + 2, maxFrames: MAX_FRAMES },
);
const F = ['observation.state', 'observation.mask', 'action', 'agent.team'].map((n) => recorder.feature(n));
const due = new Int32Array(AGENTS);
const rows = new Float32Array(AGENTS * obs.rowFloats);
const mask = new Uint8Array(AGENTS * 10);
for (let s = 0; s < AGENTS; s++) recorder.begin(s, 'bench');

function record() {
  const n = world.agentCount;
  for (let i = 0; i < n; i++) due[i] = world.agents[i];
  obs.gather();
  obs.encodeAgents(due, n, rows, mask);
  for (let i = 0; i < n; i++) {
    if (!recorder.hasRoom(i)) {
      recorder.discard(i); // cycle the slot in place: a bench of the hot path, not of episode hand-off
      recorder.begin(i, 'bench');
    }
    recorder.set(i, F[0], rows, i * obs.rowFloats);
    recorder.set(i, F[1], mask, i * 10);
    recorder.setScalar(i, F[2], world.c.Action.movement[due[i]]);
    recorder.setScalar(i, F[3], world.c.Agent.team[due[i]]);
    recorder.commit(i, world.tick / 64);
  }
}

const times = { tick: new Float64Array(TICKS), record: new Float64Array(TICKS) };
function run(n, sample) {
  for (let t = 0; t < n; t++) {
    const t0 = performance.now();
    senseSystem(world);
    decideSystem(world);
    const t1 = performance.now();
    record();
    const t2 = performance.now();
    actSystem(world);
    wrapAgents(world, HALF);
    world.tick++;
    const t3 = performance.now();
    if (sample) {
      times.tick[t] = (t3 - t0 - (t2 - t1)) * 1000;
      times.record[t] = (t2 - t1) * 1000;
    }
  }
}
function quiet(n) {
  for (let t = 0; t < n; t++) {
    senseSystem(world);
    decideSystem(world);
    record();
    actSystem(world);
    wrapAgents(world, HALF);
    world.tick++;
  }
}
function plainQuiet(n) {
  for (let t = 0; t < n; t++) {
    senseSystem(world);
    decideSystem(world);
    actSystem(world);
    wrapAgents(world, HALF);
    world.tick++;
  }
}
const q = (xs, p) => {
  const s = Float64Array.from(xs).sort();
  return Math.round(s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] * 10) / 10;
};
function heap(fn) {
  fn(2000);
  const rounds = [];
  for (let r = 0; r < 5; r++) {
    globalThis.gc();
    const before = process.memoryUsage().heapUsed;
    fn(10_000);
    rounds.push(process.memoryUsage().heapUsed - before);
  }
  return Math.max(0, Math.min(...rounds));
}

run(500, false);
run(TICKS, true);
const withRecord = heap(quiet);
const without = heap(plainQuiet);
console.log(`recording 10 agents every tick (${obs.rowFloats} floats + mask + action + team per agent):`);
console.log(`  record phase: median ${q(times.record, 0.5)} µs, p99 ${q(times.record, 0.99)} µs`);
console.log(`  AI tick without it (sense + decide + act): median ${q(times.tick, 0.5)} µs, p99 ${q(times.tick, 0.99)} µs`);
console.log(`  heap growth per 10k ticks: ${withRecord} B with recording, ${without} B without`);
