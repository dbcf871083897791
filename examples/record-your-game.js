// Record your game's players as demonstrations a tickmind policy trains on: each decision as a
// row of tokens in your bots' layout (what they see: entity features, line of sight, rays), the
// class chosen, written as a LeRobot v3 Parquet dataset (pandas, LeRobot and `tickmind train`
// read it) and read back.
//
//   npm install && node examples/record-your-game.js
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LeRobotWriter, Recorder, readLeRobot, tokenDatasetSpec } from 'tickmind/dataset';
import { addAgent, createAiWorld, layoutForWorld, randomDecider, step, TokenObservations } from 'tickmind/ecs';
import { directorySink, directorySource } from 'tickmind/node';
import { BvhRayCaster, levelFromBoxes } from 'tickmind/physics';
import { RaySensor } from 'tickmind/sensors';

const level = levelFromBoxes([
  { min: [-15, -1, -15], max: [15, 0, 15], tag: 4 },
  { min: [-2, 0, -2], max: [2, 2, 2], tag: 2 },
]);
const caster = new BvhRayCaster(level, { maxAgents: 8 });
const sensor = new RaySensor({
  layout: { kind: 'grid', cols: 12, rows: 1, horizontalFovDegrees: 180, verticalFovDegrees: 0 },
  length: 20,
  detectableTags: [1, 2, 4],
  tagNames: ['agent', 'wall', 'floor'],
});
// Your players' decisions come from your input code; here, a random stand-in decides for them.
const world = createAiWorld({ seed: 3, capacity: 8, sensors: [sensor], deciders: [randomDecider()], caster, bvh: caster });
for (let i = 0; i < 4; i++) addAgent(world, { team: i % 2, position: [-10 + 6 * i, 0, i % 2 ? 8 : -8], period: 8 });

// The layout your bots will read: the world's sensor, line of sight through its caster.
const layout = layoutForWorld(world, { mode: 'egocentric', maxAllies: 1, maxEnemies: 2 });
const obs = new TokenObservations(world, layout);
const spec = tokenDatasetSpec(layout.toJSON(), { fps: 64, robotType: 'my-game-player' });
const dir = mkdtempSync(join(tmpdir(), 'my-game-demos-'));
const writer = new LeRobotWriter(spec, directorySink(dir));
const episodes = [];
const recorder = new Recorder(spec, { slots: 8, onEpisode: (e) => episodes.push(e) });
const f = { state: recorder.feature('observation.state'), mask: recorder.feature('observation.mask'), action: recorder.feature('action') };
const rows = new Float32Array(8 * layout.rowFloats);
const mask = new Uint8Array(8 * layout.tokens);
const due = new Int32Array(8);
for (let i = 0; i < 4; i++) recorder.begin(i, `player ${i}`);

// The record phase (after decide, before act): a frame for every player that decided this tick.
const record = (w) => {
  let n = 0;
  for (let i = 0; i < w.agentCount; i++) if (w.c.Schedule.lastDecision[w.agents[i]] === w.tick) due[n++] = w.agents[i];
  if (n === 0) return;
  obs.gather();
  obs.encodeAgents(due, n, rows, mask);
  for (let k = 0; k < n; k++) {
    const slot = w.agents.indexOf(due[k]);
    recorder.set(slot, f.state, rows, k * layout.rowFloats);
    recorder.set(slot, f.mask, mask, k * layout.tokens);
    recorder.setScalar(slot, f.action, w.c.Action.movement[due[k]]);
    recorder.commit(slot, w.tick / 64);
  }
};
for (let t = 0; t < 640; t++) step(world, record);
for (let i = 0; i < 4; i++) recorder.end(i);
await writer.append(episodes);
await writer.flushed();

const back = await readLeRobot(directorySource(dir));
const frames = back.episodes.reduce((s, e) => s + e.length, 0);
console.log(
  `recorded ${back.episodes.length} episodes, ${frames} frames of ${layout.rowFloats} floats (${layout.entityFeatures.length} features + rays per token) in ${dir}`,
);
console.log(`train on it: npx tickmind train --data ${dir} --arch egocentric --out my-bot.onnx`);
