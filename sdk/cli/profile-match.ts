/**
 * The headless match `tickmind profile` runs: the benchmark arena (a walled floor with seeded
 * crates), two teams, a 16-ray fan per agent through the batched BVH caster, kinematic movement
 * (agents wrap at the walls), and one policy deciding for everyone.
 */
import { Rng, TickmindError } from '../core/index.js';
import { type AiWorld, addAgent, createAiWorld, layoutForWorld, type PolicyDecider, policyDecider, step } from '../ecs/index.js';
import { BvhRayCaster, type LevelBoxes, levelFromBoxes } from '../physics/index.js';
import { loadPolicy, type Policy, type PolicyMode, starterModelBytes } from '../policy/index.js';
import type { Profiler } from '../profiling/index.js';
import { RaySensor } from '../sensors/index.js';
import type { UserLevel } from './level.js';
import { buildLevelMatch } from './profile-level.js';

/** The built-in map of the profile command; more come from {@link ProfileMapProvider}s (the sandbox's dust2, inferno). */
export const PROFILE_MAPS = ['arena'] as const;

/** What to build. */
export interface ProfileMatchConfig {
  /** Agents, split over two teams. */
  agents: number;
  /** Joint or egocentric policy. */
  mode: PolicyMode;
  /** A policy file's bytes, or undefined for the starter model. */
  policy: { bytes: Uint8Array; file: string } | undefined;
  /** Inference backend. */
  backend: 'native' | 'ort';
  /** Decide every `decisionPeriod` ticks. */
  decisionPeriod: number;
  /** Tick of the period this match decides at (joint: the whole match at once; default 0). */
  decisionOffset?: number;
  /** Map providers with physics: the batched BvhMover (default) or Rapier's character controller. */
  physics?: 'bvh' | 'rapier';
  /** Decide budget for the scheduler (egocentric), µs. */
  budgetUs: number;
  /** Map name (see PROFILE_MAPS). */
  map: string;
  /** Seed of the world RNG and the crate layout. */
  seed: number;
  /** Records each step (none: an unprofiled world, for comparison). */
  profiler?: Profiler;
  /** Policies already loaded, shared by the matches of one run (one copy of the weights for all). */
  policies?: Map<string, Policy>;
  /** A user's level (`--level FILE`): the match is played there instead of on `map`. */
  level?: UserLevel;
}

/** A built match. */
export interface ProfileMatch {
  /** The world (its profiler records each AI step). */
  world: AiWorld;
  /** The policy's decider (its scheduler, when egocentric). */
  decider: PolicyDecider;
  /** Plays one game tick (the AI step included). */
  advance(): void;
  /** The policy's name in the output, when it is not --policy or the starter (a shipped model). */
  policyName?: string;
}

/** What the command lends a map provider: its policy loading and checks, for a world and a token count. */
export interface ProfileTools {
  /**
   * Loads --policy (else `fallback`, e.g. a shipped model; else the starter model for what the
   * world provides — its sensor, line of sight — in `frame`; the world is needed only then) and
   * checks it fits `tokens` players.
   */
  loadPolicy(
    world: AiWorld | undefined,
    tokens: number,
    fallback?: { bytes: Uint8Array; file: string },
    frame?: { center: readonly [number, number, number]; halfExtent: number },
  ): Promise<Policy>;
}

/**
 * Builds a match on another map (the bin registers the sandbox arena's maps this way, so the
 * SDK's CLI never imports the sandbox). It creates its world with `config.profiler`.
 */
export type ProfileMapProvider = (config: ProfileMatchConfig, tools: ProfileTools) => Promise<ProfileMatch>;

const HALF = 24;

/** The benchmark arena: a walled floor of half extent `half` m and `crates` seeded crates (tag 2 walls, 3 crates). */
export function arenaLevel(half: number, crates: number, seed: number): LevelBoxes {
  const rng = new Rng(seed);
  const h = half;
  const boxes: { min: [number, number, number]; max: [number, number, number]; tag: number }[] = [
    { min: [-h, -1, -h], max: [h, 0, h], tag: 2 },
    { min: [-h - 1, 0, -h], max: [-h, 3, h], tag: 2 },
    { min: [h, 0, -h], max: [h + 1, 3, h], tag: 2 },
    { min: [-h, 0, -h - 1], max: [h, 3, -h], tag: 2 },
    { min: [-h, 0, h], max: [h, 3, h + 1], tag: 2 },
  ];
  for (let i = 0; i < crates; i++) {
    const x = rng.uniform(-h + 3, h - 3);
    const z = rng.uniform(-h + 3, h - 3);
    const s = rng.uniform(0.5, 1.5);
    boxes.push({ min: [x - s, 0, z - s], max: [x + s, rng.uniform(0.8, 2.5), z + s], tag: 3 });
  }
  return levelFromBoxes(boxes);
}

/** Builds the match; throws TickmindError for a policy that does not fit it. */
export async function buildProfileMatch(c: ProfileMatchConfig, providers: Record<string, ProfileMapProvider> = {}): Promise<ProfileMatch> {
  const tools: ProfileTools = {
    loadPolicy: (world, tokens, fallback, frame) =>
      loadProfilePolicy(c.policy === undefined && fallback !== undefined ? { ...c, policy: fallback } : c, world, tokens, frame),
  };
  if (c.level !== undefined) return buildLevelMatch(c, c.level, tools);
  const provider = providers[c.map];
  if (provider !== undefined) return provider(c, tools);
  if (!(PROFILE_MAPS as readonly string[]).includes(c.map)) {
    const known = [...PROFILE_MAPS, ...Object.keys(providers)];
    throw new TickmindError('INVALID_ARGUMENT', `unknown map '${c.map}' (available: ${known.join(', ')})`, { field: 'map' });
  }
  const sensor = new RaySensor({
    layout: { kind: 'grid', cols: 16, rows: 1, horizontalFovDegrees: 180, verticalFovDegrees: 0 },
    length: 25,
    detectableTags: [1, 2, 3],
  });
  const caster = new BvhRayCaster(arenaLevel(HALF, 40, c.seed), { maxAgents: c.agents });
  const world = createAiWorld({
    seed: c.seed,
    capacity: c.agents + 2,
    sensors: [sensor],
    caster,
    bvh: caster,
    ...(c.profiler !== undefined ? { profiler: c.profiler } : {}),
  });
  // The starter joint model gets one token per agent; the egocentric one sees self + 4 allies + 5 enemies.
  const policy = await loadProfilePolicy(c, world, c.mode === 'joint' ? Math.max(c.agents, 2) : 10, {
    center: [0, 0, 0],
    halfExtent: HALF,
  });
  const decider = policyDecider(world, policy, {
    temperature: 1,
    ...(c.policy !== undefined ? { file: c.policy.file } : {}),
    ...(c.mode === 'egocentric' ? { budgetUs: c.budgetUs } : {}),
  });
  world.deciders.push(decider);
  const rng = new Rng(c.seed + 1);
  for (let i = 0; i < c.agents; i++) {
    addAgent(world, {
      team: i % 2,
      position: [rng.uniform(-HALF + 2, HALF - 2), 0, rng.uniform(-HALF + 2, HALF - 2)],
      yaw: rng.uniform(0, 2 * Math.PI),
      period: c.decisionPeriod,
      // A joint policy decides the whole match in one pass: every agent at the match's offset.
      ...(c.mode === 'joint' ? { offset: (c.decisionOffset ?? 0) % c.decisionPeriod } : {}),
    });
  }
  return {
    world,
    decider,
    advance() {
      step(world);
      wrapAgents(world, HALF);
    },
  };
}

/** --policy (or the starter model for what this world provides and this token count), loaded and checked against the config. */
async function loadProfilePolicy(
  c: ProfileMatchConfig,
  world: AiWorld | undefined,
  tokens: number,
  frame?: { center: readonly [number, number, number]; halfExtent: number },
): Promise<Policy> {
  // Without --policy: the starter model for this world's layout (a given policy needs no world).
  let observation: ReturnType<ReturnType<typeof layoutForWorld>['toJSON']> | undefined;
  if (c.policy === undefined) {
    if (world === undefined) throw new TickmindError('INTERNAL', 'the starter model needs the world it is built for');
    const layout = layoutForWorld(
      world,
      c.mode === 'joint'
        ? { mode: 'joint', playerTokens: tokens, ...(frame ?? {}) }
        : { mode: 'egocentric', maxAllies: 4, maxEnemies: tokens - 5 },
    );
    observation = layout.toJSON();
  }
  // Matches of one run share a policy (decisions are sequential: its buffers are free between calls).
  const key = `${c.policy?.file ?? `starter ${JSON.stringify(observation)}`}|${c.backend}|${c.mode}|${c.agents}|${tokens}`;
  const shared = c.policies?.get(key);
  if (shared !== undefined) return shared;
  const bytes = c.policy?.bytes ?? starterModelBytes({ observation: observation!, seed: 1 });
  const policy = await loadPolicy(bytes, {
    backend: c.backend,
    maxBatch: c.mode === 'joint' ? 1 : c.agents,
    ...(c.policy !== undefined ? { file: c.policy.file } : {}),
  });
  if (policy.spec.mode !== c.mode) {
    throw new TickmindError('INVALID_ARGUMENT', `the policy is ${policy.spec.mode}, but --mode is ${c.mode}`, {
      field: 'mode',
      ...(c.policy !== undefined ? { file: c.policy.file } : {}),
    });
  }
  if (c.mode === 'joint' && policy.spec.observation.playerTokens < tokens) {
    throw new TickmindError(
      'SHAPE_MISMATCH',
      `the joint policy has ${policy.spec.observation.playerTokens} player tokens, fewer than the ${tokens} players of this match`,
      {
        field: 'observation.playerTokens',
        ...(c.policy !== undefined ? { file: c.policy.file } : {}),
      },
    );
  }
  c.policies?.set(key, policy);
  return policy;
}

/** Keeps agents inside the walls: the kinematic mover has no collisions, so they wrap around. */
export function wrapAgents(world: AiWorld, half: number): void {
  const T = world.c.Transform;
  for (let i = 0; i < world.agentCount; i++) {
    const e = world.agents[i]!;
    if (T.x[e]! > half - 1) T.x[e]! -= 2 * half - 2;
    if (T.x[e]! < -half + 1) T.x[e]! += 2 * half - 2;
    if (T.z[e]! > half - 1) T.z[e]! -= 2 * half - 2;
    if (T.z[e]! < -half + 1) T.z[e]! += 2 * half - 2;
  }
}
