/**
 * `tickmind record --rounds N --seed S --out DIR [--format parquet|npz|both]
 * [--players teacher|random|policy:FILE] [--map dust2] [--every K] [--team-size N]
 * [--split train|eval|all] [--observations egocentric|joint] [--label played|teacher] [--json]`: plays arena rounds and records every player's decisions
 * as a dataset in DIR (LeRobot v3 Parquet layout and/or DIR/dataset.npz). The arena comes from
 * the repository's sandbox through the bin (the SDK never imports it).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TickmindError } from '../core/index.js';
import type { DatasetSink } from '../dataset/index.js';
import { checkKnown, intOption, option, type ParsedArgs, UsageError } from './args.js';
import { directorySink } from './files.js';

const OPTIONS = [
  'rounds',
  'seed',
  'out',
  'format',
  'players',
  'map',
  'every',
  'team-size',
  'split',
  'observations',
  'label',
  'json',
  'level',
];

/** The engine the bin lends: plays and records rounds (sandbox/arena/recording/record-rounds.ts). */
export type RecordRoundsEngine = (
  config: {
    rounds: number;
    seed: number;
    map?: string;
    players: 'teacher' | 'random' | { file: string; bytes: Uint8Array };
    every?: number;
    teamSize?: number;
    split?: 'all' | 'train' | 'eval';
    observations?: 'egocentric' | 'joint';
    label?: 'played' | 'teacher';
  },
  outputs: { parquet?: DatasetSink; npz?: (bytes: Uint8Array) => Promise<void> },
  progress: (line: string) => void,
) => Promise<{ rounds: number; episodes: number; frames: number; observationFloats: number; seconds: number }>;

/** Runs `tickmind record`. */
export async function recordCommand(args: ParsedArgs, engine: RecordRoundsEngine | undefined): Promise<number> {
  checkKnown(args, OPTIONS);
  if (option(args, 'level') !== undefined)
    throw new UsageError(
      `tickmind record plays retake rounds, which need the arena's maps (--map dust2, inferno or synthetic); --level FILE (your own level) is for tickmind profile`,
    );
  if (engine === undefined)
    throw new TickmindError(
      'BACKEND_UNAVAILABLE',
      'tickmind record needs the arena of the tickmind repository (sandbox/arena); run it from a checkout',
    );
  const out = option(args, 'out') ?? fail('--out DIR is required');
  const format = option(args, 'format') ?? 'parquet';
  if (format !== 'parquet' && format !== 'npz' && format !== 'both') fail(`--format must be parquet, npz or both, got '${format}'`);
  const players = parsePlayers(option(args, 'players') ?? 'teacher');
  const split = option(args, 'split') ?? 'train';
  if (split !== 'train' && split !== 'eval' && split !== 'all') fail(`--split must be train, eval or all, got '${split}'`);
  const teamSize = option(args, 'team-size') === undefined ? undefined : intOption(args, 'team-size', 5, 1, 5);
  if (teamSize !== undefined && teamSize > 5) fail('--team-size must be 1..5');
  const observations = option(args, 'observations') ?? 'egocentric';
  if (observations !== 'egocentric' && observations !== 'joint') fail(`--observations must be egocentric or joint, got '${observations}'`);
  const label = option(args, 'label') ?? 'played';
  if (label !== 'played' && label !== 'teacher') fail(`--label must be played or teacher, got '${label}'`);
  const sink = directorySink(out);
  const json = args.options.has('json');
  const summary = await engine(
    {
      rounds: intOption(args, 'rounds', 10, 1, 100_000),
      seed: intOption(args, 'seed', 1, 1, 2 ** 31 - 1),
      map: option(args, 'map') ?? 'dust2',
      players,
      every: intOption(args, 'every', 8, 1, 1024),
      split,
      observations,
      label,
      ...(teamSize !== undefined ? { teamSize } : {}),
    },
    {
      ...(format !== 'npz' ? { parquet: sink } : {}),
      ...(format !== 'parquet' ? { npz: (bytes: Uint8Array) => sink.write('dataset.npz', bytes) } : {}),
    },
    (line) => process.stderr.write(`  ${line}\n`),
  );
  const result = { out, format, ...summary };
  process.stdout.write(
    json
      ? `${JSON.stringify(result)}\n`
      : `recorded ${summary.episodes} episodes, ${summary.frames} frames (${summary.observationFloats} floats per observation) from ${summary.rounds} rounds in ${summary.seconds.toFixed(1)} s → ${format === 'npz' ? join(out, 'dataset.npz') : out}${format === 'both' ? ` and ${join(out, 'dataset.npz')}` : ''}\n`,
  );
  return 0;
}

function parsePlayers(v: string): 'teacher' | 'random' | { file: string; bytes: Uint8Array } {
  if (v === 'teacher' || v === 'random') return v;
  if (v.startsWith('policy:') && v.length > 7) {
    const file = v.slice(7);
    try {
      return { file, bytes: new Uint8Array(readFileSync(file)) };
    } catch (err) {
      throw new TickmindError('IO', `cannot read the policy: ${(err as Error).message}`, { file });
    }
  }
  return fail(`--players must be teacher, random or policy:FILE, got '${v}'`);
}

function fail(message: string): never {
  throw new UsageError(message);
}
