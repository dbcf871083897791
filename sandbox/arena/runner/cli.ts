/**
 * `npm run arena -- [--rounds N] [--seed S] [--map dust2|inferno|synthetic] [--ct C] [--t C]
 * [--team-size N] [--split all|train|eval] [--json]`: plays retake rounds headlessly and prints
 * outcome rates, mean round length, stuck events and ticks per second. C is teacher or random.
 */
import { parseArgs } from 'node:util';
import type { Controller } from '../game/arena.js';
import { LOADABLE_MAPS, resolveMapName } from '../map/load.js';
import { formatSummary } from './format.js';
import { runRetakes } from './run.js';

const USAGE = `usage: npm run arena -- [--rounds N] [--seed S] [--map ${LOADABLE_MAPS.join('|')}] [--ct teacher|random]
                      [--t teacher|random] [--team-size 1..5] [--split all|train|eval] [--json]`;

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

function controller(v: string | undefined, name: string): Controller {
  if (v === undefined || v === 'teacher') return 'teacher';
  if (v === 'random') return 'random';
  return fail(`--${name} must be teacher or random, got '${v}'`);
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
  const rounds = int(values.rounds as string | undefined, 'rounds', 50, 1, 1_000_000);
  const teamSize = values['team-size'] === undefined ? undefined : int(values['team-size'] as string, 'team-size', 5, 1, 5);
  const json = values.json === true;
  const { summary } = await runRetakes({
    map,
    rounds,
    seed: int(values.seed as string | undefined, 'seed', 1, 0, 2 ** 31 - 1),
    ct: controller(values.ct as string | undefined, 'ct'),
    t: controller(values.t as string | undefined, 't'),
    split,
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

await main();
