import { describe, expect, it } from 'vitest';
import { Rng } from '../../sdk/core/index.js';
import { addAgent, createAiWorld, createDecisionProbe, layoutForWorld, policyDecider, removeAgent, step } from '../../sdk/ecs/index.js';
import { BvhRayCaster, levelFromBoxes } from '../../sdk/physics/index.js';
import { loadPolicy, sampleLogits, starterModelBytes } from '../../sdk/policy/index.js';
import { RaySensor } from '../../sdk/sensors/index.js';

const level = levelFromBoxes([
  { min: [-20, -1, -20], max: [20, 0, 20], tag: 2 },
  { min: [6, 0, -20], max: [7, 3, 20], tag: 3 },
]);
const makeSensor = () =>
  new RaySensor({
    layout: { kind: 'grid', cols: 16, rows: 1, horizontalFovDegrees: 180, verticalFovDegrees: 0 },
    length: 15,
    detectableTags: [1, 2, 3],
  });
async function world5v5(
  mode: 'joint' | 'egocentric',
  options: Parameters<typeof policyDecider>[2] = {},
  backend: 'native' | 'ort' = 'native',
  maxBatch = 16,
) {
  const sensor = makeSensor();
  const caster = new BvhRayCaster(level, { maxAgents: 16 });
  const world = createAiWorld({ seed: 4, capacity: 16, sensors: [sensor], deciders: [], caster, bvh: caster });
  // The starter model for what this world provides: its rays and line of sight.
  const layout = layoutForWorld(world, mode === 'joint' ? { mode, playerTokens: 10, halfExtent: 20 } : { mode });
  const policy = await loadPolicy(starterModelBytes({ observation: layout.toJSON(), seed: 2 }), { backend, maxBatch });
  const decider = policyDecider(world, policy, { temperature: 1, ...options });
  world.deciders.push(decider);
  for (let i = 0; i < 10; i++) addAgent(world, { team: i < 5 ? 0 : 1, position: [-8 + 1.7 * i, 0, i < 5 ? -4 : 4], yaw: i });
  return { world, policy, decider };
}

describe('policy deciders', () => {
  it('egocentric: one batched call decides every due agent; batched equals per-agent', async () => {
    const { world, policy } = await world5v5('egocentric', { temperature: 0 });
    step(world);
    const batched = Array.from(world.agents.subarray(0, 10), (e) => world.c.Action.movement[e]!);
    expect(world.stats.decided).toBe(10);
    // Recompute agent by agent: the same tokens in a batch of one give the same argmax.
    const rows = Float32Array.from(policy.tokens.subarray(0, 10 * policy.rowFloats));
    const masks = Uint8Array.from(policy.mask.subarray(0, 100));
    for (let i = 0; i < 10; i++) {
      policy.tokens.set(rows.subarray(i * policy.rowFloats, (i + 1) * policy.rowFloats));
      policy.mask.set(masks.subarray(i * 10, (i + 1) * 10));
      const logits = policy.runSync(1);
      expect(sampleLogits(logits, 0, 97, 0, new Rng(1))).toBe(batched[i]);
    }
  });

  it("a probe copies the watched agent's logits when it decides, for either mode", async () => {
    for (const mode of ['egocentric', 'joint'] as const) {
      const probe = createDecisionProbe(97);
      const { world, policy } = await world5v5(mode, { temperature: 0, probe });
      probe.entity = world.agents[3]!;
      step(world);
      expect(probe.tick).toBe(0);
      const logits = policy.runSync(mode === 'joint' ? 1 : 10); // the same rows as the decide pass
      const offset = mode === 'joint' ? 3 * 97 : 3 * policy.logitRowFloats; // egocentric: row 3, its token 0
      expect([...probe.logits]).toEqual([...logits.subarray(offset, offset + 97)]);
      expect(world.c.Action.movement[probe.entity]).toBe(sampleLogits(probe.logits, 0, 97, 0, new Rng(1)));
      probe.entity = -1;
      probe.logits.fill(0);
      step(world);
      expect(probe.logits.every((v) => v === 0)).toBe(true);
    }
  });

  it('joint: one pass decides the match, each agent reads its own token', async () => {
    const { world, policy } = await world5v5('joint', { temperature: 0 });
    step(world);
    const logits = policy.runSync(1); // same tokens as the decide pass
    for (let p = 0; p < 10; p++) {
      const e = world.agents[p]!;
      expect(world.c.Action.movement[e]).toBe(sampleLogits(logits, p * 97, 97, 0, new Rng(1)));
    }
  });

  it('seeded: the same seed gives the same actions over 50 ticks', async () => {
    const run = async () => {
      const { world } = await world5v5('egocentric');
      const seen: number[] = [];
      for (let t = 0; t < 50; t++) {
        step(world);
        for (let i = 0; i < 10; i++) seen.push(world.c.Action.movement[world.agents[i]!]!);
      }
      return seen;
    };
    expect(await run()).toEqual(await run());
  });

  it('a budget defers agents oldest first and every agent still decides', async () => {
    let now = 0;
    // A fake clock: every call costs 50 us + 20 us per agent; the budget fits 4 agents.
    const { world, decider, policy } = await world5v5('egocentric', { budgetUs: 130, maxWaitTicks: 4, clock: () => now });
    const run = policy.runSync.bind(policy);
    policy.runSync = (n: number) => {
      now += 50 + 20 * n; // simulated cost: the test does not depend on this machine's speed
      return run(n);
    };
    const decidedAt = new Map<number, number[]>();
    for (let t = 0; t < 30; t++) {
      step(world);
      for (let i = 0; i < 10; i++) {
        const e = world.agents[i]!;
        if (world.c.Schedule.lastDecision[e] === t) decidedAt.set(e, [...(decidedAt.get(e) ?? []), t]);
      }
    }
    const { scheduler } = decider;
    expect(scheduler!.stats.deferrals).toBeGreaterThan(0);
    expect(scheduler!.stats.worstWaitTicks).toBeLessThanOrEqual(5);
    for (const ticks of decidedAt.values()) expect(ticks.length).toBeGreaterThanOrEqual(30 / 4 - 1);
    expect(decidedAt.size).toBe(10);
  });

  it('onnxruntime-web: agents are deferred until the answer arrives, then decide through the Decider contract', async () => {
    const { world } = await world5v5('egocentric', { temperature: 0 }, 'ort');
    const first = Array.from(world.agents.subarray(0, 10), (e) => world.c.Action.movement[e]!);
    step(world); // asks
    expect(world.stats.decided).toBe(0);
    expect(world.stats.deferred).toBe(10);
    expect(Array.from(world.agents.subarray(0, 10), (e) => world.c.Action.movement[e]!)).toEqual(first);
    expect(Array.from(world.agents.subarray(0, 10), (e) => world.c.Schedule.pending[e])).toEqual(new Array(10).fill(1));
    await new Promise((resolve) => setTimeout(resolve, 50));
    step(world); // hands the answers out as this tick's decisions
    expect(world.stats.decided).toBe(10);
    for (let i = 0; i < 10; i++) expect(world.c.Schedule.lastDecision[world.agents[i]!]).toBe(1);
    const after = Array.from(world.agents.subarray(0, 10), (e) => world.c.Action.movement[e]!);
    expect(after).not.toEqual(first);
  });

  it('decides every due agent even when they outnumber the policy’s largest batch', async () => {
    const { world } = await world5v5('egocentric', { temperature: 0 }, 'native', 3);
    step(world);
    expect(world.stats.decided).toBe(10);
    expect(world.stats.deferred).toBe(0);
  });

  it('under a budget, agents beyond the largest batch keep their place and go first next tick', async () => {
    const { world } = await world5v5('egocentric', { temperature: 0, budgetUs: 1e6, costModel: { callUs: 1, agentUs: 1 } }, 'native', 4);
    step(world);
    const first = world.agents.subarray(0, 10).filter((e) => world.c.Schedule.lastDecision[e] === 0);
    expect(first.length).toBe(4);
    step(world); // the six that waited are the oldest: four of them go now
    const second = world.agents.subarray(0, 10).filter((e) => world.c.Schedule.lastDecision[e] === 1);
    expect(second.length).toBe(4);
    for (const e of second) expect(first.includes(e)).toBe(false);
  });

  it('with a fixed cost model the budget is deterministic: the same seed gives the same match, whatever the clock says', async () => {
    const run = async () => {
      let now = 0;
      const clock = () => {
        now += Math.random() * 500; // a wildly noisy clock cannot change the choices
        return now;
      };
      const { world } = await world5v5('egocentric', { budgetUs: 60, costModel: { callUs: 20, agentUs: 10 }, clock });
      const seen: number[] = [];
      for (let t = 0; t < 30; t++) {
        step(world);
        for (let i = 0; i < 10; i++)
          seen.push(world.c.Action.movement[world.agents[i]!]!, world.c.Schedule.lastDecision[world.agents[i]!]!);
      }
      return seen;
    };
    expect(await run()).toEqual(await run());
  });

  it('a recycled entity id inherits neither the waypoint nor the waiting time of the agent it replaces', async () => {
    const { world, decider } = await world5v5('egocentric', { budgetUs: 40, costModel: { callUs: 20, agentUs: 10 }, maxWaitTicks: 50 });
    step(world); // two decide, eight wait
    const waiting = world.agents.subarray(0, 10).find((e) => world.c.Schedule.lastDecision[e] !== 0)!;
    world.c.Waypoint.active[waiting] = 1;
    removeAgent(world, waiting);
    const fresh = addAgent(world, { team: 0, position: [0, 0, 0] });
    expect(fresh).toBe(waiting); // bitecs hands the id straight back
    expect(world.c.Waypoint.active[fresh]).toBe(0);
    // The newcomer joins the queue now: the seven still waiting since tick 0 go before it.
    for (let t = 0; t < 3; t++) step(world);
    const order = [...world.agents.subarray(0, 10)].filter((e) => world.c.Schedule.lastDecision[e]! > 0);
    expect(order.includes(fresh)).toBe(false);
    expect(decider.scheduler!.stats.worstWaitTicks).toBeGreaterThan(0);
  });

  it('line of sight is cast in the sense phase, in one batch, and varies with walls', async () => {
    for (const mode of ['egocentric', 'joint'] as const) {
      const { world, decider, policy } = await world5v5(mode, { temperature: 0 });
      const sight = world.sight!;
      const casts = sight.casts;
      step(world);
      expect(sight.casts - casts).toBe(1); // sense cast them; decide found them known
      const F = policy.spec.observation.featuresPerToken;
      const los = decider.observations.layout.block('lineOfSight')!.offset;
      const tokens = mode === 'joint' ? 10 : 100;
      const values = new Set<number>();
      for (let t = 0; t < tokens; t++) if (policy.mask[t] === 0) values.add(policy.tokens[t * F + los]!);
      // The wall at x = 6..7 hides some players from others.
      expect([...values].sort()).toEqual([0, 1]);
    }
  });

  it('refuses a policy built for another sensor, naming the path', async () => {
    const other = new RaySensor({ ...makeSensor().config, layout: { kind: 'fan', raysPerDirection: 4, maxDegrees: 60 } });
    const caster = new BvhRayCaster(level, { maxAgents: 4 });
    const built = createAiWorld({ capacity: 4, sensors: [other], deciders: [], caster });
    const policy = await loadPolicy(starterModelBytes({ observation: layoutForWorld(built, { mode: 'egocentric' }).toJSON() }));
    const world = createAiWorld({ capacity: 4, sensors: [makeSensor()], deciders: [], caster });
    expect(() => policyDecider(world, policy, { file: 'fan.onnx' })).toThrow(
      /does not fit this world: observation\.rays\.count: policy 9, world 16.*fan\.onnx/,
    );
    const blind = createAiWorld({ capacity: 4, sensors: [other], deciders: [] });
    expect(() => policyDecider(blind, policy)).toThrow(/observation\.lineOfSight: policy .*world none.*caster/);
  });
});
