import { beforeAll, describe, expect, it } from 'vitest';
import { movementClass, Stature } from '../../sdk/actuators/index.js';
import { addAgent, constantDecider, createAiWorld, type Decider, randomDecider, removeAgent, step } from '../../sdk/ecs/index.js';
import { type AgentMover, BvhLevel, BvhMover, BvhRayCaster, levelFromBoxes } from '../../sdk/physics/index.js';
import { CharacterMover, createRapierRayCaster, initRapier, PhysicsWorld } from '../../sdk/physics/rapier/index.js';
import { Profiler } from '../../sdk/profiling/index.js';
import { RaySensor } from '../../sdk/sensors/index.js';

let R: Awaited<ReturnType<typeof initRapier>>;
beforeAll(async () => {
  R = await initRapier();
});

const level = levelFromBoxes([
  { min: [-20, -1, -20], max: [20, 0, 20], tag: 2 },
  { min: [8, 0, -20], max: [9, 3, 20], tag: 3 },
  { min: [-5, 0, 3], max: [-3, 1.2, 5], tag: 4 },
]);
const sensor = () =>
  new RaySensor({ layout: { kind: 'fan', raysPerDirection: 4, maxDegrees: 90 }, length: 15, detectableTags: [1, 2, 3, 4] });

type MoverKind = 'rapier' | 'bvh';
const movers: MoverKind[] = ['rapier', 'bvh'];

/** A mover of each kind over `level` (the BVH mover shares the caster's level when given one). */
function makeMover(kind: MoverKind, shared?: BvhLevel): AgentMover {
  return kind === 'rapier' ? new CharacterMover(new PhysicsWorld(R, level)) : new BvhMover(shared ?? level, { capacity: 16 });
}

function physicsWorld(seed: number, decider: Decider, profiler?: Profiler, kind: MoverKind = 'rapier') {
  const shared = new BvhLevel(level);
  const bvh = new BvhRayCaster(shared, { maxAgents: 16 });
  const world = createAiWorld({
    seed,
    capacity: 16,
    sensors: [sensor()],
    deciders: [decider],
    caster: bvh,
    bvh,
    mover: makeMover(kind, shared),
    ...(profiler !== undefined ? { profiler } : {}),
  });
  for (let i = 0; i < 6; i++) addAgent(world, { team: i % 2, position: [-6 + 2 * i, 0, -2 + (i % 3)], yaw: i, period: 1 + (i % 3) });
  return world;
}

describe('AI world', () => {
  it.each(movers)('is deterministic (%s mover): the same seed gives bit-identical positions and observations after 1000 ticks', (kind) => {
    const run = () => {
      const world = physicsWorld(5, randomDecider(), undefined, kind);
      for (let t = 0; t < 1000; t++) step(world);
      const { x, y, z } = world.c.Transform;
      return { pos: [...x, ...y, ...z], obs: Array.from(world.observations) };
    };
    const a = run();
    const b = run();
    expect(b.pos).toEqual(a.pos);
    expect(b.obs).toEqual(a.obs);
    expect(a.obs.some((v, i) => i % 6 === 5 && v > 0 && v < 1)).toBe(true); // rays did hit things
  });

  it('profiles each step: a span per phase and per decider, counters, and the same trajectory as unprofiled', () => {
    let now = 0;
    const profiler = new Profiler({ ticks: 64, clock: () => (now += 1) });
    const profiled = physicsWorld(5, randomDecider(), profiler);
    const plain = physicsWorld(5, randomDecider());
    for (let t = 0; t < 100; t++) {
      step(profiled);
      step(plain);
    }
    expect(Array.from(profiled.c.Transform.x)).toEqual(Array.from(plain.c.Transform.x));
    expect(profiler.ticks).toBe(100);
    expect(profiler.names).toEqual(['sense', 'decide', 'act', 'record', 'physics', 'decide:random']);
    const spans = profiler.spansOf(profiler.slots().at(-1)!).map((s) => [profiler.names[s.id], s.depth]);
    expect(spans).toEqual([
      ['sense', 0],
      ['decide', 0],
      ['decide:random', 1],
      ['act', 0],
      ['physics', 0],
    ]);
    const decided = profiler.counterSeries(profiler.counter('decided'));
    expect(decided.every((n) => n >= 2 && n <= 6)).toBe(true); // periods 1..3: agent 0 and 3 decide every tick
    expect(profiler.counterSeries(profiler.counter('rays')).every((n) => n > 0)).toBe(true);
  });

  it('steps several worlds into one profiled tick when the caller owns the ticks (a server of many matches)', () => {
    let now = 0;
    const profiler = new Profiler({ ticks: 16, spansPerTick: 64, clock: () => (now += 1), ticksByCaller: true });
    const worlds = [physicsWorld(5, randomDecider(), profiler, 'bvh'), physicsWorld(6, randomDecider(), profiler, 'bvh')];
    for (let t = 0; t < 3; t++) {
      profiler.beginTick();
      for (const w of worlds) step(w);
      profiler.endTick();
    }
    expect(profiler.ticks).toBe(3);
    const spans = profiler.spansOf(profiler.slots().at(-1)!).map((s) => [profiler.names[s.id], s.depth]);
    const one = [
      ['step', 0],
      ['sense', 1],
      ['decide', 1],
      ['decide:random', 2],
      ['act', 1],
      ['physics', 1],
    ];
    expect(spans).toEqual([...one, ...one]);
    // Counters add up over the worlds of a tick.
    const rays = profiler.counterSeries(profiler.counter('rays')).at(-1)!;
    expect(rays).toBe(worlds[0]!.stats.rays + worlds[1]!.stats.rays);
  });

  it.each(movers)('moves agents by their action (%s mover): running forward covers speed x time, walls stop them', (kind) => {
    const world = createAiWorld({
      capacity: 4,
      deciders: [constantDecider(movementClass(0, Stature.run, false))],
      mover: makeMover(kind),
    });
    const free = addAgent(world, { team: 0, position: [0, 0, -10], yaw: Math.PI });
    const blocked = addAgent(world, { team: 0, position: [5, 0, 10], yaw: 0 });
    for (let t = 0; t < 64; t++) step(world);
    const T = world.c.Transform;
    expect(T.x[free]!).toBeCloseTo(-4.8, 0); // 1 s at 4.8 m/s toward -X
    expect(T.y[free]!).toBeCloseTo(0, 1);
    expect(T.x[blocked]!).toBeLessThan(8 - 0.39); // the wall at x = 8 stops the 0.4 m capsule
    expect(T.x[blocked]!).toBeGreaterThan(7);
  });

  it.each(movers)('jumps and lands (%s mover)', (kind) => {
    const world = createAiWorld({
      capacity: 2,
      deciders: [constantDecider(movementClass(0, Stature.run, true))],
      mover: makeMover(kind),
    });
    const e = addAgent(world, { team: 0, position: [0, 0, 0], period: 1000 });
    let top = 0;
    for (let t = 0; t < 80; t++) {
      step(world);
      top = Math.max(top, world.c.Transform.y[e]!);
      // Keep asking to jump until it has left the ground once, then run on.
      if (top > 0.1) world.c.Action.movement[e] = movementClass(0, Stature.run, false);
    }
    expect(top).toBeGreaterThan(0.5);
    expect(world.c.Transform.y[e]!).toBeCloseTo(0, 1);
  });

  it('decides on each agent schedule and keeps the action in between', () => {
    let calls = 0;
    const counting: Decider = {
      name: 'counting',
      decide(batch, actions) {
        calls += batch.count;
        for (let i = 0; i < batch.count; i++) actions[i] = 1 + (calls % 16);
      },
    };
    const world = createAiWorld({ capacity: 8, deciders: [counting] });
    addAgent(world, { team: 0, position: [0, 0, 0], period: 1 });
    addAgent(world, { team: 0, position: [0, 0, 0], period: 4 });
    for (let t = 0; t < 8; t++) step(world);
    // Every tick for the first; the second decides at once (tick 0), then at its offset 1 and 5.
    expect(calls).toBe(8 + 3);
  });

  it("hands each due agent's sensor row to a decider in the batch, unless the decider says it never reads it", () => {
    const seen: number[][] = [];
    const reader = (readsObservations?: boolean): Decider => ({
      name: 'reader',
      ...(readsObservations !== undefined ? { readsObservations } : {}),
      decide(batch, actions) {
        seen.push(Array.from(batch.observations.subarray(0, batch.count * batch.stride)));
        actions.fill(0, 0, batch.count);
      },
    });
    for (const reads of [undefined, false]) {
      seen.length = 0;
      const world = physicsWorld(3, reader(reads), undefined, 'bvh');
      world.dueObs.fill(-7);
      step(world);
      // The due agents' rows, in the batch's order (every agent is due at tick 0).
      const want = Array.from(world.decision.agents.subarray(0, 6), (e) =>
        Array.from(world.observations.subarray(e * world.obsStride, (e + 1) * world.obsStride)),
      ).flat();
      if (reads === undefined) expect(seen[0]).toEqual(want);
      else expect(seen[0]!.every((v) => v === -7)).toBe(true);
    }
  });

  it('senses through the Rapier caster the same as through the BVH caster', () => {
    const physics = new PhysicsWorld(R, level);
    const bvh = new BvhRayCaster(level, { maxAgents: 8 });
    const a = createAiWorld({ capacity: 8, sensors: [sensor()], deciders: [constantDecider(0)], caster: bvh, bvh });
    const b = createAiWorld({
      capacity: 8,
      sensors: [sensor()],
      deciders: [constantDecider(0)],
      caster: createRapierRayCaster(physics),
      mover: new CharacterMover(physics),
    });
    for (const w of [a, b]) for (let i = 0; i < 3; i++) addAgent(w, { team: i, position: [-4 + 3 * i, 0, i], yaw: 1.3 * i });
    physics.step(); // Rapier's queries see bodies after a step
    step(a);
    step(b);
    const rowsA = Array.from(a.observations);
    const rowsB = Array.from(b.observations);
    for (let i = 0; i < rowsA.length; i++) expect(rowsA[i]!).toBeCloseTo(rowsB[i]!, 4);
  });

  it('a decider that breaks its contract gets a coded error naming it, not a crash in act', () => {
    const world = createAiWorld({ deciders: [{ name: 'sloppy', decide: (b, a) => a.fill(97, 0, b.count) }] });
    addAgent(world, { team: 0, position: [0, 0, 0] });
    expect(() => step(world)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/decider 'sloppy' chose movement class 97/) }),
    );
  });

  it('adds and removes agents between ticks', () => {
    const world = createAiWorld({ capacity: 4, deciders: [randomDecider()] });
    const a = addAgent(world, { team: 0, position: [0, 0, 0] });
    const b = addAgent(world, { team: 1, position: [1, 0, 0] });
    step(world);
    removeAgent(world, a);
    expect(Array.from(world.agents.subarray(0, world.agentCount))).toEqual([b]);
    step(world);
    expect(() => addAgent(world, { team: 0, position: [0, 0, 0], decider: 3 })).toThrow(/decider 3/);
  });
});
