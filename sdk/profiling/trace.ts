/**
 * Chrome Trace Event export: one complete ("X") event per tick and per span, nested by time on one
 * thread, one counter ("C") event per tick per counter, and process/thread names. Opens in
 * Perfetto UI (ui.perfetto.dev → Open trace file) and in Chrome DevTools (Performance → Load profile).
 */
import type { Profiler } from './profiler.js';

/** One Trace Event Format event (the fields this exporter writes). */
export interface TraceEvent {
  /** Event name: the span, "tick", a counter, or a metadata key. */
  name: string;
  /** Phase: "X" complete, "C" counter, "M" metadata. */
  ph: 'X' | 'C' | 'M';
  /** Start, µs (absent on metadata). */
  ts?: number;
  /** Duration, µs (complete events). */
  dur?: number;
  /** Process id. */
  pid: number;
  /** Thread id. */
  tid: number;
  /** Category. */
  cat?: string;
  /** Arguments: counter values, names, tick numbers. */
  args?: Record<string, number | string>;
}

/** A trace file's content, in the JSON Object Format. */
export interface ChromeTrace {
  /** The events. */
  traceEvents: TraceEvent[];
  /** How viewers show times. */
  displayTimeUnit: 'ms' | 'ns';
  /** Free-form metadata (budget, ticks). */
  metadata: Record<string, number | string>;
}

/** Options of {@link chromeTrace}. */
export interface ChromeTraceOptions {
  /** Process name shown by the viewer (default "tickmind"). */
  processName?: string;
  /** Thread name shown by the viewer (default "ai tick"). */
  threadName?: string;
  /** Export only the latest this many ticks (default: every tick in the ring). */
  maxTicks?: number;
}

/** Exports the ticks held in the profiler's ring as a Chrome trace; `JSON.stringify` it to a `.json` file. */
export function chromeTrace(profiler: Profiler, options: ChromeTraceOptions = {}): ChromeTrace {
  const pid = 1;
  const tid = 1;
  const events: TraceEvent[] = [
    { name: 'process_name', ph: 'M', pid, tid, args: { name: options.processName ?? 'tickmind' } },
    { name: 'thread_name', ph: 'M', pid, tid, args: { name: options.threadName ?? 'ai tick' } },
  ];
  const slots = profiler.slots().slice(-(options.maxTicks ?? Number.POSITIVE_INFINITY));
  const origin = slots.length > 0 ? profiler.tickStartOf(slots[0]!) : 0;
  const first = profiler.ticks - slots.length;
  slots.forEach((slot, k) => {
    const ts = profiler.tickStartOf(slot) - origin;
    const dur = profiler.tickDurationOf(slot);
    const over = dur > profiler.budgetUs ? 1 : 0;
    events.push({
      name: 'tick',
      cat: 'tick',
      ph: 'X',
      ts: round3(ts),
      dur: round3(dur),
      pid,
      tid,
      args: { tick: first + k, overBudget: over },
    });
    for (const span of profiler.spansOf(slot)) {
      const name = profiler.names[span.id] ?? `span ${span.id}`;
      events.push({ name, cat: 'phase', ph: 'X', ts: round3(span.start - origin), dur: round3(span.dur), pid, tid });
    }
    const values = profiler.countersOf(slot);
    profiler.counterNames.forEach((name, c) => {
      events.push({ name, cat: 'counter', ph: 'C', ts: round3(ts), pid, tid, args: { [name]: values[c]! } });
    });
  });
  return {
    traceEvents: events,
    displayTimeUnit: 'ms',
    metadata: { budgetUs: profiler.budgetUs, ticks: slots.length, firstTick: first },
  };
}

/** Trace timestamps keep ns resolution and no more (smaller files). */
function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
