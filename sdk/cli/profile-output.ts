/**
 * What `tickmind profile` prints and writes: the `--json` contract object, the human-readable
 * table, and files (trace, report) with coded errors.
 */
import { writeFileSync } from 'node:fs';
import { TickmindError } from '../core/index.js';
import type { KernelSet } from '../inference/index.js';
import type { PolicyMode } from '../policy/index.js';
import type { PhaseStats, Profiler } from '../profiling/index.js';

/** The `--json` object (keys as the contract; extra keys extend it). */
export interface ProfileResult {
  agents: number;
  ticks: number;
  /** Ticks run before the profiled ones and not recorded (40 % of ticks, from 200 to 2000). */
  warmupTicks: number;
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

export type Percentiles = Pick<PhaseStats, 'p50Us' | 'p90Us' | 'p99Us' | 'p999Us' | 'maxUs'>;

/** Held ticks whose AI steps (the `step` spans of all matches) took longer than the budget. */
export function overBudget(profiler: Profiler, budgetUs: number): number {
  const step = profiler.names.indexOf('step');
  let n = 0;
  for (const us of profiler.series(step)) if (us > budgetUs) n++;
  return n;
}

/** Writes a file; an IO TickmindError naming it on failure. */
export function writeOutput(file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (err) {
    throw new TickmindError('IO', `cannot write: ${(err as Error).message}`, { file });
  }
}

/** The human-readable table: one row per span (nested deciders indented), then the verdicts. */
export function formatTable(r: ProfileResult, phases: Record<string, PhaseStats>): string {
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
