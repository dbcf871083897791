/** The profiler: percentiles on known distributions, nesting, rings, counters, exports. */
import { describe, expect, it } from 'vitest';
import { chromeTrace, htmlReport, Profiler, percentiles, profileSummary } from '../../sdk/profiling/index.js';

/** A clock the test advances by hand, µs. */
function fakeClock() {
  const c = { now: 0, read: () => c.now };
  return c;
}

describe('percentiles', () => {
  it('matches nearest-rank percentiles of 1..1000', () => {
    const s = Float64Array.from({ length: 1000 }, (_, i) => 1000 - i); // unsorted input
    expect(percentiles(s)).toEqual({ p50Us: 500, p90Us: 900, p99Us: 990, p999Us: 999, maxUs: 1000, meanUs: 500.5 });
  });

  it('finds the tail of an exponential sample near its analytic quantiles', () => {
    // Inverse-CDF samples of Exp(mean 100): the q-quantile is -100 ln(1 - q).
    const n = 100_000;
    const s = Float64Array.from({ length: n }, (_, i) => -100 * Math.log(1 - (i + 0.5) / n));
    const p = percentiles(s);
    expect(p.p50Us).toBeCloseTo(69.31, 0);
    expect(p.p99Us).toBeCloseTo(460.5, 0);
    expect(p.p999Us).toBeCloseTo(690.8, -1);
  });

  it('is all zeros for no samples', () => {
    expect(percentiles(new Float64Array(0)).maxUs).toBe(0);
  });
});

describe('Profiler', () => {
  it('records nested spans with depths and durations from the injected clock', () => {
    const clock = fakeClock();
    const p = new Profiler({ clock: clock.read, budgetUs: 100 });
    const outer = p.span('decide');
    const inner = p.span('decide:policy');
    p.beginTick();
    clock.now += 5;
    p.begin(outer);
    clock.now += 10;
    p.begin(inner);
    clock.now += 30;
    p.end();
    clock.now += 2;
    p.end();
    p.endTick();
    const [slot] = p.slots();
    expect(p.spansOf(slot!)).toEqual([
      { id: outer, depth: 0, start: 5, dur: 42 },
      { id: inner, depth: 1, start: 15, dur: 30 },
    ]);
    expect(p.tickDurationOf(slot!)).toBe(47);
    expect(p.span('decide')).toBe(outer); // registering again finds the same id
  });

  it('keeps the latest ticks in its ring and counts ticks over budget over the whole run', () => {
    const clock = fakeClock();
    const p = new Profiler({ clock: clock.read, ticks: 4, budgetUs: 10 });
    const s = p.span('work');
    const c = p.counter('deferred');
    for (let t = 0; t < 10; t++) {
      p.beginTick();
      p.begin(s);
      clock.now += t * 2; // ticks 6..9 take 12..18 µs: over the 10 µs budget
      p.end();
      p.count(c, t);
      p.endTick();
    }
    expect(p.ticks).toBe(10);
    expect([...p.series(s)]).toEqual([12, 14, 16, 18]);
    expect([...p.counterSeries(c)]).toEqual([6, 7, 8, 9]);
    expect(p.overBudget).toBe(4);
    const summary = profileSummary(p);
    expect(summary).toMatchObject({
      ticks: 10,
      ticksSummarized: 4,
      overBudgetTicks: 4,
      counters: { deferred: 30 },
      deferredDecisions: 30,
      raysPerTick: 0,
    });
    expect(summary.phases.work!.maxUs).toBe(18);
  });

  it('reads the newest tick without allocating: its slot, its duration and a span total', () => {
    const clock = fakeClock();
    const p = new Profiler({ clock: clock.read, ticks: 3 });
    const a = p.span('a');
    const b = p.span('b');
    expect(p.latestSlot).toBe(-1);
    for (let t = 1; t <= 5; t++) {
      p.beginTick();
      p.begin(a);
      clock.now += t;
      p.end();
      p.begin(b);
      clock.now += 10;
      p.end();
      p.begin(a);
      clock.now += 1;
      p.end();
      p.endTick();
    }
    const slot = p.latestSlot;
    expect(slot).toBe(4 % 3);
    expect(p.spanTotalOf(slot, a)).toBe(6); // 5 + 1, both occurrences of the newest tick
    expect(p.spanTotalOf(slot, b)).toBe(10);
    expect(p.tickDurationOf(slot)).toBe(16);
  });

  it('counts spans past its per-tick capacity instead of storing them, and closes spans left open', () => {
    const clock = fakeClock();
    const p = new Profiler({ clock: clock.read, spansPerTick: 2 });
    const s = p.span('x');
    p.beginTick();
    for (let i = 0; i < 3; i++) {
      p.begin(s);
      clock.now += 1;
      p.end();
    }
    p.begin(s); // never closed
    clock.now += 1;
    p.endTick();
    expect(p.spansOf(p.slots()[0]!)).toHaveLength(2);
    expect(p.droppedSpans).toBe(2);
  });

  it('forgets warm-up ticks on reset', () => {
    const p = new Profiler({ clock: fakeClock().read });
    p.beginTick();
    p.endTick();
    p.reset();
    expect(p.ticks).toBe(0);
    expect(p.slots()).toEqual([]);
  });

  it('in devtools mode emits performance.measure entries per span and clears them at the end of each tick', () => {
    const clock = fakeClock();
    clock.now = 1000;
    const p = new Profiler({ clock: clock.read, devtools: true });
    const s = p.span('tickmind:sense');
    p.beginTick();
    p.begin(s);
    clock.now += 250;
    p.end();
    const measures = performance.getEntriesByType('measure').filter((e) => e.name === 'tickmind:sense');
    expect(measures).toHaveLength(1);
    expect(measures[0]!.duration).toBeCloseTo(0.25, 6); // ms
    p.endTick();
    expect(performance.getEntriesByType('measure').filter((e) => e.name === 'tickmind:sense')).toHaveLength(0);
  });

  it('rejects a non-positive ring size', () => {
    expect(() => new Profiler({ ticks: 0 })).toThrow(/positive/);
  });
});

function sampleProfile(): Profiler {
  const clock = fakeClock();
  const p = new Profiler({ clock: clock.read, budgetUs: 40 });
  const sense = p.span('sense');
  const decide = p.span('decide');
  const policy = p.span('decide:policy <main>');
  const rays = p.counter('rays');
  for (let t = 0; t < 20; t++) {
    p.beginTick();
    p.begin(sense);
    clock.now += 10;
    p.end();
    p.begin(decide);
    p.begin(policy);
    clock.now += 20 + t;
    p.end();
    p.end();
    p.count(rays, 160);
    p.endTick();
    clock.now += 1000;
  }
  return p;
}

describe('chromeTrace', () => {
  it('writes valid nested complete events, counters and names that survive a JSON round trip', () => {
    const trace = JSON.parse(JSON.stringify(chromeTrace(sampleProfile(), { processName: 'game' })));
    const events = trace.traceEvents as {
      name: string;
      ph: string;
      ts: number;
      dur: number;
      pid: number;
      tid: number;
      args: Record<string, unknown>;
    }[];
    expect(events.filter((e) => e.ph === 'M').map((e) => [e.name, e.args.name])).toEqual([
      ['process_name', 'game'],
      ['thread_name', 'ai tick'],
    ]);
    for (const e of events) {
      expect(['X', 'C', 'M']).toContain(e.ph);
      expect(Number.isInteger(e.pid) && Number.isInteger(e.tid)).toBe(true);
      if (e.ph !== 'M') expect(e.ts).toBeGreaterThanOrEqual(0);
      if (e.ph === 'X') expect(e.dur).toBeGreaterThanOrEqual(0);
    }
    const ticks = events.filter((e) => e.name === 'tick');
    expect(ticks).toHaveLength(20);
    // Every span lies inside its tick, and the nested policy span inside decide.
    const last = ticks[19]!;
    const decide = events.filter((e) => e.name === 'decide').at(-1)!;
    const policy = events.filter((e) => e.name === 'decide:policy <main>').at(-1)!;
    expect(decide.ts).toBeGreaterThanOrEqual(last.ts);
    expect(decide.ts + decide.dur).toBeLessThanOrEqual(last.ts + last.dur);
    expect(policy.ts).toBeGreaterThanOrEqual(decide.ts);
    expect(policy.ts + policy.dur).toBeLessThanOrEqual(decide.ts + decide.dur);
    expect(events.filter((e) => e.ph === 'C' && e.name === 'rays').every((e) => e.args.rays === 160)).toBe(true);
    expect(last.args).toEqual({ tick: 19, overBudget: 1 });
  });

  it('exports only the latest maxTicks ticks, numbered from the run start', () => {
    const events = chromeTrace(sampleProfile(), { maxTicks: 5 }).traceEvents.filter((e) => e.name === 'tick');
    expect(events.map((e) => e.args?.tick)).toEqual([15, 16, 17, 18, 19]);
    expect(events[0]!.ts).toBe(0);
  });
});

describe('htmlReport', () => {
  it('is self-contained: no scripts, no external URLs, escaped names, the budget drawn', () => {
    const html = htmlReport(sampleProfile(), { facts: { agents: 10 } });
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\//i);
    expect(html).toContain('decide:policy &lt;main&gt;');
    expect(html).toContain('budget 40 µs');
    expect(html.match(/<svg/g)!.length).toBe(1 + 4); // timeline + sense, decide, policy, total histograms
  });
});
