/**
 * The AI world: a bitecs world plus what the systems need — fixed dt, an integer tick, the
 * seeded RNG, component stores, sensors and deciders, a caster, an optional character mover, and
 * every per-tick buffer preallocated for the world's capacity. Agents are added and removed
 * between ticks; the dense agent list is kept in insertion order so iteration is deterministic.
 */
import { addComponent, addEntity, createWorld, removeEntity, type World } from 'bitecs';
import type { Inertia } from '../actuators/inertia.js';
import { TickmindError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import type { BvhRayCaster } from '../physics/bvh-caster.js';
import type { AgentMover } from '../physics/mover.js';
import type { Profiler } from '../profiling/profiler.js';
import { createPlayerStates, type PlayerStates } from '../sensors/players.js';
import { createRayBatch, type RayBatch, type RayCaster } from '../sensors/ray-caster.js';
import type { AgentPoses, RaySensor } from '../sensors/ray-sensor.js';
import { SightTable } from '../sensors/sight.js';
import { type Components, createComponents } from './components.js';
import type { Decider, DecisionBatch } from './deciders.js';
import { createTickProfile, type TickProfile } from './tick-profile.js';

/** Options of {@link createAiWorld}. */
export interface AiWorldOptions {
  /** Fixed step, seconds (default 1/64). */
  dt?: number;
  /** RNG seed (default 1). */
  seed?: number;
  /** Largest entity id + 1 the world holds (default 1024). */
  capacity?: number;
  /** Ray sensors agents may use (SensorRef indexes this list). */
  sensors?: RaySensor[];
  /** Deciders agents may use (PolicyRef indexes this list). */
  deciders?: Decider[];
  /** The caster sensors cast through (the batched BVH caster or the Rapier one). */
  caster?: RayCaster;
  /** When the caster is a BvhRayCaster, the world updates its agent capsules each tick. */
  bvh?: BvhRayCaster;
  /**
   * The character mover (the batched `BvhMover`, or Rapier's `CharacterMover`): agents are added
   * to it, act hands it every agent's intent and moves them all in one call, and the physics
   * phase copies its positions into Transform. Without one, act integrates the velocity.
   */
  mover?: AgentMover;
  /** A profiler: `step` then records one tick per call, with a span per phase and per decider. */
  profiler?: Profiler;
  /**
   * Ground movement with inertia (e.g. `SOURCE_INERTIA`, Counter-Strike's): velocities ramp toward
   * each movement class's target instead of jumping to it — what human players' recordings show.
   * Default: none (velocity = the class's target every tick).
   */
  inertia?: Inertia;
  /** Most objectives (points of interest token policies see, e.g. the bomb) the game may set (default 4). */
  maxObjectives?: number;
  /**
   * Line of sight between agents (token policies' line-of-sight blocks), cast through `caster`:
   * the eye height above the feet (default 1.6 m). Only with a caster; null for none.
   */
  sight?: WorldSightOptions | null;
}

/** Line of sight between a world's agents. */
export interface WorldSightOptions {
  /** Eye height above the feet, m (default 1.6). */
  eyeHeight?: number;
}

/** Per-agent options of {@link addAgent}. */
export interface AgentOptions {
  /** Team index. */
  team: number;
  /** Feet position. */
  position: readonly [number, number, number];
  /** Initial facing, radians. */
  yaw?: number;
  /** Initial health (default 100). */
  health?: number;
  /** Index into world.sensors (default 0; -1 for none). */
  sensor?: number;
  /** Index into world.deciders (default 0). */
  decider?: number;
  /** Decide every `period` ticks (default 1). */
  period?: number;
  /** Tick within the period (default: staggered by insertion order). */
  offset?: number;
}

/** The world the systems run on. */
export interface AiWorld {
  /** The bitecs world (games may add their own components and systems). */
  readonly ecs: World;
  /** Fixed step, seconds. */
  readonly dt: number;
  /** Ticks stepped so far. */
  tick: number;
  /** The seeded RNG every random choice uses. */
  readonly rng: Rng;
  /** Largest entity id + 1. */
  readonly capacity: number;
  /** Component stores. */
  readonly c: Components;
  /** Live agents (entity ids) in insertion order; the first agentCount are valid. */
  agents: Int32Array;
  /** Live agents. */
  agentCount: number;
  /** Sensors (SensorRef indexes them). */
  readonly sensors: RaySensor[];
  /** Deciders (PolicyRef indexes them). */
  readonly deciders: Decider[];
  /** The caster sensors cast through. */
  readonly caster: RayCaster | undefined;
  /** The BVH caster whose agent capsules the world updates. */
  readonly bvh: BvhRayCaster | undefined;
  /** The character mover, when agents move physically. */
  readonly mover: AgentMover | undefined;
  /** Ground movement with inertia, if any (see {@link AiWorldOptions.inertia}). */
  readonly inertia: Readonly<Inertia> | undefined;
  /** Observation rows by entity id: row e starts at e · obsStride. */
  observations: Float32Array;
  /** Floats per observation row. */
  readonly obsStride: number;
  /**
   * One ray batch per sensor, holding that sensor's rays of the last sense phase: origins,
   * directions, hit distances, tags and agents — what a debug view draws (rayEnd gives end points).
   */
  readonly batches: RayBatch[];
  /** Scratch: poses of the agents sensing this tick. */
  poses: AgentPoses;
  /** Scratch: agents due to decide this tick, per decider. */
  due: Int32Array;
  /** Scratch: actions of the due agents. */
  dueActions: Int32Array;
  /** Scratch: observation rows of the due agents. */
  dueObs: Float32Array;
  /** Scratch: the batch handed to a decider (its count changes per call). */
  decision: DecisionBatch;
  /** Counters of the last step. */
  stats: {
    /** Agents sensed. */
    sensed: number;
    /** Agents decided. */
    decided: number;
    /** Rays cast. */
    rays: number;
    /** Agents due whose decision was deferred. */
    deferred: number;
  };
  /** The profiler's span ids, when the world was created with a profiler. */
  readonly profile: TickProfile | undefined;
  /**
   * Objectives: points of interest the game sets (the planted bomb, a flag), xyz per objective;
   * the first `objectiveCount` are live. Token policies that declare objectives see them as
   * extra tokens after the players'.
   */
  readonly objectives: Float32Array;
  /** Live objectives (the game sets it, ≤ objectives.length / 3). */
  objectiveCount: number;
  /**
   * Pairwise line of sight of the agents, cast through `caster` (one batch per tick for every
   * reader); undefined without a caster.
   */
  readonly sight: SightTable | undefined;
  /** The player table token encoders read: every live agent in `agents` order (see `gatherPlayers`). */
  readonly players: PlayerStates;
  /** Player index of each entity after `gatherPlayers` (-1: not an agent). */
  readonly playerOf: Int32Array;
}

/** Creates a world. Buffers are sized for `capacity` entities. */
export function createAiWorld(options: AiWorldOptions = {}): AiWorld {
  const capacity = options.capacity ?? 1024;
  const sensors = options.sensors ?? [];
  const obsStride = Math.max(1, ...sensors.map((s) => s.size));
  const due = new Int32Array(capacity);
  const dueObs = new Float32Array(capacity * obsStride);
  const rng = new Rng(options.seed ?? 1);
  return {
    ecs: createWorld(),
    dt: options.mover?.dt ?? options.dt ?? 1 / 64,
    tick: 0,
    rng,
    capacity,
    c: createComponents(capacity),
    agents: new Int32Array(capacity),
    agentCount: 0,
    sensors,
    deciders: options.deciders ?? [],
    caster: options.caster,
    bvh: options.bvh,
    mover: options.mover,
    inertia: options.inertia,
    observations: new Float32Array(capacity * obsStride),
    obsStride,
    batches: sensors.map((s) => createRayBatch(s.rays * capacity)),
    poses: {
      count: 0,
      position: new Float32Array(3 * capacity),
      yaw: new Float32Array(capacity),
      pitch: new Float32Array(capacity),
      entity: new Int32Array(capacity),
    },
    due,
    dueActions: new Int32Array(capacity),
    dueObs,
    decision: { agents: due, count: 0, observations: dueObs, stride: obsStride, rng },
    stats: { sensed: 0, decided: 0, rays: 0, deferred: 0 },
    objectives: new Float32Array(3 * (options.maxObjectives ?? 4)),
    objectiveCount: 0,
    sight:
      options.caster === undefined || options.sight === null
        ? undefined
        : new SightTable({ eyeHeight: options.sight?.eyeHeight ?? 1.6, players: Math.min(capacity, 64) }),
    players: createPlayerStates(capacity),
    playerOf: new Int32Array(capacity).fill(-1),
    profile: options.profiler !== undefined ? createTickProfile(options.profiler) : undefined,
  };
}

/** Adds an agent between ticks; returns its entity id. */
export function addAgent(world: AiWorld, options: AgentOptions): number {
  const eid = addEntity(world.ecs);
  if (eid >= world.capacity) {
    removeEntity(world.ecs, eid);
    throw new TickmindError('MODEL_LIMIT', `entity ${eid} exceeds the world's capacity ${world.capacity}`, { field: 'capacity' });
  }
  const sensor = options.sensor ?? (world.sensors.length > 0 ? 0 : -1);
  const decider = options.decider ?? 0;
  if (sensor >= world.sensors.length)
    throw new TickmindError('INVALID_ARGUMENT', `sensor ${sensor} does not exist (world has ${world.sensors.length})`, { field: 'sensor' });
  if (decider < 0 || decider >= world.deciders.length)
    throw new TickmindError('INVALID_ARGUMENT', `decider ${decider} does not exist (world has ${world.deciders.length})`, {
      field: 'decider',
    });
  const { Agent, Transform, Velocity, SensorRef, PolicyRef, Action, Schedule } = world.c;
  for (const component of [Agent, Transform, Velocity, SensorRef, PolicyRef, Action, Schedule]) addComponent(world.ecs, eid, component);
  Agent.team[eid] = options.team;
  Agent.alive[eid] = 1;
  Agent.health[eid] = options.health ?? 100;
  [Transform.x[eid], Transform.y[eid], Transform.z[eid]] = options.position;
  Transform.yaw[eid] = options.yaw ?? 0;
  Transform.pitch[eid] = 0;
  Velocity.x[eid] = 0;
  Velocity.y[eid] = 0;
  Velocity.z[eid] = 0;
  SensorRef.sensor[eid] = sensor;
  PolicyRef.decider[eid] = decider;
  Action.movement[eid] = 0;
  const period = Math.max(1, options.period ?? 1);
  Schedule.period[eid] = period;
  Schedule.offset[eid] = (options.offset ?? world.agentCount) % period;
  Schedule.lastDecision[eid] = -1;
  Schedule.pending[eid] = 0;
  // bitecs recycles removed ids at once: nothing of the previous holder may carry over.
  world.c.Waypoint.active[eid] = 0;
  for (let d = 0; d < world.deciders.length; d++) world.deciders[d]!.forget?.(eid);
  world.mover?.addAgent(eid, options.position[0], options.position[1], options.position[2]);
  world.agents[world.agentCount++] = eid;
  return eid;
}

/**
 * Copies every live agent into `world.players` (entity order = `world.agents` order) and sets
 * `world.playerOf`. Token encoders call it before encoding; allocation-free.
 */
export function gatherPlayers(world: AiWorld): PlayerStates {
  const { Agent, Transform, Velocity } = world.c;
  const players = world.players;
  players.count = world.agentCount;
  for (let p = 0; p < world.agentCount; p++) {
    const e = world.agents[p]!;
    world.playerOf[e] = p;
    players.position[3 * p] = Transform.x[e]!;
    players.position[3 * p + 1] = Transform.y[e]!;
    players.position[3 * p + 2] = Transform.z[e]!;
    players.velocity[3 * p] = Velocity.x[e]!;
    players.velocity[3 * p + 1] = Velocity.y[e]!;
    players.velocity[3 * p + 2] = Velocity.z[e]!;
    players.yaw[p] = Transform.yaw[e]!;
    players.health[p] = Agent.health[e]!;
    players.alive[p] = Agent.alive[e]!;
    players.team[p] = Agent.team[e]!;
    players.entity[p] = e;
  }
  return players;
}

/** Removes an agent between ticks. */
export function removeAgent(world: AiWorld, eid: number): void {
  const i = world.agents.subarray(0, world.agentCount).indexOf(eid);
  if (i < 0) return;
  world.agents.copyWithin(i, i + 1, world.agentCount);
  world.agentCount--;
  world.playerOf[eid] = -1;
  world.c.Waypoint.active[eid] = 0;
  for (let d = 0; d < world.deciders.length; d++) world.deciders[d]!.forget?.(eid);
  world.mover?.removeAgent(eid);
  removeEntity(world.ecs, eid);
}
