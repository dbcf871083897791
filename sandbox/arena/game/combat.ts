/**
 * Line of sight, aim and hit-scan shooting, the same rules for every controller (the learned
 * policies and the teacher control movement only, as in MLMove). Each tick: one batch of Rapier
 * rays between every pair of opponents (eye to chest), then per bot: keep or pick a target
 * (nearest visible enemy in its field of view, or whoever just shot it), wait out a sampled
 * reaction time, turn at a bounded rate with a decaying aim error, and fire when on target.
 * Hits are probabilistic: distance, the shooter's own speed and recoil lower the odds.
 */

import type { Rng } from '../../../sdk/core/index.js';
import type { AiWorld } from '../../../sdk/ecs/index.js';
import { createRayBatch, type RayBatch, type RayCaster } from '../../../sdk/sensors/index.js';
import { angleDiff, turnToward } from './angles.js';
import { ArenaEvent, type EventLog } from './events.js';
import type { RetakeRules } from './rules.js';

/** Chest height of a target above its feet, m. */
const CHEST_M = 1.2;
/** Speed above which a shooter counts as walking, m/s (below: standing, full accuracy). */
export const WALKING_MS = 0.6;
/** Speed above which a shooter counts as running (between walk, 2.5 m/s, and run, 4.8 m/s). */
export const RUNNING_MS = 3.2;

/** What combat reads and writes besides the world. */
export interface CombatContext {
  /** The world (Transform, Velocity, Agent). */
  world: AiWorld;
  /** Rules. */
  rules: RetakeRules;
  /** The event log. */
  events: EventLog;
  /** Game RNG. */
  rng: Rng;
  /** Line-of-sight caster (Rapier). */
  caster: RayCaster;
  /** Ticks since the round started. */
  tick: number;
  /** Actual horizontal speed per entity, m/s (last tick). */
  speed: Float32Array;
  /** Bomb position, m (idle bots look toward it). */
  bomb: Float32Array;
}

/** Per-entity combat state, preallocated for the world's capacity. */
export class Combat {
  /** Current target entity, -1 for none. */
  readonly target: Int32Array;
  /** Tick at which the reaction to the current target ends. */
  readonly reactAt: Int32Array;
  /** Tick the current target was last visible. */
  readonly lastSeen: Int32Array;
  /** Next tick the bot may fire. */
  readonly nextShot: Int32Array;
  /** Shots in the current burst (recoil). */
  readonly burst: Int32Array;
  /** Remaining aim error, radians (decays once the reaction is over). */
  readonly aimError: Float32Array;
  /** Who last hit this entity (-1 none) and when. */
  readonly hitBy: Int32Array;
  /** Line of sight between entities a and b: visible[a · capacity + b] (opponents only, this tick). */
  readonly visible: Uint8Array;
  /** Entities that died this tick (first `deathCount`). */
  readonly deaths: Int32Array;
  /** Deaths this tick. */
  deathCount = 0;
  /** 1 for a player aimed by hand (the sandbox's human): combat leaves its yaw alone and fires only on `trigger`. */
  readonly manual: Uint8Array;
  /** 1 while a manual player holds the trigger. */
  readonly trigger: Uint8Array;
  private readonly batch: RayBatch;
  private readonly pairA: Int32Array;
  private readonly pairB: Int32Array;

  constructor(readonly capacity: number) {
    const i = () => new Int32Array(capacity);
    this.target = i().fill(-1);
    this.reactAt = i();
    this.lastSeen = i();
    this.nextShot = i();
    this.burst = i();
    this.aimError = new Float32Array(capacity);
    this.hitBy = i().fill(-1);
    this.visible = new Uint8Array(capacity * capacity);
    this.deaths = i();
    this.manual = new Uint8Array(capacity);
    this.trigger = new Uint8Array(capacity);
    const pairs = Math.ceil((capacity * capacity) / 4);
    this.batch = createRayBatch(pairs);
    this.pairA = new Int32Array(pairs);
    this.pairB = new Int32Array(pairs);
  }

  /** Forgets an entity's state (a new round, or a recycled id). */
  reset(e: number): void {
    this.target[e] = -1;
    this.hitBy[e] = -1;
    this.burst[e] = 0;
    this.nextShot[e] = 0;
    this.aimError[e] = 0;
    this.manual[e] = 0;
    this.trigger[e] = 0;
  }

  /** Whether a and b see each other this tick. */
  sees(a: number, b: number): boolean {
    return this.visible[a * this.capacity + b] === 1;
  }

  /** One tick: sight, then aim and shooting for every live bot. Dead entities land in `deaths` (alive flag cleared). */
  update(ctx: CombatContext): void {
    this.deathCount = 0;
    this.castSight(ctx);
    const w = ctx.world;
    for (let i = 0; i < w.agentCount; i++) {
      const a = w.agents[i]!;
      if (w.c.Agent.alive[a] === 0) continue;
      if (this.manual[a] === 1) this.manualShot(ctx, a);
      else this.aim(ctx, a);
    }
  }

  private castSight(ctx: CombatContext): void {
    const w = ctx.world;
    const { Agent, Transform } = w.c;
    const b = this.batch;
    let n = 0;
    for (let i = 0; i < w.agentCount; i++) {
      const e = w.agents[i]!;
      for (let j = 0; j < w.agentCount; j++) {
        const f = w.agents[j]!;
        this.visible[e * this.capacity + f] = 0;
        if (Agent.team[e] !== 0 || Agent.team[f] !== 1 || Agent.alive[e] === 0 || Agent.alive[f] === 0) continue;
        const ox = Transform.x[e]!;
        const oy = Transform.y[e]! + ctx.rules.eyeHeightM;
        const oz = Transform.z[e]!;
        const dx = Transform.x[f]! - ox;
        const dy = Transform.y[f]! + CHEST_M - oy;
        const dz = Transform.z[f]! - oz;
        const d = Math.sqrt(dx * dx + dy * dy + dz * dz); // not Math.hypot: V8's allocates
        if (d > ctx.rules.weapon.rangeM || d < 1e-3) continue;
        b.origins[3 * n] = ox;
        b.origins[3 * n + 1] = oy;
        b.origins[3 * n + 2] = oz;
        b.dirs[3 * n] = dx / d;
        b.dirs[3 * n + 1] = dy / d;
        b.dirs[3 * n + 2] = dz / d;
        b.maxDist[n] = d + 0.5;
        b.exclude[n] = e;
        this.pairA[n] = e;
        this.pairB[n] = f;
        n++;
      }
    }
    b.count = n;
    if (n === 0) return;
    ctx.caster.castBatch(b);
    for (let k = 0; k < n; k++) {
      if (b.hitEntity[k] !== this.pairB[k]) continue;
      const e = this.pairA[k]!;
      const f = this.pairB[k]!;
      this.visible[e * this.capacity + f] = 1;
      this.visible[f * this.capacity + e] = 1;
    }
  }

  private aim(ctx: CombatContext, a: number): void {
    const { Agent, Transform, Velocity } = ctx.world.c;
    const rules = ctx.rules;
    const tick = ctx.tick;
    const dt = 1 / rules.tickRate;
    let t = this.target[a]!;
    if (t >= 0 && Agent.alive[t] === 0) t = -1;
    if (t >= 0 && this.sees(a, t)) this.lastSeen[a] = tick;
    if (t >= 0 && tick - this.lastSeen[a]! > rules.aim.memoryS * rules.tickRate) t = -1;
    if (t < 0) t = this.acquire(ctx, a);
    this.target[a] = t;
    const maxStep = (rules.aim.turnRateDegPerS * Math.PI * dt) / 180;
    const yaw = Transform.yaw[a]!;
    if (t >= 0) {
      if (tick < this.reactAt[a]!) return; // still reacting: the view holds
      const exact = Math.atan2(Transform.z[t]! - Transform.z[a]!, Transform.x[t]! - Transform.x[a]!);
      this.aimError[a] = this.aimError[a]! * 0.85;
      Transform.yaw[a] = turnToward(yaw, exact + this.aimError[a]!, 0.4, maxStep);
      if (this.sees(a, t) && tick >= this.nextShot[a]!) this.tryShot(ctx, a, t, exact);
      return;
    }
    const vx = Velocity.x[a]!;
    const vz = Velocity.z[a]!;
    if (vx * vx + vz * vz > 0.25) {
      Transform.yaw[a] = turnToward(yaw, Math.atan2(vz, vx), 0.12, maxStep);
    } else {
      const bx = ctx.bomb[0]! - Transform.x[a]!;
      const bz = ctx.bomb[2]! - Transform.z[a]!;
      if (bx * bx + bz * bz > 4) Transform.yaw[a] = turnToward(yaw, Math.atan2(bz, bx), 0.05, maxStep);
    }
  }

  /**
   * A hand-aimed player's trigger: the shot goes at the opponent in sight nearest the crosshair
   * and uses the bots' odds when the crosshair is on it; otherwise it is a miss.
   */
  private manualShot(ctx: CombatContext, a: number): void {
    if (this.trigger[a] === 0 || ctx.tick < this.nextShot[a]!) return;
    const { Agent, Transform } = ctx.world.c;
    const w = ctx.world;
    let best = -1;
    let bestOff = Infinity;
    let bestExact = 0;
    for (let j = 0; j < w.agentCount; j++) {
      const f = w.agents[j]!;
      if (Agent.alive[f] === 0 || !this.sees(a, f)) continue;
      const exact = Math.atan2(Transform.z[f]! - Transform.z[a]!, Transform.x[f]! - Transform.x[a]!);
      const off = Math.abs(angleDiff(Transform.yaw[a]!, exact));
      if (off < bestOff) {
        bestOff = off;
        best = f;
        bestExact = exact;
      }
    }
    if (best >= 0 && this.onTarget(ctx, a, best, bestExact)) {
      this.tryShot(ctx, a, best, bestExact);
      return;
    }
    this.burst[a] = this.burst[a]! + 1;
    this.nextShot[a] = ctx.tick + ctx.rules.weapon.fireIntervalTicks;
    ctx.events.push(ArenaEvent.shot, a, -1, 0);
  }

  /** Whether a's facing is within a chest's width of the direction `exact` to t. */
  private onTarget(ctx: CombatContext, a: number, t: number, exact: number): boolean {
    const T = ctx.world.c.Transform;
    const d = planarDistance(T.x[t]! - T.x[a]!, T.z[t]! - T.z[a]!);
    return Math.abs(angleDiff(T.yaw[a]!, exact)) <= Math.atan2(0.3, d) + 0.5 * (Math.PI / 180);
  }

  /** The nearest opponent in sight and in the field of view, or the last attacker if in sight; starts the reaction. */
  private acquire(ctx: CombatContext, a: number): number {
    const { Agent, Transform } = ctx.world.c;
    const w = ctx.world;
    const fov = (ctx.rules.aim.fovHalfDeg * Math.PI) / 180;
    let best = -1;
    let bestD = Infinity;
    for (let j = 0; j < w.agentCount; j++) {
      const f = w.agents[j]!;
      if (Agent.alive[f] === 0 || !this.sees(a, f)) continue;
      const dx = Transform.x[f]! - Transform.x[a]!;
      const dz = Transform.z[f]! - Transform.z[a]!;
      const inView = Math.abs(angleDiff(Transform.yaw[a]!, Math.atan2(dz, dx))) <= fov;
      if (!inView && this.hitBy[a] !== f) continue;
      const d = dx * dx + dz * dz;
      if (d < bestD) {
        bestD = d;
        best = f;
      }
    }
    if (best < 0) return -1;
    const aim = ctx.rules.aim;
    const reaction = Math.max(aim.reactionMinS, aim.reactionMeanS + aim.reactionSdS * ctx.rng.normal());
    this.reactAt[a] = ctx.tick + Math.round(reaction * ctx.rules.tickRate);
    this.lastSeen[a] = ctx.tick;
    this.aimError[a] = ((4 + 4 * ctx.rng.next()) * Math.PI * (ctx.rng.next() < 0.5 ? -1 : 1)) / 180;
    this.burst[a] = 0;
    ctx.events.push(ArenaEvent.spotted, a, best, 0);
    return best;
  }

  private tryShot(ctx: CombatContext, a: number, t: number, exact: number): void {
    const { Agent, Transform } = ctx.world.c;
    const weapon = ctx.rules.weapon;
    const d = planarDistance(Transform.x[t]! - Transform.x[a]!, Transform.z[t]! - Transform.z[a]!);
    if (!this.onTarget(ctx, a, t, exact)) return;
    if (ctx.tick - this.nextShot[a]! > 26) this.burst[a] = 0; // ~0.4 s without firing resets the recoil
    const s = ctx.speed[a]!;
    const moving = s > RUNNING_MS ? weapon.runningFactor : s > WALKING_MS ? weapon.walkingFactor : 1;
    const recoil = Math.max(0.3, 1 - weapon.recoilPerShot * this.burst[a]!);
    const p = (weapon.baseHit / (1 + d / weapon.halfHitM)) * moving * recoil;
    this.burst[a] = this.burst[a]! + 1;
    this.nextShot[a] = ctx.tick + weapon.fireIntervalTicks;
    const hit = ctx.rng.next() < p;
    ctx.events.push(ArenaEvent.shot, a, t, hit ? 1 : 0);
    if (!hit) return;
    const head = ctx.rng.next() < weapon.headshotShare;
    const damage = head ? ctx.rules.health : weapon.bodyDamage[0] + ctx.rng.int(weapon.bodyDamage[1] - weapon.bodyDamage[0] + 1);
    Agent.health[t] = Agent.health[t]! - damage;
    this.hitBy[t] = a;
    ctx.events.push(ArenaEvent.hit, a, t, damage);
    if (Agent.health[t]! <= 0) {
      Agent.alive[t] = 0;
      this.deaths[this.deathCount++] = t;
      ctx.events.push(ArenaEvent.death, a, t, head ? 1 : 0);
    }
  }
}

/** Horizontal distance of an offset (not Math.hypot: V8's allocates, and combat runs every tick). */
function planarDistance(dx: number, dz: number): number {
  return Math.sqrt(dx * dx + dz * dz);
}
