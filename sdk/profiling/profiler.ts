/**
 * The profiler: named, nested spans per tick recorded into preallocated rings, counters per
 * tick, percentiles and budget verdicts on demand. Pass one in (never a global); inject the clock
 * in tests. Recording allocates nothing; summaries and exports allocate (they run after the fact).
 */
import { TickmindError } from '../core/errors.js';
import { type Clock, monotonicClock } from './clock.js';

/** Options of a {@link Profiler}. */
export interface ProfilerOptions {
  /** Ticks kept (the ring; older ticks are overwritten). Default 4096. */
  ticks?: number;
  /** Most spans recorded per tick (extra spans are counted, not stored). Default 64. */
  spansPerTick?: number;
  /** Budget per tick, µs, for verdicts and the report's budget line (default 1000). */
  budgetUs?: number;
  /** Time source in µs (default the monotonic clock). */
  clock?: Clock;
  /** Heap size in bytes (e.g. () => process.memoryUsage().heapUsed); sampled once per tick when given. */
  heapUsed?: () => number;
  /** Browser dev mode: also emit performance.measure entries (and clear them each tick). */
  devtools?: boolean;
  /**
   * The caller begins and ends the ticks: a world stepped with this profiler records its spans
   * (under a `step` span) and adds its counters into the tick already open, so one tick can hold
   * several worlds — a server running many matches. Default false: each world step is a tick.
   */
  ticksByCaller?: boolean;
}

/** Percentiles of one series, µs. */
export interface PhaseStats {
  /** Median, µs. */
  p50Us: number;
  /** 90th percentile, µs. */
  p90Us: number;
  /** 99th percentile, µs. */
  p99Us: number;
  /** 99.9th percentile, µs. */
  p999Us: number;
  /** Worst sample, µs. */
  maxUs: number;
  /** Mean, µs. */
  meanUs: number;
}

/** One recorded span, as exports read it. */
export interface RecordedSpan {
  /** Span id (index into {@link Profiler.names}). */
  id: number;
  /** Nesting depth: 0 for a top-level span. */
  depth: number;
  /** Start, µs on the profiler's clock. */
  start: number;
  /** Duration, µs. */
  dur: number;
}

const MAX_DEPTH = 16;

/**
 * Records named, nested spans and counters per tick into preallocated rings.
 *
 * ```ts
 * const profiler = new Profiler({ budgetUs: 1000 });
 * const sense = profiler.span('sense');
 * profiler.beginTick();
 * profiler.begin(sense); senseAll(); profiler.end();
 * profiler.endTick();
 * percentiles(profiler.series(sense)).p99Us;
 * ```
 */
export class Profiler {
  /** Span names by id (register with {@link Profiler.span}). */
  readonly names: string[] = [];
  /** Counter names by id (register with {@link Profiler.counter}). */
  readonly counterNames: string[] = [];
  /** Budget per tick, µs. */
  readonly budgetUs: number;
  /** Whether the caller begins and ends the ticks (see {@link ProfilerOptions.ticksByCaller}). */
  readonly ticksByCaller: boolean;
  private readonly clock: Clock;
  private readonly capacity: number;
  private readonly spansPerTick: number;
  private readonly heapUsed: (() => number) | undefined;
  private readonly devtools: boolean;
  // Rings, per tick slot: start time, total duration, span count; per span: id, depth, start, duration.
  private readonly tickStart: Float64Array;
  private readonly tickDur: Float64Array;
  private readonly tickSpans: Int32Array;
  private readonly tickHeap: Float64Array;
  private readonly spanId: Int16Array;
  private readonly spanDepth: Uint8Array;
  private readonly spanStart: Float64Array;
  private readonly spanDur: Float64Array;
  private counters: Float64Array;
  // Open spans.
  private readonly stackSlot = new Int32Array(MAX_DEPTH);
  private depth = 0;
  private recorded = 0;
  private current = -1;
  private t0 = 0;
  /** Spans that did not fit in spansPerTick (recorded ticks are still timed). */
  droppedSpans = 0;
  /** Ticks whose total duration exceeded the budget, over the whole run (not only the ring). */
  overBudget = 0;

  constructor(options: ProfilerOptions = {}) {
    this.capacity = options.ticks ?? 4096;
    this.spansPerTick = options.spansPerTick ?? 64;
    this.budgetUs = options.budgetUs ?? 1000;
    this.ticksByCaller = options.ticksByCaller ?? false;
    this.clock = options.clock ?? monotonicClock;
    this.heapUsed = options.heapUsed;
    this.devtools = options.devtools === true && typeof performance !== 'undefined' && typeof performance.measure === 'function';
    if (!(this.capacity > 0) || !(this.spansPerTick > 0))
      throw new TickmindError('INVALID_ARGUMENT', 'ticks and spansPerTick must be positive', { field: 'ticks' });
    this.tickStart = new Float64Array(this.capacity);
    this.tickDur = new Float64Array(this.capacity);
    this.tickSpans = new Int32Array(this.capacity);
    this.tickHeap = new Float64Array(this.capacity);
    const n = this.capacity * this.spansPerTick;
    this.spanId = new Int16Array(n);
    this.spanDepth = new Uint8Array(n);
    this.spanStart = new Float64Array(n);
    this.spanDur = new Float64Array(n);
    this.counters = new Float64Array(0);
  }

  /** Registers (or finds) a span name; returns its id. Call at setup, not per tick. */
  span(name: string): number {
    const i = this.names.indexOf(name);
    if (i >= 0) return i;
    this.names.push(name);
    return this.names.length - 1;
  }

  /** Registers (or finds) a counter; returns its id. Call at setup, not per tick. */
  counter(name: string): number {
    const i = this.counterNames.indexOf(name);
    if (i >= 0) return i;
    this.counterNames.push(name);
    const grown = new Float64Array(this.capacity * this.counterNames.length);
    // Re-lay existing values (counters are few and registered at setup).
    const k = this.counterNames.length - 1;
    for (let t = 0; t < this.capacity; t++) for (let c = 0; c < k; c++) grown[t * (k + 1) + c] = this.counters[t * k + c] ?? 0;
    this.counters = grown;
    return k;
  }

  /** Starts a tick (its counters at 0). */
  beginTick(): void {
    this.current = this.recorded % this.capacity;
    this.tickSpans[this.current] = 0;
    const c = this.counterNames.length;
    this.counters.fill(0, this.current * c, this.current * c + c);
    this.depth = 0;
    this.t0 = this.clock();
    this.tickStart[this.current] = this.t0;
  }

  /** Opens span `id` (nested inside any open span). */
  begin(id: number): void {
    const slot = this.current;
    if (slot < 0) return;
    const k = this.tickSpans[slot]!;
    if (k >= this.spansPerTick || this.depth >= MAX_DEPTH) {
      this.droppedSpans++;
      this.stackSlot[Math.min(this.depth, MAX_DEPTH - 1)] = -1;
      this.depth++;
      return;
    }
    const i = slot * this.spansPerTick + k;
    this.spanId[i] = id;
    this.spanDepth[i] = this.depth;
    this.spanStart[i] = this.clock();
    this.stackSlot[this.depth++] = i;
    this.tickSpans[slot] = k + 1;
  }

  /** Closes the innermost open span. */
  end(): void {
    if (this.depth === 0) return;
    const i = this.stackSlot[--this.depth]!;
    if (i < 0) return;
    const now = this.clock();
    this.spanDur[i] = now - this.spanStart[i]!;
    if (this.devtools) performance.measure(this.names[this.spanId[i]!]!, { start: this.spanStart[i]! / 1000, end: now / 1000 });
  }

  /** Sets counter `id` for the current tick. */
  count(id: number, value: number): void {
    if (this.current >= 0) this.counters[this.current * this.counterNames.length + id] = value;
  }

  /** Adds `value` to counter `id` for the current tick. */
  add(id: number, value: number): void {
    if (this.current < 0) return;
    const i = this.current * this.counterNames.length + id;
    this.counters[i] = this.counters[i]! + value;
  }

  /** Ends the tick (closing any spans left open). */
  endTick(): void {
    while (this.depth > 0) this.end();
    const slot = this.current;
    if (slot < 0) return;
    this.tickDur[slot] = this.clock() - this.t0;
    this.tickHeap[slot] = this.heapUsed === undefined ? 0 : this.heapUsed();
    if (this.tickDur[slot]! > this.budgetUs) this.overBudget++;
    // Clear only our own measures (the game's stay), so they never pile up.
    if (this.devtools) for (let n = 0; n < this.names.length; n++) performance.clearMeasures(this.names[n]);
    this.recorded++;
    this.current = -1;
  }

  /** Forgets every recorded tick (e.g. after warm-up); names, counters and buffers stay. */
  reset(): void {
    this.recorded = 0;
    this.overBudget = 0;
    this.droppedSpans = 0;
    this.current = -1;
    this.depth = 0;
  }

  /** Ticks recorded so far (may exceed the ring's capacity). */
  get ticks(): number {
    return this.recorded;
  }

  /** Ring slot of the newest recorded tick, -1 before the first (read it with tickDurationOf / spanTotalOf). */
  get latestSlot(): number {
    return this.recorded === 0 ? -1 : (this.recorded - 1) % this.capacity;
  }

  /** Total duration of span `id` within one held tick (summed over repeats), µs; allocation-free. */
  spanTotalOf(slot: number, id: number): number {
    let sum = 0;
    for (let s = 0; s < this.tickSpans[slot]!; s++) {
      const i = slot * this.spansPerTick + s;
      if (this.spanId[i] === id) sum += this.spanDur[i]!;
    }
    return sum;
  }

  /** Ticks held in the ring, oldest first, as ring slots. */
  slots(): number[] {
    const n = Math.min(this.recorded, this.capacity);
    const first = this.recorded - n;
    return Array.from({ length: n }, (_, k) => (first + k) % this.capacity);
  }

  /** Per held tick: the total duration of span `id` in that tick (summed over repeats), µs. */
  series(id: number): Float64Array {
    const slots = this.slots();
    const out = new Float64Array(slots.length);
    slots.forEach((slot, k) => {
      let sum = 0;
      for (let s = 0; s < this.tickSpans[slot]!; s++) {
        const i = slot * this.spansPerTick + s;
        if (this.spanId[i] === id) sum += this.spanDur[i]!;
      }
      out[k] = sum;
    });
    return out;
  }

  /** Held ticks in which span `id` was recorded at least once. */
  occurrences(id: number): number {
    let n = 0;
    for (const slot of this.slots()) {
      for (let s = 0; s < this.tickSpans[slot]!; s++) {
        if (this.spanId[slot * this.spansPerTick + s] === id) {
          n++;
          break;
        }
      }
    }
    return n;
  }

  /** Whether a heap source was given (heap growth is measured). */
  get measuresHeap(): boolean {
    return this.heapUsed !== undefined;
  }

  /** Per held tick: total tick duration, µs. */
  totals(): Float64Array {
    return Float64Array.from(this.slots(), (s) => this.tickDur[s]!);
  }

  /** Per held tick: counter `id`. */
  counterSeries(id: number): Float64Array {
    const c = this.counterNames.length;
    return Float64Array.from(this.slots(), (s) => this.counters[s * c + id]!);
  }

  /** Heap growth over the held ticks, bytes per 1000 ticks (0 without a heap source). */
  heapGrowthPer1kTicks(): number {
    const slots = this.slots();
    if (this.heapUsed === undefined || slots.length < 2) return 0;
    return ((this.tickHeap[slots[slots.length - 1]!]! - this.tickHeap[slots[0]!]!) / (slots.length - 1)) * 1000;
  }

  /** Spans of one held tick in the order they began, for exports. */
  spansOf(slot: number): RecordedSpan[] {
    const out: RecordedSpan[] = [];
    for (let s = 0; s < this.tickSpans[slot]!; s++) {
      const i = slot * this.spansPerTick + s;
      out.push({ id: this.spanId[i]!, depth: this.spanDepth[i]!, start: this.spanStart[i]!, dur: this.spanDur[i]! });
    }
    return out;
  }

  /** Start of a held tick, µs. */
  tickStartOf(slot: number): number {
    return this.tickStart[slot]!;
  }

  /** Duration of a held tick, µs. */
  tickDurationOf(slot: number): number {
    return this.tickDur[slot]!;
  }

  /** Sum of counter `id` over the held ticks. */
  counterTotal(id: number): number {
    let sum = 0;
    for (const v of this.counterSeries(id)) sum += v;
    return sum;
  }

  /** Counter values of a held tick. */
  countersOf(slot: number): number[] {
    const c = this.counterNames.length;
    return Array.from({ length: c }, (_, k) => this.counters[slot * c + k]!);
  }
}

/** Percentiles (nearest rank) of a series, µs. */
export function percentiles(samples: Float64Array): PhaseStats {
  if (samples.length === 0) return { p50Us: 0, p90Us: 0, p99Us: 0, p999Us: 0, maxUs: 0, meanUs: 0 };
  const s = Float64Array.from(samples).sort();
  const q = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!;
  const round = (x: number) => Math.round(x * 100) / 100;
  let sum = 0;
  for (let i = 0; i < s.length; i++) sum += s[i]!;
  return {
    p50Us: round(q(0.5)),
    p90Us: round(q(0.9)),
    p99Us: round(q(0.99)),
    p999Us: round(q(0.999)),
    maxUs: round(s[s.length - 1]!),
    meanUs: round(sum / s.length),
  };
}
