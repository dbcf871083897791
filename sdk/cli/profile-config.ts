/**
 * `tickmind profile`'s command line: its options, their ranges and defaults (docs/profiling.md),
 * and the native kernel set it runs.
 */
import { bestKernelSet, type KernelSet } from '../inference/index.js';
import type { PolicyMode } from '../policy/index.js';
import { checkKnown, intOption, option, type ParsedArgs, UsageError } from './args.js';
import { parseKernels } from './model-bench.js';
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
/** Most matches --matches runs. */
const MAX_MATCHES = 64;

/** What one profile run does, from its flags. */
export interface ProfileConfig {
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

export function parseConfig(args: ParsedArgs, maps: readonly string[]): ProfileConfig {
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
