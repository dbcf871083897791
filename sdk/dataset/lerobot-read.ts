/**
 * Reading a dataset in the LeRobot v3.0 layout {@link LeRobotWriter} writes, trusting nothing in
 * it: info.json's types and ranges, the episodes table (episode e at rows from..to, ranges
 * contiguous from 0, lengths matching), the tasks table, and every data file against both (the
 * columns info.json lists and no others, with their dtype and width; each frame's index,
 * episode_index, frame_index and task_index). Every failure is a coded error naming the file and
 * the field or column.
 *
 * A kill during an append leaves the files of one step on disk (the sink writes each atomically,
 * info.json last), so the reader takes the episodes table as the truth about which episodes
 * exist and info.json's counts as a lower bound: the table may hold episodes info.json does not
 * count yet (a kill after the table was replaced, before info.json was), never fewer. See
 * docs/dataset.md, "Crash safety".
 */
import { TickmindError } from '../core/index.js';
import { type DatasetReadOptions, guardedAsync, maxBytesOf } from './limits.js';
import { type ParquetColumn, type ParquetTable, readParquet } from './parquet-read.js';
import { columnArray, type Dataset, type DatasetSpec, type Episode, type FeatureSpec, featureWidth, STANDARD_FEATURES } from './schema.js';
import type { DatasetSource } from './sink.js';
import { checkCount, checkFeatures, checkFps, isObject } from './spec-check.js';

/** The LeRobot dataset version this layout targets. */
export const LEROBOT_VERSION = 'v3.0';
/** Path of the episodes table. */
export const EPISODES_FILE = 'meta/episodes/chunk-000/file-000.parquet';
/** Path of the tasks table. */
export const TASKS_FILE = 'meta/tasks.parquet';
/** LeRobot's template of data file paths. */
export const DATA_PATH = 'data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet';

const READ_TYPE: Record<FeatureSpec['dtype'], ParquetColumn['type']> = {
  float32: 'FLOAT',
  int64: 'INT64',
  int32: 'INT32',
  bool: 'BOOLEAN',
};
const INFO = 'meta/info.json';

type Fail = (path: string, message: string, field?: string) => never;

/** One row of the episodes table, checked. */
interface EpisodeRow {
  task: string;
  from: number;
  length: number;
  path: string;
}

/**
 * Reads a dataset written in this layout (see the module comment); errors name the file and what
 * is wrong in it. `options.maxBytes` bounds what is decoded from each file (default 512 MiB).
 */
export function readLeRobot(source: DatasetSource, options?: DatasetReadOptions): Promise<Dataset> {
  return guardedAsync(source.name, () => read(source, maxBytesOf(options)));
}

async function read(source: DatasetSource, maxBytes: number): Promise<Dataset> {
  const where = (path: string) => `${source.name}/${path}`;
  const fail: Fail = (path, message, field) => {
    throw new TickmindError('IO', `${where(path)}: ${message}`, { file: where(path), ...(field !== undefined ? { field } : {}) });
  };
  const load = async (path: string): Promise<Uint8Array> => {
    let bytes: Uint8Array;
    try {
      bytes = await source.read(path, maxBytes);
    } catch (err) {
      if (err instanceof TickmindError && err.code === 'MODEL_LIMIT') throw err.withFile(where(path));
      return fail(path, `cannot read (${(err as Error).message}); is this a tickmind dataset directory?`);
    }
    if (!(bytes instanceof Uint8Array)) return fail(path, 'the source returned something other than bytes');
    return bytes;
  };
  const table = async (path: string) => readParquet(await load(path), where(path), { maxBytes });

  const info = parseJson(await load(INFO), (m, f) => fail(INFO, m, f));
  const infoFail = (message: string, field?: string): never => fail(INFO, message, field);
  if (info.codebase_version !== LEROBOT_VERSION)
    infoFail(`codebase_version is ${JSON.stringify(info.codebase_version)}, expected "${LEROBOT_VERSION}"`, 'codebase_version');
  const fps = checkFps(info.fps, infoFail);
  const features = checkFeatures(info.features, true, infoFail);
  const committed = checkCount(info.total_episodes, 'total_episodes', infoFail);
  const totalFrames = checkCount(info.total_frames, 'total_frames', infoFail);
  const totalTasks = checkCount(info.total_tasks, 'total_tasks', infoFail);
  const dataPath = info.data_path ?? DATA_PATH;
  if (typeof dataPath !== 'string') return infoFail('data_path is not a string', 'data_path');
  const robotType = info.robot_type ?? '';
  if (typeof robotType !== 'string') return infoFail('robot_type is not a string', 'robot_type');
  const tickmind = info.tickmind ?? {};
  if (!isObject(tickmind) || !isObject(tickmind.extra ?? {})) return infoFail('tickmind.extra is not an object', 'tickmind.extra');

  const rows = episodeRows(await table(EPISODES_FILE), dataPath, (m, f) => fail(EPISODES_FILE, m, f));
  const epFail = (message: string, field?: string): never => fail(EPISODES_FILE, message, field);
  if (rows.length < committed)
    epFail(
      `${rows.length} episodes, but info.json says ${committed} (the table is written before info.json, so it cannot be older)`,
      'total_episodes',
    );
  const committedFrames = committed === 0 ? 0 : rows[committed - 1]!.from + rows[committed - 1]!.length;
  if (committedFrames !== totalFrames)
    epFail(
      `the first ${committed} episodes hold ${committedFrames} frames, but info.json says total_frames ${totalFrames}`,
      'total_frames',
    );
  // Task indices are the order in which tasks first appear, as the writer numbers them.
  const taskIndex = new Map<string, number>();
  let committedTasks = 0;
  rows.forEach((r, e) => {
    if (!taskIndex.has(r.task)) taskIndex.set(r.task, taskIndex.size);
    if (e === committed - 1) committedTasks = taskIndex.size;
  });
  if (committedTasks !== totalTasks)
    epFail(`the first ${committed} episodes have ${committedTasks} tasks, but info.json says total_tasks ${totalTasks}`, 'total_tasks');
  checkTasks(await table(TASKS_FILE), [...taskIndex.keys()], totalTasks, (m, f) => fail(TASKS_FILE, m, f));

  const episodes: Episode[] = [];
  const seen = new Set<string>();
  for (let e = 0; e < rows.length; ) {
    const path = rows[e]!.path;
    if (seen.has(path)) fail(EPISODES_FILE, `episode ${e} goes back to ${path}, which earlier episodes left`, 'data/file_index');
    seen.add(path);
    let end = e;
    while (end < rows.length && rows[end]!.path === path) end++;
    const data = await table(path);
    checkDataColumns(data, features, (m, f) => fail(path, m, f));
    const first = rows[e]!.from;
    const frames = rows[end - 1]!.from + rows[end - 1]!.length - first;
    if (data.rows !== frames)
      fail(path, `${data.rows} frames, but the episodes table puts ${frames} frames (episodes ${e}..${end - 1}) in it`, 'dataset_to_index');
    const column = (name: string) => data.columns.get(name)!.values as Exclude<ParquetColumn['values'], string[]>;
    const [index, episodeIndex, frameIndex, task] = ['index', 'episode_index', 'frame_index', 'task_index'].map(column) as Float64Array[];
    for (; e < end; e++) {
      const r = rows[e]!;
      const start = r.from - first;
      const t = taskIndex.get(r.task)!;
      for (let i = 0; i < r.length; i++) {
        const row = start + i;
        const bad =
          index![row] !== r.from + i
            ? 'index'
            : episodeIndex![row] !== e
              ? 'episode_index'
              : frameIndex![row] !== i
                ? 'frame_index'
                : task![row] !== t
                  ? 'task_index'
                  : undefined;
        if (bad !== undefined)
          fail(
            path,
            `row ${row}: ${bad} does not match episode ${e} of the episodes table (frame ${i} of ${r.length}, global index ${r.from + i}, task ${t})`,
            bad,
          );
      }
      const columns: Episode['columns'] = {};
      for (const [name, f] of Object.entries(features)) {
        const w = featureWidth(f);
        const out = columnArray(f.dtype, r.length * w);
        out.set(column(name).subarray(start * w, (start + r.length) * w));
        columns[name] = out;
      }
      episodes.push({ index: e, task: r.task, length: r.length, columns });
    }
  }
  const spec: DatasetSpec = {
    fps,
    robotType,
    features: Object.fromEntries(Object.entries(features).filter(([n]) => !(n in STANDARD_FEATURES))),
    extra: (tickmind.extra ?? {}) as Record<string, unknown>,
  };
  return { spec, episodes };
}

function parseJson(bytes: Uint8Array, fail: (message: string, field?: string) => never): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    return fail(`not valid JSON (${(err as Error).message})`);
  }
  return isObject(v) ? v : fail('is not a JSON object');
}

/** The episodes table's rows, checked: episode e is row e, its frames follow the previous episode's. */
function episodeRows(t: ParquetTable, dataPath: string, fail: (message: string, field?: string) => never): EpisodeRow[] {
  const ints = (name: string): Float64Array | Int32Array => {
    const c = t.columns.get(name) ?? fail(`no column '${name}'`, name);
    if ((c.type !== 'INT64' && c.type !== 'INT32') || c.width !== 1)
      fail(`column '${name}' is ${c.type} × ${c.width}, expected one integer per episode`, name);
    return c.values as Float64Array | Int32Array;
  };
  const [idx, len, chunk, file, from, to] = [
    'episode_index',
    'length',
    'data/chunk_index',
    'data/file_index',
    'dataset_from_index',
    'dataset_to_index',
  ].map(ints);
  const tasks = t.columns.get('tasks') ?? fail("no column 'tasks'", 'tasks');
  if (tasks.type !== 'BYTE_ARRAY' || tasks.width !== 1)
    fail(`column 'tasks' is ${tasks.type} × ${tasks.width}, expected one task string per episode`, 'tasks');
  const out: EpisodeRow[] = [];
  let next = 0;
  for (let e = 0; e < t.rows; e++) {
    if (idx![e] !== e) fail(`row ${e} has episode_index ${idx![e]}; episodes are numbered 0, 1, … in order`, 'episode_index');
    const n = len![e]!;
    if (n < 0) fail(`episode ${e} has length ${n}`, 'length');
    if (from![e] !== next || to![e] !== next + n)
      fail(
        `episode ${e} spans frames ${from![e]}..${to![e]}, expected ${next}..${next + n} (episodes are contiguous, in order, length frames each)`,
        from![e] !== next ? 'dataset_from_index' : 'dataset_to_index',
      );
    if (chunk![e]! < 0 || file![e]! < 0) fail(`episode ${e} has a negative data file index`, 'data/file_index');
    out.push({ task: (tasks.values as string[])[e]!, from: next, length: n, path: formatPath(dataPath, chunk![e]!, file![e]!, fail) });
    next += n;
  }
  return out;
}

/** LeRobot's data_path template with `{chunk_index:03d}`-style fields; the result must stay inside the dataset. */
function formatPath(template: string, chunk: number, file: number, fail: (message: string, field?: string) => never): string {
  const path = template.replace(/\{(\w+)(?::0?(\d{0,2})d)?\}/g, (all, key: string, width: string) => {
    const v = key === 'chunk_index' ? chunk : key === 'file_index' ? file : fail(`data_path has an unknown field ${all}`, 'data_path');
    return String(v).padStart(Number(width || 0), '0');
  });
  if (path.startsWith('/') || path.includes('\\') || path.split('/').some((s) => s === '..' || s === '') || /[{}]/.test(path))
    fail(`data_path ${JSON.stringify(template)} gives ${JSON.stringify(path)}, not a relative path inside the dataset`, 'data_path');
  return path;
}

/** The tasks table lists the tasks in the order the episodes first use them: all info.json counts, at most all the table uses. */
function checkTasks(t: ParquetTable, tasks: string[], committed: number, fail: (message: string, field?: string) => never): void {
  const index = t.columns.get('task_index') ?? fail("no column 'task_index'", 'task_index');
  const task = t.columns.get('task') ?? fail("no column 'task'", 'task');
  if ((index.type !== 'INT64' && index.type !== 'INT32') || index.width !== 1)
    fail(`column 'task_index' is ${index.type} × ${index.width}`, 'task_index');
  if (task.type !== 'BYTE_ARRAY' || task.width !== 1) fail(`column 'task' is ${task.type} × ${task.width}`, 'task');
  if (t.rows < committed || t.rows > tasks.length)
    fail(`${t.rows} tasks, but info.json counts ${committed} and the episodes use ${tasks.length}`, 'task');
  for (let i = 0; i < t.rows; i++) {
    if (index.values[i] !== i) fail(`row ${i} has task_index ${index.values[i]}`, 'task_index');
    if ((task.values as string[])[i] !== tasks[i])
      fail(`task ${i} is ${JSON.stringify((task.values as string[])[i])}, the episodes table's is ${JSON.stringify(tasks[i])}`, 'task');
  }
}

/** A data file holds exactly the columns info.json lists, with their dtype and width. */
function checkDataColumns(t: ParquetTable, features: Record<string, FeatureSpec>, fail: (message: string, field?: string) => never): void {
  for (const [name, f] of Object.entries(features)) {
    const c = t.columns.get(name) ?? fail(`no column '${name}' (info.json lists it)`, name);
    if (c.type !== READ_TYPE[f.dtype]) fail(`column '${name}' is ${c.type}, info.json says ${f.dtype}`, name);
    if (c.width !== featureWidth(f)) fail(`column '${name}' has ${c.width} values per row, info.json says shape [${f.shape}]`, name);
  }
  for (const name of t.columns.keys()) if (!(name in features)) fail(`column '${name}' is not among info.json's features`, name);
}
