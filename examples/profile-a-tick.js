// Profile the AI tick inside your own game loop: pass a Profiler to the world, add a span of your
// own around game work, then print percentiles and write a Chrome trace (open it in
// https://ui.perfetto.dev) and a self-contained HTML report.
//
//   npm install && node examples/profile-a-tick.js [OUT_DIR]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addAgent, createAiWorld, openSpaceDecider, step } from 'tickmind/ecs';
import { BvhRayCaster, levelFromBoxes } from 'tickmind/physics';
import { chromeTrace, htmlReport, Profiler, profileSummary } from 'tickmind/profiling';
import { RaySensor } from 'tickmind/sensors';

const level = levelFromBoxes([
  { min: [-15, -1, -15], max: [15, 0, 15], tag: 2 },
  { min: [-2, 0, -2], max: [2, 2, 2], tag: 3 },
]);
const sensor = new RaySensor({ layout: { kind: 'fan', raysPerDirection: 8, maxDegrees: 90 }, length: 20, detectableTags: [1, 2, 3] });
const caster = new BvhRayCaster(level, { maxAgents: 8 });

// The profiler is passed in (never global). Its rings are sized here: nothing grows per tick.
const profiler = new Profiler({ budgetUs: 500, ticks: 2048 });
const world = createAiWorld({ seed: 7, capacity: 16, sensors: [sensor], caster, bvh: caster, profiler });
world.deciders.push(openSpaceDecider(sensor));
for (let i = 0; i < 8; i++) addAgent(world, { team: i % 2, position: [-10 + 3 * i, 0, (i % 3) - 1], yaw: i });

// A span of the game's own: `step` begins and ends the tick, so the game's work goes in `record`,
// the callback step runs inside the tick; spans nest inside the current phase.
const gameLogic = profiler.span('game logic');
let checksum = 0;
const recordStep = (w) => {
  profiler.begin(gameLogic);
  for (let i = 0; i < w.agentCount; i++) checksum = (checksum + w.c.Action.movement[w.agents[i]]) % 1_000_003;
  profiler.end();
};
for (let t = 0; t < 300; t++) step(world, recordStep);
profiler.reset(); // drop the warm-up ticks (JIT compilation) from the statistics
for (let t = 0; t < 2000; t++) step(world, recordStep);

const { phases, overBudgetTicks, ticks } = profileSummary(profiler);
for (const [name, p] of Object.entries(phases)) {
  console.log(
    `${name.padEnd(24)} p50 ${p.p50Us.toFixed(1).padStart(7)} µs   p99 ${p.p99Us.toFixed(1).padStart(7)} µs   max ${p.maxUs.toFixed(1).padStart(8)} µs`,
  );
}
console.log(`ticks over the 500 µs budget: ${overBudgetTicks} of ${ticks}`);

const out = process.argv[2];
if (out !== undefined) {
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'trace.json'), JSON.stringify(chromeTrace(profiler)));
  writeFileSync(join(out, 'report.html'), htmlReport(profiler, { title: 'profile-a-tick example' }));
  console.log(`wrote ${join(out, 'trace.json')} and ${join(out, 'report.html')}`);
}
