/**
 * The headless runner: plays N retake rounds at full speed and sums them up — outcome rates,
 * round length, kills, stuck events and wall-clock speed. Rounds start from the real plant
 * states on de_dust2 (drawn by seed) and from generated starts on other maps.
 */
import { Rng } from '../../../sdk/core/index.js';
import { type Arena, type ArenaOptions, type Controller, createArena } from '../game/arena.js';
import { Side } from '../game/round.js';
import type { ArenaMap } from '../map/arena-map.js';
import { loadMap } from '../map/load.js';
import { loadPlantStates } from '../scenarios/load.js';
import { chooseStart, generatedStart, type RetakeStart, type StartOptions } from '../scenarios/retake-start.js';

/** Options of {@link runRetakes}. */
export interface RunOptions {
  /** Map name (see LOADABLE_MAPS) or a built map. */
  map: string | ArenaMap;
  /** Rounds to play. */
  rounds: number;
  /** Seed: the rounds' starts and everything random in play. */
  seed: number;
  /** Seed of the rounds' starts only (default `seed`): the same starts played with other randomness. */
  startSeed?: number;
  /** Defenders' controller (default teacher). */
  ct?: Controller;
  /** Attackers' controller (default teacher). */
  t?: Controller;
  /** Players per side, 1..5 (default: as in each real plant state; 5 on generated starts). */
  teamSize?: number;
  /** Which plant states to draw from (default all). */
  split?: StartOptions['split'];
  /** Extra arena options (rules, sensor, profiler, teacher). */
  arena?: Omit<ArenaOptions, 'map' | 'seed'>;
  /** Called after each round (awaited when it returns a promise). */
  onRound?: (result: RoundResult, arena: Arena) => void | Promise<void>;
  /** Called when a round has started, with its start (before its first tick). */
  onRoundStart?: (start: RetakeStart, arena: Arena) => void;
  /** Called after each tick (metrics, recording). */
  onTick?: (arena: Arena) => void;
  /** Called once the arena exists, before the first round (add policy deciders here; ct and t are read after it). */
  setup?: (arena: Arena) => void | Promise<void>;
  /** Names of the sides' controllers in the summary (default: 'teacher', 'random' or 'decider N'). */
  labels?: { ct: string; t: string };
}

/** One round's outcome. */
export interface RoundResult {
  /** Round number, from 1. */
  round: number;
  /** Plant-state row the round started from (-1: generated). */
  row: number;
  /** Winning side. */
  winner: 'ct' | 't';
  /** Why the round ended. */
  reason: 'defused' | 'exploded' | 'eliminated';
  /** Ticks played. */
  ticks: number;
  /** Players per side at the start. */
  players: { ct: number; t: number };
  /** Players alive at the end. */
  alive: { ct: number; t: number };
  /** Kills by each side. */
  kills: { ct: number; t: number };
  /** Stuck events (all players). */
  stuckEvents: number;
}

/** The sum of a run (the JSON `npm run arena -- --json` prints). */
export interface RunSummary {
  map: string;
  rounds: number;
  seed: number;
  ct: string;
  t: string;
  /** What moved the players: 'bvh' (the batched BvhMover) or 'rapier'. */
  physics: 'bvh' | 'rapier';
  ctWinRate: number;
  tWinRate: number;
  reasons: { defused: number; exploded: number; eliminated: number };
  meanRoundSeconds: number;
  meanKills: { ct: number; t: number };
  stuckEvents: number;
  stuckEventsPerRound: number;
  ticks: number;
  wallSeconds: number;
  ticksPerSecond: number;
}

/** The label of a controller in summaries. */
export function controllerName(c: Controller): string {
  return typeof c === 'string' ? c : `decider ${c.decider}`;
}

/** Plays the rounds; returns the summary and every round's result. */
export async function runRetakes(options: RunOptions): Promise<{ summary: RunSummary; results: RoundResult[] }> {
  const map = typeof options.map === 'string' ? loadMap(options.map) : options.map;
  const arena = await createArena({ ...options.arena, map, seed: options.seed });
  await options.setup?.(arena);
  const ct = options.ct ?? 'teacher';
  const t = options.t ?? 'teacher';
  const starts = startSource(arena, options);
  const rng = new Rng(options.startSeed ?? options.seed);
  const results: RoundResult[] = [];
  let ticks = 0;
  const t0 = performance.now();
  for (let i = 0; i < options.rounds; i++) {
    const start = starts(rng.nextUint32());
    arena.startRound(start, { ct, t });
    options.onRoundStart?.(start, arena);
    while (!arena.round.over) {
      arena.tick();
      options.onTick?.(arena);
    }
    ticks += arena.round.tick;
    const result = roundResult(arena, start.row);
    results.push(result);
    await options.onRound?.(result, arena);
  }
  const wallSeconds = (performance.now() - t0) / 1000;
  arena.clearPlayers();
  return { summary: summarize(map.name, options, ct, t, results, ticks, wallSeconds, arena.rules.tickRate), results };
}

function startSource(arena: Arena, options: RunOptions): (seed: number) => RetakeStart {
  if (arena.map.name === 'de_dust2') {
    const states = loadPlantStates();
    return (seed) =>
      chooseStart(states, arena.floor, seed, {
        ...(options.teamSize !== undefined ? { teamSize: options.teamSize } : {}),
        split: options.split ?? 'all',
      });
  }
  return (seed) => generatedStart(arena.map, arena.floor, seed, options.teamSize ?? 5);
}

function roundResult(arena: Arena, row: number): RoundResult {
  const r = arena.round;
  return {
    round: r.index,
    row,
    winner: r.winner === Side.ct ? 'ct' : 't',
    reason: r.reason === '' ? 'exploded' : r.reason,
    ticks: r.tick,
    players: { ct: r.started[Side.ct]!, t: r.started[Side.t]! },
    alive: { ct: r.alive[Side.ct]!, t: r.alive[Side.t]! },
    kills: { ct: r.kills[Side.ct]!, t: r.kills[Side.t]! },
    stuckEvents: r.stuckEvents,
  };
}

function summarize(
  map: string,
  options: RunOptions,
  ct: Controller,
  t: Controller,
  results: RoundResult[],
  ticks: number,
  wallSeconds: number,
  tickRate: number,
): RunSummary {
  const n = Math.max(1, results.length);
  const count = (f: (r: RoundResult) => boolean) => results.filter(f).length;
  const sum = (f: (r: RoundResult) => number) => results.reduce((s, r) => s + f(r), 0);
  const stuck = sum((r) => r.stuckEvents);
  return {
    map,
    rounds: results.length,
    seed: options.seed,
    ct: options.labels?.ct ?? controllerName(ct),
    t: options.labels?.t ?? controllerName(t),
    physics: options.arena?.physics ?? 'bvh',
    ctWinRate: count((r) => r.winner === 'ct') / n,
    tWinRate: count((r) => r.winner === 't') / n,
    reasons: {
      defused: count((r) => r.reason === 'defused'),
      exploded: count((r) => r.reason === 'exploded'),
      eliminated: count((r) => r.reason === 'eliminated'),
    },
    meanRoundSeconds: sum((r) => r.ticks) / n / tickRate,
    meanKills: { ct: sum((r) => r.kills.ct) / n, t: sum((r) => r.kills.t) / n },
    stuckEvents: stuck,
    stuckEventsPerRound: stuck / n,
    ticks,
    wallSeconds,
    ticksPerSecond: ticks / Math.max(wallSeconds, 1e-9),
  };
}
