/**
 * The retake arena: a map's geometry in one BVH (WebAssembly) that the batched character mover
 * (movement), the batched ray caster (the bots' ray sensors and every line of sight) and nothing
 * else use — or, with `physics: 'rapier'`, in Rapier (its character controller, its rays for
 * combat's line of sight) as before, for comparison — an ECS world whose agents are the players,
 * and the rules around `step`. One tick: combat (sight, aim, shots, deaths) → bomb and round end
 * → the SDK's sense → decide → act → physics → the stuck detector. Headless: runs in Node and in
 * the browser. Fully deterministic for a seed.
 */
import type { Inertia } from '../../../sdk/actuators/index.js';
import { Rng, TickmindError } from '../../../sdk/core/index.js';
import {
  type AiWorld,
  addAgent,
  constantDecider,
  createAiWorld,
  type Decider,
  randomDecider,
  removeAgent,
  step,
} from '../../../sdk/ecs/index.js';
import { FloorIndex, NavGraph, NavMesh } from '../../../sdk/navigation/index.js';
import { type AgentMover, BvhLevel, BvhMover, BvhRayCaster, levelFromBoxes } from '../../../sdk/physics/index.js';
import type { Profiler } from '../../../sdk/profiling/index.js';
import { type RayCaster, RaySensor } from '../../../sdk/sensors/index.js';
import { type ArenaMap, MAP_TAGS, mapBoxes } from '../map/arena-map.js';
import type { RetakeStart } from '../scenarios/retake-start.js';
import { Navigator, type NavigatorOptions } from '../teacher/navigator.js';
import { Teacher, type TeacherOptions } from '../teacher/teacher.js';
import { bombSystem } from './bomb.js';
import { Combat, type CombatContext } from './combat.js';
import { ArenaEvent, EventLog } from './events.js';
import { createRoundState, type RoundState, Side } from './round.js';
import { type RetakeRules, resolveRules } from './rules.js';
import { StuckDetector } from './stuck.js';

/** Options of {@link createArena}. */
export interface ArenaOptions {
  /** The map. */
  map: ArenaMap;
  /** Seed of the game, the teacher and the world's RNG (default 1). */
  seed?: number;
  /** Rule overrides. */
  rules?: Partial<RetakeRules>;
  /** The bots' ray sensor (default {@link arenaSensor}); null for none (no observations). */
  sensor?: RaySensor | null;
  /** Records each AI step (sense/decide/act/physics spans). */
  profiler?: Profiler;
  /** Teacher tuning. */
  teacher?: Partial<TeacherOptions>;
  /** Navigation tuning (hold spots). */
  navigator?: Partial<NavigatorOptions>;
  /**
   * Movement and combat's line of sight: the batched WebAssembly mover and ray caster over the
   * map's BVH (default; no Rapier at all), or Rapier's character controller and ray casts (the
   * arena as it was, kept for comparison).
   */
  physics?: 'bvh' | 'rapier';
  /** The map's BvhLevel, when several arenas of one process share it (it must hold this map's boxes). */
  level?: BvhLevel;
  /** Ground movement with inertia for every player (e.g. SOURCE_INERTIA); default none (instant). */
  inertia?: Inertia;
}

/**
 * Who controls a side: a built-in controller or a decider index from {@link Arena.addDecider},
 * deciding every `period` ticks at tick `offset` of the period (default: staggered by player).
 */
export type Controller = 'teacher' | 'random' | { decider: number; period?: number; offset?: number };

/** The default sensor: 16 rays over the 180° in front, 30 m, one-hot agent/wall/floor. */
export function arenaSensor(): RaySensor {
  return new RaySensor({
    layout: { kind: 'grid', cols: 16, rows: 1, horizontalFovDegrees: 180, verticalFovDegrees: 0 },
    length: 30,
    detectableTags: [MAP_TAGS.agent, MAP_TAGS.wall, MAP_TAGS.floor],
    tagNames: ['agent', 'wall', 'floor'],
  });
}

/** Most players the arena holds (5v5 plus room for recycled ids). */
const CAPACITY = 32;
/** Index of the teacher among the deciders. */
const TEACHER_DECIDER = 0;
/** Index of the decider that holds a defuser still. */
const HOLD_DECIDER = 2;
/** How far below the lowest floor a player may fall before the safety net returns it, m. */
const FALL_MARGIN_M = 3;
/** Decision period of the random controller, ticks (a random walk rather than jitter). */
const RANDOM_PERIOD = 8;

/**
 * How the players move and what sight is cast through, when not the map's BVH: Rapier's, built by
 * {@link createArena} with `physics: 'rapier'`.
 */
export interface ArenaMovement {
  /** Moves the players. */
  readonly mover: AgentMover;
  /** Casts combat's and the navigator's lines of sight. */
  readonly sightCaster: RayCaster;
}

/** Builds an arena for the map (loading Rapier first when `physics` is 'rapier'). */
export async function createArena(options: ArenaOptions): Promise<Arena> {
  if (options.physics !== 'rapier') return new Arena(options);
  // Rapier is an optional peer: imported here only, so the arena without it never loads it.
  const { rapierMovement } = await import('./rapier-movement.js').catch((err: Error) => {
    throw new TickmindError(
      'BACKEND_UNAVAILABLE',
      `physics 'rapier' needs the optional package @dimforge/rapier3d-compat (npm install @dimforge/rapier3d-compat): ${err.message}`,
      { field: 'physics' },
    );
  });
  const dt = 1 / resolveRules(options.rules).tickRate;
  return new Arena(options, await rapierMovement(levelFromBoxes(mapBoxes(options.map)), dt, CAPACITY));
}

/** The game around one ECS world (see the module comment). Create with {@link createArena}. */
export class Arena {
  /** The map. */
  readonly map: ArenaMap;
  /** The map's nav mesh (tickmind/navigation). */
  readonly navMesh: NavMesh;
  /** Area lookup. */
  readonly floor: FloorIndex;
  /** The nav graph (A*). */
  readonly nav: NavGraph;
  /** The rules. */
  readonly rules: RetakeRules;
  /** The map's boxes and their BVH in WebAssembly (the mover's and the caster's). */
  readonly level: BvhLevel;
  /** The batched ray caster over the map and players: the bots' sensors and line of sight. */
  readonly caster: BvhRayCaster;
  /** Moves the players: the batched BvhMover, or Rapier's CharacterMover with `physics: 'rapier'`. */
  readonly mover: AgentMover;
  /** The ECS world: players are its agents; team 0 defends (CT), team 1 attacks (T). */
  readonly world: AiWorld;
  /** This tick's events. */
  readonly events = new EventLog();
  /** The round in play. */
  readonly round: RoundState = createRoundState();
  /** Combat state per entity. */
  readonly combat = new Combat(CAPACITY);
  /** The stuck detector. */
  readonly stuck = new StuckDetector(CAPACITY);
  /** The navigation layer: every player's goal, route and next waypoint. */
  readonly navigator: Navigator;
  /** The scripted teacher (decider index 0). */
  readonly teacher: Teacher;
  /** Actual horizontal speed per entity over the last tick, m/s. */
  readonly speed = new Float32Array(CAPACITY);
  /** The game's RNG (combat). */
  readonly rng: Rng;
  /** Called in each AI step's record phase (after decide, before act), e.g. by an ArenaRecorder. */
  record: ((world: AiWorld) => void) | undefined;
  /** Map-normalised frame for joint policies: centre and half extent, m. */
  readonly frame: { center: [number, number, number]; halfExtent: number };
  /** What combat and the navigator cast lines of sight through: `caster`, or Rapier's rays with `physics: 'rapier'`. */
  readonly sightCaster: RayCaster;
  private readonly ctx: CombatContext;
  private readonly prev = new Float32Array(3 * CAPACITY);
  /** Last position per entity at which it stood over a floor area (the fall-out safety net's respawn point). */
  private readonly safe = new Float32Array(3 * CAPACITY);
  private readonly seed: number;
  private readonly positions = new Float32Array(3 * CAPACITY);
  private readonly entities = new Int32Array(CAPACITY);

  /** Use {@link createArena} (it loads Rapier first when asked for). */
  constructor(options: ArenaOptions, movement?: ArenaMovement) {
    this.map = options.map;
    this.seed = options.seed ?? 1;
    this.rules = resolveRules(options.rules);
    this.navMesh = new NavMesh({ areas: this.map.areas, edges: this.map.edges });
    this.floor = new FloorIndex(this.navMesh);
    this.nav = new NavGraph(this.navMesh);
    this.rng = new Rng(this.seed * 7919 + 1);
    const dt = 1 / this.rules.tickRate;
    this.level = options.level ?? new BvhLevel(levelFromBoxes(mapBoxes(this.map)));
    this.caster = new BvhRayCaster(this.level, { maxAgents: CAPACITY });
    if (options.physics === 'rapier') {
      if (movement === undefined)
        throw new TickmindError('INVALID_ARGUMENT', "physics 'rapier' needs Rapier loaded: use createArena", { field: 'physics' });
      this.mover = movement.mover;
      this.sightCaster = movement.sightCaster;
    } else {
      this.mover = new BvhMover(this.level, { capacity: CAPACITY, dt });
      this.sightCaster = this.caster;
    }
    const sensor = options.sensor === undefined ? arenaSensor() : options.sensor;
    this.world = createAiWorld({
      seed: this.seed,
      capacity: CAPACITY,
      sensors: sensor === null ? [] : [sensor],
      ...(sensor !== null ? { caster: this.caster, bvh: this.caster, sight: { eyeHeight: this.rules.eyeHeightM } } : {}),
      mover: this.mover,
      ...(options.profiler !== undefined ? { profiler: options.profiler } : {}),
      ...(options.inertia !== undefined ? { inertia: options.inertia } : {}),
    });
    this.navigator = new Navigator(this, { seed: this.seed, ...options.navigator });
    this.teacher = new Teacher(this, { seed: this.seed, ...options.teacher });
    // 0 teacher, 1 random, 2 the defuser's hold (a defuse roots the player, as in CS).
    this.world.deciders.push(this.teacher, randomDecider(), constantDecider(0));
    const b = this.map.bounds;
    this.frame = {
      center: [(b[0]! + b[3]!) / 2, (b[1]! + b[4]!) / 2, (b[2]! + b[5]!) / 2],
      halfExtent: Math.max(b[3]! - b[0]!, b[5]! - b[2]!) / 2,
    };
    this.ctx = {
      world: this.world,
      rules: this.rules,
      events: this.events,
      rng: this.rng,
      caster: this.sightCaster,
      tick: 0,
      speed: this.speed,
      bomb: this.round.bomb,
    };
  }

  /** Adds a decider (e.g. a policy's) and returns its index for a {@link Controller}. */
  addDecider(decider: Decider): number {
    this.world.deciders.push(decider);
    return this.world.deciders.length - 1;
  }

  /** Removes every player and starts a round from `start`, each side under its controller. */
  startRound(start: RetakeStart, controllers: { ct: Controller; t: Controller }): void {
    if (start.ct.length === 0 || start.t.length === 0)
      throw new TickmindError('INVALID_ARGUMENT', `a retake needs players on both sides (got ${start.ct.length}v${start.t.length})`, {
        field: 'start',
      });
    this.clearPlayers();
    const r = this.round;
    r.index++;
    r.tick = 0;
    r.bomb.set(start.bomb);
    // The bomb is the round's objective: token policies that declare an objective see it.
    this.world.objectives.set(start.bomb, 0);
    this.world.objectiveCount = 1;
    r.bombTicksLeft = Math.round(this.rules.bombSeconds * this.rules.tickRate);
    r.defuser = -1;
    r.defuseTicks = 0;
    r.over = false;
    r.winner = -1;
    r.reason = '';
    r.stuckEvents = 0;
    r.kills.fill(0);
    r.started[Side.ct] = start.ct.length;
    r.started[Side.t] = start.t.length;
    r.alive.set(r.started);
    this.events.clear();
    const sensor = this.world.sensors.length > 0 ? 0 : -1;
    for (const [side, spawns] of [
      [Side.ct, start.ct],
      [Side.t, start.t],
    ] as const) {
      const c = side === Side.ct ? controllers.ct : controllers.t;
      const decider = c === 'teacher' ? TEACHER_DECIDER : c === 'random' ? 1 : c.decider;
      const period = c === 'teacher' ? 1 : c === 'random' ? RANDOM_PERIOD : (c.period ?? 1);
      const offset = typeof c === 'object' ? c.offset : undefined;
      if (decider < 0 || decider >= this.world.deciders.length)
        throw new TickmindError('INVALID_ARGUMENT', `decider ${decider} does not exist`, { field: 'controllers' });
      for (const s of spawns) {
        const e = addAgent(this.world, {
          team: side,
          position: s.position,
          yaw: s.yaw,
          health: this.rules.health,
          decider,
          period,
          ...(offset !== undefined ? { offset } : {}),
          sensor,
        });
        this.combat.reset(e);
        this.stuck.reset(e);
        this.speed[e] = 0;
        this.safe.set(s.position, 3 * e);
      }
    }
    this.placeCasterAgents();
    this.navigator.startRound();
    this.teacher.startRound();
  }

  /** Plays one tick (nothing once the round is over). */
  tick(): void {
    const r = this.round;
    if (r.over) return;
    this.events.clear();
    this.ctx.tick = r.tick;
    this.placeCasterAgents();
    this.combat.update(this.ctx);
    for (let k = 0; k < this.combat.deathCount; k++) this.kill(this.combat.deaths[k]!);
    bombSystem(this.world, r, this.rules, this.speed, this.events);
    if (r.defuser >= 0 && r.defuseTicks === 1) this.root(r.defuser);
    if (!r.over) this.advance();
    r.tick++;
  }

  /** Whether a player is rooted by its defuse (it makes no decisions of its own until the round ends). */
  isRooted(e: number): boolean {
    return this.world.c.PolicyRef.decider[e] === HOLD_DECIDER;
  }

  /** A defuse roots the defender until it ends (as in CS): whatever controls it, it now stands still. */
  private root(e: number): void {
    const { PolicyRef, Action, Schedule } = this.world.c;
    PolicyRef.decider[e] = HOLD_DECIDER;
    Action.movement[e] = 0;
    Schedule.pending[e] = 0;
  }

  /** Puts the caster's agent capsules where the players stand now (combat casts before the AI step does). */
  private placeCasterAgents(): void {
    const w = this.world;
    const T = w.c.Transform;
    for (let i = 0; i < w.agentCount; i++) {
      const e = w.agents[i]!;
      this.positions[3 * i] = T.x[e]!;
      this.positions[3 * i + 1] = T.y[e]!;
      this.positions[3 * i + 2] = T.z[e]!;
      this.entities[i] = e;
    }
    this.caster.setAgents(w.agentCount, this.positions, this.entities);
  }

  /** Removes every player (the end of a round). */
  clearPlayers(): void {
    while (this.world.agentCount > 0) removeAgent(this.world, this.world.agents[this.world.agentCount - 1]!);
  }

  private kill(e: number): void {
    const side = this.world.c.Agent.team[e]!;
    this.round.alive[side] = this.round.alive[side]! - 1;
    this.round.kills[1 - side] = this.round.kills[1 - side]! + 1;
    removeAgent(this.world, e);
  }

  /** The AI step and physics, then speeds and the stuck detector. */
  private advance(): void {
    const w = this.world;
    const { Transform, Velocity, Agent } = w.c;
    for (let i = 0; i < w.agentCount; i++) {
      const e = w.agents[i]!;
      this.prev[3 * i] = Transform.x[e]!;
      this.prev[3 * i + 2] = Transform.z[e]!;
      // Every player's navigation intent, whoever plays it (the teacher steers by it too).
      if (Agent.alive[e] === 1) this.navigator.guide(e);
    }
    step(w, this.record);
    const dt = w.dt;
    for (let i = 0; i < w.agentCount; i++) {
      const e = w.agents[i]!;
      const mx = Transform.x[e]! - this.prev[3 * i]!;
      const mz = Transform.z[e]! - this.prev[3 * i + 2]!;
      const moved = Math.sqrt(mx * mx + mz * mz); // not Math.hypot: V8's allocates
      this.speed[e] = moved / dt;
      const commanded = Math.sqrt(Velocity.x[e]! * Velocity.x[e]! + Velocity.z[e]! * Velocity.z[e]!) * dt;
      if (this.stuck.observe(e, commanded, moved, this.round.tick + 1)) {
        this.round.stuckEvents++;
        this.events.push(ArenaEvent.stuck, e, -1, 0);
      }
      this.navigator.observeProgress(e, commanded, moved);
      this.catchFall(e);
    }
  }

  /**
   * The safety net under the map: a player whose feet drop below the lowest floor (a gap in the
   * geometry) goes back to where it last stood over a floor area, and the fall counts as a stuck
   * event (value 1). Otherwise remembers where it stands when that is over a floor area.
   */
  private catchFall(e: number): void {
    const T = this.world.c.Transform;
    const x = T.x[e]!;
    const y = T.y[e]!;
    const z = T.z[e]!;
    if (y < this.map.bounds[1]! - FALL_MARGIN_M) {
      const s = this.safe;
      this.mover.teleport(e, s[3 * e]!, s[3 * e + 1]!, s[3 * e + 2]!);
      T.x[e] = s[3 * e]!;
      T.y[e] = s[3 * e + 1]!;
      T.z[e] = s[3 * e + 2]!;
      this.round.stuckEvents++;
      this.events.push(ArenaEvent.stuck, e, -1, 1);
      return;
    }
    if (this.floor.areaAt(x, y, z, 0, 0.3) === undefined) return;
    this.safe[3 * e] = x;
    this.safe[3 * e + 1] = y + 0.05;
    this.safe[3 * e + 2] = z;
  }
}
