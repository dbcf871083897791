/**
 * `npm run arena -- [--rounds N] [--seed S] [--map dust2|inferno|synthetic] [--ct C] [--t C]
 * [--team-size N] [--split all|train|eval] [--physics bvh|rapier] [--json]`: plays retake rounds
 * headlessly and prints outcome rates, mean round length, stuck events and ticks per second. C is
 * teacher, random or policy:FILE (a tickmind policy file, on the native backend, for that side);
 * --physics rapier moves players with Rapier's character controller (the default is the batched
 * BvhMover).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isTickmindError } from '../../../sdk/core/index.js';
import { policyDecider } from '../../../sdk/ecs/index.js';
import { loadPolicy } from '../../../sdk/policy/index.js';
import type { Arena, Controller } from '../game/arena.js';
import { LOADABLE_MAPS, resolveMapName } from '../map/load.js';
import { formatSummary } from './format.js';
import { runRetakes } from './run.js';

const USAGE = `usage: npm run arena -- [--rounds N] [--seed S] [--map ${LOADABLE_MAPS.join('|')}]
                      [--ct teacher|random|policy:FILE] [--t teacher|random|policy:FILE]
                      [--team-size 1..5] [--split all|train|eval] [--physics bvh|rapier] [--json]`;

function fail(message: string): never {
  process.stderr.write(`arena: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function int(v: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) fail(`--${name} must be an integer in ${min}..${max}, got '${v}'`);
  return n;
}

/** A side's controller as given: built-in, or a policy file loaded once the arena exists. */
type ControllerArg = 'teacher' | 'random' | { file: string };

function controller(v: string | undefined, name: string): ControllerArg {
  if (v === undefined || v === 'teacher') return 'teacher';
  if (v === 'random') return 'random';
  if (v.startsWith('policy:') && v.length > 7) return { file: v.slice(7) };
  return fail(`--${name} must be teacher, random or policy:FILE, got '${v}'`);
}

/** Loads the policy files of both sides as deciders of the arena (one per distinct file). */
async function resolveControllers(arena: Arena, args: ControllerArg[]): Promise<Controller[]> {
  const byFile = new Map<string, Controller>();
  const out: Controller[] = [];
  for (const a of args) {
    if (typeof a === 'string') {
      out.push(a);
      continue;
    }
    let c = byFile.get(a.file);
    if (c === undefined) {
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(readFileSync(a.file));
      } catch (err) {
        return fail(`cannot read the policy ${a.file}: ${(err as Error).message}`);
      }
      const policy = await loadPolicy(bytes, { file: a.file, backend: 'native', maxBatch: arena.world.capacity });
      const decider = policyDecider(arena.world, policy, { center: arena.frame.center, halfExtent: arena.frame.halfExtent });
      c = { decider: arena.addDecider(decider) };
      byFile.set(a.file, c);
    }
    out.push(c);
  }
  return out;
}

async function main(): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      options: {
        rounds: { type: 'string' },
        seed: { type: 'string' },
        map: { type: 'string' },
        ct: { type: 'string' },
        t: { type: 'string' },
        'team-size': { type: 'string' },
        split: { type: 'string' },
        physics: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    }).values;
  } catch (err) {
    fail((err as Error).message);
  }
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const map = (values.map as string | undefined) ?? 'dust2';
  if (resolveMapName(map) === undefined) fail(`unknown --map '${map}' (available: ${LOADABLE_MAPS.join(', ')})`);
  const split = (values.split as string | undefined) ?? 'all';
  if (split !== 'all' && split !== 'train' && split !== 'eval') fail(`--split must be all, train or eval, got '${split}'`);
  const physics = (values.physics as string | undefined) ?? 'bvh';
  if (physics !== 'bvh' && physics !== 'rapier') fail(`--physics must be bvh or rapier, got '${physics}'`);
  const rounds = int(values.rounds as string | undefined, 'rounds', 50, 1, 1_000_000);
  const teamSize = values['team-size'] === undefined ? undefined : int(values['team-size'] as string, 'team-size', 5, 1, 5);
  const json = values.json === true;
  const sides = [controller(values.ct as string | undefined, 'ct'), controller(values.t as string | undefined, 't')];
  const label = (c: ControllerArg) => (typeof c === 'string' ? c : `policy ${c.file}`);
  let controllers: Controller[] = [];
  const { summary } = await runRetakes({
    map,
    rounds,
    seed: int(values.seed as string | undefined, 'seed', 1, 0, 2 ** 31 - 1),
    setup: async (arena) => {
      controllers = await resolveControllers(arena, sides);
    },
    get ct() {
      return controllers[0];
    },
    get t() {
      return controllers[1];
    },
    labels: { ct: label(sides[0]!), t: label(sides[1]!) },
    split,
    arena: { physics },
    ...(teamSize !== undefined ? { teamSize } : {}),
    onRound: (r) => {
      if (!json)
        process.stderr.write(
          `\rround ${r.round}/${rounds}: ${r.winner.toUpperCase()} (${r.reason}) in ${(r.ticks / 64).toFixed(1)} s, ${r.players.ct}v${r.players.t}   `,
        );
    },
  });
  if (!json) process.stderr.write('\n');
  process.stdout.write(json ? `${JSON.stringify(summary, null, 2)}\n` : `${formatSummary(summary)}\n`);
}

try {
  await main();
} catch (err) {
  if (!isTickmindError(err)) throw err;
  process.stderr.write(`arena: ${err.code}: ${err.message}\n`);
  process.exit(1);
}
