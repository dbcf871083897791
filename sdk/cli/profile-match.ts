/**
 * The headless match `tickmind profile` runs: the benchmark arena (a walled floor with seeded
 * crates), two teams, a 16-ray fan per agent through the batched BVH caster, kinematic movement
 * (agents wrap at the walls), and one policy deciding for everyone.
 */
import { Rng, TickmindError } from '../core/index.js';
import { type AiWorld, addAgent, createAiWorld, type PolicyDecider, policyDecider } from '../ecs/index.js';
import { BvhRayCaster, type LevelBoxes, levelFromBoxes } from '../physics/index.js';
import { loadPolicy, type PolicyMode, starterModelBytes } from '../policy/index.js';
import type { Profiler } from '../profiling/index.js';
import { EGOCENTRIC_FEATURES, JOINT_FEATURES, RaySensor } from '../sensors/index.js';

/** Maps the profile command knows; dust2 joins once the sandbox arena ships it. */
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
  /** Decide budget for the scheduler (egocentric), µs. */
  budgetUs: number;
  /** Map name (see PROFILE_MAPS). */
  map: string;
  /** Seed of the world RNG and the crate layout. */
  seed: number;
  /** Records each step (none: an unprofiled world, for comparison). */
  profiler?: Profiler;
}

/** A built match. */
export interface ProfileMatch {
  /** The world (step it). */
  world: AiWorld;
  /** The policy's decider (its scheduler, when egocentric). */
  decider: PolicyDecider;
  /** Half extent of the arena floor, m. */
  half: number;
}

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
export async function buildProfileMatch(c: ProfileMatchConfig): Promise<ProfileMatch> {
  if (!(PROFILE_MAPS as readonly string[]).includes(c.map)) {
    throw new TickmindError('INVALID_ARGUMENT', `unknown map '${c.map}' (available: ${PROFILE_MAPS.join(', ')})`, { field: 'map' });
  }
  const sensor = new RaySensor({
    layout: { kind: 'grid', cols: 16, rows: 1, horizontalFovDegrees: 180, verticalFovDegrees: 0 },
    length: 25,
    detectableTags: [1, 2, 3],
  });
  const rays = { count: sensor.rays, valuesPerRay: sensor.valuesPerRay, detectableTags: [...sensor.config.detectableTags] };
  const entityFeatures = c.mode === 'joint' ? [...JOINT_FEATURES] : [...EGOCENTRIC_FEATURES];
  // The starter joint model gets one token per agent; the egocentric one sees self + 4 allies + 5 enemies.
  const tokens = c.mode === 'joint' ? Math.max(c.agents, 2) : 10;
  const bytes = c.policy?.bytes ?? starterModelBytes({ mode: c.mode, tokens, entityFeatures, rays, seed: 1 });
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
  if (c.mode === 'joint' && policy.spec.observation.tokens < c.agents) {
    throw new TickmindError(
      'SHAPE_MISMATCH',
      `the joint policy has ${policy.spec.observation.tokens} player tokens, fewer than ${c.agents} agents`,
      {
        field: 'observation.tokens',
        ...(c.policy !== undefined ? { file: c.policy.file } : {}),
      },
    );
  }
  const caster = new BvhRayCaster(arenaLevel(HALF, 40, c.seed), { maxAgents: c.agents });
  const world = createAiWorld({
    seed: c.seed,
    capacity: c.agents + 2,
    sensors: [sensor],
    caster,
    bvh: caster,
    ...(c.profiler !== undefined ? { profiler: c.profiler } : {}),
  });
  const decider = policyDecider(world, policy, {
    temperature: 1,
    halfExtent: HALF,
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
    });
  }
  return { world, decider, half: HALF };
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
