/**
 * `tickmind eval --human DIR [--policy FILE]… [--rounds N] [--seed S] [--map dust2] [--inertia] [--json]
 * [--report FILE]`: how much the arena's players move like the humans of imported demos
 * (`tickmind import-demo`'s output, or any of its shards): per source — the teacher, each policy
 * (the shipped joint model when none is given), random, and the demos' own game bots and humans —
 * the distance to the humans' distributions and a discriminator's held-out accuracy. `--inertia`
 * also plays the teacher and the policies with Counter-Strike's ground inertia.
 */
import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { TickmindError } from '../core/index.js';
import { type Dataset, datasetFromNpz, readLeRobot } from '../dataset/index.js';
import { intOption, option, type ParsedArgs, UsageError } from './args.js';
import { directorySource } from './files.js';

/** The figures the engine returns (sandbox/arena/eval/likeness/human-eval.ts). */
export interface HumanEvalEngineResult {
  result: {
    human: { sources: string[]; trajectories: number; frames: number; seconds: number; standingShare: number; medianSpeed: number };
    arena: { map: string; rounds: number; seed: number };
    fps: number;
    rows: {
      name: string;
      kind: 'arena' | 'demo';
      frames: number;
      distance: { speed: number; turnRate: number; acceleration: number; standingBout: number; wallDistance: number };
      standingShare: number;
      medianSpeed: number;
      discriminator: { accuracy: number; interval: [number, number]; windowsPerClass: number };
    }[];
  };
}

/** The human-likeness engine and its report, lent by the bin. */
export interface HumanEvalEngine {
  /** Plays and compares. */
  evaluateHumanLikeness(
    config: {
      human: { source: string; fps: number; episodes: Dataset['episodes'] }[];
      policies: { name: string; file: string; bytes: Uint8Array }[];
      rounds: number;
      seed: number;
      map: string;
      inertia: boolean;
    },
    progress: (line: string) => void,
  ): Promise<HumanEvalEngineResult>;
  /** The HTML report. */
  humanReportHtml(evaluation: HumanEvalEngineResult): string;
}

/** Runs `tickmind eval --human`. */
export async function evalHumanCommand(args: ParsedArgs, engine: Partial<HumanEvalEngine>): Promise<number> {
  if (engine.evaluateHumanLikeness === undefined || engine.humanReportHtml === undefined)
    throw new TickmindError('BACKEND_UNAVAILABLE', 'tickmind eval --human needs the arena of the tickmind repository (sandbox/arena)');
  const human = await loadShards(args.options.get('human') ?? []);
  const policies = (args.options.get('policy') ?? []).map((file) => {
    try {
      return { name: basename(file), file, bytes: new Uint8Array(readFileSync(file)) };
    } catch (err) {
      throw new TickmindError('IO', `cannot read the policy: ${(err as Error).message}`, { file });
    }
  });
  const evaluation = await engine.evaluateHumanLikeness(
    {
      human,
      policies,
      rounds: intOption(args, 'rounds', 20, 1, 100_000),
      seed: intOption(args, 'seed', 1, 1, 2 ** 31 - 1),
      map: option(args, 'map') ?? 'dust2',
      inertia: args.options.has('inertia'),
    },
    (line) => process.stderr.write(`  ${line}\n`),
  );
  const report = option(args, 'report');
  if (report !== undefined) {
    try {
      writeFileSync(`${report}.tmp-${process.pid}`, engine.humanReportHtml(evaluation));
      renameSync(`${report}.tmp-${process.pid}`, report);
    } catch (err) {
      throw new TickmindError('IO', `cannot write: ${(err as Error).message}`, { file: report });
    }
  }
  const r = evaluation.result;
  if (args.options.has('json')) {
    process.stdout.write(`${JSON.stringify(r)}\n`);
    return 0;
  }
  const f = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '–');
  const head = `${'distance to the humans'.padEnd(34)}${'speed'.padStart(8)}${'turn °/s'.padStart(10)}${'accel'.padStart(8)}${'stand s'.padStart(9)}${'walls m'.padStart(9)}${'standing'.padStart(10)}${'discriminator (95 %)'.padStart(24)}`;
  const rows = r.rows.map(
    (x) =>
      `${x.name.padEnd(34)}${f(x.distance.speed).padStart(8)}${f(x.distance.turnRate, 0).padStart(10)}${f(x.distance.acceleration, 1).padStart(8)}${f(x.distance.standingBout).padStart(9)}${f(x.distance.wallDistance).padStart(9)}${`${f(100 * x.standingShare, 0)} %`.padStart(10)}${`${f(100 * x.discriminator.accuracy, 0)} % (${f(100 * x.discriminator.interval[0], 0)}–${f(100 * x.discriminator.interval[1], 0)})`.padStart(24)}`,
  );
  process.stdout.write(
    `${[
      `humans: ${r.human.trajectories} trajectories, ${f(r.human.seconds, 1)} s at ${r.fps} Hz from ${r.human.sources.length} shard(s); standing ${f(100 * r.human.standingShare, 0)} %, median speed ${f(r.human.medianSpeed)} m/s`,
      `arena: ${r.arena.rounds} retake rounds on ${r.arena.map}, seed ${r.arena.seed}; distances are earth mover's (lower is closer); discriminator: held-out accuracy telling 1 s windows apart (50 % = indistinguishable)`,
      head,
      ...rows,
      ...(report !== undefined ? [`report: ${report}`] : []),
    ].join('\n')}\n`,
  );
  return 0;
}

/** Every dataset under the given paths: a shard (dataset.npz or a LeRobot meta/), a directory of shards, or an .npz file. */
async function loadShards(paths: readonly string[]): Promise<{ source: string; fps: number; episodes: Dataset['episodes'] }[]> {
  const found: string[] = [];
  for (const p of paths) {
    if (!existsSync(p)) throw new TickmindError('IO', 'no such file or directory', { file: p, field: 'human' });
    if (!statSync(p).isDirectory() || isShard(p)) found.push(p);
    else for (const d of readdirSync(p).sort()) if (statSync(join(p, d)).isDirectory() && isShard(join(p, d))) found.push(join(p, d));
  }
  if (found.length === 0)
    throw new UsageError(
      `--human expects demo data from tickmind import-demo (a directory of shards, a shard or an .npz); found none in ${paths.join(', ') || '(nothing given)'}`,
    );
  const out: { source: string; fps: number; episodes: Dataset['episodes'] }[] = [];
  for (const p of found) {
    const d = await readShard(p);
    out.push({ source: p, fps: d.spec.fps, episodes: d.episodes });
  }
  return out;
}

function isShard(dir: string): boolean {
  return existsSync(join(dir, 'dataset.npz')) || existsSync(join(dir, 'meta', 'info.json'));
}

async function readShard(path: string): Promise<Dataset> {
  if (!statSync(path).isDirectory()) return datasetFromNpz(new Uint8Array(readFileSync(path)), path);
  if (existsSync(join(path, 'dataset.npz')))
    return datasetFromNpz(new Uint8Array(readFileSync(join(path, 'dataset.npz'))), join(path, 'dataset.npz'));
  return readLeRobot(directorySource(path));
}
