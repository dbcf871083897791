/**
 * The timing core of `tickmind model bench`, free of Node APIs so that the browser benchmark
 * (bench/browser) runs the very same loop in a page: native sessions (one per kernel set) and
 * onnxruntime-web (1 thread), interleaved call by call after a warm-up; medians, p99, GFLOP/s
 * and ratios.
 */
import {
  defaultKernelSet,
  type Feeds,
  type KernelSet,
  NativeSession,
  OrtSession,
  setKernelSet,
  type TensorDescription,
} from '../inference/index.js';
import { monotonicClock } from '../profiling/index.js';
import { UsageError } from './args.js';
import { randomFeeds } from './feeds.js';
import { round, summarize } from './stats.js';

/** Medians and p99 of one native kernel set at one batch size. */
export interface NativeTiming {
  medianUs: number;
  p99Us: number;
  gflops: number;
}

/** One kernel set other than the first, timed in the same interleaved loop. */
export interface KernelTiming extends NativeTiming {
  kernels: KernelSet;
  /** ortWeb.medianUs / this set's median. */
  ratio: number;
}

/** One row of the `--json` contract. */
export interface BenchRow {
  batch: number;
  /** Extension: the kernel set `native` ran. */
  kernels: KernelSet;
  native: NativeTiming;
  ortWeb: { medianUs: number; p99Us: number };
  /** ortWeb.medianUs / native.medianUs. */
  ratio: number;
  /** Extension: timed samples per backend. */
  iterations: number;
  /** Extension, where samples group calls (`minSampleUs`): consecutive calls per sample, per backend (natives in order, then ort-web). */
  callsPerSample?: number[];
  /** Extension: the other kernel sets asked for (`--kernels A,B`), in order. */
  otherKernels?: KernelTiming[];
  /**
   * Extension: the largest |native − onnxruntime-web| over the float outputs of one call on this
   * batch's feeds (the first kernel set; int8 weights under `quantize`, float32 on ort-web).
   */
  maxAbsDiff?: number;
}

export interface BenchOptions {
  batches: number[];
  batchDim?: string;
  dims: Record<string, number>;
  /** Native kernel sets to time, the first in `native` (default: the one a session gets now). */
  kernels?: KernelSet[];
  /** The native sessions' weights: `'int8'` quantizes them at load (onnxruntime-web keeps float32). */
  quantize?: 'int8';
  /** Timed calls per backend and batch (default: as many as fit ~1.5 s, at least 200). */
  iterations?: number;
  warmup?: number;
  /** Upper bound of the sized iteration count (default 5000). */
  maxIterations?: number;
  /** Time budget per batch size that sizes the iteration count, ms (default 1500). */
  budgetMs?: number;
  /**
   * Least time per sample, µs, for coarse clocks (a cross-origin isolated page's performance.now
   * ticks in 5 µs): a sample is then the mean of as many consecutive calls of one backend as
   * reach it, and medians and p99 are over those means. Default 0: one call per sample.
   */
  minSampleUs?: number;
  /** Called after each batch size (progress). */
  onRow?: (row: BenchRow) => void;
}

/** The symbolic dim that batches: the first symbol of the first input. */
export function defaultBatchDim(inputs: readonly TensorDescription[]): string | undefined {
  for (const i of inputs) for (const d of i.dims) if (typeof d === 'string') return d;
  return undefined;
}

/**
 * A native session per kernel set: each is created with that set forced, then the setting is
 * restored; `quantize: 'int8'` gives them int8 weights.
 */
export function nativeSessions(
  bytes: Uint8Array,
  file: string,
  kernels: readonly KernelSet[],
  quantize?: 'int8',
): { kernels: KernelSet; session: NativeSession }[] {
  const out: { kernels: KernelSet; session: NativeSession }[] = [];
  for (const set of kernels) {
    const previous = setKernelSet(set);
    try {
      out.push({ kernels: set, session: NativeSession.create(bytes, { file, ...(quantize !== undefined ? { quantize } : {}) }) });
    } finally {
      setKernelSet(previous);
    }
  }
  return out;
}

export async function benchModel(bytes: Uint8Array, file: string, options: BenchOptions): Promise<BenchRow[]> {
  const natives = nativeSessions(bytes, file, options.kernels ?? [defaultKernelSet()], options.quantize);
  const ort = await OrtSession.create(bytes, { file, ortThreads: 1 });
  const first = natives[0]!.session;
  const batchDim = options.batchDim ?? defaultBatchDim(first.inputs);
  const rows: BenchRow[] = [];
  try {
    if (batchDim === undefined) throw new UsageError('the model has no symbolic dimension to batch over; pass --batch-dim NAME');
    for (const batch of options.batches) {
      const feeds: Feeds = randomFeeds(first.inputs, { ...options.dims, [batchDim]: batch }, batch);
      const row = await benchOne(natives, ort, feeds, batch, options);
      rows.push(row);
      options.onRow?.(row);
    }
  } finally {
    await ort.dispose();
    for (const n of natives) await n.session.dispose();
  }
  return rows;
}

async function benchOne(
  natives: { kernels: KernelSet; session: NativeSession }[],
  ort: OrtSession,
  feeds: Feeds,
  batch: number,
  options: BenchOptions,
): Promise<BenchRow> {
  const warmup = options.warmup ?? 30;
  // The warm-up's last calls estimate each backend's cost (µs).
  const cost = new Float64Array(natives.length + 1);
  for (let i = 0; i < warmup; i++) {
    for (let s = 0; s < natives.length; s++) {
      const t = monotonicClock();
      natives[s]!.session.runSync(feeds);
      cost[s] = monotonicClock() - t;
    }
    const t = monotonicClock();
    await ort.run(feeds);
    cost[natives.length] = monotonicClock() - t;
  }
  const maxAbsDiff = await outputDifference(natives[0]!.session, ort, feeds);
  const minSample = options.minSampleUs ?? 0;
  const group = Array.from(cost, (c) => (minSample > 0 ? Math.max(1, Math.ceil(minSample / Math.max(c, 0.1))) : 1));
  // Size the run from the warm-up cost unless told.
  let iterations = options.iterations;
  if (iterations === undefined) {
    let round = 0;
    for (let s = 0; s < cost.length; s++) round += cost[s]! * group[s]!;
    iterations = Math.max(
      200,
      Math.min(options.maxIterations ?? 5000, Math.floor((options.budgetMs ?? 1500) / Math.max(round / 1000, 1e-3))),
    );
  }
  const times = natives.map(() => new Float64Array(iterations));
  const o = new Float64Array(iterations);
  const g = group[natives.length]!;
  for (let i = 0; i < iterations; i++) {
    for (let s = 0; s < natives.length; s++) {
      const session = natives[s]!.session;
      const n = group[s]!;
      const t = monotonicClock();
      for (let r = 0; r < n; r++) session.runSync(feeds);
      times[s]![i] = (monotonicClock() - t) / n;
    }
    const t = monotonicClock();
    for (let r = 0; r < g; r++) await ort.run(feeds);
    o[i] = (monotonicClock() - t) / g;
  }
  const ow = summarize(o);
  const timings = natives.map((n, s) => {
    const st = summarize(times[s]!);
    return { kernels: n.kernels, ...st, gflops: round(n.session.lastFlops / (st.medianUs * 1e3)), ratio: round(ow.medianUs / st.medianUs) };
  });
  const [head, ...others] = timings;
  const row: BenchRow = {
    batch,
    kernels: head!.kernels,
    native: { medianUs: head!.medianUs, p99Us: head!.p99Us, gflops: head!.gflops },
    ortWeb: ow,
    ratio: head!.ratio,
    iterations,
  };
  if (others.length > 0) row.otherKernels = others;
  if (group.some((n) => n > 1)) row.callsPerSample = group;
  if (maxAbsDiff !== undefined) row.maxAbsDiff = maxAbsDiff;
  return row;
}

/** The largest |native − ort-web| over the float32 outputs of one call each (undefined: none is float32). */
async function outputDifference(native: NativeSession, ort: OrtSession, feeds: Feeds): Promise<number | undefined> {
  const mine = native.runSync(feeds);
  // Copied: the native results are views of memory the next call reuses.
  const copies = new Map<string, Float32Array>();
  for (const [name, t] of Object.entries(mine)) if (t.data instanceof Float32Array) copies.set(name, Float32Array.from(t.data));
  const theirs = await ort.run(feeds);
  let diff: number | undefined;
  for (const [name, a] of copies) {
    const b = theirs[name]?.data;
    if (!(b instanceof Float32Array) || b.length !== a.length) continue;
    let d = 0;
    for (let i = 0; i < a.length; i++) {
      // The same NaN or infinity on both sides agrees; a NaN or infinity on one side only is an
      // infinite difference (null in the JSON, "Infinity" in the table).
      if (a[i] === b[i]! || (Number.isNaN(a[i]!) && Number.isNaN(b[i]!))) continue;
      const e = Math.abs(a[i]! - b[i]!);
      d = Math.max(d, Number.isNaN(e) ? Number.POSITIVE_INFINITY : e);
    }
    diff = Math.max(diff ?? 0, d);
  }
  return diff;
}

/** The text table: one column group per kernel set, then onnxruntime-web, then how far the outputs are apart. */
export function formatRows(rows: readonly BenchRow[]): string {
  if (rows.length === 0) return '';
  const sets = [rows[0]!.kernels, ...(rows[0]!.otherKernels ?? []).map((k) => k.kernels)];
  const us = (x: number, w: number) => `${x.toFixed(1)}µs`.padStart(w);
  const label = (set: KernelSet) => (sets.length === 1 ? 'native' : set);
  const head = [
    'batch',
    ...sets.map((s) => `${`${label(s)} median`.padStart(21)} ${'p99'.padStart(9)} ${'GFLOP/s'.padStart(8)}  ${'ratio'.padStart(5)}`),
    `${'ort-web median'.padStart(14)} ${'ort-web p99'.padStart(12)}`,
  ];
  const withDiff = rows.some((r) => r.maxAbsDiff !== undefined);
  if (withDiff) head.push('max |native − ort|');
  const body = rows.map((r) => {
    const all: KernelTiming[] = [{ kernels: r.kernels, ...r.native, ratio: r.ratio }, ...(r.otherKernels ?? [])];
    const cells = all.map(
      (t) => `${us(t.medianUs, 21)} ${us(t.p99Us, 9)} ${t.gflops.toFixed(1).padStart(8)}  ${`${t.ratio.toFixed(2)}x`.padStart(5)}`,
    );
    const diff = withDiff ? [(r.maxAbsDiff === undefined ? '-' : r.maxAbsDiff.toExponential(1)).padStart(18)] : [];
    return [String(r.batch).padStart(5), ...cells, `${us(r.ortWeb.medianUs, 14)} ${us(r.ortWeb.p99Us, 12)}`, ...diff].join('  ');
  });
  return [head.join('  '), ...body].join('\n');
}
