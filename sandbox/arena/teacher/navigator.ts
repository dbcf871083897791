/**
 * The arena's navigation layer: each player's goal, route and next waypoint, written every tick
 * to the world's `Waypoint` component whoever plays the player (the teacher, a policy, a person).
 * The teacher steers by it; a policy that reads waypoint features sees the same intent the
 * teacher's demonstrations had, so what it learns is how people move along a route.
 *
 * - Goals: defenders (and attackers once a defuse starts) go for the bomb; attackers take a
 *   spot near the bomb that sees it, hold it for a while, then pick another.
 * - Routes: A* on the nav graph with per-bot route costs (a team spreads over several routes).
 * - Trouble: a player told to move that barely moves for half a second gets a sidestep waypoint
 *   for ~0.4 s (raised, so the step reads as a jump) and a route that avoids the spot.
 */
import { Rng } from '../../../sdk/core/index.js';
import { createRayBatch, type RayBatch } from '../../../sdk/sensors/index.js';
import type { Arena } from '../game/arena.js';
import { Side } from '../game/round.js';
import { areaHeightAt } from '../map/arena-map.js';
import { NavRoute } from './route.js';

/** Navigation tuning. */
export interface NavigatorOptions {
  /** Seed of the navigator's own RNG. */
  seed: number;
  /** Attackers hold a spot for this many seconds [min, max] before repositioning. */
  holdSeconds: [number, number];
  /** Nearest and farthest hold spot from the bomb, m. */
  holdRangeM: [number, number];
}

const DEFAULTS: NavigatorOptions = { seed: 1, holdSeconds: [5, 12], holdRangeM: [3, 14] };
/** Ticks between progress checks. */
const PROGRESS_TICKS = 32;
/** Commanded travel (m) below which a progress check judges nothing. */
const PROGRESS_MIN_M = 1;
/** Ticks of a sidestep. */
const SIDESTEP_TICKS = 24;
/** Ticks at the start of a sidestep whose waypoint is raised (a jump cue). */
const JUMP_CUE_TICKS = 8;
/** Height of the jump cue over the feet, m. */
const JUMP_CUE_M = 1;

/** Navigation for every player of one arena (see the module comment). */
export class Navigator {
  private readonly options: NavigatorOptions;
  private readonly rng: Rng;
  private readonly route: NavRoute;
  private readonly holdArea: Int32Array;
  private readonly holdUntil: Int32Array;
  private readonly sidestepUntil: Int32Array;
  private readonly sidestepDir: Float32Array;
  private readonly commanded: Float32Array;
  private readonly moved: Float32Array;
  private readonly holdCandidates: Int32Array;
  private holdCount = 0;
  private bombArea = -1;
  private readonly sight: RayBatch;

  constructor(
    private readonly arena: Arena,
    options: Partial<NavigatorOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    this.rng = new Rng(this.options.seed * 15485863 + 11);
    const cap = arena.world.capacity;
    this.route = new NavRoute(arena.nav, arena.floor, cap);
    this.holdArea = new Int32Array(cap).fill(-1);
    this.holdUntil = new Int32Array(cap);
    this.sidestepUntil = new Int32Array(cap);
    this.sidestepDir = new Float32Array(cap);
    this.commanded = new Float32Array(cap);
    this.moved = new Float32Array(cap);
    this.holdCandidates = new Int32Array(arena.nav.size);
    this.sight = createRayBatch(arena.nav.size);
  }

  /** Nav area index under player e this tick (-1 unknown). */
  areaOf(e: number): number {
    return this.route.areaOf(e);
  }

  /** Whether attacker e holds a spot (false while it heads for the bomb). */
  isHolding(e: number): boolean {
    return this.holdArea[e]! >= 0;
  }

  /** New round: hold spots for the bomb, fresh routes, costs and goals (after the players spawn). */
  startRound(): void {
    const a = this.arena;
    const w = a.world;
    const bomb = a.round.bomb;
    this.bombArea = this.route.areaIndexAt(bomb[0]!, bomb[1]!, bomb[2]!, -1);
    this.findHoldSpots();
    this.route.startRound();
    for (let i = 0; i < w.agentCount; i++) {
      const e = w.agents[i]!;
      this.route.reset(e, this.rng);
      this.holdArea[e] = -1;
      this.holdUntil[e] = 0;
      this.sidestepUntil[e] = 0;
      this.commanded[e] = 0;
      this.moved[e] = 0;
    }
  }

  /** Writes player e's goal distance and next waypoint (a sidestep while in trouble) to its Waypoint component. */
  guide(e: number): void {
    const a = this.arena;
    const tick = a.round.tick;
    const { Transform, Agent, Waypoint } = a.world.c;
    const x = Transform.x[e]!;
    const y = Transform.y[e]!;
    const z = Transform.z[e]!;
    let goalArea: number;
    let gx: number;
    let gz: number;
    if (Agent.team[e] === Side.ct || a.round.defuser >= 0 || this.holdCount === 0) {
      this.holdArea[e] = -1;
      goalArea = this.bombArea;
      gx = a.round.bomb[0]!;
      gz = a.round.bomb[2]!;
    } else {
      if (this.holdArea[e]! < 0 || tick >= this.holdUntil[e]!) this.pickHold(e, tick);
      goalArea = this.holdArea[e]!;
      gx = a.nav.centers[3 * goalArea]!;
      gz = a.nav.centers[3 * goalArea + 2]!;
    }
    this.route.update(e, x, y, z, goalArea, tick);
    Waypoint.goalDistance[e] = Math.sqrt((gx - x) * (gx - x) + (gz - z) * (gz - z)); // not Math.hypot: V8's allocates
    Waypoint.active[e] = 1;
    if (tick < this.sidestepUntil[e]!) {
      Waypoint.x[e] = x + Math.cos(this.sidestepDir[e]!);
      Waypoint.z[e] = z + Math.sin(this.sidestepDir[e]!);
      Waypoint.y[e] = y + (tick < this.sidestepUntil[e]! - SIDESTEP_TICKS + JUMP_CUE_TICKS ? JUMP_CUE_M : 0);
      return;
    }
    const target = this.route.waypoint(e, x, z, gx, gz);
    Waypoint.x[e] = target[0]!;
    Waypoint.z[e] = target[1]!;
    Waypoint.y[e] = y + this.route.riseAhead(e, x, y, z);
  }

  /**
   * Adds one tick of player e's commanded and actual travel (m); every half second judges its
   * progress and, when it was told to move but barely did, starts a sidestep and re-plans
   * around the spot (for every bot, this round).
   */
  observeProgress(e: number, commandedM: number, movedM: number): void {
    this.commanded[e] = this.commanded[e]! + commandedM;
    this.moved[e] = this.moved[e]! + movedM;
    const tick = this.arena.round.tick;
    if ((tick + 1) % PROGRESS_TICKS !== 0) return;
    if (tick >= this.sidestepUntil[e]! && this.commanded[e]! > PROGRESS_MIN_M && this.moved[e]! < 0.25 * this.commanded[e]!) {
      const W = this.arena.world.c.Waypoint;
      const T = this.arena.world.c.Transform;
      const heading = Math.atan2(W.z[e]! - T.z[e]!, W.x[e]! - T.x[e]!);
      this.sidestepDir[e] = heading + (this.rng.next() < 0.5 ? -1 : 1) * (Math.PI / 2 + this.rng.uniform(-0.6, 0.6));
      this.sidestepUntil[e] = tick + 1 + SIDESTEP_TICKS;
      this.route.avoidNext(e);
    }
    this.commanded[e] = 0;
    this.moved[e] = 0;
  }

  /** Spots near the bomb from which it is in sight (one Rapier batch per round). */
  private findHoldSpots(): void {
    const a = this.arena;
    const bomb = a.round.bomb;
    const [near, far] = this.options.holdRangeM;
    const c = a.nav.centers;
    const b = this.sight;
    let n = 0;
    for (let i = 0; i < a.nav.size; i++) {
      const area = a.nav.areas[i]!;
      if (Math.min(area.maxX - area.minX, area.maxZ - area.minZ) < 0.6) continue;
      const dx = bomb[0]! - c[3 * i]!;
      const dz = bomb[2]! - c[3 * i + 2]!;
      const horizontal = Math.sqrt(dx * dx + dz * dz);
      if (horizontal < near || horizontal > far) continue;
      const y = areaHeightAt(area, c[3 * i]!, c[3 * i + 2]!) + a.rules.eyeHeightM;
      const dy = bomb[1]! + 0.3 - y;
      const d = Math.sqrt(dx * dx + dy * dy + dz * dz);
      b.origins[3 * n] = c[3 * i]!;
      b.origins[3 * n + 1] = y;
      b.origins[3 * n + 2] = c[3 * i + 2]!;
      b.dirs[3 * n] = dx / d;
      b.dirs[3 * n + 1] = dy / d;
      b.dirs[3 * n + 2] = dz / d;
      b.maxDist[n] = d;
      b.exclude[n] = -1;
      this.holdCandidates[n] = i;
      n++;
    }
    b.count = n;
    a.sightCaster.castBatch(b);
    let kept = 0;
    for (let k = 0; k < n; k++) if (b.hitTag[k] === -1 || b.hitEntity[k]! >= 0) this.holdCandidates[kept++] = this.holdCandidates[k]!;
    this.holdCount = kept;
  }

  private pickHold(e: number, tick: number): void {
    // Prefer a spot no teammate holds.
    let pick = this.holdCandidates[this.rng.int(this.holdCount)]!;
    for (let tries = 0; tries < 4 && this.isHeld(pick, e); tries++) pick = this.holdCandidates[this.rng.int(this.holdCount)]!;
    this.holdArea[e] = pick;
    const [lo, hi] = this.options.holdSeconds;
    this.holdUntil[e] = tick + Math.round(this.rng.uniform(lo, hi) * this.arena.rules.tickRate);
  }

  private isHeld(area: number, self: number): boolean {
    const w = this.arena.world;
    for (let i = 0; i < w.agentCount; i++) if (w.agents[i] !== self && this.holdArea[w.agents[i]!] === area) return true;
    return false;
  }
}
