/**
 * `tickmind eval --policy FILE [--rounds N] [--seed S] [--map dust2] [--team-size N]
 * [--temperature T] [--period N] [--json] [--report FILE]`: scores a policy on held-out plant states — accuracy and NLL on the teacher's
 * held-out decisions, and its rollouts against the teacher's play (occupancy EMD per side, speed
 * and turn-rate histogram EMDs, lifetimes, outcomes, stuck events), with the random policy and the
 * teacher itself as anchors. With `--human DIR` (demo data from `tickmind import-demo`) it measures
 * human-likeness instead (eval-human.ts). The arena comes from the repository's sandbox through the bin.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { TickmindError } from '../core/index.js';
import { checkKnown, intOption, option, type ParsedArgs, UsageError } from './args.js';
import { evalHumanCommand, type HumanEvalEngine } from './eval-human.js';

const OPTIONS = ['policy', 'rounds', 'seed', 'map', 'team-size', 'temperature', 'period', 'json', 'report', 'level', 'human', 'inertia'];

interface InSight {
  ticks: number;
  standing: number;
  walking: number;
  running: number;
}

interface Metrics {
  ctWinRate: number;
  ctWinRateInterval: [number, number];
  inSight: { ct: InSight; t: InSight };
  meanRoundSeconds: number;
  stuckPerRound: number;
  lifetime: { ct: number; t: number };
  occupancyEmd: { ct: number; t: number };
  speedEmd: { ct: number; t: number };
  turnRateEmd: { ct: number; t: number };
}

/** The result shape the engine returns (sandbox/arena/eval/evaluate.ts). */
export interface EvalEngineResult {
  result: {
    validation: { frames: number; accuracy: number; nll: number; majorityClassAccuracy: number; randomAccuracy: number; randomNll: number };
    policyMetrics: Metrics;
    teacherMetrics: Metrics;
    randomMetrics: Metrics;
    referenceMetrics: Metrics;
  } & Record<string, unknown>;
}

/** The evaluation engine and its report, lent by the bin (with the human-likeness engine where the arena has it). */
export interface EvalEngine extends Partial<HumanEvalEngine> {
  /** Plays and scores. */
  evaluatePolicy(
    config: {
      policy: { file: string; bytes: Uint8Array };
      rounds: number;
      seed: number;
      map: string;
      teamSize?: number;
      temperature?: number;
      period?: number;
    },
    progress: (line: string) => void,
  ): Promise<EvalEngineResult>;
  /** The HTML report. */
  evalReportHtml(evaluation: EvalEngineResult): string;
}

/** Runs `tickmind eval`. */
export async function evalCommand(args: ParsedArgs, engine: EvalEngine | undefined): Promise<number> {
  checkKnown(args, OPTIONS);
  if (option(args, 'level') !== undefined)
    throw new UsageError(
      `tickmind eval plays retake rounds, which need the arena's maps (--map dust2, inferno or synthetic); --level FILE (your own level) is for tickmind profile`,
    );
  if (engine === undefined)
    throw new TickmindError(
      'BACKEND_UNAVAILABLE',
      'tickmind eval needs the arena of the tickmind repository (sandbox/arena); run it from a checkout',
    );
  if (args.options.has('human')) {
    for (const k of ['team-size', 'temperature', 'period'])
      if (args.options.has(k)) usage(`--${k} is not an option of tickmind eval --human (its rounds are the arena's own)`);
    return evalHumanCommand(args, engine);
  }
  const file = option(args, 'policy') ?? usage('--policy FILE is required');
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(file));
  } catch (err) {
    throw new TickmindError('IO', `cannot read the policy: ${(err as Error).message}`, { file });
  }
  const teamSize = option(args, 'team-size') === undefined ? undefined : intOption(args, 'team-size', 5, 1, 5);
  if (teamSize !== undefined && teamSize > 5) usage('--team-size must be 1..5');
  const json = args.options.has('json');
  const temperature = option(args, 'temperature') === undefined ? undefined : Number(option(args, 'temperature'));
  if (temperature !== undefined && !(temperature >= 0)) usage('--temperature must be a number ≥ 0 (0 = argmax)');
  const period = option(args, 'period') === undefined ? undefined : intOption(args, 'period', 1, 1, 1024);
  if (period !== undefined && !(period >= 1)) usage('--period must be an integer ≥ 1 (ticks between decisions)');
  const evaluation = await engine.evaluatePolicy(
    {
      policy: { file, bytes },
      rounds: intOption(args, 'rounds', 20, 1, 100_000),
      seed: intOption(args, 'seed', 1, 1, 2 ** 31 - 1),
      map: option(args, 'map') ?? 'dust2',
      ...(teamSize !== undefined ? { teamSize } : {}),
      ...(temperature !== undefined ? { temperature } : {}),
      ...(period !== undefined ? { period } : {}),
    },
    (line) => process.stderr.write(`  ${line}\n`),
  );
  const report = option(args, 'report');
  if (report !== undefined) {
    try {
      writeFileSync(`${report}.tmp-${process.pid}`, engine.evalReportHtml(evaluation));
      renameSync(`${report}.tmp-${process.pid}`, report);
    } catch (err) {
      throw new TickmindError('IO', `cannot write: ${(err as Error).message}`, { file: report });
    }
  }
  const r = evaluation.result;
  if (json) {
    process.stdout.write(`${JSON.stringify(r)}\n`);
    return 0;
  }
  const f = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '–');
  const line = (name: string, m: Metrics) =>
    `${name.padEnd(28)}${`${f(m.occupancyEmd.ct)} / ${f(m.occupancyEmd.t)}`.padStart(16)}${`${f(m.speedEmd.ct)} / ${f(m.speedEmd.t)}`.padStart(14)}${`${f(m.turnRateEmd.ct, 0)} / ${f(m.turnRateEmd.t, 0)}`.padStart(14)}${`${f(m.lifetime.ct, 1)} / ${f(m.lifetime.t, 1)}`.padStart(14)}${`${f(100 * m.ctWinRate, 0)} %`.padStart(9)}${f(m.stuckPerRound).padStart(8)}`;
  const pct = (x: number) => `${f(100 * x, 0)} %`;
  const sight = (name: string, m: Metrics) =>
    `${name.padEnd(28)}${`${pct(m.inSight.ct.standing)} / ${pct(m.inSight.t.standing)}`.padStart(16)}${`${pct(m.inSight.ct.walking)} / ${pct(m.inSight.t.walking)}`.padStart(14)}${`${pct(m.inSight.ct.running)} / ${pct(m.inSight.t.running)}`.padStart(14)}${`${f(100 * m.ctWinRate, 1)} % (${f(100 * m.ctWinRateInterval[0], 1)}–${f(100 * m.ctWinRateInterval[1], 1)})`.padStart(28)}`;
  const v = r.validation;
  process.stdout.write(
    `${[
      `held-out teacher decisions: ${v.frames} frames, accuracy ${f(100 * v.accuracy, 1)} % (majority class ${f(100 * v.majorityClassAccuracy, 1)} %, random ${f(100 * v.randomAccuracy, 1)} %), NLL ${f(v.nll, 3)} nats (random ${f(v.randomNll, 3)})`,
      `${'vs the teacher, CT / T'.padEnd(28)}${'occupancy EMD m'.padStart(16)}${'speed EMD'.padStart(14)}${'turn EMD °/s'.padStart(14)}${'lifetime s'.padStart(14)}${'CT wins'.padStart(9)}${'stuck'.padStart(8)}`,
      line('policy', r.policyMetrics),
      line('teacher (other randomness)', r.teacherMetrics),
      line('random', r.randomMetrics),
      '',
      `${'enemy in sight, CT / T'.padEnd(28)}${'standing'.padStart(16)}${'walking'.padStart(14)}${'running'.padStart(14)}${'CT wins (95 % interval)'.padStart(28)}`,
      sight('policy', r.policyMetrics),
      sight('teacher (reference)', r.referenceMetrics),
      sight('teacher (other randomness)', r.teacherMetrics),
      sight('random', r.randomMetrics),
      ...(report !== undefined ? [`report: ${report}`] : []),
    ].join('\n')}\n`,
  );
  return 0;
}

function usage(message: string): never {
  throw new UsageError(message);
}
