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
import type { NpyData, NpyDType } from './npy.js';
import { type NpzArray, readNpz, writeNpz } from './npz.js';
import { columnArray, type Dataset, type DatasetSpec, type Episode, featureWidth, fullFeatures } from './schema.js';

const NPY_DTYPE: Record<string, NpyDType> = { float32: 'float32', int64: 'int64', int32: 'int32', bool: 'bool' };

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

/** Reads a dataset `.npz` written by {@link datasetToNpz}, checking every array against the spec. */
export function datasetFromNpz(bytes: Uint8Array, file = '<npz>'): Dataset {
  const a = readNpz(bytes, file);
  const fail = (message: string, field?: string): never => {
    throw new TickmindError('IO', `${file}: ${message}`, { file, ...(field !== undefined ? { field } : {}) });
  };
  const json = (key: string): unknown => {
    const v = a[key] ?? fail(`no '${key}' array; not a tickmind dataset .npz`, key);
    try {
      return JSON.parse(new TextDecoder().decode(v.data as Uint8Array));
    } catch {
      return fail(`'${key}' is not valid JSON`, key);
    }
  };
  const spec = json('spec_json') as DatasetSpec;
  const tasks = json('tasks_json') as string[];
  const features = fullFeatures(spec);
  const starts = a.episode_index_start ?? fail('no episode_index_start', 'episode_index_start');
  const lengths = a.episode_length ?? fail('no episode_length', 'episode_length');
  const total = a.index?.dims[0] ?? fail('no index array', 'index');
  for (const [name, f] of Object.entries(features)) {
    const arr = a[name] ?? fail(`no '${name}' array (the spec lists it)`, name);
    if (arr.dtype !== NPY_DTYPE[f.dtype]) fail(`'${name}' is ${arr.dtype}, the spec says ${f.dtype}`, name);
    if (arr.dims[0] !== total || arr.data.length !== total * featureWidth(f))
      fail(`'${name}' has shape (${arr.dims.join(', ')}), expected (${total}, ${f.shape.join(', ')})`, name);
  }
  const episodes: Episode[] = [];
  for (let e = 0; e < starts.data.length; e++) {
    const s = Number(starts.data[e]);
    const n = Number(lengths.data[e]);
    if (s < 0 || n < 0 || s + n > total) fail(`episode ${e} spans rows ${s}..${s + n} of ${total}`, 'episode_index_start');
    const columns: Episode['columns'] = {};
    for (const [name, f] of Object.entries(features)) {
      const w = featureWidth(f);
      const src = a[name]!.data;
      const out = columnArray(f.dtype, n * w);
      for (let i = 0; i < n * w; i++) out[i] = Number(src[s * w + i]!);
      columns[name] = out;
    }
    const taskIndex = Number(columns.task_index![0] ?? 0);
    episodes.push({ index: Number(columns.episode_index![0] ?? e), task: tasks[taskIndex] ?? '', length: n, columns });
  }
  return { spec, episodes };
}
