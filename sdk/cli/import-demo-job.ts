/**
 * One demo file → one dataset shard, the unit of work of `tickmind import-demo` (run in a worker
 * thread per file, or in the main thread for one file): read and parse the demo, get its map from
 * the host's maps module (the arena's, lent by the bin), import it in a token layout and write
 * the recorder's dataset — LeRobot v3 Parquet and/or `dataset.npz` — under the shard's directory.
 * A demo cut short still writes the rounds read before the damage; the result carries the error.
 */
import { readFileSync } from 'node:fs';
import { TickmindError, type TokenLayoutJson } from '../core/index.js';
import { datasetToNpz, LeRobotWriter } from '../dataset/index.js';
import { type DemoMap, type ImportStats, importRecording, parseDemo } from '../demos/index.js';
import { decodeModel } from '../inference/index.js';
import { parsePolicySpec } from '../policy/index.js';
import { monotonicClock } from '../profiling/index.js';
import { directorySink } from './files.js';

/** What the host's maps module exports (sandbox/arena/demo-maps.ts in the repository). */
export interface DemoMapsModule {
  /** Map names demos can be on. */
  DEMO_MAPS: readonly string[];
  /** The importer's map for a demo's map name (throws a coded error naming the supported maps otherwise). */
  demoMap(name: string): DemoMap;
  /** The default token layout of imported rows. */
  demoLayout(): TokenLayoutJson;
}

/** One file to import. */
export interface ImportJob {
  /** The demo file. */
  file: string;
  /** The shard's directory. */
  shard: string;
  /** URL of the host's maps module. */
  mapsModule: string;
  /** Write Parquet, npz or both. */
  format: 'parquet' | 'npz' | 'both';
  /** A frame every K ticks. */
  every: number;
  /** Keep only humans. */
  humansOnly: boolean;
  /** Keep one side. */
  side: 'ct' | 't' | 'both';
  /** Import only demos on this map (others are skipped). */
  map?: string;
  /** A policy file whose observation layout the rows take (default: the host's layout). */
  layoutFrom?: string;
}

/** What one file gave. */
export interface ImportJobResult {
  /** The demo file. */
  file: string;
  /** The shard written (absent when nothing was). */
  shard?: string;
  /** CS:GO or CS2. */
  game?: 'csgo' | 'cs2';
  /** Its map. */
  map?: string;
  /** Import figures (absent when the file could not be read at all). */
  stats?: ImportStats;
  /** Seconds spent parsing, importing, writing. */
  seconds: { parse: number; import: number; write: number };
  /** Why the file was skipped (another map than --map). */
  skipped?: string;
  /** Set when the file is corrupt or cut short (rounds read before the damage are still written) or failed. */
  error?: { code: string; message: string };
}

/** Runs one job (see the module comment). Never throws: failures come back in `error`. */
export async function runImportJob(job: ImportJob): Promise<ImportJobResult> {
  const seconds = { parse: 0, import: 0, write: 0 };
  const result: ImportJobResult = { file: job.file, seconds };
  try {
    const maps = (await import(/* @vite-ignore */ job.mapsModule)) as DemoMapsModule;
    let t = monotonicClock();
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(readFileSync(job.file));
    } catch (err) {
      throw new TickmindError('IO', `cannot read the demo: ${(err as Error).message}`, { file: job.file });
    }
    const recording = await parseDemo(bytes, job.file);
    seconds.parse = (monotonicClock() - t) / 1e6;
    result.game = recording.game;
    result.map = recording.map;
    if (recording.error !== undefined) result.error = recording.error;
    if (job.map !== undefined && recording.map !== job.map) {
      result.skipped = `on ${recording.map}, not ${job.map}`;
      return result;
    }
    const map = maps.demoMap(recording.map);
    const layout = job.layoutFrom !== undefined ? layoutOf(job.layoutFrom) : maps.demoLayout();
    t = monotonicClock();
    const imported = importRecording(recording, map, {
      layout,
      file: job.file,
      every: job.every,
      humansOnly: job.humansOnly,
      side: job.side,
    });
    seconds.import = (monotonicClock() - t) / 1e6;
    result.stats = imported.stats;
    if (imported.episodes.length === 0) return result;
    t = monotonicClock();
    const sink = directorySink(job.shard);
    if (job.format !== 'npz') {
      const writer = new LeRobotWriter(imported.spec, sink);
      await writer.append(imported.episodes);
      await writer.flushed();
    }
    if (job.format !== 'parquet') await sink.write('dataset.npz', datasetToNpz({ spec: imported.spec, episodes: imported.episodes }));
    seconds.write = (monotonicClock() - t) / 1e6;
    result.shard = job.shard;
  } catch (err) {
    const e = err as { code?: unknown; message?: unknown };
    result.error = { code: typeof e.code === 'string' ? e.code : 'INTERNAL', message: String(e.message ?? err) };
  }
  return result;
}

/** The observation layout of a policy file. */
function layoutOf(file: string): TokenLayoutJson {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(file));
  } catch (err) {
    throw new TickmindError('IO', `cannot read the policy: ${(err as Error).message}`, { file });
  }
  return parsePolicySpec(decodeModel(bytes).metadata, file).observation;
}
