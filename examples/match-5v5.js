// A 5v5 match in a custom game loop (no sandbox): 10 agents with 16-ray fans, the joint starter
// transformer deciding for all ten in ONE forward pass every tick, the batched character mover
// moving all ten in ONE WebAssembly call. Prints what each phase of the AI tick costs.
//
//   npm install && node examples/match-5v5.js
//
// The starter model is UNTRAINED (seeded random weights): the bots wander; the costs are real.
import { actSystem, addAgent, createAiWorld, decideSystem, layoutForWorld, physicsSystem, policyDecider, senseSystem } from 'tickmind/ecs';
import { BvhLevel, BvhMover, BvhRayCaster, levelFromBoxes } from 'tickmind/physics';
import { loadPolicy, starterModelBytes } from 'tickmind/policy';
import { RaySensor } from 'tickmind/sensors';

const TAGS = { agent: 1, wall: 2, crate: 3 };
const level = new BvhLevel(
  levelFromBoxes([
    { min: [-20, -1, -20], max: [20, 0, 20], tag: TAGS.wall },
    { min: [-21, 0, -20], max: [-20, 3, 20], tag: TAGS.wall },
    { min: [20, 0, -20], max: [21, 3, 20], tag: TAGS.wall },
    { min: [-20, 0, -21], max: [20, 3, -20], tag: TAGS.wall },
    { min: [-20, 0, 20], max: [20, 3, 21], tag: TAGS.wall },
    { min: [-3, 0, -3], max: [3, 2, 3], tag: TAGS.crate },
    { min: [-12, 0, 6], max: [-9, 1.5, 12], tag: TAGS.crate },
    { min: [9, 0, -12], max: [12, 1.5, -6], tag: TAGS.crate },
  ]),
);

// 16 rays over 180° at eye height: per ray [agent, wall, crate, miss, distance].
const sensor = new RaySensor({
  layout: { kind: 'grid', cols: 16, rows: 1, horizontalFovDegrees: 180, verticalFovDegrees: 0 },
  length: 25,
  detectableTags: [TAGS.agent, TAGS.wall, TAGS.crate],
});

const caster = new BvhRayCaster(level, { maxAgents: 10 });
const world = createAiWorld({
  seed: 42,
  capacity: 16,
  sensors: [sensor],
  deciders: [],
  caster,
  bvh: caster,
  mover: new BvhMover(level, { capacity: 16 }),
});
// The joint starter model for what this world provides: one token per player — map-frame
// features, whether it sees an enemy (line of sight through the caster), its rays.
const layout = layoutForWorld(world, { mode: 'joint', playerTokens: 10, halfExtent: 20 });
const policy = await loadPolicy(starterModelBytes({ observation: layout.toJSON(), seed: 1 }), { backend: 'native', maxBatch: 1 });
world.deciders.push(policyDecider(world, policy, { temperature: 1 }));
for (let i = 0; i < 10; i++) {
  const attackers = i < 5;
  addAgent(world, {
    team: attackers ? 0 : 1,
    position: [-8 + 4 * (i % 5), 0, attackers ? -15 : 15],
    yaw: attackers ? Math.PI / 2 : -Math.PI / 2,
  });
}

// The game loop: the AI systems one by one (so each can be timed), then physics.
const TICKS = 640;
const phases = { sense: [], decide: [], act: [], physics: [] };
const time = (list, fn) => {
  const t = performance.now();
  fn();
  list.push((performance.now() - t) * 1000);
};
for (let tick = 0; tick < TICKS; tick++) {
  time(phases.sense, () => senseSystem(world));
  time(phases.decide, () => decideSystem(world));
  time(phases.act, () => actSystem(world));
  time(phases.physics, () => physicsSystem(world)); // the mover's positions back into Transform
  world.tick++;
}

const pct = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)];
console.log(`5v5, ${TICKS} ticks at 64 Hz, joint starter transformer (d=64, 2 layers, 4 heads; untrained) deciding every tick:`);
for (const [name, xs] of Object.entries(phases)) {
  const warm = xs.slice(32);
  console.log(`  ${name.padEnd(8)} median ${pct(warm, 0.5).toFixed(1).padStart(7)} µs   p99 ${pct(warm, 0.99).toFixed(1).padStart(7)} µs`);
}
const ai = phases.sense.map((s, i) => s + phases.decide[i] + phases.act[i]).slice(32);
console.log(
  `  AI tick  median ${pct(ai, 0.5).toFixed(1).padStart(7)} µs   p99 ${pct(ai, 0.99).toFixed(1).padStart(7)} µs   (sense + decide + act)`,
);
console.log(`decisions per tick: ${world.stats.decided}; rays per tick: ${world.stats.rays}`);
