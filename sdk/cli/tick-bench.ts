/**
 * The core of `npm run bench:tick`, free of Node APIs (like bench-core.ts): the 5v5 cases (sense +
 * decide + act, median and p99 per phase, heap growth per 10k ticks) and the 64/256-agent rows
 * under a 500 µs decide budget, on the worlds and tick loop of tick-world.ts, and the markdown
 * tables. bench/tick.js runs it in Node, the browser benchmark (`npm run bench:browser -- --tick`)
 * in a page; each passes its heap probe and, where it has one, Rapier's mover.
 */
import { defaultKernelSet, type KernelSet } from '../inference/index.js';
import {
  BUDGET_AGENTS,
  BUDGET_US,
  budgetCaseName,
  type HeapProbe,
  heapGrowth,
  makeTickWorld,
  ORT_TICK_CASE,
  type PhaseUs,
  phasesUs,
  phaseUs,
  type RapierMoverFactory,
  runTicks,
  TICK_CASES,
  type TickCase,
  tickQuantile,
} from './tick-world.js';

export type { HeapProbe, PhaseUs, RapierMoverFactory, TickCase } from './tick-world.js';
export { BUDGET_AGENTS, budgetCaseName, ORT_TICK_CASE, TICK_CASES } from './tick-world.js';

export interface TickBenchOptions {
  /** Timed ticks of each 5v5 case (the budget rows time at most 1500). */
  ticks: number;
  /** Runs only the cases whose name contains this text. */
  only?: string;
  /** The native kernel set, forced while the policies load (default: the one a session gets now). */
  kernels?: KernelSet;
  /** Heap growth per 10k ticks needs it; without it the rows say null. */
  heap?: HeapProbe;
  /** Rapier's mover for the Rapier row, or why there is none (the row is then skipped with that reason). */
  rapier?: RapierMoverFactory | { unavailable: string };
  /** Also {@link ORT_TICK_CASE}, right after its native case (default false). */
  ort?: boolean;
  /** Called after each row (progress). */
  onRow?: (row: TickRow | BudgetRow) => void;
}

/** A 5v5 row of the JSON report. */
export interface TickRow {
  case: string;
  senseUs: PhaseUs;
  decideUs: PhaseUs;
  actUs: PhaseUs;
  tickUs: PhaseUs;
  /** Bytes per 10k untimed ticks; null without a heap probe, or where `heapNote` says why. */
  heapGrowthPer10kTicks: number | null;
  /** Extension: why a case has no heap growth figure. */
  heapNote?: string;
  /** Extension, onnxruntime-web rows: this row's median / its native case's median. */
  vsNative?: { decide: number; tick: number };
}

/** A budget row of the JSON report. */
export interface BudgetRow {
  case: string;
  decideUs: PhaseUs & { max: number };
  tickUs: PhaseUs;
  ticksOverBudget: number;
  ticks: number;
  deferralsPerTick: number;
  decisionsPerTick: number;
  worstWaitTicks: number;
  costModel: { callUs: number; agentUs: number };
}

export interface TickBenchResult {
  /** The native kernel set the policies ran. */
  kernels: KernelSet;
  cases: (TickRow | BudgetRow)[];
  /** Cases asked for and not run, with why. */
  skipped: { case: string; reason: string }[];
}

/** Whether a row is a 5v5 row (not a budget row). */
export const isTickRow = (r: TickRow | BudgetRow): r is TickRow => 'senseUs' in r;

async function benchCase(c: TickCase, o: TickBenchOptions, kernels: KernelSet): Promise<TickRow> {
  const rapier = typeof o.rapier === 'function' ? { rapier: o.rapier } : {};
  const w = await makeTickWorld({ agents: 10, mode: c.mode, half: 20, mover: c.mover, waypoints: c.waypoints, kernels, ...rapier });
  runTicks(w, 300);
  const samples = [0, 1, 2, 3].map(() => new Float64Array(o.ticks));
  runTicks(w, o.ticks, samples);
  return {
    case: c.name,
    ...phasesUs(samples),
    heapGrowthPer10kTicks: o.heap !== undefined ? heapGrowth(w, o.heap) : null,
  };
}

async function benchBudget(agents: number, o: TickBenchOptions, kernels: KernelSet): Promise<BudgetRow> {
  const half = agents === 64 ? 30 : 60;
  const w = await makeTickWorld({ agents, mode: 'egocentric', half, budgetUs: BUDGET_US, kernels });
  runTicks(w, 300); // warm-up: JIT and the scheduler's cost model
  const scheduler = w.decider.scheduler!;
  scheduler.resetStats();
  const deferralsBefore = scheduler.stats.deferrals;
  const n = Math.min(o.ticks, 1500);
  const samples = [0, 1, 2, 3].map(() => new Float64Array(n));
  runTicks(w, n, samples);
  let over = 0;
  for (let i = 0; i < n; i++) if (samples[1]![i]! > BUDGET_US) over++;
  const deferrals = scheduler.stats.deferrals - deferralsBefore;
  return {
    case: budgetCaseName(agents),
    decideUs: { ...phaseUs(samples, 1), max: tickQuantile(samples[1]!, 1) },
    tickUs: phaseUs(samples, 3),
    ticksOverBudget: over,
    ticks: n,
    deferralsPerTick: Math.round((deferrals / n) * 10) / 10,
    decisionsPerTick: Math.round((agents - deferrals / n) * 10) / 10,
    worstWaitTicks: scheduler.stats.worstWaitTicks,
    costModel: { callUs: Math.round(scheduler.callUs), agentUs: Math.round(scheduler.agentUs * 10) / 10 },
  };
}

/** Runs the 5v5 cases, then the budget rows, those whose name contains `only`. */
export async function runTickBench(o: TickBenchOptions): Promise<TickBenchResult> {
  const kernels = o.kernels ?? defaultKernelSet();
  const result: TickBenchResult = { kernels, cases: [], skipped: [] };
  const wanted = (name: string) => o.only === undefined || name.includes(o.only);
  const nativeOfOrt = TICK_CASES.find((c) => c.mode === ORT_TICK_CASE.mode && c.mover === ORT_TICK_CASE.mover && !c.waypoints)!;
  const cases = TICK_CASES.flatMap((c) => (o.ort === true && c === nativeOfOrt ? [c, ORT_TICK_CASE] : [c]));
  for (const c of cases) {
    if (!wanted(c.name)) continue;
    if (c.mover === 'rapier' && typeof o.rapier !== 'function') {
      result.skipped.push({ case: c.name, reason: o.rapier?.unavailable ?? 'no Rapier mover given' });
      continue;
    }
    let row: TickRow;
    if (c.backend === 'ort') {
      const { benchOrtCase } = await import('./tick-bench-ort.js');
      row = await benchOrtCase(c, o, kernels);
      const native = result.cases.find((r) => r.case === nativeOfOrt.name);
      if (native !== undefined && isTickRow(native))
        row.vsNative = { decide: ratio(row.decideUs, native.decideUs), tick: ratio(row.tickUs, native.tickUs) };
    } else row = await benchCase(c, o, kernels);
    result.cases.push(row);
    o.onRow?.(row);
  }
  for (const agents of BUDGET_AGENTS) {
    if (!wanted(budgetCaseName(agents))) continue;
    const row = await benchBudget(agents, o, kernels);
    result.cases.push(row);
    o.onRow?.(row);
  }
  return result;
}

const ratio = (a: PhaseUs, b: PhaseUs) => Math.round((a.median / b.median) * 100) / 100;

/** One progress line per row. */
export function progressLine(r: TickRow | BudgetRow): string {
  if (isTickRow(r)) {
    const heap = r.heapGrowthPer10kTicks === null ? 'not measured' : `${r.heapGrowthPer10kTicks} B`;
    return `${r.case}: AI tick median ${r.tickUs.median} µs, p99 ${r.tickUs.p99} µs, heap/10k ticks ${heap}`;
  }
  return `${r.case}: decide p99 ${r.decideUs.p99} µs, over budget ${r.ticksOverBudget}/${r.ticks}, worst wait ${r.worstWaitTicks}`;
}

/** The two markdown tables (5v5 rows; budget rows), then a line per row with notes (an onnxruntime-web row's ratios). */
export function formatTickTables(cases: readonly (TickRow | BudgetRow)[]): string {
  const lines = [
    '| case | sense µs (p50/p99) | decide µs (p50/p99) | act µs (p50/p99) | AI tick µs (p50/p99) | heap growth / 10k ticks |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  const rows = cases.filter(isTickRow);
  for (const r of rows) {
    const heap = r.heapGrowthPer10kTicks === null ? 'n/a' : `${r.heapGrowthPer10kTicks} B`;
    lines.push(
      `| ${r.case} | ${r.senseUs.median} / ${r.senseUs.p99} | ${r.decideUs.median} / ${r.decideUs.p99} | ${r.actUs.median} / ${r.actUs.p99} | ${r.tickUs.median} / ${r.tickUs.p99} | ${heap} |`,
    );
  }
  lines.push(
    `\n| case | decide µs (p50/p99/max) | ticks over ${BUDGET_US} µs | decisions / tick | deferrals / tick | worst wait (ticks) | learned cost |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
  );
  for (const r of cases) {
    if (isTickRow(r)) continue;
    lines.push(
      `| ${r.case} | ${r.decideUs.median} / ${r.decideUs.p99} / ${r.decideUs.max} | ${r.ticksOverBudget} of ${r.ticks} | ${r.decisionsPerTick} | ${r.deferralsPerTick} | ${r.worstWaitTicks} | ${r.costModel.callUs} µs + ${r.costModel.agentUs} µs/agent |`,
    );
  }
  for (const r of rows) {
    const notes = [];
    if (r.vsNative !== undefined) notes.push(`/ native: decide median ×${r.vsNative.decide}, AI tick median ×${r.vsNative.tick}`);
    if (r.heapNote !== undefined) notes.push(`heap growth ${r.heapNote}`);
    if (notes.length > 0) lines.push(`\n${r.case} ${notes.join('; ')}`);
  }
  return lines.join('\n');
}
