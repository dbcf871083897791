/**
 * The batched BVH caster against Rapier on the same scenes: thousands of random rays must agree
 * on hit or miss, tag, agent and distance (within 1e-4 of the ray length).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../sdk/core/index.js';
import { BvhRayCaster, type LevelBoxes, levelFromBoxes } from '../../sdk/physics/index.js';
import { createRapierRayCaster, initRapier, PhysicsWorld } from '../../sdk/physics/rapier/index.js';
import { createRayBatch, type RayBatch } from '../../sdk/sensors/index.js';
import { nearBox, randomAgents, randomLevel } from '../helpers/scenes.js';

let R: Awaited<ReturnType<typeof initRapier>>;
beforeAll(async () => {
  R = await initRapier();
});

/** Distance from (x, y, z) to the nearest agent capsule axis segment. */
function nearAgent(positions: Float32Array, x: number, y: number, z: number, margin: number): boolean {
  for (let a = 0; a < positions.length / 3; a++) {
    const cy = Math.min(Math.max(y, 0.4), 1.4);
    if (Math.hypot(positions[3 * a]! - x, cy - y, positions[3 * a + 2]! - z) < 0.4 + margin) return true;
  }
  return false;
}

/**
 * n random rays; with `fans`, in runs of 1–12 from one origin (an agent's eyes or a free point)
 * as a sensor casts them, which the SIMD build casts as packets.
 */
function randomRays(
  seed: number,
  n: number,
  entities: Int32Array,
  positions: Float32Array,
  level: LevelBoxes,
  half: number,
  fans = false,
): RayBatch {
  const rng = new Rng(seed);
  const batch = createRayBatch(n);
  batch.count = n;
  let run = 0;
  let fan = 0;
  for (let i = 0; i < n; i++) {
    if (fans && run > 0) {
      // Same origin and excluded agent as the ray before.
      run--;
      batch.origins.set(batch.origins.subarray(3 * i - 3, 3 * i), 3 * i);
      batch.exclude[i] = batch.exclude[i - 1]!;
      setDirection(batch, i, rng);
      continue;
    }
    if (fans) run = rng.int(12);
    const fromAgent = (fans ? fan++ : i) % 2 === 0 && entities.length > 0;
    const a = rng.int(Math.max(entities.length, 1));
    let ox = positions[3 * a]!;
    let oy = 1.6;
    let oz = positions[3 * a + 2]!;
    // Free-floating origins stay clear of every shape: inside overlapping shapes the hit is
    // at distance 0 and which of them is reported is arbitrary.
    while (!fromAgent) {
      ox = rng.uniform(-half + 1, half - 1);
      oy = rng.uniform(0.2, 3.5);
      oz = rng.uniform(-half + 1, half - 1);
      if (!nearBox(level, ox, oy, oz, 0.05) && !nearAgent(positions, ox, oy, oz, 0.05)) break;
    }
    batch.origins.set([ox, oy, oz], 3 * i);
    batch.exclude[i] = fromAgent ? entities[a]! : -1;
    setDirection(batch, i, rng);
  }
  return batch;
}

/** A random unit direction (mostly level) and length for ray i. */
function setDirection(batch: RayBatch, i: number, rng: Rng): void {
  let dx = rng.normal();
  let dy = rng.normal() * 0.3;
  let dz = rng.normal();
  const len = Math.hypot(dx, dy, dz);
  dx /= len;
  dy /= len;
  dz /= len;
  batch.dirs.set([dx, dy, dz], 3 * i);
  batch.maxDist[i] = rng.uniform(5, 40);
}

function copyOutputs(b: RayBatch) {
  return { dist: b.hitDist.slice(0, b.count), tag: b.hitTag.slice(0, b.count), entity: b.hitEntity.slice(0, b.count) };
}

describe.each([
  { name: '50 obstacles, 10 agents', obstacles: 50, agents: 10, half: 30, forceScalar: false, fans: false },
  { name: '2000 obstacles, 64 agents', obstacles: 2000, agents: 64, half: 150, forceScalar: false, fans: false },
  { name: '2000 obstacles, 61 agents, scalar build', obstacles: 2000, agents: 61, half: 150, forceScalar: true, fans: false },
  {
    name: '50 obstacles, 200 agents crowded (the grid over the agents)',
    obstacles: 50,
    agents: 200,
    half: 30,
    forceScalar: false,
    fans: false,
  },
  { name: '50 obstacles, 200 agents, rays in fans (packets)', obstacles: 50, agents: 200, half: 30, forceScalar: false, fans: true },
  { name: '2000 obstacles, 10 agents, rays in fans (packets)', obstacles: 2000, agents: 10, half: 150, forceScalar: false, fans: true },
])('BVH caster vs Rapier: $name', ({ obstacles, agents, half, forceScalar, fans }) => {
  it('agree ray by ray on hit, tag, agent and distance', () => {
    const level = randomLevel(obstacles, obstacles, half);
    const { positions, entities } = randomAgents(agents, agents, level, half);
    const physics = new PhysicsWorld(R, level);
    for (let i = 0; i < agents; i++) physics.addAgent(entities[i]!, positions[3 * i]!, positions[3 * i + 1]!, positions[3 * i + 2]!);
    physics.step();
    const bvh = new BvhRayCaster(level, { maxAgents: agents, forceScalar });
    expect(bvh.simd).toBe(!forceScalar);
    bvh.setAgents(agents, positions, entities);
    const batch = randomRays(obstacles + agents, 4000, entities, positions, level, half, fans);
    createRapierRayCaster(physics).castBatch(batch);
    const want = copyOutputs(batch);
    bvh.castBatch(batch);
    const got = copyOutputs(batch);
    let mismatches = 0;
    let hits = 0;
    for (let i = 0; i < batch.count; i++) {
      const same =
        got.tag[i] === want.tag[i] &&
        got.entity[i] === want.entity[i] &&
        Math.abs(got.dist[i]! - want.dist[i]!) <= 1e-4 * batch.maxDist[i]!;
      if (!same) {
        mismatches++;
        if (process.env.DEBUG_CASTERS && mismatches < 8)
          console.log(
            i,
            'rapier',
            want.tag[i],
            want.entity[i],
            want.dist[i],
            'bvh',
            got.tag[i],
            got.entity[i],
            got.dist[i],
            'max',
            batch.maxDist[i],
            'o',
            Array.from(batch.origins.slice(3 * i, 3 * i + 3)),
            'excl',
            batch.exclude[i],
          );
      }
      if (want.tag[i]! >= 0) hits++;
    }
    expect(hits).toBeGreaterThan(batch.count / 4);
    expect(mismatches, `${mismatches} of ${batch.count} rays differ`).toBe(0);
  });
});

describe('BVH caster', () => {
  it('excludes the casting agent and reports the agent it hits', () => {
    const level = randomLevel(1, 0);
    const bvh = new BvhRayCaster(level, { maxAgents: 2 });
    bvh.setAgents(2, Float32Array.of(0, 0, 0, 5, 0, 0), Int32Array.of(7, 8));
    const batch = createRayBatch(1);
    batch.count = 1;
    batch.origins.set([0, 1.6, 0]);
    batch.dirs.set([1, 0, 0]);
    batch.maxDist[0] = 20;
    batch.exclude[0] = 7;
    bvh.castBatch(batch);
    expect(batch.hitEntity[0]).toBe(8);
    expect(batch.hitDist[0]).toBeCloseTo(5 - Math.sqrt(0.4 ** 2 - 0.2 ** 2), 5); // the top cap: eye 1.6 m, cap center 1.4 m
    batch.exclude[0] = -1;
    bvh.castBatch(batch);
    expect(batch.hitEntity[0]).toBe(7);
    expect(batch.hitDist[0]).toBe(0);
  });

  it('grows its ray buffers for a larger batch', () => {
    const bvh = new BvhRayCaster(randomLevel(2, 5), { maxRays: 4 });
    const batch = createRayBatch(100);
    batch.count = 100;
    for (let i = 0; i < 100; i++) {
      batch.origins.set([0, 1, 0], 3 * i);
      batch.dirs.set([0, -1, 0], 3 * i);
      batch.maxDist[i] = 5;
    }
    bvh.castBatch(batch);
    expect(Array.from(batch.hitDist)).toEqual(new Array(100).fill(1));
    expect(Array.from(batch.hitTag)).toEqual(new Array(100).fill(2));
  });

  it('casts the same in its SIMD build (rays in packets) and its scalar build, bit for bit: seams, ties, rays in face planes and sphere casts', () => {
    // Floor tiles of alternating tags meeting edge to edge, and pillars on the seams: rays aimed
    // at grid points hit two boxes at exactly the same distance, and the lower box wins in both.
    const boxes: { min: number[]; max: number[]; tag: number }[] = [];
    for (let i = -6; i < 6; i++)
      for (let j = -6; j < 6; j++) boxes.push({ min: [2 * i, -1, 2 * j], max: [2 * i + 2, 0, 2 * j + 2], tag: 2 + ((i + j) & 1) });
    for (let i = -5; i < 6; i += 2) boxes.push({ min: [2 * i - 0.5, 0, -0.5], max: [2 * i + 0.5, 3, 0.5], tag: 5 + (i & 1) });
    const level = levelFromBoxes(boxes);
    const rng = new Rng(9);
    const entities = Int32Array.from({ length: 40 }, (_, i) => 100 + i);
    const positions = new Float32Array(3 * entities.length);
    for (let a = 0; a < entities.length; a++) positions.set([rng.uniform(-11, 11), 0, rng.uniform(-11, 11)], 3 * a);
    const batch = createRayBatch(3000);
    batch.count = 3000;
    for (let i = 0; i < batch.count; i += 8) {
      const a = rng.int(entities.length);
      // Every other fan is horizontal (a sensor at zero pitch), some exactly at the floor's top
      // or a pillar's: rays in a box face's plane.
      const level = (i / 8) % 2 === 1;
      const eye = level ? [1.6, 0, 3, 0.7][rng.int(4)]! : 1.6;
      for (let k = i; k < Math.min(i + 8, batch.count); k++) {
        batch.origins.set([positions[3 * a]!, eye, positions[3 * a + 2]!], 3 * k);
        batch.exclude[k] = entities[a]!;
        // Half the rays aim at a tile corner or a pillar's edge on the floor.
        const tx = k % 2 === 0 ? 2 * rng.int(12) - 12 : rng.uniform(-12, 12);
        const tz = k % 2 === 0 ? 2 * rng.int(12) - 12 : rng.uniform(-12, 12);
        const d = [tx - positions[3 * a]!, level ? 0 : -eye, tz - positions[3 * a + 2]!];
        const len = Math.hypot(d[0]!, d[1]!, d[2]!);
        batch.dirs.set([d[0]! / len, d[1]! / len, d[2]! / len], 3 * k);
        batch.maxDist[k] = 30;
      }
    }
    for (const radius of [0, 0.25]) {
      const results = [false, true].map((forceScalar) => {
        const caster = new BvhRayCaster(level, { maxAgents: entities.length, forceScalar });
        caster.setAgents(entities.length, positions, entities);
        batch.radius = radius;
        caster.castBatch(batch);
        return copyOutputs(batch);
      });
      const [simd, scalar] = results as [ReturnType<typeof copyOutputs>, ReturnType<typeof copyOutputs>];
      expect(Array.from(simd.tag)).toEqual(Array.from(scalar.tag));
      expect(Array.from(simd.entity)).toEqual(Array.from(scalar.entity));
      expect(Array.from(simd.dist)).toEqual(Array.from(scalar.dist));
      expect(new Set(simd.tag).size).toBeGreaterThan(3);
    }
  });

  it('keeps a pile of wide agents apart in its grid: 40 capsules of radius 1.5 within 6 m, hit as Rapier hits them', () => {
    // Overlapping footprints 3 m wide in a 6 m square: the grid's cells must stay at least a
    // footprint wide, or an agent spans more cells than the grid has room for.
    const shape = { radius: 1.5, halfHeight: 0.5 };
    const level = randomLevel(3, 0);
    const rng = new Rng(4);
    const n = 40;
    const entities = Int32Array.from({ length: n }, (_, i) => 500 + i);
    const positions = new Float32Array(3 * n);
    for (let a = 0; a < n; a++) positions.set([rng.uniform(-3, 3), 0, rng.uniform(-3, 3)], 3 * a);
    const physics = new PhysicsWorld(R, level, { shape });
    for (let a = 0; a < n; a++) physics.addAgent(entities[a]!, positions[3 * a]!, 0, positions[3 * a + 2]!);
    physics.step();
    const bvh = new BvhRayCaster(level, { maxAgents: n, shape });
    bvh.setAgents(n, positions, entities);
    // Rays from a ring 12-20 m out, at heights along the capsules, aimed into the pile.
    const batch = createRayBatch(2000);
    batch.count = 2000;
    for (let i = 0; i < batch.count; i++) {
      const angle = rng.uniform(0, 2 * Math.PI);
      const r = rng.uniform(12, 20);
      const o = [r * Math.cos(angle), rng.uniform(0.3, 3.5), r * Math.sin(angle)];
      const t = [rng.uniform(-3, 3), rng.uniform(0.3, 3.5), rng.uniform(-3, 3)];
      const d = [t[0]! - o[0]!, t[1]! - o[1]!, t[2]! - o[2]!];
      const len = Math.hypot(d[0]!, d[1]!, d[2]!);
      batch.origins.set(o, 3 * i);
      batch.dirs.set([d[0]! / len, d[1]! / len, d[2]! / len], 3 * i);
      batch.maxDist[i] = 40;
      batch.exclude[i] = -1;
    }
    createRapierRayCaster(physics).castBatch(batch);
    const want = copyOutputs(batch);
    bvh.castBatch(batch);
    const got = copyOutputs(batch);
    let agentHits = 0;
    let mismatches = 0;
    for (let i = 0; i < batch.count; i++) {
      if (want.entity[i]! >= 0) agentHits++;
      if (got.tag[i] !== want.tag[i] || Math.abs(got.dist[i]! - want.dist[i]!) > 1e-4 * 40) mismatches++;
    }
    expect(agentHits).toBeGreaterThan(batch.count / 2);
    expect(mismatches, `${mismatches} of ${batch.count} rays differ`).toBe(0);
  });
});
