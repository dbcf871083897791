/** Issue 20: readLeRobot validates the metadata against the data, and reads what a kill at any moment of an append leaves. */
import { describe, expect, it } from 'vitest';
import { TickmindError } from '../../sdk/core/index.js';
import { type DatasetSink, LeRobotWriter, MemoryFiles, readLeRobot } from '../../sdk/dataset/index.js';
import { episodesKey, jsonBytes, lerobotFiles, parseJson, record, rewriteParquet, spec, withFile } from './dataset-fixture.js';

const INFO = 'meta/info.json';
const EPISODES = 'meta/episodes/chunk-000/file-000.parquet';
const TASKS = 'meta/tasks.parquet';
const DATA0 = 'data/chunk-000/file-000.parquet';

async function refusedWith(files: MemoryFiles, message: RegExp, field?: string): Promise<void> {
  let err: unknown;
  try {
    await readLeRobot(files);
  } catch (e) {
    err = e;
  }
  expect(err, 'expected a refusal').toBeInstanceOf(TickmindError);
  expect((err as TickmindError).message).toMatch(message);
  if (field !== undefined) expect((err as TickmindError).location.field).toBe(field);
}

function editInfo(files: MemoryFiles, edit: (info: Record<string, unknown>) => void): MemoryFiles {
  const info = parseJson(files.files.get(INFO)!);
  edit(info);
  return withFile(files, INFO, jsonBytes(info));
}

describe('readLeRobot validates info.json', () => {
  it('fps must be a positive number', async () => {
    const { files } = await lerobotFiles([[4, 3]]);
    for (const fps of ['abc', -8, 0, null, '64'])
      await refusedWith(
        editInfo(files, (i) => {
          i.fps = fps;
        }),
        /ds\/meta\/info\.json: fps is .*, expected a positive number/,
        'fps',
      );
    await refusedWith(
      withFile(files, INFO, new TextEncoder().encode(new TextDecoder().decode(files.files.get(INFO)).replace('"fps": 64', '"fps": 1e400'))),
      /fps is null/,
    );
  });

  it('features: each with a dtype and shape, the standard ones present, and exactly the data files’ columns', async () => {
    const { files } = await lerobotFiles([[4, 3]]);
    const features = (f: (x: Record<string, Record<string, unknown>>) => void) =>
      editInfo(files, (i) => {
        f(i.features as Record<string, Record<string, unknown>>);
      });
    await refusedWith(
      features((x) => delete x.action),
      /data\/chunk-000\/file-000\.parquet: column 'action' is not among info\.json's features/,
      'action',
    );
    await refusedWith(
      features((x) => delete x.index),
      /info\.json: standard feature 'index' is missing/,
    );
    await refusedWith(
      features((x) => {
        x.action!.dtype = 'float16';
      }),
      /feature 'action' has dtype "float16"/,
    );
    await refusedWith(
      features((x) => {
        x.action!.shape = [-1];
      }),
      /feature 'action' has shape \[-1\]/,
    );
    await refusedWith(
      features((x) => {
        x.extra = { dtype: 'float32', shape: [1], names: null };
      }),
      /file-000\.parquet: no column 'extra' \(info\.json lists it\)/,
    );
    await refusedWith(
      editInfo(files, (i) => {
        i.features = null;
      }),
      /features is missing or not an object/,
    );
  });

  it('counts, version and data_path', async () => {
    const { files } = await lerobotFiles([[4, 3], [2]]);
    const info = (k: string, v: unknown) =>
      editInfo(files, (i) => {
        i[k] = v;
      });
    await refusedWith(info('total_episodes', 4), /episodes\/chunk-000\/file-000\.parquet: 3 episodes, but info\.json says 4/);
    await refusedWith(info('total_episodes', 'x'), /total_episodes is "x"/);
    await refusedWith(info('total_episodes', -1), /total_episodes is -1/);
    await refusedWith(info('total_frames', 10), /the first 3 episodes hold 9 frames, but info\.json says total_frames 10/);
    await refusedWith(info('total_tasks', 1), /total_tasks 1/);
    await refusedWith(info('codebase_version', 'v2.1'), /codebase_version is "v2\.1"/);
    await refusedWith(info('data_path', '../../secret/{chunk_index}-{file_index}.parquet'), /not a relative path inside the dataset/);
    await refusedWith(info('data_path', 'data/{episode_index}.parquet'), /unknown field \{episode_index\}/);
  });
});

describe('readLeRobot validates the episodes and tasks tables against the data', () => {
  const editEpisodes = async (edit: Parameters<typeof rewriteParquet>[1]) => {
    const { files } = await lerobotFiles([[4, 3], [2]]);
    return withFile(files, EPISODES, rewriteParquet(files.files.get(EPISODES)!, edit));
  };
  const col = (name: string) => (t: { columns: { name: string; data: (number | string)[] }[] }) =>
    t.columns.find((c) => c.name === name)!.data;

  it('overlapping, gapped or mis-sized episode ranges are refused', async () => {
    await refusedWith(
      await editEpisodes((t) => {
        col('dataset_from_index')(t)[1] = 3; // overlaps episode 0 (frames 0..4)
        col('dataset_to_index')(t)[1] = 6;
      }),
      /episode 1 spans frames 3\.\.6, expected 4\.\.7/,
      'dataset_from_index',
    );
    await refusedWith(
      await editEpisodes((t) => {
        col('length')(t)[0] = 5;
      }),
      /episode 0 spans frames 0\.\.4, expected 0\.\.5/,
    );
    await refusedWith(
      await editEpisodes((t) => {
        col('episode_index')(t)[2] = 7;
      }),
      /row 2 has episode_index 7/,
    );
    await refusedWith(
      await editEpisodes((t) => {
        col('data/file_index')(t)[2] = 0; // episode 2's frames are in file-001
      }),
      /file-000\.parquet: 7 frames, but the episodes table puts 9 frames/,
    );
  });

  it('a task that disagrees with the tasks table or the frames is refused', async () => {
    await refusedWith(
      await editEpisodes((t) => {
        col('tasks')(t)[1] = 'retake as CT';
      }),
      /tasks\.parquet: 2 tasks, but info\.json counts 2 and the episodes use 1|total_tasks/,
    );
    const { files } = await lerobotFiles([[4, 3]]);
    await refusedWith(
      withFile(
        files,
        TASKS,
        rewriteParquet(files.files.get(TASKS)!, (t) => {
          t.columns[1]!.data[0] = 'something else';
        }),
      ),
      /tasks\.parquet: task 0 is "something else", the episodes table's is "retake as CT"/,
      'task',
    );
  });

  it('frames whose index, episode_index, frame_index or task_index disagree with the episodes table are refused', async () => {
    const { files } = await lerobotFiles([[4, 3]]);
    for (const [name, row, value] of [
      ['index', 2, 9],
      ['episode_index', 5, 0],
      ['frame_index', 1, 0],
      ['task_index', 0, 1],
    ] as const)
      await refusedWith(
        withFile(
          files,
          DATA0,
          rewriteParquet(files.files.get(DATA0)!, (t) => {
            t.columns.find((c) => c.name === name)!.data[row] = value;
          }),
        ),
        new RegExp(`file-000\\.parquet: row ${row}: ${name} does not match`),
        name,
      );
    await refusedWith(
      withFile(
        files,
        DATA0,
        rewriteParquet(files.files.get(DATA0)!, (t) => {
          for (const c of t.columns) c.data.splice(0, 2 * c.width, ...c.data.slice(c.width, 2 * c.width), ...c.data.slice(0, c.width));
        }),
      ),
      /row 0: index does not match/,
    );
  });
});

/** A sink that writes the first `k` files and then "dies": every later write is lost. */
class KilledSink implements DatasetSink {
  writes = 0;
  constructor(
    readonly files: MemoryFiles,
    private readonly k: number,
  ) {}
  async write(path: string, bytes: Uint8Array): Promise<void> {
    if (this.writes >= this.k) throw new Error('killed');
    this.writes++;
    await this.files.write(path, bytes);
  }
}

describe('crash safety', () => {
  const batches = [[4, 3], [2], [3, 1]];
  // The third append brings a new task, so a kill can leave tasks.parquet one task behind.
  const episodes = record(batches.flat(), ['retake as CT', 'retake as T', 'retake as CT', 'plant', 'plant', 'retake as T']);
  const WRITES_PER_APPEND = 5; // data file, episodes table, tasks, stats, info.json

  it('a kill after any single write of any append leaves a readable dataset: every episode of the episodes table', async () => {
    const total = batches.length * WRITES_PER_APPEND;
    const seen: string[] = [];
    for (let k = 0; k <= total; k++) {
      const sink = new KilledSink(new MemoryFiles('ds'), k);
      const writer = new LeRobotWriter(spec, sink);
      let at = 0;
      for (const b of batches) {
        await writer.append(episodes.slice(at, at + b.length)).catch(() => undefined);
        at += b.length;
      }
      if (k < WRITES_PER_APPEND) {
        // Before the first info.json there is no dataset yet: a coded refusal, not a crash.
        await refusedWith(sink.files, /ds\/meta\/info\.json: cannot read/);
        seen.push(`${k}: none`);
        continue;
      }
      // The episodes table is write 2 of its append: from then on the append's episodes are read
      // (the recorder numbered their standard columns as the writer does, so they read back unchanged).
      const appends = batches.filter((_, j) => j * WRITES_PER_APPEND + 2 <= k).length;
      const expected = episodes.slice(0, batches.slice(0, appends).flat().length);
      const back = await readLeRobot(sink.files);
      expect(episodesKey(back.episodes), `kill after ${k} writes`).toBe(episodesKey(expected));
      seen.push(`${k}: ${back.episodes.length}`);
    }
    expect(seen).toEqual([
      '0: none',
      '1: none',
      '2: none',
      '3: none',
      '4: none',
      '5: 2',
      '6: 2',
      '7: 3',
      '8: 3',
      '9: 3',
      '10: 3',
      '11: 3',
      '12: 5',
      '13: 5',
      '14: 5',
      '15: 5',
    ]);
  });

  it('the reported case: info.json counts fewer episodes than the intact episodes table holds, and the tasks table lags', async () => {
    const files = new MemoryFiles('ds');
    const writer = new LeRobotWriter(spec, files);
    await writer.append(episodes.slice(0, 2));
    const stale = new Map(files.files);
    await writer.append(episodes.slice(2));
    // The kill came right after the new episodes table was renamed into place.
    for (const path of [INFO, TASKS, 'meta/stats.json']) files.files.set(path, stale.get(path)!);
    const info = parseJson(files.files.get(INFO)!);
    expect(info.total_episodes).toBe(2);
    const back = await readLeRobot(files);
    expect(back.episodes.map((e) => [e.index, e.task])).toEqual([
      [0, 'retake as CT'],
      [1, 'retake as T'],
      [2, 'retake as CT'],
      [3, 'plant'],
      [4, 'plant'],
    ]);
  });

  it('a data file no episode points at (a kill right after writing it) is ignored', async () => {
    const { files, episodes: eps } = await lerobotFiles([[4, 3]]);
    const orphan = await lerobotFiles([[2]]);
    files.files.set('data/chunk-000/file-001.parquet', orphan.files.files.get(DATA0)!);
    expect(episodesKey((await readLeRobot(files)).episodes)).toBe(episodesKey(eps));
  });
});
