/**
 * The dataset on disk in a LeRobot v3.0-compatible layout:
 *
 * ```
 * meta/info.json                           schema, fps, counts, path templates (written last)
 * meta/stats.json                          mean/std/min/max/count per feature element
 * meta/tasks.parquet                       task_index, task
 * meta/episodes/chunk-000/file-000.parquet one row per episode: where its frames are
 * data/chunk-000/file-NNN.parquet          frames; one file per append
 * ```
 *
 * `append` writes the new episodes' data file first and the metadata after it (info.json last),
 * each file atomically through the sink: a crash mid-episode leaves every appended episode
 * readable. Vectors are LIST columns, scalars plain columns, as LeRobot and pandas expect.
 */
import { TickmindError } from '../core/index.js';
import { type ParquetColumn, readParquet } from './parquet-read.js';
import { type ParquetColumnData, type ParquetType, writeParquet } from './parquet-write.js';
import { columnArray, type Dataset, type DatasetSpec, type Episode, type FeatureSpec, featureWidth, fullFeatures } from './schema.js';
import type { DatasetSink, DatasetSource } from './sink.js';

/** The LeRobot dataset version this layout targets. */
export const LEROBOT_VERSION = 'v3.0';
/** Marker of tickmind's section in info.json. */
export const TICKMIND_DATASET_FORMAT = 'tickmind-dataset';

const DATA_PATH = 'data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet';
const EPISODES_FILE = 'meta/episodes/chunk-000/file-000.parquet';
const FILES_PER_CHUNK = 1000;

const PARQUET_TYPE: Record<FeatureSpec['dtype'], ParquetType> = { float32: 'FLOAT', int64: 'INT64', int32: 'INT32', bool: 'BOOLEAN' };
const READ_TYPE: Record<FeatureSpec['dtype'], ParquetColumn['type']> = {
  float32: 'FLOAT',
  int64: 'INT64',
  int32: 'INT32',
  bool: 'BOOLEAN',
};

interface EpisodeRow {
  index: number;
  task: string;
  length: number;
  chunk: number;
  file: number;
  from: number;
  to: number;
}

/** Writes a dataset in the layout above, episodes appended in batches. */
export class LeRobotWriter {
  private readonly features: Record<string, FeatureSpec>;
  private readonly rows: EpisodeRow[] = [];
  private readonly tasks: string[] = [];
  private files = 0;
  private frames = 0;
  private queue: Promise<void> = Promise.resolve();
  private readonly sum: Record<string, Float64Array> = {};
  private readonly sumSq: Record<string, Float64Array> = {};
  private readonly min: Record<string, Float64Array> = {};
  private readonly max: Record<string, Float64Array> = {};

  constructor(
    /** What the episodes hold. */
    readonly spec: DatasetSpec,
    private readonly sink: DatasetSink,
  ) {
    this.features = fullFeatures(spec);
    for (const [name, f] of Object.entries(this.features)) {
      const w = featureWidth(f);
      this.sum[name] = new Float64Array(w);
      this.sumSq[name] = new Float64Array(w);
      this.min[name] = new Float64Array(w).fill(Infinity);
      this.max[name] = new Float64Array(w).fill(-Infinity);
    }
  }

  /** Episodes written so far. */
  get episodeCount(): number {
    return this.rows.length;
  }

  /** Frames written so far. */
  get frameCount(): number {
    return this.frames;
  }

  /**
   * Writes `episodes` (their `index` must continue the dataset's, their `index` column the global
   * frame index) as one new data file, then the metadata. Does nothing for an empty list. Calls
   * are queued: appends made without awaiting the previous one still land in order.
   */
  append(episodes: readonly Episode[]): Promise<void> {
    const next = this.queue.then(() => this.write(episodes));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Resolves when every append so far has been written. */
  flushed(): Promise<void> {
    return this.queue;
  }

  private async write(episodes: readonly Episode[]): Promise<void> {
    if (episodes.length === 0) return;
    const file = this.files;
    const chunk = Math.floor(file / FILES_PER_CHUNK);
    const n = episodes.reduce((s, e) => s + e.length, 0);
    for (const e of episodes) {
      if (e.index !== this.rows.length)
        throw new TickmindError('INVALID_ARGUMENT', `episode ${e.index} appended where episode ${this.rows.length} was expected`, {
          field: 'index',
        });
      if (!this.tasks.includes(e.task)) this.tasks.push(e.task);
      this.rows.push({
        index: e.index,
        task: e.task,
        length: e.length,
        chunk,
        file: file % FILES_PER_CHUNK,
        from: this.frames,
        to: this.frames + e.length,
      });
      this.frames += e.length;
      this.accumulate(e);
    }
    const columns: ParquetColumnData[] = Object.entries(this.features).map(([name, f]) => {
      const w = featureWidth(f);
      const data = columnArray(f.dtype, n * w);
      let o = 0;
      for (const e of episodes) {
        const src = e.columns[name];
        if (src === undefined || src.length !== e.length * w)
          throw new TickmindError('INVALID_ARGUMENT', `episode ${e.index}: feature '${name}' needs ${e.length} × ${w} values`, {
            field: name,
          });
        // Task indices are the writer's (episodes from several recorders may number tasks differently).
        if (name === 'task_index') data.fill(this.tasks.indexOf(e.task), o, o + e.length);
        else data.set(src, o);
        o += src.length;
      }
      return { name, type: PARQUET_TYPE[f.dtype], width: w, list: f.shape.length > 1 || f.shape[0]! > 1, data };
    });
    await this.sink.write(dataPath(chunk, file % FILES_PER_CHUNK), writeParquet(columns, n, { 'tickmind.dataset': 'frames' }));
    this.files++;
    await this.writeMeta();
  }

  private accumulate(e: Episode): void {
    for (const [name, f] of Object.entries(this.features)) {
      const w = featureWidth(f);
      const v = e.columns[name]!;
      const s = this.sum[name]!;
      const q = this.sumSq[name]!;
      const lo = this.min[name]!;
      const hi = this.max[name]!;
      for (let r = 0; r < e.length; r++)
        for (let j = 0; j < w; j++) {
          const x = name === 'task_index' ? this.tasks.indexOf(e.task) : v[r * w + j]!;
          s[j] = s[j]! + x;
          q[j] = q[j]! + x * x;
          if (x < lo[j]!) lo[j] = x;
          if (x > hi[j]!) hi[j] = x;
        }
    }
  }

  private async writeMeta(): Promise<void> {
    const r = this.rows;
    const int = (name: string, f: (e: EpisodeRow) => number): ParquetColumnData => ({ name, type: 'INT64', width: 1, data: r.map(f) });
    const episodes = writeParquet(
      [
        int('episode_index', (e) => e.index),
        { name: 'tasks', type: 'STRING', width: 1, list: true, data: r.map((e) => e.task) },
        int('length', (e) => e.length),
        int('data/chunk_index', (e) => e.chunk),
        int('data/file_index', (e) => e.file),
        int('dataset_from_index', (e) => e.from),
        int('dataset_to_index', (e) => e.to),
        int('meta/episodes/chunk_index', () => 0),
        int('meta/episodes/file_index', () => 0),
      ],
      r.length,
    );
    await this.sink.write(EPISODES_FILE, episodes);
    const tasks = writeParquet(
      [
        { name: 'task_index', type: 'INT64', width: 1, data: this.tasks.map((_, i) => i) },
        { name: 'task', type: 'STRING', width: 1, data: this.tasks },
      ],
      this.tasks.length,
    );
    await this.sink.write('meta/tasks.parquet', tasks);
    await this.sink.write('meta/stats.json', json(this.stats()));
    await this.sink.write('meta/info.json', json(this.info()));
  }

  private stats(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const n = this.frames;
    for (const name of Object.keys(this.features)) {
      const mean = Array.from(this.sum[name]!, (s) => s / n);
      const std = Array.from(this.sumSq[name]!, (q, j) => Math.sqrt(Math.max(0, q / n - mean[j]! * mean[j]!)));
      out[name] = { mean, std, min: Array.from(this.min[name]!), max: Array.from(this.max[name]!), count: [n] };
    }
    return out;
  }

  private info(): Record<string, unknown> {
    return {
      codebase_version: LEROBOT_VERSION,
      robot_type: this.spec.robotType,
      total_episodes: this.rows.length,
      total_frames: this.frames,
      total_tasks: this.tasks.length,
      chunks_size: FILES_PER_CHUNK,
      data_files_size_in_mb: 100,
      video_files_size_in_mb: 200,
      fps: this.spec.fps,
      splits: { train: `0:${this.rows.length}` },
      data_path: DATA_PATH,
      video_path: null,
      features: this.features,
      tickmind: { format: TICKMIND_DATASET_FORMAT, version: 1, lerobot_version_targeted: LEROBOT_VERSION, extra: this.spec.extra ?? {} },
    };
  }
}

function dataPath(chunk: number, file: number): string {
  return `data/chunk-${String(chunk).padStart(3, '0')}/file-${String(file).padStart(3, '0')}.parquet`;
}

function json(value: unknown): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
}

/** Reads a dataset written in this layout; errors name the file and what is wrong in it. */
export async function readLeRobot(source: DatasetSource): Promise<Dataset> {
  const where = (path: string) => `${source.name}/${path}`;
  const fail = (path: string, message: string, field?: string): never => {
    throw new TickmindError('IO', `${where(path)}: ${message}`, { file: where(path), ...(field !== undefined ? { field } : {}) });
  };
  const load = async (path: string): Promise<Uint8Array> => {
    try {
      return await source.read(path);
    } catch (err) {
      return fail(path, `cannot read (${(err as Error).message}); is this a tickmind dataset directory?`);
    }
  };
  let info: Record<string, unknown>;
  try {
    info = JSON.parse(new TextDecoder().decode(await load('meta/info.json')));
  } catch (err) {
    if (err instanceof TickmindError) throw err;
    return fail('meta/info.json', `not valid JSON (${(err as Error).message})`);
  }
  if (info.codebase_version !== LEROBOT_VERSION)
    fail(
      'meta/info.json',
      `codebase_version is ${JSON.stringify(info.codebase_version)}, expected "${LEROBOT_VERSION}"`,
      'codebase_version',
    );
  const features = info.features as Record<string, FeatureSpec> | undefined;
  if (typeof features !== 'object' || features === null) return fail('meta/info.json', 'no features', 'features');
  for (const [name, f] of Object.entries(features))
    if (!(f.dtype in PARQUET_TYPE) || !Array.isArray(f.shape))
      fail('meta/info.json', `feature '${name}' has unsupported dtype '${f.dtype}' or no shape`, `features.${name}`);
  const tickmind = (info.tickmind ?? {}) as { extra?: Record<string, unknown> };
  const standard = ['timestamp', 'frame_index', 'episode_index', 'index', 'task_index'];
  const spec: DatasetSpec = {
    fps: Number(info.fps),
    robotType: String(info.robot_type ?? ''),
    features: Object.fromEntries(Object.entries(features).filter(([n]) => !standard.includes(n))),
    extra: tickmind.extra ?? {},
  };
  const table = readParquet(await load(EPISODES_FILE), where(EPISODES_FILE));
  const col = (name: string) => table.columns.get(name)?.values ?? fail(EPISODES_FILE, `no column '${name}'`, name);
  const [idx, len, chunk, file, from, to] = [
    'episode_index',
    'length',
    'data/chunk_index',
    'data/file_index',
    'dataset_from_index',
    'dataset_to_index',
  ].map(col) as Float64Array[];
  const taskCol = col('tasks') as string[];
  if (table.rows !== info.total_episodes)
    fail(EPISODES_FILE, `${table.rows} episodes, but info.json says ${String(info.total_episodes)}`, 'total_episodes');
  const files = new Map<string, { table: ReturnType<typeof readParquet>; first: number }>();
  const episodes: Episode[] = [];
  for (let e = 0; e < table.rows; e++) {
    const path = dataPath(chunk![e]!, file![e]!);
    let data = files.get(path);
    if (data === undefined) {
      const t = readParquet(await load(path), where(path));
      for (const [name, f] of Object.entries(features)) {
        const c = t.columns.get(name) ?? fail(path, `no column '${name}' (info.json lists it)`, name);
        if (c.type !== READ_TYPE[f.dtype]) fail(path, `column '${name}' is ${c.type}, info.json says ${f.dtype}`, name);
        if (c.width !== featureWidth(f))
          fail(path, `column '${name}' has ${c.width} values per row, info.json says shape [${f.shape}]`, name);
      }
      data = { table: t, first: (t.columns.get('index')!.values as Float64Array)[0] ?? 0 };
      files.set(path, data);
    }
    const start = from![e]! - data.first;
    const n = len![e]!;
    if (to![e]! - from![e]! !== n || start < 0 || start + n > data.table.rows)
      fail(EPISODES_FILE, `episode ${idx![e]} points at frames ${from![e]}..${to![e]} outside ${path}`, 'dataset_from_index');
    const columns: Episode['columns'] = {};
    for (const [name, f] of Object.entries(features)) {
      const w = featureWidth(f);
      const v = data.table.columns.get(name)!.values as Exclude<ParquetColumn['values'], string[]>;
      const out = columnArray(f.dtype, n * w);
      out.set(v.subarray(start * w, (start + n) * w));
      columns[name] = out;
    }
    episodes.push({ index: idx![e]!, task: taskCol[e]!, length: n, columns });
  }
  return { spec, episodes };
}
