/**
 * The batched BVH caster against Rapier on the same scenes: thousands of random rays must agree
 * on hit or miss, tag, agent and distance (within 1e-4 of the ray length).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../sdk/core/index.js';
import { BvhRayCaster, type LevelBoxes } from '../../sdk/physics/index.js';
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

function randomRays(seed: number, n: number, entities: Int32Array, positions: Float32Array, level: LevelBoxes, half: number): RayBatch {
  const rng = new Rng(seed);
  const batch = createRayBatch(n);
  batch.count = n;
  for (let i = 0; i < n; i++) {
    const fromAgent = i % 2 === 0 && entities.length > 0;
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
    let dx = rng.normal();
    let dy = rng.normal() * 0.3;
    let dz = rng.normal();
    const len = Math.hypot(dx, dy, dz);
    dx /= len;
    dy /= len;
    dz /= len;
    batch.origins.set([ox, oy, oz], 3 * i);
    batch.dirs.set([dx, dy, dz], 3 * i);
    batch.maxDist[i] = rng.uniform(5, 40);
    batch.exclude[i] = fromAgent ? entities[a]! : -1;
  }
  return batch;
}

function copyOutputs(b: RayBatch) {
  return { dist: b.hitDist.slice(0, b.count), tag: b.hitTag.slice(0, b.count), entity: b.hitEntity.slice(0, b.count) };
}

describe.each([
  { name: '50 obstacles, 10 agents', obstacles: 50, agents: 10, half: 30, forceScalar: false },
  { name: '2000 obstacles, 64 agents', obstacles: 2000, agents: 64, half: 150, forceScalar: false },
  { name: '2000 obstacles, 61 agents, scalar build', obstacles: 2000, agents: 61, half: 150, forceScalar: true },
  { name: '50 obstacles, 200 agents crowded (the grid over the agents)', obstacles: 50, agents: 200, half: 30, forceScalar: false },
])('BVH caster vs Rapier: $name', ({ obstacles, agents, half, forceScalar }) => {
  it('agree ray by ray on hit, tag, agent and distance', () => {
    const level = randomLevel(obstacles, obstacles, half);
    const { positions, entities } = randomAgents(agents, agents, level, half);
    const physics = new PhysicsWorld(R, level);
    for (let i = 0; i < agents; i++) physics.addAgent(entities[i]!, positions[3 * i]!, positions[3 * i + 1]!, positions[3 * i + 2]!);
    physics.step();
    const bvh = new BvhRayCaster(level, { maxAgents: agents, forceScalar });
    expect(bvh.simd).toBe(!forceScalar);
    bvh.setAgents(agents, positions, entities);
    const batch = randomRays(obstacles + agents, 4000, entities, positions, level, half);
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
});
