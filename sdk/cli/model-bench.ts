/**
 * `tickmind model bench FILE [--batch 1,8,32,128] [--batch-dim NAME] [--dim NAME=VALUE]... [--json]`:
 * times the native backend and onnxruntime-web (1 thread) in the same run, interleaved call
 * by call after a warm-up, and reports medians, p99 and their ratio.
 */
import { type Feeds, NativeSession, OrtSession, type TensorDescription } from '../inference/index.js';
import { monotonicClock } from '../profiling/index.js';
import { checkKnown, intOption, option, type ParsedArgs, parseDims, UsageError } from './args.js';
import { randomFeeds } from './feeds.js';
import { readModel } from './model-check.js';
import { round, summarize } from './stats.js';

/** One row of the `--json` contract. */
export interface BenchRow {
  batch: number;
  native: { medianUs: number; p99Us: number; gflops: number };
  ortWeb: { medianUs: number; p99Us: number };
  ratio: number;
  /** Extension: timed calls per backend. */
  iterations: number;
}

export interface BenchOptions {
  batches: number[];
  batchDim?: string;
  dims: Record<string, number>;
  /** Timed calls per backend and batch (default: as many as fit ~1.5 s, at least 200). */
  iterations?: number;
  warmup?: number;
  /** Called after each batch size (progress). */
  onRow?: (row: BenchRow) => void;
}

/** The symbolic dim that batches: the first symbol of the first input. */
export function defaultBatchDim(inputs: readonly TensorDescription[]): string | undefined {
  for (const i of inputs) for (const d of i.dims) if (typeof d === 'string') return d;
  return undefined;
}

export async function benchModel(bytes: Uint8Array, file: string, options: BenchOptions): Promise<BenchRow[]> {
  const native = NativeSession.create(bytes, { file });
  const ort = await OrtSession.create(bytes, { file, ortThreads: 1 });
  const batchDim = options.batchDim ?? defaultBatchDim(native.inputs);
  if (batchDim === undefined) throw new UsageError('the model has no symbolic dimension to batch over; pass --batch-dim NAME');
  const rows: BenchRow[] = [];
  try {
    for (const batch of options.batches) {
      const feeds: Feeds = randomFeeds(native.inputs, { ...options.dims, [batchDim]: batch }, batch);
      const row = await benchOne(native, ort, feeds, batch, options);
      rows.push(row);
      options.onRow?.(row);
    }
  } finally {
    await ort.dispose();
    await native.dispose();
  }
  return rows;
}

async function benchOne(native: NativeSession, ort: OrtSession, feeds: Feeds, batch: number, options: BenchOptions): Promise<BenchRow> {
  const warmup = options.warmup ?? 30;
  for (let i = 0; i < warmup; i++) {
    native.runSync(feeds);
    await ort.run(feeds);
  }
  // Size the run from the warm-up cost unless told.
  let iterations = options.iterations;
  if (iterations === undefined) {
    const t0 = monotonicClock();
    native.runSync(feeds);
    await ort.run(feeds);
    const pair = (monotonicClock() - t0) / 1000;
    iterations = Math.max(200, Math.min(5000, Math.floor(1500 / Math.max(pair, 1e-3))));
  }
  const n = new Float64Array(iterations);
  const o = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    let t = monotonicClock();
    native.runSync(feeds);
    n[i] = monotonicClock() - t;
    t = monotonicClock();
    await ort.run(feeds);
    o[i] = monotonicClock() - t;
  }
  const nat = summarize(n);
  const ow = summarize(o);
  return {
    batch,
    native: { ...nat, gflops: round(native.lastFlops / (nat.medianUs * 1e3)) },
    ortWeb: ow,
    ratio: round(ow.medianUs / nat.medianUs),
    iterations,
  };
}

export function formatRows(rows: readonly BenchRow[]): string {
  const head = 'batch  native median  native p99  GFLOP/s  ort-web median  ort-web p99  ratio';
  const body = rows.map(
    (r) =>
      `${String(r.batch).padStart(5)}  ${r.native.medianUs.toFixed(1).padStart(11)}µs ${r.native.p99Us.toFixed(1).padStart(9)}µs ${r.native.gflops
        .toFixed(1)
        .padStart(
          8,
        )}  ${r.ortWeb.medianUs.toFixed(1).padStart(12)}µs ${r.ortWeb.p99Us.toFixed(1).padStart(10)}µs ${r.ratio.toFixed(2).padStart(5)}x`,
  );
  return [head, ...body].join('\n');
}

export async function modelBenchCommand(args: ParsedArgs): Promise<number> {
  checkKnown(args, ['batch', 'batch-dim', 'dim', 'json', 'iterations']);
  const file = args.positionals[0];
  if (file === undefined || args.positionals.length > 1) {
    throw new UsageError('usage: tickmind model bench FILE [--batch 1,8,32,128] [--batch-dim NAME] [--dim NAME=VALUE]... [--json]');
  }
  const batches = (option(args, 'batch') ?? '1,8,32,128').split(',').map((b) => {
    if (!/^\d+$/.test(b.trim()) || Number(b) <= 0)
      throw new UsageError(`--batch expects positive integers separated by commas, got '${b}'`);
    return Number(b);
  });
  const json = option(args, 'json') !== undefined;
  const batchDim = option(args, 'batch-dim');
  const iterations = args.options.has('iterations') ? intOption(args, 'iterations', 1) : undefined;
  const rows = await benchModel(readModel(file), file, {
    batches,
    dims: parseDims(args.options.get('dim')),
    ...(batchDim !== undefined ? { batchDim } : {}),
    ...(iterations !== undefined ? { iterations } : {}),
    onRow: (row) =>
      process.stderr.write(`  batch ${row.batch}: native ${row.native.medianUs}µs, onnxruntime-web ${row.ortWeb.medianUs}µs\n`),
  });
  process.stdout.write(json ? `${JSON.stringify({ file, results: rows })}\n` : `${file}\n${formatRows(rows)}\n`);
  return 0;
}
