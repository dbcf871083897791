/**
 * `tickmind profile`: runs a headless match with a profiler attached and prints per-phase
 * latency percentiles, budget verdicts, deferrals and heap growth; optionally writes a Chrome
 * trace (Perfetto, DevTools) and a self-contained HTML report. `--json` prints the contract
 * object documented in docs/profiling.md. `--matches N` runs N matches in one process, each
 * profiled tick stepping all of them (a server's tick), their decisions staggered over the period.
 */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isTickmindError, TickmindError } from '../core/index.js';
import type { AiWorld } from '../ecs/index.js';
import { setKernelSet } from '../inference/index.js';
import type { Policy } from '../policy/index.js';
import { chromeTrace, htmlReport, monotonicClock, type PhaseStats, Profiler, profileSummary } from '../profiling/index.js';
import { option, type ParsedArgs, UsageError } from './args.js';
import { readLevel } from './level.js';
import { type ProfileConfig, parseConfig } from './profile-config.js';
import { buildProfileMatch, PROFILE_MAPS, type ProfileMapProvider, type ProfileMatch } from './profile-match.js';
import { formatTable, overBudget, type Percentiles, type ProfileResult, writeOutput } from './profile-output.js';

export type { ProfileResult } from './profile-output.js';

/** Windows the heap growth is measured over (the smallest counts). */
const HEAP_WINDOWS = 3;
/**
 * Warm-up ticks before the profiled ones: 40 % of the run, from 200 to 2000. A match compiles
 * its once-per-round paths (round restarts, plant and kill rules) over its first rounds; with 200
 * warm-up ticks a 5000-tick dust2 run still caught that compilation in its heap figure (6–7 kB per
 * 1k ticks, all V8 code and feedback: bench/heap-diff.js) and in its tail.
 */
export function warmupTicks(ticks: number): number {
  return Math.min(2000, Math.max(200, Math.round(ticks * 0.4)));
}
/** Ticks the profiler's ring keeps: percentiles cover the latest this many (19 B per span slot, 16 slots per tick). */
const RING_TICKS = 200_000;
/** Ticks written to --trace (the latest): a trace viewer stays responsive. */
const TRACE_TICKS = 20_000;

/** A full GC, when this process can get one (the CLI turns on --expose-gc for a fresh context). */
function collector(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

/** Tracks, per agent, how many consecutive ticks it has been due but not decided. */
function waitTracker(world: AiWorld): { update(): void; worst: number } {
  const waiting = new Int32Array(world.capacity);
  const tracker = {
    worst: 0,
    update(): void {
      for (let i = 0; i < world.agentCount; i++) {
        const e = world.agents[i]!;
        waiting[e] = world.c.Schedule.pending[e] === 1 ? waiting[e]! + 1 : 0;
        if (waiting[e]! > tracker.worst) tracker.worst = waiting[e]!;
      }
    },
  };
  return tracker;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** `tickmind profile`; `maps` adds maps beyond the built-in arena (see ProfileMapProvider). */
export async function profileCommand(args: ParsedArgs, maps: Record<string, ProfileMapProvider> = {}): Promise<number> {
  const c = parseConfig(args, [...PROFILE_MAPS, ...Object.keys(maps)]);
  const previous = setKernelSet(c.kernels);
  try {
    return await profileRun(c, args, maps);
  } finally {
    setKernelSet(previous);
  }
}

async function profileRun(c: ProfileConfig, args: ParsedArgs, maps: Record<string, ProfileMapProvider>): Promise<number> {
  // Several matches: the command owns the ticks, each world records its phases into the open one.
  const many = c.matches > 1;
  const profiler = new Profiler({
    ticks: Math.min(c.ticks, RING_TICKS),
    spansPerTick: many ? 8 * c.matches + 16 : 16,
    budgetUs: c.budgetUs,
    ticksByCaller: many,
  });
  const level = c.levelFile === undefined ? undefined : readLevel(c.levelFile);
  const list = await buildMatches(c, maps, profiler, level);
  process.stderr.write(
    `tickmind profile: ${c.agents} agents${many ? ` × ${c.matches} matches` : ''}, ${c.ticks} ticks, ${c.mode} ${c.policyFile ?? list[0]!.policyName ?? 'starter model'}, ${c.backend}${c.backend === 'native' ? ` (${c.kernels} kernels)` : ''}, map ${level?.name ?? c.map}, seed ${c.seed}\n`,
  );
  const run = await measure(c, list, profiler);
  const summary = profileSummary(profiler);
  const result = resultOf(c, list, profiler, summary.phases, summary.overBudgetTicks, run, level?.name);
  writeFiles(c, args, profiler, result);
  if (args.options.has('json')) process.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    const trace = option(args, 'trace');
    const report = option(args, 'report');
    process.stdout.write(
      `${formatTable(result, summary.phases)}\n${trace !== undefined ? `trace: ${trace} (open it in https://ui.perfetto.dev or Chrome DevTools → Performance → Load profile)\n` : ''}${report !== undefined ? `report: ${report}\n` : ''}`,
    );
  }
  return 0;
}

/** The matches of the run: each its own rounds (seed + m), its decisions at offset m of the period (staggered). */
async function buildMatches(
  c: ProfileConfig,
  maps: Record<string, ProfileMapProvider>,
  profiler: Profiler,
  level: ReturnType<typeof readLevel> | undefined,
): Promise<ProfileMatch[]> {
  const policy = c.policyFile === undefined ? undefined : { bytes: readPolicy(c.policyFile), file: c.policyFile };
  const list: ProfileMatch[] = [];
  const policies = new Map<string, Policy>();
  for (let m = 0; m < c.matches; m++) {
    const physics = c.physics !== undefined ? { physics: c.physics } : {};
    const own = level !== undefined ? { level } : {};
    list.push(
      await buildProfileMatch({ ...c, ...physics, ...own, seed: c.seed + m, decisionOffset: m, policy, profiler, policies }, maps).catch(
        asUsageError,
      ),
    );
  }
  return list;
}

/** What the timed ticks gave besides the profiler's spans: run totals and heap growth. */
interface RunTotals {
  deferred: number;
  rays: number;
  worstWait: number;
  heapGrowthPer1k: number;
}

/**
 * Warms up, then runs the profiled ticks. Heap growth is measured after full GCs between ticks,
 * from a quarter into the run (one-time costs such as JIT code and lazily sized buffers are not
 * growth per tick) to its end, in three windows; the smallest window's growth is the figure (an
 * allocation per tick shows in every window, the engine's own background work — compiled code,
 * feedback — in some only).
 */
async function measure(c: ProfileConfig, list: ProfileMatch[], profiler: Profiler): Promise<RunTotals> {
  const async = c.backend === 'ort';
  const advance =
    list.length > 1
      ? () => {
          profiler.beginTick();
          for (let m = 0; m < list.length; m++) list[m]!.advance();
          profiler.endTick();
        }
      : () => list[0]!.advance();
  const warmup = warmupTicks(c.ticks);
  let nextReport = monotonicClock() + 1e6;
  for (let i = 0; i < warmup; i++) {
    advance();
    if (async) await yieldToEventLoop();
    if ((i & 63) === 63 && monotonicClock() > nextReport) {
      process.stderr.write(`  warm-up ${i + 1}/${warmup}\n`);
      nextReport = monotonicClock() + 1e6;
    }
  }
  profiler.reset();
  // The warm-up's waits (cold JIT, untrained cost model) are not the run's.
  for (const m of list) m.decider.scheduler?.resetStats();
  const gc = collector();
  const heapFrom = Math.floor(c.ticks / 4);
  const heapWindow = Math.max(1, Math.floor((c.ticks - heapFrom) / HEAP_WINDOWS));
  const heapAt = new Float64Array(HEAP_WINDOWS + 1).fill(Number.NaN);
  const waits = list.map((m) => waitTracker(m.world));
  // Run totals (the profiler's ring may hold fewer ticks than the run).
  let deferred = 0;
  let rays = 0;
  nextReport = monotonicClock() + 1e6;
  for (let t = 0; t < c.ticks; t++) {
    const w = (t - heapFrom) / heapWindow;
    if (gc !== undefined && t >= heapFrom && Number.isInteger(w) && w < HEAP_WINDOWS) {
      gc();
      heapAt[w] = process.memoryUsage().heapUsed;
    }
    advance();
    for (let m = 0; m < list.length; m++) {
      const world = list[m]!.world;
      waits[m]!.update();
      deferred += world.stats.deferred;
      rays += world.stats.rays;
    }
    if (async) await yieldToEventLoop();
    if ((t & 63) === 63 && monotonicClock() > nextReport) {
      process.stderr.write(`  tick ${t + 1}/${c.ticks} (${Math.round(((t + 1) / c.ticks) * 100)}%)\n`);
      nextReport = monotonicClock() + 1e6;
    }
  }
  gc?.();
  heapAt[HEAP_WINDOWS] = process.memoryUsage().heapUsed;
  let heapGrowth = Number.NaN;
  for (let k = 0; k < HEAP_WINDOWS; k++) {
    const ticks = k === HEAP_WINDOWS - 1 ? c.ticks - heapFrom - k * heapWindow : heapWindow;
    const g = ((heapAt[k + 1]! - heapAt[k]!) / ticks) * 1000;
    if (!(g >= heapGrowth)) heapGrowth = g;
  }
  const worstWait = list.reduce((w, m, k) => Math.max(w, waits[k]!.worst, m.decider.scheduler?.stats.worstWaitTicks ?? 0), 0);
  return { deferred, rays, worstWait, heapGrowthPer1k: Number.isNaN(heapGrowth) ? 0 : Math.max(0, Math.round(heapGrowth)) };
}

/** The `--json` object. */
function resultOf(
  c: ProfileConfig,
  list: ProfileMatch[],
  profiler: Profiler,
  phases: Record<string, PhaseStats>,
  overBudgetTicks: number,
  run: RunTotals,
  levelName: string | undefined,
): ProfileResult {
  const many = list.length > 1;
  const pick = (p: PhaseStats | undefined): Percentiles => {
    const s = p ?? { p50Us: 0, p90Us: 0, p99Us: 0, p999Us: 0, maxUs: 0 };
    return { p50Us: s.p50Us, p90Us: s.p90Us, p99Us: s.p99Us, p999Us: s.p999Us, maxUs: s.maxUs };
  };
  return {
    agents: c.agents,
    ticks: c.ticks,
    warmupTicks: warmupTicks(c.ticks),
    budgetUs: c.budgetUs,
    backend: c.backend,
    phases: {
      sense: pick(phases.sense),
      decide: pick(phases.decide),
      act: pick(phases.act),
      total: pick(many ? phases.step : phases.total),
    },
    overBudgetTicks: many ? overBudget(profiler, c.budgetUs) : overBudgetTicks,
    deferredDecisions: run.deferred,
    maxDecisionWaitTicks: run.worstWait,
    raysPerTick: Math.round((run.rays / c.ticks) * 10) / 10,
    heapGrowthBytesPer1kTicks: run.heapGrowthPer1k,
    mode: c.mode,
    map: levelName !== undefined ? `level ${levelName}` : c.map,
    seed: c.seed,
    decisionPeriod: c.decisionPeriod,
    policy: c.policyFile ?? list[0]!.policyName ?? 'starter',
    matches: c.matches,
    physics: c.map === 'arena' || levelName !== undefined ? 'kinematic' : (c.physics ?? 'bvh'),
    ...(many ? { serverTick: pick(phases.total) } : {}),
    kernels: c.kernels,
  };
}

/** --trace (Chrome Trace Event JSON) and --report (the HTML report), where asked. */
function writeFiles(c: ProfileConfig, args: ParsedArgs, profiler: Profiler, result: ProfileResult): void {
  const tracePath = option(args, 'trace');
  if (tracePath !== undefined)
    writeOutput(
      tracePath,
      JSON.stringify(
        chromeTrace(profiler, { processName: 'tickmind profile', threadName: `ai tick (${c.agents} agents)`, maxTicks: TRACE_TICKS }),
      ),
    );
  const reportPath = option(args, 'report');
  if (reportPath === undefined) return;
  const facts = {
    agents: c.agents,
    mode: c.mode,
    backend: c.backend,
    kernels: c.kernels,
    map: result.map,
    seed: c.seed,
    policy: result.policy,
    'decision period': c.decisionPeriod,
    matches: c.matches,
    physics: result.physics,
    'heap growth B/1k ticks': result.heapGrowthBytesPer1kTicks,
  };
  writeOutput(reportPath, htmlReport(profiler, { title: `tickmind profile — ${c.agents} agents, ${c.mode}`, facts }));
}

function readPolicy(file: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(file));
  } catch (err) {
    throw new TickmindError('IO', `cannot read the policy: ${(err as Error).message}`, { file });
  }
}

/** A map's refusal of the --agents count is a usage error (exit 2), like the flags' own range checks. */
function asUsageError(err: unknown): never {
  if (isTickmindError(err) && err.code === 'INVALID_ARGUMENT' && err.location.field === 'agents') throw new UsageError(err.detail);
  throw err;
}
