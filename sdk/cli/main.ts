/** The `tickmind` command line: dispatches subcommands and maps errors to exit codes. */
import { isTickmindError } from '../core/index.js';
import { parseArgs, UsageError } from './args.js';
import { demoCommand } from './demo.js';
import { type EvalEngine, evalCommand } from './eval.js';
import { importDemoCommand } from './import-demo.js';
import { modelBenchCommand } from './model-bench.js';
import { modelCheckCommand } from './model-check.js';
import { modelQuantizeCommand } from './model-quantize.js';
import { modelRunCommand } from './model-run.js';
import { profileCommand } from './profile.js';
import type { ProfileMapProvider } from './profile-match.js';
import { type RecordRoundsEngine, recordCommand } from './record.js';
import { trainCommand } from './train.js';

/** What the `tickmind` bin plugs into the CLI from outside the SDK (the repository's sandbox arena). */
export interface CliExtensions {
  /** Extra maps for `tickmind profile --map`. */
  profileMaps?: Record<string, ProfileMapProvider>;
  /** The arena recording engine for `tickmind record`. */
  recordRounds?: RecordRoundsEngine;
  /** The evaluation engine for `tickmind eval`. */
  evaluation?: EvalEngine;
  /** URL of the maps module for `tickmind import-demo` (worker threads import it; see import-demo-job.ts). */
  demoMapsModule?: string;
}

const HELP = `tickmind — Game-AI SDK command line

usage:
  tickmind model check FILE [--backend native|ort|auto] [--dim NAME=VALUE]... [--json]
  tickmind model run FILE --input NAME=PATH.npy [--input …] --out DIR [--backend native|ort|auto]
  tickmind model bench FILE [--batch 1,8,32,128] [--batch-dim NAME] [--dim NAME=VALUE]... [--kernels auto|relaxed|simd|scalar[,…]] [--quantize int8] [--json]
  tickmind model quantize FILE --out OUT.onnx [--min-elements N] [--json]
  tickmind demo [--model FILE] [--ticks N] [--seed S]
  tickmind profile [--agents N] [--ticks T] [--policy FILE] [--mode joint|egocentric] [--budget-us B]
                   [--decision-period P] [--backend native|ort] [--map arena|dust2|inferno|synthetic | --level FILE.json]
                   [--physics bvh|rapier] [--matches M] [--seed S] [--kernels auto|relaxed|simd|scalar]
                   [--json] [--trace FILE] [--report FILE]
  tickmind record --rounds N --seed S --out DIR [--format parquet|npz|both]
                  [--players teacher|random|policy:FILE] [--map dust2] [--every K] [--team-size N]
                  [--split train|eval|all] [--observations egocentric|joint] [--label played|teacher] [--json]
  tickmind train --data DIR|FILE.npz [--data …] --arch joint|egocentric|mlp --out FILE.onnx [--epochs E] [--seed S] [--batch B]
                 [--lr LR] [--d D] [--layers L] [--heads H] [--ff F] [--hidden N] [--val-fraction F] [--patience P]
                 [--curve FILE.html] [--init POLICY.onnx] [--json]
  tickmind eval --policy FILE [--rounds N] [--seed S] [--map dust2] [--team-size N] [--temperature T]
                [--period N] [--json] [--report FILE]
  tickmind eval --human DIR [--policy FILE]... [--rounds N] [--seed S] [--map dust2] [--inertia] [--json] [--report FILE]
  tickmind import-demo FILE.dem… --out DIR [--format parquet|npz|both] [--every K] [--humans-only]
                       [--side ct|t|both] [--map de_dust2] [--layout-from POLICY.onnx] [--workers N] [--json]
  tickmind --help | --version

exit status: 0 success, 1 the model failed to load or to match, 2 usage error`;

const FLAGS = new Set(['json', 'help', 'version', 'humans-only', 'inertia']);

/** Runs the CLI with `argv` (without node and script); returns the exit status. */
export async function main(argv: readonly string[], version: string, extensions: CliExtensions = {}): Promise<number> {
  try {
    const args = parseArgs(argv, FLAGS);
    const [group, command] = args.positionals;
    if (args.options.has('version')) {
      process.stdout.write(`${version}\n`);
      return 0;
    }
    if (args.options.has('help') || group === undefined || group === 'help') {
      process.stdout.write(`${HELP}\n`);
      return group === undefined && !args.options.has('help') ? 2 : 0;
    }
    if (group === 'demo') return await demoCommand({ ...args, positionals: args.positionals.slice(1) });
    if (group === 'record') return await recordCommand({ ...args, positionals: args.positionals.slice(1) }, extensions.recordRounds);
    if (group === 'eval') return await evalCommand({ ...args, positionals: args.positionals.slice(1) }, extensions.evaluation);
    if (group === 'import-demo')
      return await importDemoCommand({ ...args, positionals: args.positionals.slice(1) }, extensions.demoMapsModule);
    if (group === 'train') return await trainCommand({ ...args, positionals: args.positionals.slice(1) });
    if (group === 'profile') return await profileCommand({ ...args, positionals: args.positionals.slice(1) }, extensions.profileMaps);
    if (group === 'model') {
      const rest = { ...args, positionals: args.positionals.slice(2) };
      if (command === 'check') return await modelCheckCommand(rest);
      if (command === 'run') return await modelRunCommand(rest);
      if (command === 'bench') return await modelBenchCommand(rest);
      if (command === 'quantize') return await modelQuantizeCommand(rest);
      throw new UsageError(`unknown model command '${command ?? ''}' (check, run, bench, quantize)`);
    }
    throw new UsageError(`unknown command '${group}'`);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`tickmind: ${err.message}\nRun 'tickmind --help' for usage.\n`);
      return 2;
    }
    if (isTickmindError(err)) {
      process.stderr.write(`tickmind: ${err.code}: ${err.message}\n`);
      return 1;
    }
    process.stderr.write(`tickmind: internal error: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}
