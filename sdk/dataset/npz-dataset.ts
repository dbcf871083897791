/**
 * A dataset as ONE `.npz` of flat arrays, for `numpy.load` with no custom code:
 *
 * - one array per feature, named as the feature, shape (frames, *shape) — e.g.
 *   `observation.state` (N, 450) float32, `action` (N,) int64, `index` (N,) int64;
 * - `episode_index_start`, `episode_length` (E,) int64: episode e is rows
 *   start[e] .. start[e] + length[e];
 * - `tasks_json` and `spec_json` (uint8, UTF-8 JSON): the task strings by task_index and the
 *   dataset spec (fps, features, extra).
 */
import { TickmindError } from '../core/index.js';
import { type DatasetReadOptions, guarded } from './limits.js';
import type { NpyData, NpyDType } from './npy.js';
import { type NpzArray, readNpz, writeNpz } from './npz.js';
import { columnArray, type Dataset, type DatasetSpec, type Episode, featureWidth, fullFeatures } from './schema.js';
import { checkFeatures, checkFps, isObject } from './spec-check.js';

const NPY_DTYPE: Record<string, NpyDType> = { float32: 'float32', int64: 'int64', int32: 'int32', bool: 'bool' };
const EPISODE_ARRAYS = ['episode_index_start', 'episode_length'];

/** Encodes a dataset as one `.npz` (see the module comment). */
export function datasetToNpz(dataset: Dataset): Uint8Array {
  const features = fullFeatures(dataset.spec);
  const total = dataset.episodes.reduce((s, e) => s + e.length, 0);
  const tasks: string[] = [];
  for (const e of dataset.episodes) if (!tasks.includes(e.task)) tasks.push(e.task);
  const arrays: Record<string, NpzArray> = {};
  for (const [name, f] of Object.entries(features)) {
    const w = featureWidth(f);
    const flat = columnArray(f.dtype, total * w);
    let o = 0;
    for (const e of dataset.episodes) {
      const src = e.columns[name];
      if (src === undefined || src.length !== e.length * w)
        throw new TickmindError('INVALID_ARGUMENT', `episode ${e.index}: feature '${name}' needs ${e.length} × ${w} values`, {
          field: name,
        });
      if (name === 'task_index') flat.fill(tasks.indexOf(e.task), o, o + src.length);
      else flat.set(src, o);
      o += src.length;
    }
    const dims = f.shape.length === 1 && f.shape[0] === 1 ? [total] : [total, ...f.shape];
    arrays[name] = { dtype: NPY_DTYPE[f.dtype]!, dims, data: toNpy(f.dtype, flat) };
  }
  let start = 0;
  const starts = new BigInt64Array(dataset.episodes.length);
  const lengths = new BigInt64Array(dataset.episodes.length);
  dataset.episodes.forEach((e, i) => {
    starts[i] = BigInt(start);
    lengths[i] = BigInt(e.length);
    start += e.length;
  });
  arrays.episode_index_start = { dtype: 'int64', dims: [starts.length], data: starts };
  arrays.episode_length = { dtype: 'int64', dims: [lengths.length], data: lengths };
  const text = (v: unknown) => {
    const b = new TextEncoder().encode(JSON.stringify(v));
    return { dtype: 'uint8' as const, dims: [b.length], data: b };
  };
  arrays.tasks_json = text(tasks);
  arrays.spec_json = text(dataset.spec);
  return writeNpz(arrays);
}

function toNpy(dtype: string, flat: Float32Array | Float64Array | Int32Array | Uint8Array): NpyData {
  if (dtype !== 'int64') return flat as NpyData;
  const out = new BigInt64Array(flat.length);
  for (let i = 0; i < flat.length; i++) out[i] = BigInt(flat[i]!);
  return out;
}

/**
 * Reads a dataset `.npz` written by {@link datasetToNpz}, checking every array against the spec:
 * spec_json's fps and features, exactly the arrays they call for with their dtype and shape,
 * episodes contiguous from row 0 and covering every row, one episode_index and one known
 * task_index per episode. `options.maxBytes` bounds what the archive may inflate to.
 */
export function datasetFromNpz(bytes: Uint8Array, file = '<npz>', options?: DatasetReadOptions): Dataset {
  return guarded(file, () => fromArrays(readNpz(bytes, file, options), file));
}

function fromArrays(a: Record<string, NpzArray>, file: string): Dataset {
  const fail = (message: string, field?: string): never => {
    throw new TickmindError('IO', `${file}: ${message}`, { file, ...(field !== undefined ? { field } : {}) });
  };
  const json = (key: string): unknown => {
    const v = a[key] ?? fail(`no '${key}' array; not a tickmind dataset .npz`, key);
    if (v.dtype !== 'uint8' || v.dims.length !== 1) fail(`'${key}' is ${v.dtype} (${v.dims.join(', ')}), expected UTF-8 bytes`, key);
    try {
      return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(v.data as Uint8Array));
    } catch {
      return fail(`'${key}' is not valid JSON`, key);
    }
  };
  const raw = json('spec_json');
  if (!isObject(raw)) return fail("'spec_json' is not a JSON object", 'spec_json');
  const specFail = (message: string, field?: string): never => fail(`spec_json: ${message}`, field);
  if (typeof raw.robotType !== 'string') specFail('robotType is not a string', 'robotType');
  if (raw.extra !== undefined && !isObject(raw.extra)) specFail('extra is not an object', 'extra');
  const spec: DatasetSpec = {
    fps: checkFps(raw.fps, specFail),
    robotType: raw.robotType as string,
    features: checkFeatures(raw.features, false, specFail),
    ...(raw.extra !== undefined ? { extra: raw.extra as Record<string, unknown> } : {}),
  };
  const tasks = json('tasks_json');
  if (!Array.isArray(tasks) || tasks.some((t) => typeof t !== 'string')) return fail("'tasks_json' is not a list of strings", 'tasks_json');
  const features = fullFeatures(spec);
  const known = new Set([...Object.keys(features), ...EPISODE_ARRAYS, 'tasks_json', 'spec_json']);
  for (const name of Object.keys(a)) if (!known.has(name)) fail(`array '${name}' is not among the spec's features`, name);
  const [starts, lengths] = EPISODE_ARRAYS.map((name) => {
    const v = a[name] ?? fail(`no '${name}' array`, name);
    if (v.dtype !== 'int64' || v.dims.length !== 1)
      fail(`'${name}' is ${v.dtype} (${v.dims.join(', ')}), expected int64 (episodes,)`, name);
    return v.data as BigInt64Array;
  }) as [BigInt64Array, BigInt64Array];
  if (starts.length !== lengths.length) fail(`${starts.length} episode starts for ${lengths.length} episode lengths`, 'episode_length');
  const total = a.index?.dims[0] ?? fail('no index array', 'index');
  for (const [name, f] of Object.entries(features)) {
    const arr = a[name] ?? fail(`no '${name}' array (the spec lists it)`, name);
    if (arr.dtype !== NPY_DTYPE[f.dtype]) fail(`'${name}' is ${arr.dtype}, the spec says ${f.dtype}`, name);
    const scalar = f.shape.length === 1 && f.shape[0] === 1;
    const dims = arr.dims;
    const ok =
      (dims.length === f.shape.length + 1 && dims.every((d, i) => d === (i === 0 ? total : f.shape[i - 1]))) ||
      (scalar && dims.length === 1 && dims[0] === total);
    if (!ok) fail(`'${name}' has shape (${dims.join(', ')}), expected (${total}, ${f.shape.join(', ')})`, name);
  }
  const episodes: Episode[] = [];
  let next = 0;
  for (let e = 0; e < starts.length; e++) {
    const s = Number(starts[e]);
    const n = Number(lengths[e]);
    if (s !== next || n < 0 || s + n > total)
      fail(
        `episode ${e} spans rows ${s}..${s + n}, expected to start at row ${next} and end by row ${total} (episodes are contiguous, in order)`,
        'episode_index_start',
      );
    next = s + n;
    const columns: Episode['columns'] = {};
    for (const [name, f] of Object.entries(features)) {
      const w = featureWidth(f);
      const src = a[name]!.data;
      const out = columnArray(f.dtype, n * w);
      if (src instanceof BigInt64Array)
        for (let i = 0; i < n * w; i++) {
          const v = src[s * w + i]!;
          if (v > 9007199254740991n || v < -9007199254740991n)
            fail(`'${name}' holds ${v}, past the integers tickmind reads exactly (2^53)`, name);
          out[i] = Number(v);
        }
      else out.set(src.subarray(s * w, (s + n) * w) as Exclude<NpyData, BigInt64Array>);
      columns[name] = out;
    }
    const episodeIndex = columns.episode_index!;
    const taskIndex = columns.task_index!;
    for (let i = 0; i < n; i++)
      if (episodeIndex[i] !== episodeIndex[0] || taskIndex[i] !== taskIndex[0])
        fail(
          `episode ${e} (rows ${s}..${s + n}) changes ${episodeIndex[i] !== episodeIndex[0] ? 'episode_index' : 'task_index'} at row ${s + i}`,
          episodeIndex[i] !== episodeIndex[0] ? 'episode_index' : 'task_index',
        );
    const task = n === 0 ? 0 : taskIndex[0]!;
    if (n > 0 && !(task < tasks.length))
      fail(`episode ${e} has task_index ${task}, but tasks_json lists ${tasks.length} tasks`, 'task_index');
    episodes.push({ index: n === 0 ? e : episodeIndex[0]!, task: (tasks[task] as string | undefined) ?? '', length: n, columns });
  }
  if (next !== total) fail(`the episodes cover ${next} rows of ${total}`, 'episode_length');
  return { spec, episodes };
}
