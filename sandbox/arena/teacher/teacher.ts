/**
 * The scripted teacher: a rule-based bot for both sides that emits its movement as the policy's
 * own 97-class action each tick, so its play is a demonstration in the policy's action space.
 *
 * - Where to go is the arena's {@link Navigator} (goals, routes, the next waypoint, sidesteps
 *   when stuck): the teacher steers toward the waypoint its Waypoint component holds.
 * - Defenders (CT) walk once close to the bomb and stand on it to defuse. Attackers (T) stand
 *   at their hold spot and stop next to the bomb when they rush a defuse.
 * - Fights: on sight of an enemy it stops to shoot, strafes at walking speed or keeps going
 *   (sampled per engagement); aiming itself is the arena's shared rule.
 * - Human imperfections: brief stops, speed changes, a pause when entering a new place near the
 *   bomb (checking corners), a jump at ledges and when the navigator's sidestep asks for one.
 */
import { MOVEMENT_DIRECTIONS, movementClass, Stature } from '../../../sdk/actuators/index.js';
import { Rng } from '../../../sdk/core/index.js';
import type { Decider, DecisionBatch } from '../../../sdk/ecs/index.js';
import type { Arena } from '../game/arena.js';
import { Side } from '../game/round.js';

/** Teacher tuning. */
export interface TeacherOptions {
  /** Seed of the teacher's own RNG. */
  seed: number;
  /** Chance per second of a brief stop while travelling. */
  stopsPerSecond: number;
  /** Defenders walk (quietly) within this distance of the bomb, m, when in the mood. */
  walkNearBombM: number;
  /**
   * Labelling another controller's play (DAgger) rather than playing: no random stops or corner
   * pauses (they are not a function of the state the learner sees).
   */
  labelling: boolean;
}

const DEFAULTS: TeacherOptions = { seed: 1, stopsPerSecond: 0.12, walkNearBombM: 16, labelling: false };
const STEP = (2 * Math.PI) / MOVEMENT_DIRECTIONS;
/** Fight styles. */
const STOP = 0;
const STRAFE = 1;
const PUSH = 2;
/** Within this distance of its hold spot an attacker holds the angle, m. */
const HOLD_RADIUS_M = 0.6;
/** A waypoint this much above the feet is a ledge to jump, m. */
const JUMP_RISE_M = 0.4;

/** The teacher (decider index 0 of every arena). */
export class Teacher implements Decider {
  /** Name in profiles. */
  readonly name = 'teacher';
  private readonly options: TeacherOptions;
  private readonly rng: Rng;
  private readonly stopUntil: Int32Array;
  private readonly walking: Uint8Array;
  private readonly moodAt: Int32Array;
  private readonly fightStyle: Uint8Array;
  private readonly fightTarget: Int32Array;
  private readonly strafeSign: Int8Array;
  private readonly strafeAt: Int32Array;
  private readonly lastPlace: Int32Array;
  private readonly placeOf: Int32Array;

  constructor(
    private readonly arena: Arena,
    options: Partial<TeacherOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    this.rng = new Rng(this.options.seed * 104729 + 3);
    const cap = arena.world.capacity;
    const i32 = () => new Int32Array(cap);
    this.stopUntil = i32();
    this.walking = new Uint8Array(cap);
    this.moodAt = i32();
    this.fightStyle = new Uint8Array(cap);
    this.fightTarget = i32().fill(-1);
    this.strafeSign = new Int8Array(cap);
    this.strafeAt = i32();
    this.lastPlace = i32();
    const places = Object.keys(arena.map.places);
    this.placeOf = Int32Array.from(arena.nav.areas, (a) => places.indexOf(a.place));
  }

  /** Resets per-round state: moods, stops and fights (called by the arena). */
  startRound(): void {
    const w = this.arena.world;
    for (let i = 0; i < w.agentCount; i++) {
      const e = w.agents[i]!;
      this.stopUntil[e] = 0;
      this.walking[e] = 0;
      this.moodAt[e] = 0;
      this.fightTarget[e] = -1;
      this.lastPlace[e] = -1;
    }
  }

  /** One class per due agent (see the module comment). */
  decide(batch: DecisionBatch, actions: Int32Array): void {
    for (let i = 0; i < batch.count; i++) actions[i] = this.act(batch.agents[i]!);
  }

  private act(e: number): number {
    const a = this.arena;
    const tick = a.round.tick;
    const { Transform, Agent, Waypoint } = a.world.c;
    const bomb = a.round.bomb;
    const bx = bomb[0]! - Transform.x[e]!;
    const bz = bomb[2]! - Transform.z[e]!;
    const toBomb = Math.sqrt(bx * bx + bz * bz); // not Math.hypot: V8's allocates
    // A defender on the bomb keeps defusing whatever happens around it.
    if (Agent.team[e] === Side.ct && toBomb < a.rules.defuseRangeM * 0.6) return 0;
    const fight = this.fightMove(e, tick);
    if (fight >= 0) return fight;
    if (tick < this.stopUntil[e]!) return 0;
    if (Agent.team[e] === Side.t) {
      if (a.navigator.isHolding(e) ? Waypoint.goalDistance[e]! < HOLD_RADIUS_M : toBomb < 2.5) return 0;
    }
    return this.travel(e, tick, toBomb);
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

  private travel(e: number, tick: number, toBomb: number): number {
    const a = this.arena;
    const { Transform, Waypoint } = a.world.c;
    const dx = Waypoint.x[e]! - Transform.x[e]!;
    const dz = Waypoint.z[e]! - Transform.z[e]!;
    // Checking corners: a short pause on entering a new place near the bomb.
    const here = a.navigator.areaOf(e);
    const place = here >= 0 ? this.placeOf[here]! : -1;
    const pauses = !this.options.labelling;
    if (place !== this.lastPlace[e]) {
      if (pauses && this.lastPlace[e]! >= 0 && toBomb < 25 && this.rng.next() < 0.5) this.stopUntil[e] = tick + 16 + this.rng.int(24);
      this.lastPlace[e] = place;
    }
    if (pauses && this.rng.next() < this.options.stopsPerSecond / a.rules.tickRate) this.stopUntil[e] = tick + 12 + this.rng.int(26);
    if (tick >= this.moodAt[e]!) {
      this.walking[e] = this.rng.next() < (toBomb < this.options.walkNearBombM ? 0.55 : 0.1) ? 1 : 0;
      this.moodAt[e] = tick + 96 + this.rng.int(160);
    }
    // A ledge ahead that a step does not climb (or the navigator's sidestep cue): jump.
    const jump = Waypoint.y[e]! - Transform.y[e]! > JUMP_RISE_M;
    if (dx * dx + dz * dz < 1e-6) return 0;
    const rel = Math.atan2(dz, dx) - Transform.yaw[e]!;
    const stature = this.walking[e] === 1 && a.round.defuser < 0 ? Stature.walk : Stature.run;
    return movementClass(Math.round(rel / STEP), stature, jump);
  }
}
