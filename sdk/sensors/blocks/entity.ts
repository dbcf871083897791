/**
 * The entity block: each player's own state. Egocentric rows write it in the deciding agent's
 * frame (relative position, velocity, health, alive, same team); joint rows in a map-normalised
 * frame shared by every token (position, velocity, facing, health, alive, team). Objective
 * tokens (points of interest such as the planted bomb) reuse it: a position, health 0, alive 1
 * (no player token has both), not an ally (egocentric) or team -1 (joint).
 */
import { TickmindError } from '../../core/errors.js';
import type { EntityBlockJson, FeatureBlockJson, TokenLayoutJson } from '../../core/layout-json.js';
import type { PlayerStates } from '../players.js';
import type { BlockWriter, EncodeContext } from './block.js';

/** Names of the egocentric entity features, in order. */
export const EGOCENTRIC_FEATURES = ['relX', 'relY', 'relLateral', 'velForward', 'velLateral', 'health', 'alive', 'sameTeam'] as const;

/** Names of the joint entity features, in order. */
export const JOINT_FEATURES = ['x', 'y', 'z', 'velX', 'velZ', 'cosYaw', 'sinYaw', 'health', 'alive', 'team'] as const;

/** Scales of the entity block. */
export interface EntityScales {
  /** Egocentric: meters that map to 1 in relative positions (default 20). */
  positionScale?: number;
  /** m/s that map to 1 (default 5). */
  velocityScale?: number;
  /** Health that maps to 1 (default 100). */
  maxHealth?: number;
}

/** The entity block's JSON for a mode, at offset 0. */
export function entityBlock(mode: 'joint' | 'egocentric', scales: EntityScales = {}): EntityBlockJson {
  const names = mode === 'joint' ? [...JOINT_FEATURES] : [...EGOCENTRIC_FEATURES];
  return {
    kind: 'entity',
    scope: 'all',
    offset: 0,
    width: names.length,
    names,
    ...(mode === 'egocentric' ? { positionScale: scales.positionScale ?? 20 } : {}),
    velocityScale: scales.velocityScale ?? 5,
    maxHealth: scales.maxHealth ?? 100,
  };
}

/** The writer of an entity block. */
export function entityWriter(json: FeatureBlockJson, layout: Readonly<TokenLayoutJson>): BlockWriter {
  const block = json as EntityBlockJson;
  const want = layout.mode === 'joint' ? JOINT_FEATURES : EGOCENTRIC_FEATURES;
  if (block.names.join(',') !== want.join(','))
    throw new TickmindError(
      'MODEL_INVALID',
      `entity features [${block.names.join(', ')}] are not the ${layout.mode} features this SDK writes [${want.join(', ')}]`,
      { field: 'observation.entity.names' },
    );
  if (block.scope !== 'all')
    throw new TickmindError('MODEL_INVALID', "the entity block's scope must be 'all'", { field: 'observation.entity.scope' });
  return layout.mode === 'joint' ? new JointEntity(block, layout) : new EgocentricEntity(block);
}

class EgocentricEntity implements BlockWriter {
  readonly scope = 'all' as const;
  readonly offset: number;
  readonly width: number;
  private readonly pos: number;
  private readonly vel: number;
  private readonly hp: number;

  constructor(readonly json: EntityBlockJson) {
    this.offset = json.offset;
    this.width = json.width;
    this.pos = 1 / (json.positionScale ?? 20);
    this.vel = 1 / json.velocityScale;
    this.hp = 1 / json.maxHealth;
  }

  player(ctx: EncodeContext, self: number, p: number, out: Float32Array, o: number): void {
    const players = ctx.players;
    const yaw = players.yaw[self]!;
    const c = Math.cos(yaw);
    const s = Math.sin(yaw);
    const dx = players.position[3 * p]! - players.position[3 * self]!;
    const dy = players.position[3 * p + 1]! - players.position[3 * self + 1]!;
    const dz = players.position[3 * p + 2]! - players.position[3 * self + 2]!;
    const vx = players.velocity[3 * p]!;
    const vz = players.velocity[3 * p + 2]!;
    out[o] = (c * dx + s * dz) * this.pos;
    out[o + 1] = dy * this.pos;
    out[o + 2] = (-s * dx + c * dz) * this.pos;
    out[o + 3] = (c * vx + s * vz) * this.vel;
    out[o + 4] = (-s * vx + c * vz) * this.vel;
    out[o + 5] = players.health[p]! * this.hp;
    out[o + 6] = players.alive[p]!;
    out[o + 7] = players.team[p] === players.team[self] ? 1 : 0;
  }

  objective(ctx: EncodeContext, self: number, k: number, out: Float32Array, o: number): void {
    const players: Readonly<PlayerStates> = ctx.players;
    const at = ctx.sources.objectives!;
    const yaw = players.yaw[self]!;
    const c = Math.cos(yaw);
    const s = Math.sin(yaw);
    const dx = at[3 * k]! - players.position[3 * self]!;
    const dy = at[3 * k + 1]! - players.position[3 * self + 1]!;
    const dz = at[3 * k + 2]! - players.position[3 * self + 2]!;
    out[o] = (c * dx + s * dz) * this.pos;
    out[o + 1] = dy * this.pos;
    out[o + 2] = (-s * dx + c * dz) * this.pos;
    out[o + 6] = 1;
  }
}

class JointEntity implements BlockWriter {
  readonly scope = 'all' as const;
  readonly offset: number;
  readonly width: number;
  private readonly cx: number;
  private readonly cy: number;
  private readonly cz: number;
  private readonly inv: number;
  private readonly vel: number;
  private readonly hp: number;

  constructor(
    readonly json: EntityBlockJson,
    layout: Readonly<TokenLayoutJson>,
  ) {
    this.offset = json.offset;
    this.width = json.width;
    const c = layout.center ?? [0, 0, 0];
    this.cx = c[0];
    this.cy = c[1];
    this.cz = c[2];
    this.inv = 1 / (layout.halfExtent ?? 50);
    this.vel = 1 / json.velocityScale;
    this.hp = 1 / json.maxHealth;
  }

  player(ctx: EncodeContext, _self: number, p: number, out: Float32Array, o: number): void {
    const players = ctx.players;
    out[o] = (players.position[3 * p]! - this.cx) * this.inv;
    out[o + 1] = (players.position[3 * p + 1]! - this.cy) * this.inv;
    out[o + 2] = (players.position[3 * p + 2]! - this.cz) * this.inv;
    out[o + 3] = players.velocity[3 * p]! * this.vel;
    out[o + 4] = players.velocity[3 * p + 2]! * this.vel;
    out[o + 5] = Math.cos(players.yaw[p]!);
    out[o + 6] = Math.sin(players.yaw[p]!);
    out[o + 7] = players.health[p]! * this.hp;
    out[o + 8] = 1;
    out[o + 9] = players.team[p]!;
  }

  objective(ctx: EncodeContext, _self: number, k: number, out: Float32Array, o: number): void {
    const at = ctx.sources.objectives!;
    out[o] = (at[3 * k]! - this.cx) * this.inv;
    out[o + 1] = (at[3 * k + 1]! - this.cy) * this.inv;
    out[o + 2] = (at[3 * k + 2]! - this.cz) * this.inv;
    out[o + 8] = 1;
    out[o + 9] = -1;
  }
}
