import { describe, expect, it } from 'vitest';
import { Rng } from '../../sdk/core/index.js';
import { argmax, DecisionScheduler, sampleLogits } from '../../sdk/policy/index.js';

describe('sampling', () => {
  const logits = Float32Array.of(9, 1, 2, 0.5, 3, -1); // offset 1: five classes [1, 2, 0.5, 3, -1]

  it('matches the softmax distribution (fixed seed, 200k draws)', () => {
    for (const temperature of [1, 0.5, 2]) {
      const rng = new Rng(17);
      const counts = new Float64Array(5);
      const n = 200_000;
      for (let i = 0; i < n; i++) counts[sampleLogits(logits, 1, 5, temperature, rng)]!++;
      const z = Array.from(logits.slice(1), (l) => Math.exp(l / temperature));
      const total = z.reduce((a, b) => a + b, 0);
      for (let c = 0; c < 5; c++) {
        const p = z[c]! / total;
        const sd = Math.sqrt((p * (1 - p)) / n);
        expect(Math.abs(counts[c]! / n - p), `class ${c} at T=${temperature}`).toBeLessThan(5 * sd + 1e-6);
      }
    }
  });

  it('reproduces with the same seed', () => {
    const draw = () => {
      const rng = new Rng(3);
      return Array.from({ length: 50 }, () => sampleLogits(logits, 1, 5, 1, rng));
    };
    expect(draw()).toEqual(draw());
  });

  it('temperature 0 is argmax and draws nothing', () => {
    const rng = new Rng(1);
    const before = rng.nextUint32();
    rng.reseed(1);
    expect(sampleLogits(logits, 1, 5, 0, rng)).toBe(3);
    expect(rng.nextUint32()).toBe(before);
    expect(argmax(logits, 0, 6)).toBe(0);
  });
});

describe('DecisionScheduler', () => {
  /** Simulated decide cost: 10 µs per call + 3 µs per agent (no clock: the test cannot flake). */
  const cost = (n: number) => (n === 0 ? 0 : 10 + 3 * n);

  function simulate(agents: number, ticks: number, config: ConstructorParameters<typeof DecisionScheduler>[1], varying = false) {
    const scheduler = new DecisionScheduler(agents, config);
    const due = Int32Array.from({ length: agents }, (_, i) => i);
    const out = new Int32Array(agents);
    const lastDecided = new Int32Array(agents).fill(-1);
    let worstCost = 0;
    let longestGap = 0;
    for (let tick = 0; tick < ticks; tick++) {
      // Every agent wants to decide every tick (period 1): due = everyone not yet served.
      const n = scheduler.select(tick, due, varying ? 5 + ((tick * 7) % (agents - 5)) : agents, out);
      const us = cost(n);
      scheduler.record(n, us);
      if (tick > 20) worstCost = Math.max(worstCost, us);
      for (let i = 0; i < n; i++) {
        const e = out[i]!;
        if (lastDecided[e]! >= 0) longestGap = Math.max(longestGap, tick - lastDecided[e]!);
        lastDecided[e] = tick;
      }
    }
    return { scheduler, worstCost, longestGap, lastDecided };
  }

  it('learns the cost model from measured calls', () => {
    const { scheduler } = simulate(40, 400, { budgetUs: 1000 }, true);
    expect(scheduler.callUs).toBeCloseTo(10, 0);
    expect(scheduler.agentUs).toBeCloseTo(3, 0);
  });

  it('under 10x overload stays within budget plus one batch and nobody starves', () => {
    // Budget 200 µs fits ~63 agents a tick; 630 agents are due every tick.
    const budgetUs = 200;
    const maxBatch = 16;
    const { scheduler, worstCost, longestGap, lastDecided } = simulate(630, 500, {
      budgetUs,
      maxWaitTicks: 12,
      maxOverBudgetBatch: maxBatch,
    });
    expect(worstCost).toBeLessThanOrEqual(budgetUs + cost(maxBatch));
    expect(lastDecided.every((t) => t >= 500 - 15)).toBe(true); // everyone decided recently
    // The bound (12) holds up to one tick when more agents reach it at once than one batch holds.
    expect(longestGap).toBeLessThanOrEqual(12 + 2);
    expect(scheduler.stats.deferrals).toBeGreaterThan(0);
    expect(scheduler.stats.worstWaitTicks).toBeLessThanOrEqual(12 + 1);
  });

  it('defers nothing when the work fits', () => {
    const { scheduler } = simulate(20, 100, { budgetUs: 500 });
    expect(scheduler.stats.deferrals).toBe(0);
    expect(scheduler.stats.worstWaitTicks).toBe(0);
  });

  it('serves the oldest first, ties in the order given — also once waits span more ticks than its buckets', () => {
    // Reference: each agent's first unserved due tick, a stable sort by it.
    for (const [agents, perTick] of [
      [64, 7],
      [400, 1], // waits grow past 256 ticks: the insertion-sort path
    ] as const) {
      const scheduler = new DecisionScheduler(agents, {
        budgetUs: 1000,
        costModel: { callUs: 0, agentUs: 1000 / perTick },
        maxWaitTicks: 1e9,
      });
      const since = new Int32Array(agents).fill(-1);
      const out = new Int32Array(agents);
      let pseudo = 7;
      const next = () => {
        pseudo = (pseudo * 1103515245 + 12345) % 2147483648;
        return pseudo;
      };
      for (let tick = 0; tick < 420; tick++) {
        // A varying subset is due each tick, in a shuffled order.
        const due = Int32Array.from({ length: agents }, (_, i) => i).filter(() => next() % 3 !== 0);
        for (let i = due.length - 1; i > 0; i--) {
          const j = next() % (i + 1);
          [due[i], due[j]] = [due[j]!, due[i]!];
        }
        for (const e of due) if (since[e]! < 0) since[e] = tick;
        const want = [...due].map((e, i) => [e, i] as const).sort((a, b) => since[a[0]]! - since[b[0]]! || a[1] - b[1]);
        const n = scheduler.select(tick, due, due.length, out);
        expect(n).toBe(Math.min(perTick, due.length));
        expect([...out.subarray(0, n)], `tick ${tick}`).toEqual(want.slice(0, n).map(([e]) => e));
        for (let i = 0; i < n; i++) since[out[i]!] = -1;
      }
    }
  });

  it('rejects a non-positive budget', () => {
    expect(() => new DecisionScheduler(4, { budgetUs: 0 })).toThrow(/budgetUs/);
  });
});
