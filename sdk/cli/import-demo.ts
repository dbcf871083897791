/**
 * `tickmind import-demo FILE.dem… --out DIR [--format parquet|npz|both] [--every K] [--humans-only]
 * [--side ct|t|both] [--map de_dust2] [--layout-from POLICY.onnx] [--workers N] [--json]`: real
 * match recordings (CS:GO and CS2 demos) → demonstrations, one dataset shard per demo in
 * DIR/<demo name>/ (the recorder's layout: LeRobot v3 Parquet and `dataset.npz`), and DIR/import.json
 * with every file's figures. Several files import in parallel worker threads. The maps come from
 * the repository's arena through the bin (the SDK never imports the sandbox).
 */
import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, extname, join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { TickmindError } from '../core/index.js';
import { demoGame, loadDemoParser } from '../demos/index.js';
import { monotonicClock } from '../profiling/index.js';
import { checkKnown, intOption, option, type ParsedArgs, UsageError } from './args.js';
import { directorySink } from './files.js';
import type { ImportJob, ImportJobResult } from './import-demo-job.js';
import { runImportJob } from './import-demo-job.js';

const OPTIONS = ['out', 'format', 'every', 'humans-only', 'side', 'map', 'layout-from', 'workers', 'json'];

/** Default frame interval: 16 Hz at 64 Hz. Humans change keys faster than 8 Hz (see docs/demos.md). */
const DEFAULT_EVERY = 4;

/** Runs `tickmind import-demo`; `mapsModule` is the URL of the host's maps module (lent by the bin). */
export async function importDemoCommand(args: ParsedArgs, mapsModule: string | undefined): Promise<number> {
  checkKnown(args, OPTIONS);
  const files = args.positionals;
  if (files.length === 0) throw new UsageError('give one or more demo files: tickmind import-demo FILE.dem… --out DIR');
  const out = option(args, 'out') ?? usage('--out DIR is required');
  const format = option(args, 'format') ?? 'both';
  if (format !== 'parquet' && format !== 'npz' && format !== 'both') usage(`--format must be parquet, npz or both, got '${format}'`);
  const side = option(args, 'side') ?? 'both';
  if (side !== 'ct' && side !== 't' && side !== 'both') usage(`--side must be ct, t or both, got '${side}'`);
  const map = option(args, 'map');
  if (map !== undefined && !/^[a-z]+_[a-z0-9_]+$/.test(map))
    usage(`--map expects a map name as demos write it (e.g. de_dust2), got '${map}'`);
  if (mapsModule === undefined)
    throw new TickmindError(
      'BACKEND_UNAVAILABLE',
      'tickmind import-demo needs the maps of the tickmind arena (sandbox/arena); run the tickmind bin',
    );
  const layoutFrom = option(args, 'layout-from');
  const jobs = shardJobs(files, out).map(
    ({ file, shard }): ImportJob => ({
      file,
      shard,
      mapsModule,
      format,
      every: intOption(args, 'every', DEFAULT_EVERY, 1, 1024),
      humansOnly: args.options.has('humans-only'),
      side,
      ...(map !== undefined ? { map } : {}),
      ...(layoutFrom !== undefined ? { layoutFrom } : {}),
    }),
  );
  await requireParsers(jobs);
  const workers = Math.min(jobs.length, intOption(args, 'workers', Math.max(1, availableParallelism()), 1, 256));
  const json = args.options.has('json');
  const started = monotonicClock();
  let done = 0;
  const report = (r: ImportJobResult) => {
    done++;
    process.stderr.write(`  [${done}/${jobs.length}] ${describe(r)}\n`);
  };
  const results = workers <= 1 ? await inThisThread(jobs, report) : await inWorkers(jobs, workers, report);
  const wall = (monotonicClock() - started) / 1e6;
  const summary = summarize(results, wall, workers);
  await directorySink(out).write('import.json', new TextEncoder().encode(`${JSON.stringify({ ...summary, files: results }, null, 2)}\n`));
  if (json) process.stdout.write(`${JSON.stringify({ out, ...summary, files: results })}\n`);
  else process.stdout.write(summaryText(summary, out));
  return results.some((r) => r.error !== undefined) ? 1 : 0;
}

/**
 * Fails fast, before any worker starts, when a parser these files need is not installed (an
 * optional peer): one line naming the package instead of the same error once per file. Files
 * that cannot be read or are no demos are left to their own job, which reports them.
 */
async function requireParsers(jobs: readonly ImportJob[]): Promise<void> {
  const games = new Set<'csgo' | 'cs2'>();
  for (const { file } of jobs) {
    const head = new Uint8Array(8);
    const handle = await open(file, 'r').catch(() => undefined);
    if (handle === undefined) continue;
    try {
      await handle.read(head, 0, 8, 0);
    } finally {
      await handle.close();
    }
    const game = demoGame(head);
    if (game !== undefined) games.add(game);
  }
  if (games.has('csgo')) await loadDemoParser('demofile');
  if (games.has('cs2')) await loadDemoParser('@laihoe/demoparser2');
}

/** One shard directory per file, named after it (a second file of the same name gets a suffix). */
function shardJobs(files: readonly string[], out: string): { file: string; shard: string }[] {
  const used = new Set<string>();
  return files.map((file) => {
    const stem = basename(file, extname(file)).replace(/[^\w.-]/g, '_') || 'demo';
    let name = stem;
    for (let k = 2; used.has(name); k++) name = `${stem}-${k}`;
    used.add(name);
    return { file: resolve(file), shard: join(out, name) };
  });
}

async function inThisThread(jobs: readonly ImportJob[], report: (r: ImportJobResult) => void): Promise<ImportJobResult[]> {
  const results: ImportJobResult[] = [];
  for (const job of jobs) {
    const r = await runImportJob(job);
    report(r);
    results.push(r);
  }
  return results;
}

/** A pool of `count` worker threads, each taking the next file when it finishes one; results in file order. */
function inWorkers(jobs: readonly ImportJob[], count: number, report: (r: ImportJobResult) => void): Promise<ImportJobResult[]> {
  const results = new Array<ImportJobResult>(jobs.length);
  let next = 0;
  let finished = 0;
  return new Promise((resolvePool, rejectPool) => {
    for (let w = 0; w < count; w++) {
      const worker = new Worker(new URL('./import-demo-worker.js', import.meta.url));
      let current = -1;
      const feed = () => {
        if (next >= jobs.length) {
          worker.postMessage(null);
          return;
        }
        current = next++;
        worker.postMessage(jobs[current]);
      };
      worker.on('message', (r: ImportJobResult) => {
        results[current] = r;
        report(r);
        if (++finished === jobs.length) resolvePool(results);
        feed();
      });
      worker.on('error', (err) => {
        // A worker that dies (out of memory, a parser crash) fails its file only.
        if (current >= 0 && results[current] === undefined) {
          results[current] = {
            file: jobs[current]!.file,
            seconds: { parse: 0, import: 0, write: 0 },
            error: { code: 'INTERNAL', message: err.message },
          };
          report(results[current]!);
          if (++finished === jobs.length) resolvePool(results);
        } else rejectPool(err);
      });
      feed();
    }
  });
}

interface Summary {
  demos: number;
  imported: number;
  skipped: number;
  failed: number;
  frames: number;
  humanFrames: number;
  humanLabelAgreement: number;
  humanTargetAgreement: number;
  humanHoldAgreement: number;
  demoSeconds: number;
  wallSeconds: number;
  demoSecondsPerWallSecond: number;
  workers: number;
}

function summarize(results: readonly ImportJobResult[], wall: number, workers: number): Summary {
  let frames = 0;
  let humanFrames = 0;
  let agree = 0;
  let target = 0;
  let hold = 0;
  let demoSeconds = 0;
  for (const r of results) {
    if (r.stats === undefined || r.skipped !== undefined) continue;
    frames += r.stats.frames;
    humanFrames += r.stats.humanFrames;
    agree += r.stats.humanLabelAgreement * r.stats.humanFrames;
    target += r.stats.humanTargetAgreement * r.stats.humanFrames;
    hold += r.stats.humanHoldAgreement * r.stats.humanFrames;
    demoSeconds += r.stats.demoSeconds;
  }
  const share = (x: number) => (humanFrames > 0 ? Math.round((x / humanFrames) * 1e4) / 1e4 : 0);
  return {
    demos: results.length,
    imported: results.filter((r) => r.shard !== undefined).length,
    skipped: results.filter((r) => r.skipped !== undefined).length,
    failed: results.filter((r) => r.error !== undefined).length,
    frames,
    humanFrames,
    humanLabelAgreement: share(agree),
    humanTargetAgreement: share(target),
    humanHoldAgreement: share(hold),
    demoSeconds: Math.round(demoSeconds * 100) / 100,
    wallSeconds: Math.round(wall * 100) / 100,
    demoSecondsPerWallSecond: wall > 0 ? Math.round((demoSeconds / wall) * 10) / 10 : 0,
    workers,
  };
}

function describe(r: ImportJobResult): string {
  const name = basename(r.file);
  if (r.skipped !== undefined) return `${name}: skipped (${r.skipped})`;
  const s = r.stats;
  const body =
    s === undefined
      ? ''
      : `${r.game} ${r.map}, ${s.rounds} rounds, ${s.demoSeconds.toFixed(1)} s of play → ${s.frames} frames (${s.humanFrames} human; labels agree ${pct(s.humanLabelAgreement)})`;
  const err =
    r.error !== undefined
      ? `${body ? '; ' : ''}${r.error.code}: ${r.error.message}${r.shard ? ' (rounds read before it are written)' : ''}`
      : '';
  return `${name}: ${body}${err}`;
}

function summaryText(s: Summary, out: string): string {
  return (
    `imported ${s.imported} of ${s.demos} demos (${s.skipped} skipped, ${s.failed} with errors) → ${out}\n` +
    `  ${s.frames} frames, ${s.humanFrames} of humans, from ${s.demoSeconds.toFixed(1)} s of play in ${s.wallSeconds.toFixed(1)} s (${s.demoSecondsPerWallSecond} demo s per wall s, ${s.workers} worker${s.workers === 1 ? '' : 's'})\n` +
    (s.humanFrames > 0
      ? `  human labels: ${pct(s.humanLabelAgreement)} reproduce the recorded velocity within 20 % through the game's inertia ` +
        `(instant actuator: ${pct(s.humanTargetAgreement)}; no keys at all: ${pct(s.humanHoldAgreement)})\n`
      : '') +
    `  figures per file: ${join(out, 'import.json')}\n`
  );
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)} %`;
}

function usage(message: string): never {
  throw new UsageError(message);
}
