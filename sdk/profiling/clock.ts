/**
 * The clock. Per DESIGN.md, profiling is the only sdk module that reads time; everything that
 * needs a duration (the decision scheduler's cost model, the profiler) takes a Clock, so tests
 * can inject a fake one.
 */

/** Returns a monotonic time in microseconds. */
export type Clock = () => number;

/** The engine's monotonic clock (performance.now), in microseconds. */
export const monotonicClock: Clock = () => performance.now() * 1000;
