/**
 * `tickmind profile`: runs a headless match with a profiler attached and prints per-phase
 * latency percentiles, budget verdicts, deferrals and heap growth; optionally writes a Chrome
 * trace (Perfetto, DevTools) and a self-contained HTML report. `--json` prints the contract
 * object documented in docs/profiling.md. `--matches N` runs N matches in one process, each
 * profiled tick stepping all of them (a server's tick), their decisions staggered over the period.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isTickmindError, TickmindError } from '../core/index.js';
import type { AiWorld } from '../ecs/index.js';
import { bestKernelSet, type KernelSet, setKernelSet } from '../inference/index.js';
import type { Policy, PolicyMode } from '../policy/index.js';
import { chromeTrace, htmlReport, monotonicClock, type PhaseStats, Profiler, profileSummary } from '../profiling/index.js';
import { checkKnown, intOption, option, type ParsedArgs, UsageError } from './args.js';
import { readLevel } from './level.js';
import { parseKernels } from './model-bench.js';
import { buildProfileMatch, PROFILE_MAPS, type ProfileMapProvider, type ProfileMatch } from './profile-match.js';
import { enableRelaxedSimd } from './wasm-flags.js';

const OPTIONS = [
  'agents',
  'ticks',
  'policy',
  'mode',
  'budget-us',
  'decision-period',
  'backend',
  'map',
  'level',
  'seed',
  'json',
  'trace',
  'report',
  'matches',
  'physics',
  'kernels',
];
/** Windows the heap growth is measured over (the smallest counts). */
const HEAP_WINDOWS = 3;
/** Most matches --matches runs. */
const MAX_MATCHES = 64;
const WARMUP_TICKS = 200;
/** Ticks the profiler's ring keeps: percentiles cover the latest this many (19 B per span slot, 16 slots per tick). */
const RING_TICKS = 200_000;
/** Ticks written to --trace (the latest): a trace viewer stays responsive. */
const TRACE_TICKS = 20_000;

/** The `--json` object (keys as the issue's contract; extra keys extend it). */
export interface ProfileResult {
  agents: number;
  ticks: number;
  budgetUs: number;
  backend: 'native' | 'ort';
  phases: { sense: Percentiles; decide: Percentiles; act: Percentiles; total: Percentiles };
  overBudgetTicks: number;
  deferredDecisions: number;
  maxDecisionWaitTicks: number;
  raysPerTick: number;
  heapGrowthBytesPer1kTicks: number;
  mode: PolicyMode;
  map: string;
  seed: number;
  decisionPeriod: number;
  policy: string;
  /** Matches stepped per tick (--matches). */
  matches: number;
  /** What moved the agents: 'bvh' (BvhMover), 'rapier' (Rapier's character controller), 'kinematic' (--map arena, --level). */
  physics: 'bvh' | 'rapier' | 'kinematic';
  /**
   * With --matches above 1: the process's whole tick — every match's game rules (combat, bomb,
   * navigation) and AI step. `phases.total` is then the matches' AI steps summed per tick, as it is
   * one match's AI step otherwise.
   */
  serverTick?: Percentiles;
  /** The native kernel set the policies ran on ('relaxed', 'simd' or 'scalar'; --kernels). */
  kernels: KernelSet;
}

type Percentiles = Pick<PhaseStats, 'p50Us' | 'p90Us' | 'p99Us' | 'p999Us' | 'maxUs'>;

interface ProfileConfig {
  agents: number;
  ticks: number;
  budgetUs: number;
  decisionPeriod: number;
  backend: 'native' | 'ort';
  mode: PolicyMode;
  map: string;
  seed: number;
  policyFile: string | undefined;
  matches: number;
  physics: 'bvh' | 'rapier' | undefined;
  levelFile: string | undefined;
  kernels: KernelSet;
}

function parseConfig(args: ParsedArgs, maps: readonly string[]): ProfileConfig {
  checkKnown(args, OPTIONS);
  const mode = option(args, 'mode') ?? 'joint';
  if (mode !== 'joint' && mode !== 'egocentric') throw new UsageError(`--mode must be joint or egocentric, got '${mode}'`);
  const backend = option(args, 'backend') ?? 'native';
  if (backend !== 'native' && backend !== 'ort') throw new UsageError(`--backend must be native or ort, got '${backend}'`);
  if (mode === 'joint' && backend === 'ort')
    throw new UsageError(
      'joint policies run on the native backend (they decide everyone in the same tick); use --mode egocentric with --backend ort',
    );
  // In a checkout the retake map with the shipped joint model is the default; elsewhere the built-in floor.
  const levelFile = option(args, 'level');
  if (levelFile !== undefined && option(args, 'map') !== undefined) throw new UsageError('give --map or --level, not both');
  const map = levelFile !== undefined ? 'level' : (option(args, 'map') ?? (maps.includes('dust2') ? 'dust2' : 'arena'));
  if (levelFile === undefined && !maps.includes(map))
    throw new UsageError(`unknown --map '${map}' (available: ${maps.join(', ')}; or --level FILE.json for your own)`);
  const physics = option(args, 'physics');
  if (physics !== undefined && physics !== 'bvh' && physics !== 'rapier')
    throw new UsageError(`--physics must be bvh or rapier, got '${physics}'`);
  if (physics !== undefined && (map === 'arena' || levelFile !== undefined))
    throw new UsageError(
      `--physics applies to the retake maps (dust2, inferno, synthetic); ${levelFile !== undefined ? '--level' : '--map arena'} moves agents kinematically`,
    );
  return {
    matches: intOption(args, 'matches', 1, 1, MAX_MATCHES),
    physics,
    agents: intOption(args, 'agents', 10, 1, 4096),
    ticks: intOption(args, 'ticks', 2000, 1, 10_000_000),
    budgetUs: intOption(args, 'budget-us', 1000, 1, 10_000_000),
    decisionPeriod: intOption(args, 'decision-period', 1, 1, 1024),
    backend,
    mode,
    map,
    seed: intOption(args, 'seed', 1, 1, 2 ** 31 - 1),
    policyFile: option(args, 'policy'),
    levelFile,
    kernels: profileKernels(option(args, 'kernels')),
  };
}

/**
 * The kernel set the native policies run on: `--kernels` (one of auto, relaxed, simd, scalar),
 * else the fastest this engine runs — relaxed SIMD where it validates, on Node 20 by turning on
 * V8's flag (what Node 22+ and the browsers run with no flag), else SIMD128.
 */
function profileKernels(value: string | undefined): KernelSet {
  if (value === undefined) {
    enableRelaxedSimd();
    return bestKernelSet();
  }
  const sets = parseKernels(value);
  if (sets.length !== 1) throw new UsageError(`--kernels takes one kernel set for profile, got '${value}'`);
  return sets[0]!;
}

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
  const json = args.options.has('json');
  const policy = c.policyFile === undefined ? undefined : { bytes: readPolicy(c.policyFile), file: c.policyFile };
  // Several matches: the command owns the ticks, each world records its phases into the open one.
  const many = c.matches > 1;
  const profiler = new Profiler({
    ticks: Math.min(c.ticks, RING_TICKS),
    spansPerTick: many ? 8 * c.matches + 16 : 16,
    budgetUs: c.budgetUs,
    ticksByCaller: many,
  });
  const level = c.levelFile === undefined ? undefined : readLevel(c.levelFile);
  const list: ProfileMatch[] = [];
  const policies = new Map<string, Policy>();
  for (let m = 0; m < c.matches; m++) {
    // Each match its own rounds (seed + m), its decisions at offset m of the period (staggered).
    const physics = c.physics !== undefined ? { physics: c.physics } : {};
    const own = level !== undefined ? { level } : {};
    list.push(
      await buildProfileMatch({ ...c, ...physics, ...own, seed: c.seed + m, decisionOffset: m, policy, profiler, policies }, maps).catch(
        asUsageError,
      ),
    );
  }
  const match = list[0]!;
  const log = (s: string) => process.stderr.write(s);
  log(
    `tickmind profile: ${c.agents} agents${many ? ` × ${c.matches} matches` : ''}, ${c.ticks} ticks, ${c.mode} ${c.policyFile ?? match.policyName ?? 'starter model'}, ${c.backend}${c.backend === 'native' ? ` (${c.kernels} kernels)` : ''}, map ${level?.name ?? c.map}, seed ${c.seed}\n`,
  );
  const async = c.backend === 'ort';
  const advance = many
    ? () => {
        profiler.beginTick();
        for (let m = 0; m < list.length; m++) list[m]!.advance();
        profiler.endTick();
      }
    : () => match.advance();
  for (let i = 0; i < WARMUP_TICKS; i++) {
    advance();
    if (async) await yieldToEventLoop();
  }
  profiler.reset();
  // The warm-up's waits (cold JIT, untrained cost model) are not the run's.
  for (const m of list) m.decider.scheduler?.resetStats();
  const gc = collector();
  // Heap growth is measured after full GCs between ticks, from a quarter into the run (one-time
  // costs such as JIT code and lazily sized buffers are not growth per tick) to its end, in three
  // windows; the smallest window's growth is the figure (an allocation per tick shows in every
  // window, the engine's own background work — compiled code, feedback — in some only).
  const heapFrom = Math.floor(c.ticks / 4);
  const heapWindow = Math.max(1, Math.floor((c.ticks - heapFrom) / HEAP_WINDOWS));
  const heapAt = new Float64Array(HEAP_WINDOWS + 1).fill(Number.NaN);
  const waits = list.map((m) => waitTracker(m.world));
  // Run totals (the profiler's ring may hold fewer ticks than the run).
  let deferred = 0;
  let rays = 0;
  const started = monotonicClock();
  let nextReport = started + 1e6;
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
      log(`  tick ${t + 1}/${c.ticks} (${Math.round(((t + 1) / c.ticks) * 100)}%)\n`);
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
  const summary = profileSummary(profiler);
  const pick = (p: PhaseStats | undefined): Percentiles => {
    const s = p ?? { p50Us: 0, p90Us: 0, p99Us: 0, p999Us: 0, maxUs: 0 };
    return { p50Us: s.p50Us, p90Us: s.p90Us, p99Us: s.p99Us, p999Us: s.p999Us, maxUs: s.maxUs };
  };
  const result: ProfileResult = {
    agents: c.agents,
    ticks: c.ticks,
    budgetUs: c.budgetUs,
    backend: c.backend,
    phases: {
      sense: pick(summary.phases.sense),
      decide: pick(summary.phases.decide),
      act: pick(summary.phases.act),
      total: pick(many ? summary.phases.step : summary.phases.total),
    },
    overBudgetTicks: many ? overBudget(profiler, c.budgetUs) : summary.overBudgetTicks,
    deferredDecisions: deferred,
    maxDecisionWaitTicks: list.reduce((w, m, k) => Math.max(w, waits[k]!.worst, m.decider.scheduler?.stats.worstWaitTicks ?? 0), 0),
    raysPerTick: Math.round((rays / c.ticks) * 10) / 10,
    heapGrowthBytesPer1kTicks: Number.isNaN(heapGrowth) ? 0 : Math.max(0, Math.round(heapGrowth)),
    mode: c.mode,
    map: level !== undefined ? `level ${level.name}` : c.map,
    seed: c.seed,
    decisionPeriod: c.decisionPeriod,
    policy: c.policyFile ?? match.policyName ?? 'starter',
    matches: c.matches,
    physics: c.map === 'arena' || level !== undefined ? 'kinematic' : (c.physics ?? 'bvh'),
    ...(many ? { serverTick: pick(summary.phases.total) } : {}),
    kernels: c.kernels,
  };
  const facts = {
    agents: c.agents,
    mode: c.mode,
    backend: c.backend,
    kernels: c.kernels,
    map: level !== undefined ? `level ${level.name}` : c.map,
    seed: c.seed,
    policy: result.policy,
    'decision period': c.decisionPeriod,
    matches: c.matches,
    physics: result.physics,
    'heap growth B/1k ticks': result.heapGrowthBytesPer1kTicks,
  };
  const tracePath = option(args, 'trace');
  if (tracePath !== undefined)
    writeOutput(
      tracePath,
      JSON.stringify(
        chromeTrace(profiler, { processName: 'tickmind profile', threadName: `ai tick (${c.agents} agents)`, maxTicks: TRACE_TICKS }),
      ),
    );
  const reportPath = option(args, 'report');
  if (reportPath !== undefined)
    writeOutput(reportPath, htmlReport(profiler, { title: `tickmind profile — ${c.agents} agents, ${c.mode}`, facts }));
  if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else
    process.stdout.write(
      `${formatTable(result, summary.phases)}\n${tracePath !== undefined ? `trace: ${tracePath} (open it in https://ui.perfetto.dev or Chrome DevTools → Performance → Load profile)\n` : ''}${reportPath !== undefined ? `report: ${reportPath}\n` : ''}`,
    );
  return 0;
}

/** Held ticks whose AI steps (the `step` spans of all matches) took longer than the budget. */
function overBudget(profiler: Profiler, budgetUs: number): number {
  const step = profiler.names.indexOf('step');
  let n = 0;
  for (const us of profiler.series(step)) if (us > budgetUs) n++;
  return n;
}

function readPolicy(file: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(file));
  } catch (err) {
    throw new TickmindError('IO', `cannot read the policy: ${(err as Error).message}`, { file });
  }
}

function writeOutput(file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (err) {
    throw new TickmindError('IO', `cannot write: ${(err as Error).message}`, { file });
  }
}

/** The human-readable table: one row per span (nested deciders indented), then the verdicts. */
function formatTable(r: ProfileResult, phases: Record<string, PhaseStats>): string {
  const head = `${'phase'.padEnd(42)}${['p50', 'p90', 'p99', 'p99.9', 'max'].map((h) => h.padStart(9)).join('')}   (µs)`;
  const entries = Object.entries(phases).filter(([name, p]) => name === 'total' || p.maxUs > 0);
  const order = (name: string) => (name === 'total' ? 3 : name.startsWith('decide:') ? 1 : name === 'decide' ? 0.5 : 0);
  const rows = entries
    .map(([name, p], i) => ({
      name,
      p,
      key: name === 'decide' || name.startsWith('decide:') ? 1 + order(name) / 10 : order(name) === 3 ? 99 : i,
    }))
    .sort((a, b) => a.key - b.key)
    .map(({ name, p }) => [name, p] as const)
    .map(([name, p]) => {
      const label = name.startsWith('decide:')
        ? `  ${name.slice(7)}`
        : name === 'step'
          ? `ai step (${r.matches} matches)`
          : name === 'total' && r.matches > 1
            ? 'tick (game rules included)'
            : name;
      return `${label.slice(0, 41).padEnd(42)}${[p.p50Us, p.p90Us, p.p99Us, p.p999Us, p.maxUs].map((v) => v.toFixed(1).padStart(9)).join('')}`;
    });
  return [
    head,
    ...rows,
    `ticks over the ${r.budgetUs} µs budget: ${r.overBudgetTicks} of ${r.ticks}`,
    `deferred decisions: ${r.deferredDecisions}; worst wait: ${r.maxDecisionWaitTicks} ticks`,
    `rays per tick: ${r.raysPerTick}; heap growth: ${r.heapGrowthBytesPer1kTicks} bytes per 1000 ticks`,
  ].join('\n');
}

/** A map's refusal of the --agents count is a usage error (exit 2), like the flags' own range checks. */
function asUsageError(err: unknown): never {
  if (isTickmindError(err) && err.code === 'INVALID_ARGUMENT' && err.location.field === 'agents') throw new UsageError(err.detail);
  throw err;
}
