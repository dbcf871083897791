/**
 * The arena's maps for `tickmind profile --map dust2|inferno|synthetic`: retake rounds (real
 * plant states on de_dust2) where one policy moves every player — --policy, else the shipped
 * model of the mode — rounds following each other for as many ticks as asked, the players moved
 * by the batched BvhMover (`--physics rapier`: Rapier's character controller). With --matches,
 * the matches of one process share the map's BVH. The bin passes these to the CLI; the SDK never
 * imports the sandbox.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Rng, TickmindError } from '../../sdk/core/index.js';
import { type AiWorld, type PolicyDecider, policyDecider } from '../../sdk/ecs/index.js';
import { BvhLevel, levelFromBoxes } from '../../sdk/physics/index.js';
import type { Policy } from '../../sdk/policy/index.js';
import type { Profiler } from '../../sdk/profiling/index.js';
import { createArena } from './game/arena.js';
import { type ArenaMap, mapBoxes } from './map/arena-map.js';
import { mapsDir } from './map/build-maps.js';
import { loadMap } from './map/load.js';
import { loadPlantStates } from './scenarios/load.js';
import { chooseStart, generatedStart } from './scenarios/retake-start.js';

/** The part of the CLI's match config the arena reads. */
export interface ArenaProfileConfig {
  /** Players, both sides together: 2, 4, … 10. */
  agents: number;
  /** Joint or egocentric policy. */
  mode: 'joint' | 'egocentric';
  /** Decide every this many ticks. */
  decisionPeriod: number;
  /** Tick of the period at which this match decides (joint: the whole match at once; default 0). */
  decisionOffset?: number;
  /** What moves the players: the batched BvhMover (default) or Rapier's character controller. */
  physics?: 'bvh' | 'rapier';
  /** Decide budget (egocentric), µs. */
  budgetUs: number;
  /** Seed of the rounds. */
  seed: number;
  /** The profiler the world records into. */
  profiler?: Profiler;
}

/** The match the CLI profiles. */
export interface ArenaProfileMatch {
  /** The world. */
  world: AiWorld;
  /** The policy's decider. */
  decider: PolicyDecider;
  /** One game tick; a new round starts when one ends. */
  advance(): void;
  /** The shipped model used when no --policy was given. */
  policyName?: string;
}

/** The CLI's policy loading (its --policy, --mode and --backend, checked). */
export interface ArenaProfileTools {
  /** Loads --policy, else `fallback`, else the starter for what this world provides, for this token count (joint: in `frame`). */
  loadPolicy(
    world: AiWorld,
    tokens: number,
    fallback?: { bytes: Uint8Array; file: string },
    frame?: { center: readonly [number, number, number]; halfExtent: number },
  ): Promise<Policy>;
}

async function arenaMatch(name: string, c: ArenaProfileConfig, tools: ArenaProfileTools): Promise<ArenaProfileMatch> {
  if (c.agents % 2 !== 0 || c.agents < 2 || c.agents > 10)
    throw new TickmindError(
      'INVALID_ARGUMENT',
      `--map ${name} plays retakes, 1 to 5 players a side: --agents must be 2, 4, 6, 8 or 10 (got ${c.agents}; --map arena takes any number)`,
      {
        field: 'agents',
      },
    );
  const map = loadMap(name);
  const arena = await createArena({
    map,
    seed: c.seed,
    physics: c.physics ?? 'bvh',
    level: sharedLevel(map),
    ...(c.profiler !== undefined ? { profiler: c.profiler } : {}),
  });
  // Without --policy, the shipped model of the mode plays (models/joint-5v5.onnx, models/egocentric.onnx)
  // on dust2, the map it was trained on (a joint model's frame is dust2's); elsewhere the starter
  // model of the same architecture does (untrained, so its moves are noise; its cost is the same).
  const shipped = map.name === SHIPPED_MODELS_MAP ? shippedModel(c.mode) : undefined;
  const policy = await tools.loadPolicy(arena.world, c.mode === 'joint' ? c.agents : 10, shipped, arena.frame);
  const decider = policyDecider(arena.world, policy, {
    temperature: 1,
    center: arena.frame.center,
    halfExtent: arena.frame.halfExtent,
    ...(c.mode === 'egocentric' ? { budgetUs: c.budgetUs } : {}),
  });
  // A joint policy decides the whole match in one pass: every player at the match's offset.
  const offset = c.mode === 'joint' ? (c.decisionOffset ?? 0) % c.decisionPeriod : undefined;
  const controller = { decider: arena.addDecider(decider), period: c.decisionPeriod, ...(offset !== undefined ? { offset } : {}) };
  const teamSize = c.agents / 2;
  const states = arena.map.name === 'de_dust2' ? loadPlantStates() : undefined;
  const rng = new Rng(c.seed);
  const nextRound = () => {
    const seed = rng.nextUint32();
    const start =
      states !== undefined ? chooseStart(states, arena.floor, seed, { teamSize }) : generatedStart(arena.map, arena.floor, seed, teamSize);
    arena.startRound(start, { ct: controller, t: controller });
  };
  nextRound();
  return {
    world: arena.world,
    decider,
    ...(shipped !== undefined ? { policyName: shipped.file } : {}),
    advance() {
      arena.tick();
      if (arena.round.over) nextRound();
    },
  };
}

/** The map the shipped models were trained on. */
const SHIPPED_MODELS_MAP = 'de_dust2';

/** One BvhLevel per map for the whole process (the matches of `--matches N` share it). */
const levels = new Map<string, BvhLevel>();

function sharedLevel(map: ArenaMap): BvhLevel {
  let level = levels.get(map.name);
  if (level === undefined) {
    level = new BvhLevel(levelFromBoxes(mapBoxes(map)));
    levels.set(map.name, level);
  }
  return level;
}

/** The shipped model for a mode, if the repository has it: joint → models/joint-5v5.onnx, egocentric → models/egocentric.onnx. */
export function shippedModel(mode: 'joint' | 'egocentric'): { bytes: Uint8Array; file: string } | undefined {
  const file = join(mapsDir(), '..', '..', '..', 'models', mode === 'joint' ? 'joint-5v5.onnx' : 'egocentric.onnx');
  return existsSync(file) ? { bytes: new Uint8Array(readFileSync(file)), file: relative(process.cwd(), file) || file } : undefined;
}

/** Map name → match builder, in the shape of the CLI's ProfileMapProvider. */
export const profileMaps: Record<string, (c: ArenaProfileConfig, tools: ArenaProfileTools) => Promise<ArenaProfileMatch>> = {
  dust2: (c, tools) => arenaMatch('dust2', c, tools),
  inferno: (c, tools) => arenaMatch('inferno', c, tools),
  synthetic: (c, tools) => arenaMatch('synthetic', c, tools),
};
