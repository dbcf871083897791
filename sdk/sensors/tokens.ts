/**
 * Entity tokens: one token per player, as the transformer policies read them.
 *
 * Egocentric: for each deciding agent, a self token then up to maxAllies allies and maxEnemies
 * enemies, each group sorted by distance, alive players only; empty slots are zero and masked.
 * Features are in the agent's frame. Joint: every player in a fixed slot, in a map-normalized
 * frame. Tokens are written with a caller-chosen stride so ray readings can follow the features.
 */
import { TickmindError } from '../core/errors.js';
import type { PlayerStates } from './players.js';
import type { RayBatch, RayCaster } from './ray-caster.js';

/** Names of the egocentric token features, in order. */
export const EGOCENTRIC_FEATURES = [
  'relX',
  'relY',
  'relLateral',
  'velForward',
  'velLateral',
  'health',
  'alive',
  'sameTeam',
  'lineOfSight',
] as const;

/** Configuration of egocentric tokens. */
export interface EgocentricTokenConfig {
  /** Ally slots per agent. */
  maxAllies: number;
  /** Enemy slots per agent. */
  maxEnemies: number;
  /** Meters that map to 1 in relative positions (default 20). */
  positionScale?: number;
  /** m/s that map to 1 in velocities (default 5). */
  velocityScale?: number;
  /** Health that maps to 1 (default 100). */
  maxHealth?: number;
  /** Eye height for line-of-sight rays (default 1.6). */
  eyeHeight?: number;
  /**
   * Tokens per agent row in the output (default self + allies + enemies). Larger leaves room after
   * the player tokens for objective tokens ({@link EgocentricTokens.writeObjective}).
   */
  rowTokens?: number;
}

/** Egocentric token encoder (see the module comment). */
export class EgocentricTokens {
  /** Tokens per agent: self + allies + enemies. */
  readonly tokens: number;
  /** Tokens per agent row in the output (≥ tokens; the rest are the caller's, e.g. objectives). */
  readonly rowTokens: number;
  /** Features per token written by encode. */
  readonly features = EGOCENTRIC_FEATURES.length;
  private readonly posScale: number;
  private readonly velScale: number;
  private readonly maxHealth: number;
  private readonly eye: number;
  // Scratch, sized on first use for the player count (outside the tick when the roster is fixed).
  private order = new Int32Array(0);
  private dist = new Float64Array(0);
  /** Player index per (agent, token); -1 for an empty slot. */
  slotPlayer = new Int32Array(0);

  constructor(
    /** The configuration. */
    readonly config: EgocentricTokenConfig,
  ) {
    this.tokens = 1 + config.maxAllies + config.maxEnemies;
    this.rowTokens = config.rowTokens ?? this.tokens;
    if (!Number.isInteger(this.rowTokens) || this.rowTokens < this.tokens)
      throw new TickmindError('INVALID_ARGUMENT', `rowTokens ${this.rowTokens} is smaller than the ${this.tokens} player tokens`, {
        field: 'rowTokens',
      });
    this.posScale = 1 / (config.positionScale ?? 20);
    this.velScale = 1 / (config.velocityScale ?? 5);
    this.maxHealth = 1 / (config.maxHealth ?? 100);
    this.eye = config.eyeHeight ?? 1.6;
  }

  /** Sizes scratch for up to `players` players and `agents` agents (call when the roster changes). */
  reserve(players: number, agents: number): void {
    if (this.order.length < players) {
      this.order = new Int32Array(players);
      this.dist = new Float64Array(players);
    }
    if (this.slotPlayer.length < agents * this.tokens) this.slotPlayer = new Int32Array(agents * this.tokens);
  }

  /**
   * Writes tokens for the agents (player indices in `agents`, first `agentCount`) into out:
   * token t of agent a starts at (a·rowTokens + t)·stride + offset. mask[a·rowTokens + t] = 1 marks
   * an empty slot. With a caster and batch, line of sight is cast in one batch; without, it is 1.
   */
  encode(
    players: Readonly<PlayerStates>,
    agents: Int32Array,
    agentCount: number,
    out: Float32Array,
    mask: Uint8Array,
    stride: number,
    offset = 0,
    los?: { caster: RayCaster; batch: RayBatch },
  ): void {
    if (stride < this.features + offset)
      throw new TickmindError('INVALID_ARGUMENT', `token stride ${stride} is smaller than ${this.features} features`, { field: 'stride' });
    this.reserve(players.count, agentCount);
    for (let a = 0; a < agentCount; a++) this.selectPlayers(players, agents[a]!, a);
    for (let a = 0; a < agentCount; a++) {
      const self = agents[a]!;
      for (let t = 0; t < this.tokens; t++) {
        const p = this.slotPlayer[a * this.tokens + t]!;
        const o = (a * this.rowTokens + t) * stride + offset;
        mask[a * this.rowTokens + t] = p < 0 ? 1 : 0;
        if (p < 0) {
          for (let f = 0; f < this.features; f++) out[o + f] = 0;
        } else {
          this.writeFeatures(players, self, p, out, o);
        }
      }
    }
    if (los !== undefined) this.lineOfSight(players, agents, agentCount, out, stride, offset, los.caster, los.batch);
  }

  /** Picks the self, nearest allies and nearest enemies of one agent into slotPlayer. */
  private selectPlayers(players: Readonly<PlayerStates>, self: number, a: number): void {
    const base = a * this.tokens;
    this.slotPlayer.fill(-1, base, base + this.tokens);
    this.slotPlayer[base] = self;
    const sx = players.position[3 * self]!;
    const sy = players.position[3 * self + 1]!;
    const sz = players.position[3 * self + 2]!;
    const team = players.team[self]!;
    for (let group = 0; group < 2; group++) {
      const enemies = group === 1;
      let n = 0;
      for (let p = 0; p < players.count; p++) {
        if (p === self || players.alive[p] === 0 || (players.team[p] !== team) !== enemies) continue;
        const dx = players.position[3 * p]! - sx;
        const dy = players.position[3 * p + 1]! - sy;
        const dz = players.position[3 * p + 2]! - sz;
        const d = dx * dx + dy * dy + dz * dz;
        // Insertion sort by distance (ties by player index: deterministic).
        let j = n++;
        while (j > 0 && this.dist[j - 1]! > d) {
          this.dist[j] = this.dist[j - 1]!;
          this.order[j] = this.order[j - 1]!;
          j--;
        }
        this.dist[j] = d;
        this.order[j] = p;
      }
      const first = enemies ? 1 + this.config.maxAllies : 1;
      const slots = enemies ? this.config.maxEnemies : this.config.maxAllies;
      for (let k = 0; k < Math.min(n, slots); k++) this.slotPlayer[base + first + k] = this.order[k]!;
    }
  }

  private writeFeatures(players: Readonly<PlayerStates>, self: number, p: number, out: Float32Array, o: number): void {
    const yaw = players.yaw[self]!;
    const c = Math.cos(yaw);
    const s = Math.sin(yaw);
    const dx = players.position[3 * p]! - players.position[3 * self]!;
    const dy = players.position[3 * p + 1]! - players.position[3 * self + 1]!;
    const dz = players.position[3 * p + 2]! - players.position[3 * self + 2]!;
    const vx = players.velocity[3 * p]!;
    const vz = players.velocity[3 * p + 2]!;
    out[o] = (c * dx + s * dz) * this.posScale;
    out[o + 1] = dy * this.posScale;
    out[o + 2] = (-s * dx + c * dz) * this.posScale;
    out[o + 3] = (c * vx + s * vz) * this.velScale;
    out[o + 4] = (-s * vx + c * vz) * this.velScale;
    out[o + 5] = players.health[p]! * this.maxHealth;
    out[o + 6] = players.alive[p]!;
    out[o + 7] = players.team[p] === players.team[self] ? 1 : 0;
    out[o + 8] = 1;
  }

  /**
   * Writes an objective token — a point of interest the game names, such as the planted bomb — in
   * player self's frame at out[o..): its relative position like a player's, no velocity, health 0,
   * alive 1 (no player token has both), not an ally, line of sight 0.
   */
  writeObjective(players: Readonly<PlayerStates>, self: number, x: number, y: number, z: number, out: Float32Array, o: number): void {
    const yaw = players.yaw[self]!;
    const c = Math.cos(yaw);
    const s = Math.sin(yaw);
    const dx = x - players.position[3 * self]!;
    const dy = y - players.position[3 * self + 1]!;
    const dz = z - players.position[3 * self + 2]!;
    out[o] = (c * dx + s * dz) * this.posScale;
    out[o + 1] = dy * this.posScale;
    out[o + 2] = (-s * dx + c * dz) * this.posScale;
    for (let f = 3; f < this.features; f++) out[o + f] = 0;
    out[o + 6] = 1;
  }

  /** One ray per non-self token from eye to eye; blocked when something other than the target is hit first. */
  private lineOfSight(
    players: Readonly<PlayerStates>,
    agents: Int32Array,
    agentCount: number,
    out: Float32Array,
    stride: number,
    offset: number,
    caster: RayCaster,
    batch: RayBatch,
  ): void {
    let n = 0;
    for (let a = 0; a < agentCount; a++) {
      const self = agents[a]!;
      for (let t = 1; t < this.tokens; t++) {
        const p = this.slotPlayer[a * this.tokens + t]!;
        if (p < 0) continue;
        if (n >= batch.capacity)
          throw new TickmindError('INVALID_ARGUMENT', `line-of-sight batch holds ${batch.capacity} rays, more needed`, { field: 'batch' });
        const ox = players.position[3 * self]!;
        const oy = players.position[3 * self + 1]! + this.eye;
        const oz = players.position[3 * self + 2]!;
        const dx = players.position[3 * p]! - ox;
        const dy = players.position[3 * p + 1]! + this.eye - oy;
        const dz = players.position[3 * p + 2]! - oz;
        // Math.sqrt, not Math.hypot: V8's hypot allocates (~0.9 B per call), this runs per tick.
        const len = Math.sqrt(dx * dx + dy * dy + dz * dz) || 1e-6;
        batch.origins[3 * n] = ox;
        batch.origins[3 * n + 1] = oy;
        batch.origins[3 * n + 2] = oz;
        batch.dirs[3 * n] = dx / len;
        batch.dirs[3 * n + 1] = dy / len;
        batch.dirs[3 * n + 2] = dz / len;
        batch.maxDist[n] = len;
        batch.exclude[n] = players.entity[self]!;
        n++;
      }
    }
    batch.count = n;
    batch.radius = 0;
    caster.castBatch(batch);
    n = 0;
    for (let a = 0; a < agentCount; a++) {
      for (let t = 1; t < this.tokens; t++) {
        const p = this.slotPlayer[a * this.tokens + t]!;
        if (p < 0) continue;
        const clear = batch.hitTag[n]! < 0 || batch.hitEntity[n] === players.entity[p] || batch.hitDist[n]! >= batch.maxDist[n]! - 1e-3;
        out[(a * this.rowTokens + t) * stride + offset + 8] = clear ? 1 : 0;
        n++;
      }
    }
  }
}

/** Names of the joint token features, in order. */
export const JOINT_FEATURES = ['x', 'y', 'z', 'velX', 'velZ', 'cosYaw', 'sinYaw', 'health', 'alive', 'team'] as const;

/** Configuration of joint (whole-match) tokens. */
export interface JointTokenConfig {
  /** Token slots; player p uses slot p. */
  maxPlayers: number;
  /** Map center (x, y, z) and the half-extent that maps to ±1. */
  center: readonly [number, number, number];
  /** Half-extent of the map in meters: it maps to ±1. */
  halfExtent: number;
  /** m/s that map to 1 (default 5). */
  velocityScale?: number;
  /** Health that maps to 1 (default 100). */
  maxHealth?: number;
}

/** Joint (whole-match) token encoder: one fixed slot per player. */
export class JointTokens {
  /** Token slots. */
  readonly tokens: number;
  /** Features per token written by encode. */
  readonly features = JOINT_FEATURES.length;
  private readonly inv: number;
  private readonly velScale: number;
  private readonly healthScale: number;

  constructor(
    /** The configuration. */
    readonly config: JointTokenConfig,
  ) {
    this.tokens = config.maxPlayers;
    this.inv = 1 / config.halfExtent;
    this.velScale = 1 / (config.velocityScale ?? 5);
    this.healthScale = 1 / (config.maxHealth ?? 100);
  }

  /**
   * Writes an objective token — a point of interest such as the planted bomb — at out[o..): its
   * position in the map frame, no velocity or facing, health 0, alive 1, team -1 (no player's).
   */
  writeObjective(x: number, y: number, z: number, out: Float32Array, o: number): void {
    const c = this.config.center;
    out[o] = (x - c[0]) * this.inv;
    out[o + 1] = (y - c[1]) * this.inv;
    out[o + 2] = (z - c[2]) * this.inv;
    for (let f = 3; f < this.features; f++) out[o + f] = 0;
    out[o + 8] = 1;
    out[o + 9] = -1;
  }

  /** Writes every player's token (slot p at p·stride + offset); mask[p] = 1 for absent or dead players. */
  encode(players: Readonly<PlayerStates>, out: Float32Array, mask: Uint8Array, stride: number, offset = 0): void {
    const cx = this.config.center[0];
    const cy = this.config.center[1];
    const cz = this.config.center[2];
    for (let p = 0; p < this.tokens; p++) {
      const o = p * stride + offset;
      const present = p < players.count && players.alive[p] === 1;
      mask[p] = present ? 0 : 1;
      if (!present) {
        for (let f = 0; f < this.features; f++) out[o + f] = 0;
        continue;
      }
      out[o] = (players.position[3 * p]! - cx) * this.inv;
      out[o + 1] = (players.position[3 * p + 1]! - cy) * this.inv;
      out[o + 2] = (players.position[3 * p + 2]! - cz) * this.inv;
      out[o + 3] = players.velocity[3 * p]! * this.velScale;
      out[o + 4] = players.velocity[3 * p + 2]! * this.velScale;
      out[o + 5] = Math.cos(players.yaw[p]!);
      out[o + 6] = Math.sin(players.yaw[p]!);
      out[o + 7] = players.health[p]! * this.healthScale;
      out[o + 8] = 1;
      out[o + 9] = players.team[p]!;
    }
  }
}
