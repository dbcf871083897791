/**
 * The arena's goals on top of the SDK's navigator (tickmind/navigation): each player's goal,
 * and through the SDK its route, next waypoint and stuck handling, written every tick to the
 * world's `Waypoint` component whoever plays the player (the teacher, a policy, a person). The
 * teacher steers by it; a policy that reads waypoint features sees the same intent the teacher's
 * demonstrations had, so what it learns is how people move along a route.
 *
 * Goals (the game's part): defenders (and attackers once a defuse starts) go for the bomb;
 * attackers take a spot near the bomb that sees it, hold it for a while, then pick another.
 */
import { Rng } from '../../../sdk/core/index.js';
import { Navigator as Navigation } from '../../../sdk/navigation/index.js';
import { createRayBatch, type RayBatch } from '../../../sdk/sensors/index.js';
import type { Arena } from '../game/arena.js';
import { Side } from '../game/round.js';

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

/** The arena's goals and the SDK navigator for every player (see the module comment). */
export class Navigator {
  /** The SDK navigator: routes, waypoints, sidesteps. */
  readonly navigation: Navigation;
  private readonly options: NavigatorOptions;
  private readonly rng: Rng;
  private readonly holdArea: Int32Array;
  private readonly holdUntil: Int32Array;
  private readonly holdCandidates: Int32Array;
  private holdCount = 0;
  private bombArea = -1;
  private readonly sight: RayBatch;

  constructor(
    private readonly arena: Arena,
    options: Partial<NavigatorOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    // One RNG for the goals and the SDK's route costs and sidesteps: one draw order.
    this.rng = new Rng(this.options.seed * 15485863 + 11);
    const cap = arena.world.capacity;
    this.navigation = new Navigation(arena.navMesh, { capacity: cap, rng: this.rng, graph: arena.nav, floor: arena.floor });
    this.holdArea = new Int32Array(cap).fill(-1);
    this.holdUntil = new Int32Array(cap);
    this.holdCandidates = new Int32Array(arena.nav.size);
    this.sight = createRayBatch(arena.nav.size);
  }

  /** Nav area index under player e this tick (-1 unknown). */
  areaOf(e: number): number {
    return this.navigation.areaOf(e);
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
    this.bombArea = this.navigation.areaIndexAt(bomb[0]!, bomb[1]!, bomb[2]!, -1);
    this.findHoldSpots();
    this.navigation.startRound();
    for (let i = 0; i < w.agentCount; i++) {
      const e = w.agents[i]!;
      this.navigation.resetAgent(e);
      this.holdArea[e] = -1;
      this.holdUntil[e] = 0;
    }
  }

  /** Picks player e's goal and writes its waypoint (a sidestep while in trouble) to its Waypoint component. */
  guide(e: number): void {
    const a = this.arena;
    const tick = a.round.tick;
    const { Transform, Agent, Waypoint } = a.world.c;
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
    this.navigation.guide(e, Transform.x[e]!, Transform.y[e]!, Transform.z[e]!, goalArea, gx, gz, tick, Waypoint);
  }

  /** One tick of player e's commanded and actual travel (m), for the SDK's stuck handling. */
  observeProgress(e: number, commandedM: number, movedM: number): void {
    const { Transform, Waypoint } = this.arena.world.c;
    this.navigation.observeProgress(e, commandedM, movedM, this.arena.round.tick, Waypoint, Transform.x[e]!, Transform.z[e]!);
  }

  /** Spots near the bomb from which it is in sight (one sight-caster batch per round). */
  private findHoldSpots(): void {
    const a = this.arena;
    const mesh = a.navMesh;
    const bomb = a.round.bomb;
    const [near, far] = this.options.holdRangeM;
    const c = a.nav.centers;
    const b = this.sight;
    let n = 0;
    for (let i = 0; i < a.nav.size; i++) {
      if (mesh.widthOf(i) < 0.6) continue;
      const dx = bomb[0]! - c[3 * i]!;
      const dz = bomb[2]! - c[3 * i + 2]!;
      const horizontal = Math.sqrt(dx * dx + dz * dz);
      if (horizontal < near || horizontal > far) continue;
      const y = mesh.heightAt(i, c[3 * i]!, c[3 * i + 2]!) + a.rules.eyeHeightM;
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
