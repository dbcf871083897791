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
 * `append` writes the new episodes' data file first and the metadata after it (the episodes
 * table, tasks, stats, info.json last), each file atomically through the sink: a kill at any
 * moment leaves a dataset {@link readLeRobot} reads (see lerobot-read.ts for the rule). Vectors
 * are LIST columns, scalars plain columns, as LeRobot and pandas expect.
 */
import { TickmindError } from '../core/index.js';
import { DATA_PATH, EPISODES_FILE, LEROBOT_VERSION, TASKS_FILE } from './lerobot-read.js';
import { type ParquetColumnData, type ParquetType, writeParquet } from './parquet-write.js';
import { columnArray, type DatasetSpec, type Episode, type FeatureSpec, featureWidth, fullFeatures } from './schema.js';
import type { DatasetSink } from './sink.js';

export { LEROBOT_VERSION, readLeRobot } from './lerobot-read.js';
/** Marker of tickmind's section in info.json. */
export const TICKMIND_DATASET_FORMAT = 'tickmind-dataset';

const FILES_PER_CHUNK = 1000;
/**
 * Standard columns the writer fills itself, so the frames always agree with the episodes table
 * (episodes from several recorders may number them differently).
 */
const WRITER_COLUMNS = ['frame_index', 'episode_index', 'index', 'task_index'];

const PARQUET_TYPE: Record<FeatureSpec['dtype'], ParquetType> = { float32: 'FLOAT', int64: 'INT64', int32: 'INT32', bool: 'BOOLEAN' };

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
   * Writes `episodes` (their `index` must continue the dataset's) as one new data file, then the
   * metadata. The writer fills the standard columns frame_index, episode_index, index (the global
   * frame index) and task_index itself; the others come from the episodes. Does nothing for an
   * empty list. Calls are queued: appends made without awaiting the previous one still land in order.
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
    const tasks = [...this.tasks];
    const rows: EpisodeRow[] = [];
    const written: Episode[] = [];
    let frames = this.frames;
    for (const e of episodes) {
      const index = this.rows.length + rows.length;
      if (e.index !== index)
        throw new TickmindError('INVALID_ARGUMENT', `episode ${e.index} appended where episode ${index} was expected`, { field: 'index' });
      for (const [name, f] of Object.entries(this.features))
        if (!WRITER_COLUMNS.includes(name) && e.columns[name]?.length !== e.length * featureWidth(f))
          throw new TickmindError(
            'INVALID_ARGUMENT',
            `episode ${e.index}: feature '${name}' needs ${e.length} × ${featureWidth(f)} values`,
            {
              field: name,
            },
          );
      if (!tasks.includes(e.task)) tasks.push(e.task);
      const task = tasks.indexOf(e.task);
      const standard = {
        frame_index: new Float64Array(e.length),
        episode_index: new Float64Array(e.length).fill(index),
        index: new Float64Array(e.length),
        task_index: new Float64Array(e.length).fill(task),
      };
      for (let r = 0; r < e.length; r++) {
        standard.frame_index[r] = r;
        standard.index[r] = frames + r;
      }
      written.push({ ...e, columns: { ...e.columns, ...standard } });
      rows.push({ index, task: e.task, length: e.length, chunk, file: file % FILES_PER_CHUNK, from: frames, to: frames + e.length });
      frames += e.length;
    }
    const n = frames - this.frames;
    const columns: ParquetColumnData[] = Object.entries(this.features).map(([name, f]) => {
      const w = featureWidth(f);
      const data = columnArray(f.dtype, n * w);
      let o = 0;
      for (const e of written) {
        data.set(e.columns[name]!, o);
        o += e.length * w;
      }
      return { name, type: PARQUET_TYPE[f.dtype], width: w, list: f.shape.length > 1 || f.shape[0]! > 1, data };
    });
    await this.sink.write(dataPath(chunk, file % FILES_PER_CHUNK), writeParquet(columns, n, { 'tickmind.dataset': 'frames' }));
    // The frames are on disk: only now does the writer count them (a failed write leaves it as it was).
    this.files++;
    this.tasks.splice(0, this.tasks.length, ...tasks);
    this.rows.push(...rows);
    this.frames = frames;
    for (const e of written) this.accumulate(e);
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
          const x = v[r * w + j]!;
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
    await this.sink.write(TASKS_FILE, tasks);
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
