#!/usr/bin/env node
// npm run bench:sensors — the sense phase (fill rays, cast, encode) per tick for 10, 64 and 256
// agents with 16 and 64 rays each, on a map of ~50 obstacles and one of a few thousand boxes,
// with the Rapier caster and the batched BVH caster in the same run, their ticks interleaved (so
// both see the same load on a shared machine). Reports rays per ms, µs per tick (median, p99),
// the speed-up, and heap growth per 10k ticks.
//
//   node --expose-gc bench/sensors.js [--agents 10,64,256] [--rays 16,64] [--json FILE]
import { writeFileSync } from 'node:fs';
import { Rng } from '../dist/sdk/core/index.js';
import { BvhRayCaster, levelFromBoxes } from '../dist/sdk/physics/index.js';
import { createRapierRayCaster, initRapier, PhysicsWorld } from '../dist/sdk/physics/rapier/index.js';
import { createRayBatch, RaySensor } from '../dist/sdk/sensors/index.js';

const argv = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const agentCounts = arg('agents', '10,64,256').split(',').map(Number);
const rayCounts = arg('rays', '16,64').split(',').map(Number);
const jsonOut = arg('json', undefined);
if (typeof globalThis.gc !== 'function') {
  console.error('bench:sensors: run with node --expose-gc (npm run bench:sensors does)');
  process.exit(2);
}

/** A walled square arena with `obstacles` random crates. */
function level(seed, obstacles, half) {
  const rng = new Rng(seed);
  const boxes = [
    { min: [-half, -1, -half], max: [half, 0, half], tag: 2 },
    { min: [-half - 1, 0, -half], max: [-half, 4, half], tag: 3 },
    { min: [half, 0, -half], max: [half + 1, 4, half], tag: 3 },
    { min: [-half, 0, -half - 1], max: [half, 4, -half], tag: 3 },
    { min: [-half, 0, half], max: [half, 4, half + 1], tag: 3 },
  ];
  for (let i = 0; i < obstacles; i++) {
    const x = rng.uniform(-half + 2, half - 2);
    const z = rng.uniform(-half + 2, half - 2);
    const s = rng.uniform(0.3, 1.5);
    boxes.push({ min: [x - s, 0, z - s], max: [x + s, rng.uniform(0.5, 3), z + s], tag: 4 + (i % 3) });
  }
  return levelFromBoxes(boxes);
}

/** Agents walking in circles: positions change every tick, like a match. */
function makeAgents(n, half) {
  const rng = new Rng(n);
  const poses = {
    count: n,
    position: new Float32Array(3 * n),
    yaw: new Float32Array(n),
    pitch: new Float32Array(n),
    entity: new Int32Array(n),
  };
  const center = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    center[2 * i] = rng.uniform(-half + 3, half - 3);
    center[2 * i + 1] = rng.uniform(-half + 3, half - 3);
    poses.entity[i] = 1000 + i;
  }
  const move = (tick) => {
    for (let i = 0; i < n; i++) {
      const a = tick * 0.02 + i;
      poses.position[3 * i] = center[2 * i] + Math.cos(a);
      poses.position[3 * i + 2] = center[2 * i + 1] + Math.sin(a);
      poses.yaw[i] = a + Math.PI / 2;
    }
  };
  return { poses, move };
}

function stats(samples) {
  const s = Float64Array.from(samples).sort();
  const q = (p) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  return { medianUs: Math.round(q(0.5) * 10) / 10, p99Us: Math.round(q(0.99) * 10) / 10 };
}

/** One sense tick: move agents, update the casters' agent copies, perceive. Plain function: no allocation from the harness. */
function senseTick(ctx, tick) {
  ctx.move(tick);
  if (ctx.bvh !== undefined) ctx.bvh.setAgents(ctx.poses.count, ctx.poses.position, ctx.poses.entity);
  else for (let i = 0; i < ctx.poses.count; i++) ctx.bodies[i].setNextKinematicTranslation(ctx.next(i));
  ctx.sensor.perceive(ctx.poses, ctx.caster, ctx.batch, ctx.out);
}

function runTicks(ctx, first, n) {
  for (let t = 0; t < n; t++) senseTick(ctx, first + t);
}

/** A context whose tick does nothing: measures the loop itself. */
const IDLE = { move() {}, bvh: { setAgents() {} }, poses: { count: 0 }, sensor: { perceive() {} } };

const R = await initRapier();
const maps = [
  { name: '~50 obstacles', level: level(1, 50, 30), half: 30 },
  { name: '3000 boxes', level: level(2, 3000, 120), half: 120 },
];
const rows = [];
for (const map of maps) {
  for (const agents of agentCounts) {
    for (const rays of rayCounts) {
      // A grid gives exactly the requested count: 16 = 16x1 at eye level, 64 = 16x4 over ±15° of elevation.
      const layout = { kind: 'grid', cols: 16, rows: rays / 16, horizontalFovDegrees: 180, verticalFovDegrees: rays > 16 ? 30 : 0 };
      const sensor = new RaySensor({ layout, length: 30, detectableTags: [1, 2, 3, 4] });
      const result = { map: map.name, agents, raysPerAgent: sensor.rays };
      const ctxs = {};
      for (const kind of ['rapier', 'bvh']) {
        const { poses, move } = makeAgents(agents, map.half);
        move(0);
        const ctx = {
          poses,
          move,
          sensor,
          batch: createRayBatch(agents * sensor.rays),
          out: new Float32Array(agents * sensor.size),
          tick: 20,
        };
        if (kind === 'bvh') {
          ctx.bvh = new BvhRayCaster(map.level, { maxAgents: agents, maxRays: agents * sensor.rays });
          ctx.caster = ctx.bvh;
        } else {
          const physics = new PhysicsWorld(R, map.level);
          for (let i = 0; i < agents; i++) physics.addAgent(poses.entity[i], poses.position[3 * i], 0, poses.position[3 * i + 2]);
          physics.step();
          const v = { x: 0, y: physics.shape.halfHeight + physics.shape.radius, z: 0 };
          ctx.bodies = Array.from(poses.entity, (e) => physics.agentBody(e));
          ctx.next = (i) => {
            v.x = poses.position[3 * i];
            v.z = poses.position[3 * i + 2];
            return v;
          };
          ctx.caster = createRapierRayCaster(physics);
          ctx.physics = physics;
        }
        runTicks(ctx, 0, 20);
        ctxs[kind] = ctx;
      }
      // Interleaved tick by tick (Rapier, then BVH, …), so both see the same machine load.
      const samples = { rapier: [], bvh: [] };
      const budgetMs = 2400;
      const start = performance.now();
      while (performance.now() - start < budgetMs && samples.bvh.length < 2000) {
        for (const kind of ['rapier', 'bvh']) {
          const ctx = ctxs[kind];
          const t0 = performance.now();
          senseTick(ctx, ctx.tick++);
          if (ctx.physics !== undefined) ctx.physics.step();
          samples[kind].push((performance.now() - t0) * 1000);
        }
      }
      for (const kind of ['rapier', 'bvh']) {
        const ctx = ctxs[kind];
        const s = stats(samples[kind]);
        // Heap growth over 10k ticks (BVH only: Rapier's binding allocates a hit object per hit):
        // three rounds, the smallest net of an empty loop's (the harness's own) growth.
        let heap = null;
        if (kind === 'bvh') {
          const rounds = [];
          for (let r = 0; r < 3; r++) {
            globalThis.gc();
            const idle = process.memoryUsage().heapUsed;
            runTicks(IDLE, 0, 10_000);
            const harness = process.memoryUsage().heapUsed - idle;
            globalThis.gc();
            const before = process.memoryUsage().heapUsed;
            runTicks(ctx, ctx.tick, 10_000);
            ctx.tick += 10_000;
            rounds.push(Math.max(0, process.memoryUsage().heapUsed - before - harness));
          }
          heap = Math.min(...rounds);
        }
        result[kind] = {
          ...s,
          raysPerMs: Math.round((agents * sensor.rays) / (s.medianUs / 1000)),
          ticks: samples[kind].length,
          heapGrowthPer10kTicks: heap,
        };
      }
      result.speedup = Math.round((result.bvh.raysPerMs / result.rapier.raysPerMs) * 10) / 10;
      rows.push(result);
      process.stderr.write(
        `${map.name.padEnd(14)} ${String(agents).padStart(4)} agents x ${String(sensor.rays).padStart(2)} rays: rapier ${result.rapier.medianUs} µs, bvh ${result.bvh.medianUs} µs (${result.speedup}x), bvh heap/10k ticks ${result.bvh.heapGrowthPer10kTicks} B\n`,
      );
    }
  }
}
console.log(
  '| map | agents | rays/agent | Rapier µs/tick (p50 / p99) | Rapier rays/ms | BVH µs/tick (p50 / p99) | BVH rays/ms | speed-up | BVH heap growth / 10k ticks |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of rows) {
  console.log(
    `| ${r.map} | ${r.agents} | ${r.raysPerAgent} | ${r.rapier.medianUs} / ${r.rapier.p99Us} | ${r.rapier.raysPerMs} | ${r.bvh.medianUs} / ${r.bvh.p99Us} | ${r.bvh.raysPerMs} | ${r.speedup}× | ${r.bvh.heapGrowthPer10kTicks} B |`,
  );
}
if (jsonOut !== undefined) writeFileSync(jsonOut, `${JSON.stringify({ node: process.version, rows }, null, 2)}\n`);
