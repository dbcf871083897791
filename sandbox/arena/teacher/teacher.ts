/**
 * The scripted teacher: a rule-based bot for both sides that emits its movement as the policy's
 * own 97-class action each tick, so its play is a demonstration in the policy's action space.
 *
 * - Paths: A* on the nav graph, each bot with its own per-place route costs so a team spreads
 *   over several routes; it steers toward the next area on its path and re-plans when it leaves
 *   the path, when the goal changes and every few seconds.
 * - Defenders (CT) converge on the bomb, walking once close, and stand on it to defuse.
 *   Attackers (T) take a spot near the bomb that sees it, hold it, reposition after a while, and
 *   rush the bomb when a defuse starts.
 * - Fights: on sight of an enemy it stops to shoot, strafes at walking speed or keeps going
 *   (sampled per engagement); aiming itself is the arena's shared rule.
 * - Human imperfections: brief stops, speed changes, a pause when entering a new place near the
 *   bomb (checking corners), and a jump-and-sidestep when it finds itself stuck.
 */
import { MOVEMENT_DIRECTIONS, movementClass, Stature } from '../../../sdk/actuators/index.js';
import { Rng } from '../../../sdk/core/index.js';
import type { Decider, DecisionBatch } from '../../../sdk/ecs/index.js';
import { createRayBatch, type RayBatch } from '../../../sdk/sensors/index.js';
import type { Arena } from '../game/arena.js';
import { Side } from '../game/round.js';
import { areaHeightAt } from '../map/arena-map.js';
import { NavRoute } from './route.js';

/** Teacher tuning. */
export interface TeacherOptions {
  /** Seed of the teacher's own RNG. */
  seed: number;
  /** Chance per second of a brief stop while travelling. */
  stopsPerSecond: number;
  /** Defenders walk (quietly) within this distance of the bomb, m, when in the mood. */
  walkNearBombM: number;
  /** Attackers hold a spot for this many seconds [min, max] before repositioning. */
  holdSeconds: [number, number];
  /** Nearest and farthest hold spot from the bomb, m. */
  holdRangeM: [number, number];
}

const DEFAULTS: TeacherOptions = { seed: 1, stopsPerSecond: 0.12, walkNearBombM: 16, holdSeconds: [5, 12], holdRangeM: [3, 14] };
const STEP = (2 * Math.PI) / MOVEMENT_DIRECTIONS;
/** Fight styles. */
const STOP = 0;
const STRAFE = 1;
const PUSH = 2;

/** The teacher (decider index 0 of every arena). */
export class Teacher implements Decider {
  /** Name in profiles. */
  readonly name = 'teacher';
  private readonly options: TeacherOptions;
  private readonly rng: Rng;
  private readonly route: NavRoute;
  private readonly stopUntil: Int32Array;
  private readonly walking: Uint8Array;
  private readonly moodAt: Int32Array;
  private readonly fightStyle: Uint8Array;
  private readonly fightTarget: Int32Array;
  private readonly strafeSign: Int8Array;
  private readonly strafeAt: Int32Array;
  private readonly lastPlace: Int32Array;
  private readonly holdArea: Int32Array;
  private readonly holdUntil: Int32Array;
  private readonly checkAt: Int32Array;
  private readonly checkX: Float32Array;
  private readonly checkZ: Float32Array;
  private readonly recoverUntil: Int32Array;
  private readonly recoverDir: Float32Array;
  private readonly placeOf: Int32Array;
  private readonly holdCandidates: Int32Array;
  private holdCount = 0;
  private bombArea = -1;
  private readonly sight: RayBatch;

  constructor(
    private readonly arena: Arena,
    options: Partial<TeacherOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    this.rng = new Rng(this.options.seed * 104729 + 3);
    const cap = arena.world.capacity;
    this.route = new NavRoute(arena.nav, arena.floor, cap);
    const i32 = () => new Int32Array(cap);
    this.stopUntil = i32();
    this.walking = new Uint8Array(cap);
    this.moodAt = i32();
    this.fightStyle = new Uint8Array(cap);
    this.fightTarget = i32().fill(-1);
    this.strafeSign = new Int8Array(cap);
    this.strafeAt = i32();
    this.lastPlace = i32();
    this.holdArea = i32().fill(-1);
    this.holdUntil = i32();
    this.checkAt = i32();
    this.checkX = new Float32Array(cap);
    this.checkZ = new Float32Array(cap);
    this.recoverUntil = i32();
    this.recoverDir = new Float32Array(cap);
    const places = Object.keys(arena.map.places);
    this.placeOf = Int32Array.from(arena.nav.areas, (a) => places.indexOf(a.place));
    this.holdCandidates = new Int32Array(arena.nav.size);
    this.sight = createRayBatch(arena.nav.size);
  }

  /** Resets per-round state: routes, moods and the attackers' hold spots (called by the arena). */
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
      this.stopUntil[e] = 0;
      this.walking[e] = 0;
      this.moodAt[e] = 0;
      this.fightTarget[e] = -1;
      this.lastPlace[e] = -1;
      this.holdArea[e] = -1;
      this.holdUntil[e] = 0;
      this.checkAt[e] = 0;
      this.recoverUntil[e] = 0;
    }
  }

  /** One class per due agent (see the module comment). */
  decide(batch: DecisionBatch, actions: Int32Array): void {
    for (let i = 0; i < batch.count; i++) actions[i] = this.act(batch.agents[i]!);
  }

  private act(e: number): number {
    const a = this.arena;
    const tick = a.round.tick;
    const { Transform, Agent } = a.world.c;
    const bomb = a.round.bomb;
    const toBomb = Math.hypot(bomb[0]! - Transform.x[e]!, bomb[2]! - Transform.z[e]!);
    // A defender on the bomb keeps defusing whatever happens around it.
    if (Agent.team[e] === Side.ct && toBomb < a.rules.defuseRangeM * 0.6) return 0;
    const fight = this.fightMove(e, tick);
    if (fight >= 0) return fight;
    if (tick < this.stopUntil[e]!) return 0;
    const x = Transform.x[e]!;
    const z = Transform.z[e]!;
    let goalArea: number;
    let gx: number;
    let gz: number;
    if (Agent.team[e] === Side.ct || a.round.defuser >= 0 || this.holdCount === 0) {
      // Defenders (and attackers when a defuse starts) head for the bomb.
      if (Agent.team[e] === Side.t && toBomb < 2.5) return 0;
      goalArea = this.bombArea;
      gx = bomb[0]!;
      gz = bomb[2]!;
    } else {
      if (this.holdArea[e]! < 0 || tick >= this.holdUntil[e]!) this.pickHold(e, tick);
      goalArea = this.holdArea[e]!;
      const c = a.nav.centers;
      gx = c[3 * goalArea]!;
      gz = c[3 * goalArea + 2]!;
      if (Math.hypot(gx - x, gz - z) < 0.6) return 0; // holding the angle
    }
    return this.travel(e, tick, goalArea, gx, gz, toBomb);
  }

  /** Movement while an enemy is in sight, or -1 to travel as usual. */
  private fightMove(e: number, tick: number): number {
    const combat = this.arena.combat;
    const t = combat.target[e]!;
    if (t < 0 || !combat.sees(e, t)) return -1;
    if (this.fightTarget[e] !== t) {
      this.fightTarget[e] = t;
      const u = this.rng.next();
      this.fightStyle[e] = u < 0.6 ? STOP : u < 0.85 ? STRAFE : PUSH;
      this.strafeSign[e] = this.rng.next() < 0.5 ? -1 : 1;
      this.strafeAt[e] = tick;
    }
    const style = this.fightStyle[e]!;
    if (style === STOP) return 0;
    if (style === PUSH) return -1;
    if (tick >= this.strafeAt[e]!) {
      this.strafeSign[e] = -this.strafeSign[e]! as -1 | 1;
      this.strafeAt[e] = tick + 24 + this.rng.int(32);
    }
    return movementClass(this.strafeSign[e]! > 0 ? 4 : 12, Stature.walk, false);
  }

  private travel(e: number, tick: number, goalArea: number, gx: number, gz: number, toBomb: number): number {
    const a = this.arena;
    const { Transform } = a.world.c;
    const x = Transform.x[e]!;
    const z = Transform.z[e]!;
    const here = this.route.update(e, x, Transform.y[e]!, z, goalArea, tick);
    const target = this.route.waypoint(e, x, z, gx, gz);
    let dx = target[0]! - x;
    let dz = target[1]! - z;
    // Checking corners: a short pause on entering a new place near the bomb.
    const place = here >= 0 ? this.placeOf[here]! : -1;
    if (place !== this.lastPlace[e]) {
      if (this.lastPlace[e]! >= 0 && toBomb < 25 && this.rng.next() < 0.5) this.stopUntil[e] = tick + 16 + this.rng.int(24);
      this.lastPlace[e] = place;
    }
    if (this.rng.next() < this.options.stopsPerSecond / a.rules.tickRate) this.stopUntil[e] = tick + 12 + this.rng.int(26);
    if (tick >= this.moodAt[e]!) {
      this.walking[e] = this.rng.next() < (toBomb < this.options.walkNearBombM ? 0.55 : 0.1) ? 1 : 0;
      this.moodAt[e] = tick + 96 + this.rng.int(160);
    }
    // Stuck: every half second, if it covered under 0.4 m, jump and sidestep for ~0.4 s and re-plan.
    let jump = false;
    if (tick < this.recoverUntil[e]!) {
      dx = Math.cos(this.recoverDir[e]!);
      dz = Math.sin(this.recoverDir[e]!);
      jump = tick === this.recoverUntil[e]! - 24;
    } else if (tick >= this.checkAt[e]!) {
      if (this.checkAt[e]! > 0 && Math.hypot(x - this.checkX[e]!, z - this.checkZ[e]!) < 0.4) {
        this.recoverUntil[e] = tick + 24;
        this.recoverDir[e] = Math.atan2(dz, dx) + (this.rng.next() < 0.5 ? -1 : 1) * (Math.PI / 2 + this.rng.uniform(-0.6, 0.6));
        this.route.avoidNext(e);
        jump = true;
      }
      this.checkAt[e] = tick + 32;
      this.checkX[e] = x;
      this.checkZ[e] = z;
    }
    // A ledge ahead that a step does not climb: jump it.
    if (!jump && this.route.riseAhead(e, x, Transform.y[e]!, z) > 0.4) jump = true;
    if (dx * dx + dz * dz < 1e-6) return 0;
    const rel = Math.atan2(dz, dx) - Transform.yaw[e]!;
    const stature = this.walking[e] === 1 && a.round.defuser < 0 ? Stature.walk : Stature.run;
    return movementClass(Math.round(rel / STEP), stature, jump);
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
      const horizontal = Math.hypot(dx, dz);
      if (horizontal < near || horizontal > far) continue;
      const y = areaHeightAt(area, c[3 * i]!, c[3 * i + 2]!) + a.rules.eyeHeightM;
      const dy = bomb[1]! + 0.3 - y;
      const d = Math.hypot(dx, dy, dz);
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
    a.physicsCaster.castBatch(b);
    let kept = 0;
    for (let k = 0; k < n; k++) if (b.hitTag[k] === -1 || b.hitEntity[k]! >= 0) this.holdCandidates[kept++] = this.holdCandidates[k]!;
    this.holdCount = kept;
  }

  private pickHold(e: number, tick: number): void {
    if (this.holdCount === 0) return;
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
