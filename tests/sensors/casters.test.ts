/**
 * The same sensor checks through every caster: the test BoxCaster, the batched BVH caster and
 * the Rapier caster must give the same encodings on the same scene.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { BvhRayCaster, levelFromBoxes } from '../../sdk/physics/index.js';
import { createRapierRayCaster, initRapier, PhysicsWorld } from '../../sdk/physics/rapier/index.js';
import { type AgentPoses, createRayBatch, type RayCaster, RaySensor } from '../../sdk/sensors/index.js';

const WALL = 3;
const AGENT = 1;
// A wall 5 m ahead (+X), a low post at z = 0.55 beside the forward ray, and a second agent at x = 3, z = -3.
const boxes = [
  { min: [5, 0, -10], max: [6, 3, 10], tag: WALL },
  { min: [2, 0, 0.55], max: [2.5, 3, 1], tag: 4 },
];
const other = { x: 3, z: -3, entity: 9 };

let casters: { name: string; caster: RayCaster }[] = [];
beforeAll(async () => {
  const level = levelFromBoxes(boxes);
  const R = await initRapier();
  const physics = new PhysicsWorld(R, level);
  physics.addAgent(1, 0, 0, 0);
  physics.addAgent(other.entity, other.x, 0, other.z);
  physics.step();
  const bvh = new BvhRayCaster(level, { maxAgents: 4 });
  bvh.setAgents(2, Float32Array.of(0, 0, 0, other.x, 0, other.z), Int32Array.of(1, other.entity));
  const scalar = new BvhRayCaster(level, { maxAgents: 4, forceScalar: true });
  scalar.setAgents(2, Float32Array.of(0, 0, 0, other.x, 0, other.z), Int32Array.of(1, other.entity));
  casters = [
    { name: 'bvh', caster: bvh },
    { name: 'bvh scalar', caster: scalar },
    { name: 'rapier', caster: createRapierRayCaster(physics) },
  ];
});

function self(yaw = 0): AgentPoses {
  return { count: 1, position: Float32Array.of(0, 0, 0), yaw: Float32Array.of(yaw), pitch: Float32Array.of(0), entity: Int32Array.of(1) };
}

describe('sensor encodings agree across casters', () => {
  it('a wall ahead, an agent at -45°, misses elsewhere; self excluded', () => {
    const sensor = new RaySensor({
      layout: { kind: 'fan', raysPerDirection: 2, maxDegrees: 90 },
      length: 10,
      eyeHeight: 1,
      detectableTags: [AGENT, WALL],
    });
    for (const { name, caster } of casters) {
      const out = new Float32Array(sensor.size);
      sensor.perceive(self(), caster, createRayBatch(sensor.rays), out);
      const ray = (r: number) => Array.from(out.slice(r * 4, r * 4 + 4));
      expect(ray(2), name).toEqual([0, 1, 0, expect.closeTo(0.5, 5)]); // forward: the wall at 5 m
      expect(ray(1)[0], name).toBe(1); // -45°: the other agent
      expect(ray(1)[3], name).toBeCloseTo((Math.hypot(3, 3) - 0.4) / 10, 4);
      expect(ray(0), name).toEqual([0, 0, 1, 1]); // -90°: nothing
      expect(ray(4)[1], name).toBe(0); // +90°: nothing either
    }
  });

  it('a sphere cast meets a face its radius earlier', () => {
    // Head-on contact is exact in every caster (the BVH grows boxes by the radius, so contact
    // near an edge comes slightly early there; see BvhRayCaster).
    for (const radius of [0, 0.3]) {
      const sensor = new RaySensor({
        layout: { kind: 'fan', raysPerDirection: 0, maxDegrees: 0 },
        length: 10,
        eyeHeight: 1.5,
        radius,
        detectableTags: [4, WALL],
      });
      for (const { name, caster } of casters) {
        const out = new Float32Array(sensor.size);
        sensor.perceive(self(), caster, createRayBatch(1), out);
        expect(Array.from(out), `${name}, radius ${radius}`).toEqual([0, 1, 0, expect.closeTo((5 - radius) / 10, 5)]);
      }
    }
  });
});
