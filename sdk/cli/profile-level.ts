/**
 * `tickmind profile --level FILE`: the match on a user's level — its boxes in the batched BVH
 * caster, bots on two teams spawned at its spawn points (or on random nav areas), each walking to
 * a random goal on the level's nav mesh (a new one on arrival) with the navigator writing its
 * waypoints, and one policy deciding for everyone: --policy (its layout must fit the level's
 * world: its sensor, line of sight), else the starter model for what the world provides.
 */
import { Rng } from '../core/index.js';
import { addAgent, createAiWorld, guideAgents, observeAgents, policyDecider, step, worldOptionsFor } from '../ecs/index.js';
import { Navigator } from '../navigation/index.js';
import { BvhRayCaster } from '../physics/index.js';
import { RaySensor } from '../sensors/index.js';
import type { UserLevel } from './level.js';
import type { ProfileMatch, ProfileMatchConfig, ProfileTools } from './profile-match.js';

/** Builds the profile match on a user's level (see the module comment). */
export async function buildLevelMatch(c: ProfileMatchConfig, level: UserLevel, tools: ProfileTools): Promise<ProfileMatch> {
  const caster = new BvhRayCaster(level.boxes, { maxAgents: c.agents });
  const rng = new Rng(c.seed + 1);
  // A given policy brings its own sensor; the starter reads a 16-ray fan of the level's tags.
  const given = c.policy === undefined ? undefined : await tools.loadPolicy(undefined, c.mode === 'joint' ? c.agents : 10);
  const parts = given === undefined ? undefined : worldOptionsFor(given);
  const sensors = parts?.sensors ?? [
    new RaySensor({
      layout: { kind: 'grid', cols: 16, rows: 1, horizontalFovDegrees: 180, verticalFovDegrees: 0 },
      length: 30,
      detectableTags: [1, ...level.tags.filter((t) => t !== 1)],
    }),
  ];
  const world = createAiWorld({
    seed: c.seed,
    capacity: c.agents + 2,
    sensors,
    caster,
    bvh: caster,
    ...(parts !== undefined ? { sight: parts.sight, maxObjectives: parts.maxObjectives } : {}),
    ...(c.profiler !== undefined ? { profiler: c.profiler } : {}),
  });
  const policy = given ?? (await tools.loadPolicy(world, c.mode === 'joint' ? c.agents : 10, undefined, levelFrame(level)));
  const decider = policyDecider(world, policy, {
    temperature: 1,
    ...(c.policy !== undefined ? { file: c.policy.file } : {}),
    ...(c.mode === 'egocentric' ? { budgetUs: c.budgetUs } : {}),
  });
  world.deciders.push(decider);
  const mesh = level.navMesh;
  const navigator = new Navigator(mesh, { capacity: c.agents + 2, rng });
  /** A new goal for e: the centre of a random area. */
  const newGoal = (e: number): void => {
    const i = rng.int(mesh.size);
    navigator.setGoal(e, mesh.centers[3 * i]!, mesh.centers[3 * i + 1]!, mesh.centers[3 * i + 2]!);
  };
  for (let i = 0; i < c.agents; i++) {
    const a = rng.int(mesh.size);
    const at: [number, number, number] =
      level.spawns.length > 0
        ? level.spawns[i % level.spawns.length]!
        : [mesh.centers[3 * a]!, mesh.centers[3 * a + 1]!, mesh.centers[3 * a + 2]!];
    const e = addAgent(world, { team: i % 2, position: at, yaw: rng.uniform(0, 2 * Math.PI), period: c.decisionPeriod });
    navigator.resetAgent(e);
    newGoal(e);
  }
  const W = world.c.Waypoint;
  return {
    world,
    decider,
    advance() {
      for (let i = 0; i < world.agentCount; i++) {
        const e = world.agents[i]!;
        if (W.active[e] === 1 && W.goalDistance[e]! < 1) newGoal(e);
      }
      guideAgents(world, navigator);
      step(world);
      observeAgents(world, navigator);
    },
  };
}

/** The joint frame of a level: its nav mesh's centre and half extent. */
function levelFrame(level: UserLevel): { center: [number, number, number]; halfExtent: number } {
  const b = level.navMesh.bounds;
  return { center: [(b[0] + b[3]) / 2, (b[1] + b[4]) / 2, (b[2] + b[5]) / 2], halfExtent: Math.max(b[3] - b[0], b[5] - b[2]) / 2 || 1 };
}
