/**
 * `tickmind/profiling`: the clock (the only place the SDK reads time), the per-tick span
 * {@link Profiler}, percentiles, and exports: Chrome trace JSON (Perfetto, DevTools), a JSON
 * summary, and a self-contained HTML report.
 * @module profiling
 */

export type { Clock } from './clock.js';
export { monotonicClock } from './clock.js';
export type { PhaseStats, ProfilerOptions, RecordedSpan } from './profiler.js';
export { Profiler, percentiles } from './profiler.js';
export type { HtmlReportOptions } from './report.js';
export { htmlReport } from './report.js';
export type { ProfileSummary } from './summary.js';
export { profileSummary } from './summary.js';
export type { ChromeTrace, ChromeTraceOptions, TraceEvent } from './trace.js';
export { chromeTrace } from './trace.js';
