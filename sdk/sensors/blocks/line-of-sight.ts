/**
 * The line-of-sight block, cast eye to eye through the game's caster (never a constant: a world
 * without a caster cannot feed it). Egocentric rows: `lineOfSight` on every player token —
 * whether the deciding agent sees that player (1 on its own token). Joint rows: `enemyInSight`
 * on every player token — whether that player sees a live enemy. Beyond `maxDistance` nobody is
 * in sight. The pairs a call needs are queued in the sight table and cast in one batch, so a
 * world that already cast them this tick (its sense phase) casts nothing here.
 */
import { TickmindError } from '../../core/errors.js';
import type { FeatureBlockJson, LineOfSightBlockJson, TokenLayoutJson } from '../../core/layout-json.js';
import type { PlayerStates } from '../players.js';
import type { BlockWriter, EncodeContext, TokenSources } from './block.js';

/** The feature's name per mode. */
export const LINE_OF_SIGHT_FEATURES: Readonly<Record<'egocentric' | 'joint', readonly string[]>> = {
  egocentric: ['lineOfSight'],
  joint: ['enemyInSight'],
};

/** Parameters of the block. */
export interface LineOfSightConfig {
  /** Eye height above the feet, m (default 1.6). */
  eyeHeight?: number;
  /** Nobody farther than this is in sight, m (default 100). */
  maxDistance?: number;
}

/** The block's JSON for a mode (offset set by the layout). */
export function lineOfSightBlock(mode: 'joint' | 'egocentric', config: LineOfSightConfig = {}): LineOfSightBlockJson {
  const names = [...LINE_OF_SIGHT_FEATURES[mode]];
  return {
    kind: 'lineOfSight',
    scope: 'players',
    offset: 0,
    width: 1,
    names,
    eyeHeight: config.eyeHeight ?? 1.6,
    maxDistance: config.maxDistance ?? 100,
  };
}

/** The writer of a line-of-sight block. */
export function lineOfSightWriter(json: FeatureBlockJson, layout: Readonly<TokenLayoutJson>): BlockWriter {
  const block = json as LineOfSightBlockJson;
  const want = LINE_OF_SIGHT_FEATURES[layout.mode];
  if (block.names.join(',') !== want.join(',') || block.scope !== 'players')
    throw new TickmindError(
      'MODEL_INVALID',
      `a ${layout.mode} line-of-sight block is [${want.join(', ')}] on every player token (scope 'players')`,
      { field: 'observation.lineOfSight' },
    );
  return layout.mode === 'joint' ? new JointSight(block) : new EgocentricSight(block);
}

abstract class SightBlock implements BlockWriter {
  readonly scope = 'players' as const;
  readonly offset: number;
  readonly width = 1;
  protected readonly maxD2: number;

  constructor(readonly json: LineOfSightBlockJson) {
    this.offset = json.offset;
    this.maxD2 = json.maxDistance * json.maxDistance;
  }

  missing(sources: Readonly<TokenSources>): string | undefined {
    if (sources.caster === undefined || sources.sight === undefined)
      return 'line of sight needs a ray caster (give the world a caster; the block is never filled with a constant)';
    if (Math.abs(sources.sight.eyeHeight - this.json.eyeHeight) > 1e-6)
      return `line of sight is cast at eye height ${sources.sight.eyeHeight} m, the block says ${this.json.eyeHeight} m`;
    return undefined;
  }

  protected near(players: Readonly<PlayerStates>, a: number, b: number): boolean {
    const p = players.position;
    const dx = p[3 * b]! - p[3 * a]!;
    const dy = p[3 * b + 1]! - p[3 * a + 1]!;
    const dz = p[3 * b + 2]! - p[3 * a + 2]!;
    return dx * dx + dy * dy + dz * dz <= this.maxD2;
  }

  /** Queues the pairs this call reads, then casts them (nothing when all are known this tick). */
  prepare(ctx: EncodeContext): void {
    const sight = ctx.sources.sight;
    const caster = ctx.sources.caster;
    if (sight === undefined || caster === undefined)
      throw new TickmindError('SHAPE_MISMATCH', 'line of sight needs a ray caster and a sight table', { field: 'observation.lineOfSight' });
    sight.begin(ctx.players, ctx.sources.stamp);
    this.queue(ctx);
    sight.resolve(ctx.players, caster);
  }

  /** Queues the pairs the rows of `ctx` read (the sight table has begun for them). */
  abstract queue(ctx: EncodeContext): void;
  abstract player(ctx: EncodeContext, self: number, p: number, out: Float32Array, o: number): void;
}

class EgocentricSight extends SightBlock {
  /** Queues every (row player, slot player) pair within range. */
  queue(ctx: EncodeContext): void {
    const sight = ctx.sources.sight!;
    const T = ctx.playerTokens;
    for (let a = 0; a < ctx.rowCount; a++) {
      const self = ctx.rows[a]!;
      for (let t = 1; t < T; t++) {
        const p = ctx.slotPlayer[a * T + t]!;
        if (p >= 0 && this.near(ctx.players, self, p)) sight.request(self, p);
      }
    }
  }

  player(ctx: EncodeContext, self: number, p: number, out: Float32Array, o: number): void {
    out[o] = p === self || (this.near(ctx.players, self, p) && ctx.sources.sight!.visible(self, p)) ? 1 : 0;
  }
}

class JointSight extends SightBlock {
  /** Queues every pair of live opponents within range. */
  queue(ctx: EncodeContext): void {
    const sight = ctx.sources.sight!;
    const players = ctx.players;
    for (let a = 0; a < players.count; a++) {
      if (players.alive[a] !== 1) continue;
      for (let b = a + 1; b < players.count; b++)
        if (players.alive[b] === 1 && players.team[a] !== players.team[b] && this.near(players, a, b)) sight.request(a, b);
    }
  }

  player(ctx: EncodeContext, _self: number, p: number, out: Float32Array, o: number): void {
    const players = ctx.players;
    const sight = ctx.sources.sight!;
    for (let q = 0; q < players.count; q++) {
      if (players.alive[q] !== 1 || players.team[q] === players.team[p] || !this.near(players, p, q)) continue;
      if (sight.visible(p, q)) {
        out[o] = 1;
        return;
      }
    }
    out[o] = 0;
  }
}

/**
 * Queues the pairs a layout's line-of-sight block will read for these rows without casting (a
 * world's sense phase queues every reader's pairs, then casts them in one batch).
 */
export function queueSight(block: BlockWriter, ctx: EncodeContext): void {
  const sight = ctx.sources.sight;
  if (!(block instanceof SightBlock) || sight === undefined) return;
  sight.begin(ctx.players, ctx.sources.stamp);
  block.queue(ctx);
}
