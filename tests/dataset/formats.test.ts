/** The dataset formats: LeRobot-v3 Parquet and .npz round trips, an independent reader, numpy, and precise errors. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'fflate';
import { parquetReadObjects } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import {
  type Dataset,
  type DatasetSpec,
  datasetFromNpz,
  datasetToNpz,
  type Episode,
  LeRobotWriter,
  MemoryFiles,
  Recorder,
  readLeRobot,
  readParquet,
} from '../../sdk/dataset/index.js';

const spec: DatasetSpec = {
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

/** Records `lengths.length` episodes with recognisable values. */
function record(lengths: number[], tasks = ['retake as CT', 'retake as T']): Episode[] {
  const out: Episode[] = [];
  const rec = new Recorder(spec, { slots: 2, maxFrames: 64, onEpisode: (e) => out.push(e) });
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

describe('LeRobot v3 layout', () => {
  it('round-trips every dtype across appends, keeping episode boundaries, and writes the LeRobot metadata', async () => {
    const files = new MemoryFiles('mem');
    const episodes = record([5, 3, 4]);
    const writer = new LeRobotWriter(spec, files);
    await writer.append(episodes.slice(0, 2));
    await writer.append(episodes.slice(2));
    expect([...files.files.keys()].sort()).toEqual([
      'data/chunk-000/file-000.parquet',
      'data/chunk-000/file-001.parquet',
      'meta/episodes/chunk-000/file-000.parquet',
      'meta/info.json',
      'meta/stats.json',
      'meta/tasks.parquet',
    ]);
    const back = await readLeRobot(files);
    expect(back.episodes.map((e) => [e.index, e.task, e.length])).toEqual([
      [0, 'retake as CT', 5],
      [1, 'retake as T', 3],
      [2, 'retake as CT', 4],
    ]);
    for (const [i, e] of back.episodes.entries())
      for (const [name, v] of Object.entries(episodes[i]!.columns)) expect([...e.columns[name]!], name).toEqual([...v]);
    expect(back.episodes[2]!.columns.index![0]).toBe(8); // global frame index continues across files
    const info = JSON.parse(new TextDecoder().decode(files.files.get('meta/info.json')));
    expect(info).toMatchObject({
      codebase_version: 'v3.0',
      total_episodes: 3,
      total_frames: 12,
      total_tasks: 2,
      fps: 64,
      data_path: 'data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet',
      tickmind: { lerobot_version_targeted: 'v3.0', extra: { map: 'synthetic' } },
    });
    expect(info.features['observation.state']).toEqual({ dtype: 'float32', shape: [3], names: ['a', 'b', 'c'] });
    const stats = JSON.parse(new TextDecoder().decode(files.files.get('meta/stats.json')));
    expect(stats.action.count).toEqual([12]);
    expect(stats['observation.state'].max[2]).toBeCloseTo(2.5, 6);
  });

  it('an independent reader (hyparquet) reads the frames: vectors as lists, scalars as values', async () => {
    const files = new MemoryFiles();
    await new LeRobotWriter(spec, files).append(record([3]));
    const bytes = files.files.get('data/chunk-000/file-000.parquet')!;
    const rows = await parquetReadObjects({
      file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
      compressors: { GZIP: (input: Uint8Array) => gunzipSync(input) },
    });
    expect(rows).toHaveLength(3);
    expect(rows[2]!['observation.state']).toEqual([Math.fround(0.2), -2, 0.5]);
    expect(rows[2]!.action).toBe(2n);
    expect(rows[2]!['agent.flags']).toEqual([2, 0]);
    expect(rows[2]!['agent.alive']).toBe(false);
    expect(rows[1]!.frame_index).toBe(1n);
    const episodesFile = files.files.get('meta/episodes/chunk-000/file-000.parquet')!;
    const eps = await parquetReadObjects({
      file: episodesFile.buffer.slice(episodesFile.byteOffset) as ArrayBuffer,
      compressors: { GZIP: (i: Uint8Array) => gunzipSync(i) },
    });
    expect(eps[0]).toMatchObject({ episode_index: 0n, tasks: ['retake as CT'], length: 3n, dataset_from_index: 0n, dataset_to_index: 3n });
  });

  it('a crash mid-episode leaves every appended episode readable', async () => {
    const files = new MemoryFiles();
    const writer = new LeRobotWriter(spec, files);
    const rec = new Recorder(spec, { slots: 2, onEpisode: (e) => void writer.append([e]) });
    const obs = rec.feature('observation.state');
    for (let e = 0; e < 3; e++) {
      rec.begin(0, 'task');
      for (let f = 0; f < 4; f++) {
        rec.set(0, obs, [e, f, 0]);
        rec.commit(0, f / 64);
      }
      if (e < 2) rec.end(0); // the third episode never ends: the process "crashes"
    }
    await writer.flushed();
    const back = await readLeRobot(files);
    expect(back.episodes.map((e) => e.length)).toEqual([4, 4]);
  });

  it('bad files give errors naming the file and what is wrong', async () => {
    const files = new MemoryFiles('ds');
    await new LeRobotWriter(spec, files).append(record([4, 4]));
    const data = 'data/chunk-000/file-000.parquet';
    const good = files.files.get(data)!;
    expect(() => readParquet(good.subarray(0, good.length - 30), 'x.parquet')).toThrow(/x\.parquet: truncated or corrupted/);
    expect(() => readParquet(new Uint8Array(100), 'y.parquet')).toThrow(/y\.parquet: not a Parquet file/);
    const flipped = good.slice();
    for (let i = 200; i < 260; i++) flipped[i] = flipped[i]! ^ 0x5a; // inside the first pages
    expect(() => readParquet(flipped, 'z.parquet')).toThrow(/z\.parquet/);
    files.files.set(data, good.subarray(0, 50));
    await expect(readLeRobot(files)).rejects.toThrow(/ds\/data\/chunk-000\/file-000\.parquet: truncated or corrupted/);
    files.files.set(data, good);
    const info = JSON.parse(new TextDecoder().decode(files.files.get('meta/info.json')));
    files.files.set('meta/info.json', new TextEncoder().encode(JSON.stringify({ ...info, codebase_version: 'v2.1' })));
    await expect(readLeRobot(files)).rejects.toThrow(/ds\/meta\/info\.json: codebase_version is "v2\.1", expected "v3\.0"/);
    info.features['agent.flags'].shape = [3];
    files.files.set('meta/info.json', new TextEncoder().encode(JSON.stringify(info)));
    await expect(readLeRobot(files)).rejects.toThrow(
      /file-000\.parquet: column 'agent\.flags' has 2 values per row, info\.json says shape \[3\]/,
    );
    files.files.delete('meta/info.json');
    await expect(readLeRobot(files)).rejects.toThrow(/ds\/meta\/info\.json: cannot read/);
  });
});

describe('.npz export', () => {
  const dataset = (): Dataset => ({ spec, episodes: record([5, 3]) });

  it('round-trips every dtype and the episode boundaries', () => {
    const d = dataset();
    const back = datasetFromNpz(datasetToNpz(d), 'd.npz');
    expect(back.spec).toEqual(spec);
    expect(back.episodes.map((e) => [e.index, e.task, e.length])).toEqual([
      [0, 'retake as CT', 5],
      [1, 'retake as T', 3],
    ]);
    for (const [i, e] of back.episodes.entries())
      for (const [name, v] of Object.entries(d.episodes[i]!.columns)) expect([...e.columns[name]!], name).toEqual([...v]);
    expect(datasetToNpz(d)).toEqual(datasetToNpz(d)); // byte-for-byte reproducible
  });

  it('a truncated or foreign archive gives its error', () => {
    const bytes = datasetToNpz(dataset());
    expect(() => datasetFromNpz(bytes.subarray(0, bytes.length - 40), 'cut.npz')).toThrow(/cut\.npz: not a readable \.npz/);
    expect(() => datasetFromNpz(new Uint8Array([1, 2, 3]), 'junk.npz')).toThrow(/junk\.npz/);
  });

  const python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0);
  // CI installs Debian's python3-numpy (.ci/run), so there the check always runs.
  it.runIf(python !== undefined || process.env.CI === 'true')('numpy loads the documented keys with no custom code', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tickmind-npz-'));
    const file = join(dir, 'd.npz');
    writeFileSync(file, datasetToNpz(dataset()));
    const script = `
import json, sys, numpy as np
d = np.load(sys.argv[1])
s, n = d['episode_index_start'], d['episode_length']
print(json.dumps({
  'keys': sorted(d.files),
  'obs': list(d['observation.state'].shape), 'obs_dtype': str(d['observation.state'].dtype),
  'action': d['action'][s[1]:s[1] + n[1]].tolist(), 'action_dtype': str(d['action'].dtype),
  'alive_dtype': str(d['agent.alive'].dtype),
  'tasks': json.loads(d['tasks_json'].tobytes()), 'fps': json.loads(d['spec_json'].tobytes())['fps'],
}))`;
    const out = JSON.parse(execFileSync(python ?? 'python3', ['-c', script, file], { encoding: 'utf8' }));
    expect(out.keys).toEqual(
      expect.arrayContaining([
        'observation.state',
        'action',
        'episode_index',
        'episode_index_start',
        'episode_length',
        'index',
        'tasks_json',
        'spec_json',
      ]),
    );
    expect(out).toMatchObject({
      obs: [8, 3],
      obs_dtype: 'float32',
      action_dtype: 'int64',
      alive_dtype: 'bool',
      tasks: ['retake as CT', 'retake as T'],
      fps: 64,
    });
    expect(out.action).toEqual([7, 8, 9]);
  });
});

describe('recorder', () => {
  it('drops frames past maxFrames and counts them; refuses misuse with clear errors', () => {
    const rec = new Recorder(spec, { slots: 1, maxFrames: 2 });
    rec.begin(0, 't');
    for (let f = 0; f < 5; f++) rec.commit(0, f);
    expect(rec.dropped).toBe(3);
    expect(rec.end(0)!.length).toBe(2);
    expect(() => rec.begin(1, 't')).toThrow(/slot 1 is outside 0\.\.0/);
    rec.begin(0, 't');
    expect(() => rec.begin(0, 't')).toThrow(/already open/);
    expect(() => rec.feature('nope')).toThrow(/no feature 'nope'/);
    expect(() => new Recorder({ ...spec, features: { index: { dtype: 'int64', shape: [1], names: null } } })).toThrow(/standard column/);
  });
});
