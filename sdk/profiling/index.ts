/**
 * `tickmind/profiling`: the clock (the only place the SDK reads time). Spans, percentiles and
 * trace export follow with the profiling issue.
 * @module profiling
 */

export type { Clock } from './clock.js';
export { monotonicClock } from './clock.js';
