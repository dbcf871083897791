/**
 * Span and counter ids a world records into its profiler: one span per phase (sense, decide, act,
 * record, physics), one nested span per decider inside decide ("decide:NAME", registered on the
 * first tick a decider runs), and counters per tick (rays, decided, deferred). With a profiler
 * whose caller owns the ticks (`ticksByCaller`), the phases nest in a `step` span per world and
 * the counters add up over the worlds of a tick.
 */
import type { Profiler } from '../profiling/profiler.js';

/** The world's profiler and the ids it records under. */
export interface TickProfile {
  /** The profiler (passed in with `createAiWorld({ profiler })`). */
  readonly profiler: Profiler;
  /** Span ids of the phases. */
  readonly sense: number;
  /** Span id of the decide phase (all deciders). */
  readonly decide: number;
  /** Span id of the act phase. */
  readonly act: number;
  /** Span id of the record callback. */
  readonly record: number;
  /** Span id of the physics step and transform sync. */
  readonly physics: number;
  /** Span id of the whole step, recorded when the profiler's caller owns the ticks; -1 otherwise. */
  readonly step: number;
  /** Span id per decider index; -1 until registered. */
  readonly deciders: Int32Array;
  /** Counter ids. */
  readonly rays: number;
  /** Counter id: agents that received a decision this tick. */
  readonly decided: number;
  /** Counter id: agents due this tick whose decision was deferred (scheduler budget, or pending async). */
  readonly deferred: number;
}

/** Most deciders a profiled world names separately; later ones share the last span. */
const MAX_DECIDERS = 32;

/** Registers the world's spans and counters on a profiler. */
export function createTickProfile(profiler: Profiler): TickProfile {
  return {
    profiler,
    sense: profiler.span('sense'),
    decide: profiler.span('decide'),
    act: profiler.span('act'),
    record: profiler.span('record'),
    physics: profiler.span('physics'),
    step: profiler.ticksByCaller ? profiler.span('step') : -1,
    deciders: new Int32Array(MAX_DECIDERS).fill(-1),
    rays: profiler.counter('rays'),
    decided: profiler.counter('decided'),
    deferred: profiler.counter('deferred'),
  };
}

/** The span id of decider d (registered once, on first use: it allocates the name once). */
export function deciderSpan(profile: TickProfile, d: number, name: string): number {
  const k = Math.min(d, MAX_DECIDERS - 1);
  let id = profile.deciders[k]!;
  if (id < 0) {
    id = profile.profiler.span(`decide:${name}`);
    profile.deciders[k] = id;
  }
  return id;
}
