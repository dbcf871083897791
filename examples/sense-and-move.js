// Sense and move: agents with a fan of rays wander an arena without sandbox or renderer —
// a plain Node loop over tickmind's ECS systems, the batched character mover and the batched
// ray caster, both in WebAssembly over one BVH of the level.
//
//   npm install && node examples/sense-and-move.js
import { addAgent, createAiWorld, openSpaceDecider, step } from 'tickmind/ecs';
import { BvhLevel, BvhMover, BvhRayCaster, levelFromBoxes } from 'tickmind/physics';
import { RaySensor } from 'tickmind/sensors';

// 1. The level: a floor, four walls and a few crates, in one BVH the mover and the caster share
//    (the same boxes would build a Rapier world: PhysicsWorld and CharacterMover from tickmind/physics/rapier move agents there).
const TAGS = { agent: 1, floor: 2, wall: 3, crate: 4 };
const boxes = levelFromBoxes([
  { min: [-15, -1, -15], max: [15, 0, 15], tag: TAGS.floor },
  { min: [-16, 0, -15], max: [-15, 3, 15], tag: TAGS.wall },
  { min: [15, 0, -15], max: [16, 3, 15], tag: TAGS.wall },
  { min: [-15, 0, -16], max: [15, 3, -15], tag: TAGS.wall },
  { min: [-15, 0, 15], max: [15, 3, 16], tag: TAGS.wall },
  { min: [-4, 0, -4], max: [-1, 1.5, -1], tag: TAGS.crate },
  { min: [3, 0, 2], max: [6, 2, 4], tag: TAGS.crate },
  { min: [-8, 0, 6], max: [-6, 1, 10], tag: TAGS.crate },
]);
const level = new BvhLevel(boxes);

// 2. A sensor: 9 rays over ±90° at eye height, 12 m long; each ray reads [agent, wall, crate, miss, distance].
const sensor = new RaySensor({
  layout: { kind: 'fan', raysPerDirection: 4, maxDegrees: 90 },
  length: 12,
  detectableTags: [TAGS.agent, TAGS.wall, TAGS.crate],
});

// 3. A scripted decider: run toward the ray with the most free space (a built-in baseline).
const wanderer = openSpaceDecider(sensor);

// 4. The world: the BVH mover for movement, the BVH caster for rays, a seeded RNG, 64 Hz.
const caster = new BvhRayCaster(level, { maxAgents: 8 });
const world = createAiWorld({
  seed: 7,
  capacity: 8,
  sensors: [sensor],
  deciders: [wanderer],
  caster,
  bvh: caster,
  mover: new BvhMover(level, { capacity: 8 }),
});
for (let i = 0; i < 6; i++) addAgent(world, { team: i % 2, position: [-10 + 4 * i, 0, -8 + (i % 3) * 6], yaw: i * 1.1, period: 4 });

// 5. The game loop: each step senses, decides, acts and advances physics by 1/64 s.
let inside = true;
const t0 = performance.now();
for (let tick = 0; tick < 640; tick++) {
  step(world);
  // Agents turn a little every tick so the fan sweeps (a game would aim here).
  for (let i = 0; i < world.agentCount; i++) world.c.Transform.yaw[world.agents[i]] += 0.01;
  for (let i = 0; i < world.agentCount; i++) {
    const e = world.agents[i];
    if (Math.abs(world.c.Transform.x[e]) > 15 || Math.abs(world.c.Transform.z[e]) > 15) inside = false;
  }
}
const ms = performance.now() - t0;
const T = world.c.Transform;
for (let i = 0; i < world.agentCount; i++) {
  const e = world.agents[i];
  console.log(
    `agent ${e}: at (${T.x[e].toFixed(2)}, ${T.y[e].toFixed(2)}, ${T.z[e].toFixed(2)}), last action ${world.c.Action.movement[e]}`,
  );
}
console.log(`10 s of play (640 ticks) in ${ms.toFixed(0)} ms; no agent left the arena: ${inside}`);
