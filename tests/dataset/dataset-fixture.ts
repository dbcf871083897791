/** Small datasets written by the SDK itself, and helpers to compare what the readers return. */
import {
  type Dataset,
  type DatasetSpec,
  type Episode,
  LeRobotWriter,
  MemoryFiles,
  type ParquetType,
  Recorder,
  readParquet,
  writeParquet,
} from '../../sdk/dataset/index.js';

/** Every dtype, a vector, a scalar, names and extra. */
export const spec: DatasetSpec = {
  fps: 64,
  robotType: 'tickmind-test',
  features: {
    'observation.state': { dtype: 'float32', shape: [3], names: ['a', 'b', 'c'] },
    action: { dtype: 'int64', shape: [1], names: null },
    'agent.flags': { dtype: 'int32', shape: [2], names: null },
    'agent.alive': { dtype: 'bool', shape: [1], names: null },
  },
  extra: { map: 'synthetic' },
};

/** Records `lengths.length` episodes with recognisable values (tasks alternate over `tasks`). */
export function record(lengths: number[], tasks = ['retake as CT', 'retake as T']): Episode[] {
  const out: Episode[] = [];
  const rec = new Recorder(spec, { slots: 1, maxFrames: 64, onEpisode: (e) => out.push(e) });
  const obs = rec.feature('observation.state');
  const action = rec.feature('action');
  const flags = rec.feature('agent.flags');
  const alive = rec.feature('agent.alive');
  lengths.forEach((n, e) => {
    rec.begin(0, tasks[e % tasks.length]!);
    for (let f = 0; f < n; f++) {
      rec.set(0, obs, [e + f / 10, -f, 0.5 + e]);
      rec.setScalar(0, action, (e * 7 + f) % 97);
      rec.set(0, flags, [f, -e]);
      rec.setScalar(0, alive, f % 2);
      rec.commit(0, f / 64);
    }
    rec.end(0);
  });
  return out;
}

/** A LeRobot directory in memory: `batches` appends of the given episode lengths. */
export async function lerobotFiles(batches: number[][], tasks?: string[]): Promise<{ files: MemoryFiles; episodes: Episode[] }> {
  const episodes = record(batches.flat(), tasks);
  const files = new MemoryFiles('ds');
  const writer = new LeRobotWriter(spec, files);
  let at = 0;
  for (const b of batches) {
    await writer.append(episodes.slice(at, at + b.length));
    at += b.length;
  }
  return { files, episodes };
}

/** A copy of `files` with `path` replaced by `bytes` (deleted when undefined). */
export function withFile(files: MemoryFiles, path: string, bytes: Uint8Array | undefined): MemoryFiles {
  const out = new MemoryFiles(files.name);
  for (const [p, b] of files.files) out.files.set(p, b);
  if (bytes === undefined) out.files.delete(path);
  else out.files.set(path, bytes);
  return out;
}

/** A canonical string of a dataset's episodes (index, task, length, every value). */
export function episodesKey(episodes: readonly Episode[]): string {
  return JSON.stringify(
    episodes.map((e) => [
      e.index,
      e.task,
      e.length,
      Object.entries(e.columns)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([n, v]) => [n, Array.from(v)]),
    ]),
  );
}

/** A canonical string of a whole dataset (spec and episodes). */
export function datasetKey(d: Dataset): string {
  return JSON.stringify(d.spec) + episodesKey(d.episodes);
}

/** JSON bytes. */
export function jsonBytes(v: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(v, null, 2));
}

/** Parsed JSON bytes. */
export function parseJson(b: Uint8Array): Record<string, unknown> {
  return JSON.parse(new TextDecoder().decode(b));
}

/** A Parquet file's columns as plain arrays, to edit and write back with {@link rewriteParquet}. */
export interface EditableTable {
  rows: number;
  columns: { name: string; type: ParquetType; width: number; list: boolean; data: (number | string)[] }[];
}

/** Reads a Parquet file, lets `edit` change its columns and rows, and writes it again (a valid file with the edited content). */
export function rewriteParquet(bytes: Uint8Array, edit: (t: EditableTable) => void): Uint8Array {
  const t = readParquet(bytes);
  const table: EditableTable = {
    rows: t.rows,
    columns: [...t.columns.values()].map((c) => ({
      name: c.name,
      type: c.type === 'BYTE_ARRAY' ? 'STRING' : c.type,
      width: c.width,
      list: c.list,
      data: Array.from(c.values as ArrayLike<number | string>),
    })),
  };
  edit(table);
  return writeParquet(
    table.columns.map((c) => ({ ...c, data: c.type === 'STRING' ? c.data.map(String) : (c.data as number[]) })),
    table.rows,
  );
}
