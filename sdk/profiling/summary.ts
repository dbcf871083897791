/** The JSON summary of a profiled run: percentiles per span and for the whole tick, counters, budget verdicts. */
import { type PhaseStats, type Profiler, percentiles } from './profiler.js';

/** A profiled run in numbers. */
export interface ProfileSummary {
  /** Ticks recorded over the run. */
  ticks: number;
  /** Ticks summarized (those still in the ring). */
  ticksSummarized: number;
  /** The budget, µs. */
  budgetUs: number;
  /** Percentiles per span name that occurred (per tick, repeats summed; ticks without it count 0), plus "total" for the whole tick. */
  phases: Record<string, PhaseStats>;
  /** Ticks over budget, over the whole run. */
  overBudgetTicks: number;
  /** Sum of each counter over the summarized ticks. */
  counters: Record<string, number>;
  /** Agents due but not decided, summed over the summarized ticks (the ECS's `deferred` counter; 0 without it). */
  deferredDecisions: number;
  /** Rays cast per summarized tick, mean (the ECS's `rays` counter: sensors and line of sight; 0 without it). */
  raysPerTick: number;
  /** Heap growth, bytes per 1000 ticks (0 when the profiler had no heap source). */
  heapGrowthBytesPer1kTicks: number;
  /** Spans that did not fit the per-tick span capacity. */
  droppedSpans: number;
}

/** Summarizes a profiler's ring. */
export function profileSummary(profiler: Profiler): ProfileSummary {
  const phases: Record<string, PhaseStats> = {};
  for (const id of spanOrder(profiler.names)) {
    if (profiler.occurrences(id) > 0) phases[profiler.names[id]!] = percentiles(profiler.series(id));
  }
  phases.total = percentiles(profiler.totals());
  const counters: Record<string, number> = {};
  profiler.counterNames.forEach((name, id) => {
    counters[name] = profiler.counterTotal(id);
  });
  const summarized = profiler.slots().length;
  return {
    ticks: profiler.ticks,
    ticksSummarized: summarized,
    budgetUs: profiler.budgetUs,
    phases,
    overBudgetTicks: profiler.overBudget,
    counters,
    deferredDecisions: counters.deferred ?? 0,
    raysPerTick: summarized > 0 ? Math.round(((counters.rays ?? 0) / summarized) * 10) / 10 : 0,
    heapGrowthBytesPer1kTicks: Math.round(profiler.heapGrowthPer1kTicks()),
    droppedSpans: profiler.droppedSpans,
  };
}

/** Span ids in registration order, except that "parent:child" follows "parent" (e.g. "decide:policy" after "decide"). */
export function spanOrder(names: readonly string[]): number[] {
  const parentOf = (name: string) => {
    const i = name.indexOf(':');
    const p = i > 0 ? names.indexOf(name.slice(0, i)) : -1;
    return p >= 0 ? p : names.indexOf(name);
  };
  return names.map((_, id) => id).sort((a, b) => parentOf(names[a]!) - parentOf(names[b]!) || a - b);
}
