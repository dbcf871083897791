/**
 * Runs one mutated ONNX file through tickmind (`createSession` with `auto`, and `NativeSession`)
 * and through onnxruntime-web directly (the reference: what a file "is"), and classifies the
 * outcome. Every tickmind failure must be a TickmindError; both must accept or both refuse; when
 * both run, values must match within the parity tolerance (equal non-finite values agree).
 *
 * The reference runs with onnxruntime's graph optimizations off: its fusions are not always
 * faithful (its LayerNorm fusion ignores the exponent of the Pow it replaces), and the native
 * backend is held to the model's semantics, not to those rewrites.
 */

import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-web/wasm';
import { randomFeeds } from '../../sdk/cli/feeds.js';
import { Rng, TickmindError } from '../../sdk/core/index.js';
import {
  createSession,
  DEFAULT_LIMITS,
  type Feeds,
  NativeSession,
  type Results,
  type TensorDescription,
  type TensorInput,
} from '../../sdk/inference/index.js';
import type { TensorArray } from '../../sdk/inference/tensor.js';

const { onnx } = onnxProto;
ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'fatal';

/** Parity tolerance of tests/inference/parity.test.ts. */
const ATOL = 1e-4;
const RTOL = 1e-4;

/** How one file ended. */
export type Verdict =
  | 'refused at load (coded)'
  | 'refused by limits'
  | 'ran on both, values match'
  | 'refused by both'
  | 'ran on both, values differ: non-finite weights'
  | 'ran on both, values differ within the model’s rounding spread'
  | 'onnxruntime aborted; tickmind ran'
  | 'DISAGREE: accepting'
  | 'DISAGREE: values'
  | 'UNCODED error';

export interface CaseResult {
  verdict: Verdict;
  /** tickmind (`auto`): `ran:native`, `ran:ort`, or the error code. */
  tickmind: string;
  /** `NativeSession`: `ran`, or the error code. */
  native: string;
  /** onnxruntime-web directly: `ran`, `load`, `run` (where it refused), `aborted` (its WebAssembly crashed in a kernel), `skipped`. */
  ort: string;
  /** Some output held NaN or ±Infinity on the native backend. */
  nonFinite: boolean;
  /** The slowest single step (ms): a decode, a create, a run. */
  slowestMs: number;
  /** What went wrong, for the report. */
  note: string;
}

function codeOf(err: unknown): string {
  return err instanceof TickmindError
    ? err.code
    : `UNCODED ${(err as Error)?.name ?? typeof err}: ${String((err as Error)?.message ?? err).slice(0, 160)}`;
}

const DTYPE_OF: Record<number, TensorDescription['dtype']> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  6: 'int32',
  7: 'int64',
  9: 'bool',
  11: 'float64',
};

/** The file's graph inputs as onnx-proto reads them (independent of tickmind's decoder), or undefined. */
function inputsOf(bytes: Uint8Array): TensorDescription[] | undefined {
  try {
    const g = onnx.ModelProto.decode(bytes).graph;
    if (!g) return undefined;
    const inits = new Set((g.initializer ?? []).map((t) => t.name));
    const out: TensorDescription[] = [];
    for (const vi of g.input ?? []) {
      if (inits.has(vi.name ?? '')) continue;
      const tt = vi.type?.tensorType;
      const dtype = DTYPE_OF[tt?.elemType ?? 0];
      if (dtype === undefined || !tt) return undefined;
      const dims = (tt.shape?.dim ?? []).map((d, i) =>
        d.dimParam ? d.dimParam : d.dimValue !== undefined && d.dimValue !== null && Number(d.dimValue) >= 0 ? Number(d.dimValue) : `d${i}`,
      );
      out.push({ name: vi.name ?? '', dtype, dims });
    }
    return out;
  } catch {
    return undefined;
  }
}

function ortFeeds(feeds: Feeds, inputs: readonly TensorDescription[]): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  for (const vi of inputs) {
    const f = feeds[vi.name]!;
    out[vi.name] = new ort.Tensor(vi.dtype as 'float32', f.data as Float32Array, [...f.dims]);
  }
  return out;
}

interface Values {
  dims: number[];
  data: number[];
}

function valuesOf(data: TensorArray | ArrayLike<unknown>, dims: readonly number[]): Values {
  return { dims: [...dims], data: Array.from(data as ArrayLike<number | bigint>, (v) => Number(v)) };
}

/** Whether two runs agree within tolerance; equal non-finite values (NaN and NaN included) agree. */
function compareValues(a: Record<string, Values>, b: Record<string, Values>): string | undefined {
  for (const [name, x] of Object.entries(a)) {
    const y = b[name];
    if (y === undefined) return `output ${name} missing on onnxruntime`;
    if (x.dims.join() !== y.dims.join()) return `output ${name}: dims [${x.dims}] vs [${y.dims}]`;
    for (let i = 0; i < x.data.length; i++) {
      const p = x.data[i]!;
      const q = y.data[i]!;
      if (p === q || (Number.isNaN(p) && Number.isNaN(q))) continue;
      if (!Number.isFinite(p) || !Number.isFinite(q) || !(Math.abs(p - q) <= ATOL + RTOL * Math.abs(q))) {
        return `output ${name}[${i}]: ${p} vs ${q}`;
      }
    }
  }
  return undefined;
}

function hasNonFinite(r: Record<string, Values>): boolean {
  return Object.values(r).some((v) => v.data.some((x) => !Number.isFinite(x)));
}

function fromResults(r: Results): Record<string, Values> {
  const out: Record<string, Values> = {};
  for (const [name, t] of Object.entries(r)) out[name] = valuesOf(t.data, t.dims);
  return out;
}

/** Times a step; records the slowest. */
async function timed<T>(clock: Clock, step: () => T | Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await step();
  } finally {
    clock.slowest = Math.max(clock.slowest, performance.now() - t0);
  }
}

type Outcome<T> = { ok: true; value: T } | { ok: false; code: string };

async function attempt<T>(clock: Clock, step: () => T | Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await timed(clock, step) };
  } catch (err) {
    return { ok: false, code: codeOf(err) };
  }
}

/**
 * Whether the file's constants (initializers, Constant values) hold NaN or ±Infinity: then
 * kernels legitimately differ (onnxruntime's activations clamp NaN to a bound, tickmind's carry it).
 */
function hasNonFiniteConstants(bytes: Uint8Array): boolean {
  try {
    const g = onnx.ModelProto.decode(bytes).graph;
    const tensors = [...(g?.initializer ?? [])];
    for (const n of g?.node ?? []) for (const a of n.attribute ?? []) if (a.t) tensors.push(a.t);
    return tensors.some((t) => {
      const raw = t.rawData;
      const floats =
        t.dataType === 1
          ? raw && raw.length > 0
            ? new Float32Array(new Uint8Array(raw).buffer)
            : (t.floatData ?? [])
          : t.dataType === 11
            ? raw && raw.length > 0
              ? new Float64Array(new Uint8Array(raw).buffer)
              : (t.doubleData ?? [])
            : [];
      return Array.from(floats).some((v) => !Number.isFinite(v));
    });
  } catch {
    return false;
  }
}

/**
 * Whether the difference between native and onnxruntime is of the order of the model's own
 * sensitivity to rounding: the native backend's two kernel sets (WebAssembly in float32 with SIMD
 * accumulation, portable JS in double) differ by as much, or nudging each float feed by a few ulps
 * (a relative ±1e-6, the sign at random) moves the outputs as much (a tenth of the difference or
 * more). Such a model (huge weights, a variance near zero,
 * a Pow that amplifies) has no single right float32 answer; a semantic error shows in neither.
 */
async function illConditioned(
  bytes: Uint8Array,
  seed: number,
  original: readonly TensorDescription[],
  native: Record<string, Values>,
  reference: Record<string, Values>,
): Promise<boolean> {
  const variants: Record<string, Values>[] = [];
  try {
    const portable = NativeSession.create(bytes, { jsKernels: true, fuse: false });
    variants.push(fromResults(portable.runSync(feedsFor(portable.inputs, seed, original))));
    await portable.dispose();
    const nudged = NativeSession.create(bytes);
    const feeds = feedsFor(nudged.inputs, seed, original);
    // Each element nudged up or down at random, as rounding errors are: a uniform scaling would
    // cancel out of exactly the computations that amplify them (a sum of terms of both signs).
    const rng = new Rng(seed);
    for (const f of Object.values(feeds))
      if (f.data instanceof Float32Array) f.data.set(f.data.map((v) => v * (1 + (rng.int(2) === 0 ? 1e-6 : -1e-6))));
    variants.push(fromResults(nudged.runSync(feeds)));
    await nudged.dispose();
  } catch {
    return false;
  }
  for (const [name, x] of Object.entries(native)) {
    const r = reference[name]!;
    let spread = 0;
    let diff = 0;
    let scale = 0;
    for (let i = 0; i < x.data.length; i++) {
      if (!Number.isFinite(x.data[i]!) || !Number.isFinite(r.data[i]!)) continue;
      for (const v of variants) if (Number.isFinite(v[name]!.data[i]!)) spread = Math.max(spread, Math.abs(x.data[i]! - v[name]!.data[i]!));
      diff = Math.max(diff, Math.abs(x.data[i]! - r.data[i]!));
      scale = Math.max(scale, Math.abs(r.data[i]!));
    }
    if (diff > ATOL + RTOL * scale && diff > 10 * spread) return false;
  }
  return true;
}

/** Feeds for `inputs`; an unranked input (no shape in the file) takes the shape it had before the mutation. */
function feedsFor(inputs: readonly TensorDescription[], seed: number, original: readonly TensorDescription[]): Feeds {
  const resolved = inputs.map((vi) => {
    const before = original.find((o) => o.name === vi.name);
    return vi.unranked === true && before !== undefined ? { ...vi, dims: before.dims } : vi;
  });
  // An input over the element limit is not allocated: tickmind must refuse its dims alone (MODEL_LIMIT).
  const huge = resolved.filter(
    (vi) => vi.dims.reduce<number>((a, d) => a * (typeof d === 'number' ? d : d === 'batch' ? 2 : 1), 1) > DEFAULT_LIMITS.maxElements,
  );
  const small = resolved.filter((vi) => (vi.dtype === 'int8' || vi.dtype === 'uint8') && !huge.includes(vi));
  const feeds: Record<string, TensorInput> = randomFeeds(
    resolved.filter((vi) => !small.includes(vi) && !huge.includes(vi)),
    { batch: 2 },
    seed,
  );
  const rng = new Rng(seed);
  for (const vi of huge) {
    feeds[vi.name] = {
      data:
        vi.dtype === 'int64'
          ? new BigInt64Array(1)
          : vi.dtype === 'float64'
            ? new Float64Array(1)
            : vi.dtype === 'int32'
              ? new Int32Array(1)
              : vi.dtype === 'int8'
                ? new Int8Array(1)
                : vi.dtype === 'float32'
                  ? new Float32Array(1)
                  : new Uint8Array(1),
      dims: vi.dims.map((d) => (typeof d === 'number' ? d : d === 'batch' ? 2 : 1)),
    };
  }
  for (const vi of small) {
    const dims = vi.dims.map((d) => (typeof d === 'number' ? d : d === 'batch' ? 2 : 1));
    const n = dims.reduce((a, b) => a * b, 1);
    const data = vi.dtype === 'int8' ? new Int8Array(n) : new Uint8Array(n);
    for (let i = 0; i < n; i++) data[i] = rng.int(4);
    feeds[vi.name] = { data, dims };
  }
  return feeds;
}

/** What one file gave on each side. */
interface Runs {
  /** `createSession({ backend: 'auto' })` ran it. */
  auto: Record<string, Values> | undefined;
  /** `NativeSession` ran it. */
  native: Record<string, Values> | undefined;
  /** onnxruntime-web, directly, ran it. */
  ort: Record<string, Values> | undefined;
  /** The inputs as the file declares them (tickmind's reading when it loaded the file). */
  inputs: TensorDescription[] | undefined;
  /** `auto` loaded the file (whether or not it then ran). */
  loaded: boolean;
}

type Clock = { slowest: number };

/** tickmind, `auto` then native explicitly; fills in result.tickmind, result.native, result.nonFinite. */
async function runTickmind(
  bytes: Uint8Array,
  seed: number,
  original: readonly TensorDescription[],
  clock: Clock,
  result: CaseResult,
  uncoded: string[],
): Promise<Omit<Runs, 'ort'>> {
  const runs: Omit<Runs, 'ort'> = { auto: undefined, native: undefined, inputs: inputsOf(bytes), loaded: false };
  const auto = await attempt(clock, () => createSession(bytes, { backend: 'auto' }));
  if (auto.ok) {
    runs.loaded = true;
    runs.inputs = [...auto.value.inputs];
    const run = await attempt(clock, () => auto.value.run(feedsFor(runs.inputs!, seed, original)));
    if (run.ok) {
      runs.auto = fromResults(run.value);
      result.tickmind = `ran:${auto.value.backend}`;
    } else result.tickmind = run.code;
    await auto.value.dispose().catch((err: unknown) => uncoded.push(`dispose: ${codeOf(err)}`));
  } else result.tickmind = auto.code;

  // Rows of a ReLU's output summed over their nonzeros (sparseRows) here, the dense product under
  // `auto` (the measured default on Node 20): both are compared with onnxruntime.
  const native = await attempt(clock, () => NativeSession.create(bytes, { sparseRows: true }));
  if (native.ok) {
    const feeds = feedsFor(native.value.inputs, seed, original);
    const run = await attempt(clock, () => native.value.runSync(feeds));
    if (run.ok) {
      runs.native = fromResults(run.value);
      result.native = 'ran';
      result.nonFinite = hasNonFinite(runs.native);
    } else result.native = run.code;
    await native.value.dispose();
  } else result.native = native.code;
  return runs;
}

/**
 * onnxruntime-web directly, optimizations off (see the module comment); fills in result.ort
 * (`ran`, or where it refused: `load`, `run`).
 */
async function runOrt(
  bytes: Uint8Array,
  seed: number,
  original: readonly TensorDescription[],
  inputs: TensorDescription[] | undefined,
  clock: Clock,
  result: CaseResult,
): Promise<Record<string, Values> | undefined> {
  let session: ort.InferenceSession;
  try {
    session = await timed(clock, () =>
      ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'disabled' }),
    );
  } catch {
    result.ort = 'load';
    return undefined;
  }
  let values: Record<string, Values> | undefined;
  result.ort = 'run';
  if (inputs !== undefined) {
    try {
      const out = await timed(clock, () => session.run(ortFeeds(feedsFor(inputs, seed, original), inputs)));
      values = {};
      for (const name of session.outputNames) {
        const t = out[name]!;
        values[name] = valuesOf(t.data as TensorArray, t.dims);
      }
      result.ort = 'ran';
    } catch (err) {
      values = undefined;
      // Emscripten's abort(): a crash inside one of onnxruntime's kernels (a GRU over a batch of 0
      // rows, seed 43), not a refusal of the file.
      if (String((err as Error)?.message ?? err).includes('Aborted(')) result.ort = 'aborted';
    }
  }
  await session.release();
  return values;
}

/** The verdict when both sides were asked: they must agree on accepting the file, then on its values. */
async function classify(
  bytes: Uint8Array,
  seed: number,
  original: readonly TensorDescription[],
  runs: Runs,
  result: CaseResult,
): Promise<void> {
  const disagree = (note: string): void => {
    result.verdict = 'DISAGREE: accepting';
    result.note = note;
  };
  const ortRan = runs.ort !== undefined;
  if (result.ort === 'aborted' && runs.auto !== undefined && runs.native !== undefined) {
    result.verdict = 'onnxruntime aborted; tickmind ran';
    result.note = 'onnxruntime crashed in a kernel: no values to compare';
    return;
  }
  if ((runs.auto !== undefined) !== ortRan) return disagree(`tickmind ${result.tickmind}, onnxruntime ${result.ort}`);
  // The native backend may decline what it cannot run (OP_UNSUPPORTED: auto then runs onnxruntime), nothing else.
  if (runs.native === undefined && ortRan && result.native !== 'OP_UNSUPPORTED' && result.native !== 'OPSET_UNSUPPORTED') {
    return disagree(`native ${result.native}, onnxruntime ran`);
  }
  if (runs.native !== undefined && !ortRan) return disagree(`native ran, onnxruntime ${result.ort}`);
  if (runs.auto === undefined) {
    result.verdict = runs.loaded ? 'refused by both' : 'refused at load (coded)';
    return;
  }
  // When `auto` picked onnxruntime its values are onnxruntime's (optimized): the native ones are compared.
  const diff =
    (result.tickmind === 'ran:native' ? compareValues(runs.auto, runs.ort!) : undefined) ??
    (runs.native === undefined ? undefined : compareValues(runs.native, runs.ort!));
  result.note = diff ?? '';
  if (diff === undefined) result.verdict = 'ran on both, values match';
  else if (hasNonFiniteConstants(bytes)) result.verdict = 'ran on both, values differ: non-finite weights';
  else if (runs.native !== undefined && (await illConditioned(bytes, seed, original, runs.native, runs.ort!))) {
    result.verdict = 'ran on both, values differ within the model’s rounding spread';
  } else result.verdict = 'DISAGREE: values';
}

/** Runs one file (see the module comment). `seed` picks the feeds; `original` are the inputs of the file before mutation. */
export async function runCase(bytes: Uint8Array, seed: number, original: readonly TensorDescription[] = []): Promise<CaseResult> {
  const clock: Clock = { slowest: 0 };
  const result: CaseResult = {
    verdict: 'refused by both',
    tickmind: '',
    native: '',
    ort: 'skipped',
    nonFinite: false,
    slowestMs: 0,
    note: '',
  };
  const uncoded: string[] = [];
  const runs = await runTickmind(bytes, seed, original, clock, result, uncoded);
  for (const c of [result.tickmind, result.native]) if (c.startsWith('UNCODED')) uncoded.push(c);
  result.slowestMs = clock.slowest;
  if (uncoded.length > 0) {
    result.verdict = 'UNCODED error';
    result.note = uncoded.join('; ');
    return result;
  }
  // A limit refusal is tickmind's policy, not a verdict on the file: onnxruntime is not asked
  // (it would spend the memory or time the limit exists to bound).
  if (result.tickmind === 'MODEL_LIMIT' || result.native === 'MODEL_LIMIT' || result.tickmind === 'MODEL_EXTERNAL_DATA') {
    result.verdict = 'refused by limits';
    return result;
  }
  const ortValues = await runOrt(bytes, seed, original, runs.inputs, clock, result);
  result.slowestMs = clock.slowest;
  await classify(bytes, seed, original, { ...runs, ort: ortValues }, result);
  return result;
}
