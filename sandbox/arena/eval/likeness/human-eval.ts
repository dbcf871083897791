/**
 * `tickmind eval --human DIR`'s engine: how much the arena's players move like real humans. The
 * humans are the `agent.human` episodes of imported demos (`tickmind import-demo`); the arena
 * plays retake rounds with the scripted teacher, the random policy and each policy given (the
 * shipped joint model by default), and every source is reduced to the same 16 Hz features
 * ({@link movementFeatures}). Reported per source: the earth mover's distance to the humans on
 * speed, turn rate, acceleration, standing-still bouts and distance to walls, the share of time
 * standing, and a discriminator's held-out accuracy telling 1 s windows of it from the humans'
 * ({@link discriminate}). Two references come from the demos themselves: the game bots recorded
 * alongside the humans, and the humans against themselves (first half of their rounds vs the rest).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SOURCE_INERTIA } from '../../../../sdk/actuators/index.js';
import type { Episode } from '../../../../sdk/dataset/index.js';
import { policyDecider } from '../../../../sdk/ecs/index.js';
import { loadPolicy } from '../../../../sdk/policy/index.js';
import type { Arena, Controller } from '../../game/arena.js';
import { mapsDir } from '../../map/build-maps.js';
import { loadMap } from '../../map/load.js';
import { runRetakes } from '../../runner/run.js';
import { type DiscriminatorScore, discriminate } from './discriminator.js';
import { type MovementFeatures, movementFeatures, sampleEmd, WallProbe } from './features.js';
import { TRAJECTORY_FPS, type Trajectory, TrajectoryTracker, trajectoriesFromEpisodes } from './trajectories.js';

/** What to compare. */
export interface HumanEvalConfig {
  /** Imported demo data: one entry per shard. */
  human: { source: string; fps: number; episodes: readonly Episode[] }[];
  /** Policies to play (name and bytes); none: the shipped joint model (models/joint-5v5.onnx). */
  policies: { name: string; file: string; bytes: Uint8Array }[];
  /** Arena rounds per controller (default 20). */
  rounds?: number;
  /** Seed (default 1). */
  seed?: number;
  /** Map the humans played and the arena plays (default dust2). */
  map?: string;
  /** Also play the teacher and the policies with Counter-Strike's ground inertia (rows marked "+ inertia"). */
  inertia?: boolean;
}

/** Distances of one source's distributions to the humans'. */
export interface LikenessDistances {
  /** Planar speed, m/s (EMD). */
  speed: number;
  /** Turn rate, °/s. */
  turnRate: number;
  /** Acceleration, m/s². */
  acceleration: number;
  /** Standing-still bout length, s. */
  standingBout: number;
  /** Distance to the nearest wall, m. */
  wallDistance: number;
}

/** One compared source. */
export interface LikenessRow {
  /** What it is: "teacher", "random", a policy's name, "game bots (demo)", "humans (other half)". */
  name: string;
  /** Where it comes from. */
  kind: 'arena' | 'demo';
  /** Frames (16 Hz). */
  frames: number;
  /** Distances to the humans. */
  distance: LikenessDistances;
  /** Share of frames standing still. */
  standingShare: number;
  /** Median speed, m/s. */
  medianSpeed: number;
  /** Discriminator against the humans. */
  discriminator: DiscriminatorScore;
}

/** The result (the `--json` object of `tickmind eval --human`). */
export interface HumanEvalResult {
  /** The humans' data: shards, trajectories, frames, seconds. */
  human: { sources: string[]; trajectories: number; frames: number; seconds: number; standingShare: number; medianSpeed: number };
  /** Arena map, rounds and seed. */
  arena: { map: string; rounds: number; seed: number };
  /** Frames per second every source is compared at. */
  fps: number;
  /** One row per source. */
  rows: LikenessRow[];
}

/** Histograms per source and feature, for the report. */
export interface HumanEvaluation {
  /** Figures. */
  result: HumanEvalResult;
  /** Features per source (humans first). */
  features: { name: string; features: MovementFeatures }[];
}

/** Compares (see the module comment); `progress` gets a line per source. */
export async function evaluateHumanLikeness(
  config: HumanEvalConfig,
  progress: (line: string) => void = () => {},
): Promise<HumanEvaluation> {
  const mapName = config.map ?? 'dust2';
  const rounds = config.rounds ?? 20;
  const seed = config.seed ?? 1;
  const walls = new WallProbe(loadMap(mapName).walls.map((w) => ({ min: w.slice(0, 3), max: w.slice(3, 6) })));
  const humans: Trajectory[] = [];
  const bots: Trajectory[] = [];
  for (const shard of config.human) {
    if (shard.fps !== TRAJECTORY_FPS)
      progress(`${shard.source}: recorded at ${shard.fps} Hz, compared as is (import with --every 4 for 16 Hz)`);
    humans.push(...trajectoriesFromEpisodes(shard.episodes, shard.fps, 1, shard.source));
    bots.push(...trajectoriesFromEpisodes(shard.episodes, shard.fps, 0, shard.source));
  }
  if (humans.length === 0)
    throw new Error(
      `no human player in ${config.human.map((s) => s.source).join(', ')}: nothing to compare with (agent.human is 0 everywhere)`,
    );
  const human = movementFeatures(humans, walls);
  const policies = config.policies.length > 0 ? config.policies : [shippedPolicy('joint-5v5')];
  const features: { name: string; features: MovementFeatures }[] = [{ name: 'humans', features: human }];
  const rows: LikenessRow[] = [];
  const add = (name: string, kind: 'arena' | 'demo', f: MovementFeatures, against = human) => {
    features.push({ name, features: f });
    rows.push({
      name,
      kind,
      frames: f.speed.length,
      distance: {
        speed: sampleEmd(f.speed, against.speed),
        turnRate: sampleEmd(f.turnRate, against.turnRate),
        acceleration: sampleEmd(f.acceleration, against.acceleration),
        standingBout: sampleEmd(f.standingBouts, against.standingBouts),
        wallDistance: sampleEmd(f.wallDistance, against.wallDistance),
      },
      standingShare: f.standingShare,
      medianSpeed: median(f.speed),
      discriminator: discriminate(f, against, { seed }),
    });
  };
  const base: { name: string; controller: (arena: Arena) => Promise<Controller> }[] = [
    { name: 'teacher', controller: async () => 'teacher' },
    ...policies.map((p) => ({
      name: p.name,
      controller: async (arena: Arena): Promise<Controller> => {
        const policy = await loadPolicy(p.bytes, { file: p.file, maxBatch: arena.world.capacity });
        return {
          decider: arena.addDecider(policyDecider(arena.world, policy, { center: arena.frame.center, halfExtent: arena.frame.halfExtent })),
          period: 1,
        };
      },
    })),
    { name: 'random', controller: async () => 'random' },
  ];
  const controllers = [
    ...base.map((c) => ({ ...c, inertia: false })),
    ...(config.inertia === true
      ? base.filter((c) => c.name !== 'random').map((c) => ({ ...c, name: `${c.name} + inertia`, inertia: true }))
      : []),
  ];
  for (const c of controllers) {
    let tracker: TrajectoryTracker | undefined;
    let controller: Controller = 'teacher';
    await runRetakes({
      map: mapName,
      rounds,
      seed,
      startSeed: seed,
      split: 'eval',
      arena: {
        ...(c.name === 'teacher' || c.name === 'random' || c.name === 'teacher + inertia' ? { sensor: null } : {}),
        ...(c.inertia ? { inertia: SOURCE_INERTIA } : {}),
      },
      setup: async (arena) => {
        controller = await c.controller(arena);
        tracker = new TrajectoryTracker(arena, 4);
      },
      get ct() {
        return controller;
      },
      get t() {
        return controller;
      },
      onRoundStart: () => tracker!.roundStart(),
      onTick: () => tracker!.tick(),
      onRound: () => tracker!.roundEnd(),
    });
    add(c.name, 'arena', movementFeatures(tracker!.trajectories, walls));
    progress(`${c.name}: ${rounds} arena rounds, ${tracker!.trajectories.length} trajectories`);
  }
  if (bots.length > 0) add('game bots (demo)', 'demo', movementFeatures(bots, walls));
  if (humans.length >= 2) {
    // The humans against themselves: the first half of their trajectories (in time) vs the rest.
    const half = Math.ceil(humans.length / 2);
    add(
      'humans, other half (noise floor)',
      'demo',
      movementFeatures(humans.slice(0, half), walls),
      movementFeatures(humans.slice(half), walls),
    );
  }
  const seconds = humans.reduce((s, t) => s + t.length / t.fps, 0);
  return {
    result: {
      human: {
        sources: config.human.map((s) => s.source),
        trajectories: humans.length,
        frames: human.speed.length,
        seconds: Math.round(seconds * 10) / 10,
        standingShare: human.standingShare,
        medianSpeed: median(human.speed),
      },
      arena: { map: mapName, rounds, seed },
      fps: TRAJECTORY_FPS,
      rows,
    },
    features,
  };
}

/** A shipped model from models/ (next to sandbox/ in a checkout and in the package). */
function shippedPolicy(name: string): { name: string; file: string; bytes: Uint8Array } {
  const file = join(dirname(dirname(dirname(mapsDir()))), 'models', `${name}.onnx`);
  return { name: `${name} (shipped)`, file, bytes: new Uint8Array(readFileSync(file)) };
}

function median(x: Float64Array): number {
  if (x.length === 0) return Number.NaN;
  const s = Float64Array.from(x).sort();
  return s[Math.floor(s.length / 2)]!;
}
