/**
 * The token layout: the one definition of what a token policy sees. A row is `playerTokens`
 * player tokens then `objectives` objective tokens; a token is the concatenation of the feature
 * blocks (entity, line of sight, waypoint, rays — each with its scope). Egocentric rows (one per
 * deciding agent) put the agent on token 0, then its nearest allies and enemies, each group
 * sorted by distance (alive players only; ties by player index); joint rows (one per match) put
 * player p on token p. Absent or dead players are zero tokens, masked (mask byte 1).
 *
 * `toJSON()` is what policy specs, datasets and trainers store; `fromJSON` reads it back
 * (version 1 upgraded). Encoding allocates nothing once `reserve` has sized the scratch.
 */
import { TickmindError } from '../core/errors.js';
import { type FeatureBlockJson, type RaysBlockJson, TOKEN_LAYOUT_VERSION, type TokenLayoutJson } from '../core/layout-json.js';
import { type LayoutSource, parseTokenLayout } from '../core/layout-parse.js';
import type { BlockFactory, BlockWriter, EncodeContext, TokenSources } from './blocks/block.js';
import { type EntityScales, entityBlock, entityWriter } from './blocks/entity.js';
import { type LineOfSightConfig, lineOfSightBlock, lineOfSightWriter, queueSight } from './blocks/line-of-sight.js';
import { raySensorOf, raysBlock, raysWriter } from './blocks/rays.js';
import { waypointBlock, waypointWriter } from './blocks/waypoint.js';
import type { PlayerStates } from './players.js';
import { RaySensor, type RaySensorConfig } from './ray-sensor.js';

/** The writer of each built-in block kind. Adding a block: its JSON type (core) and its writer here. */
const WRITERS: Record<FeatureBlockJson['kind'], BlockFactory> = {
  entity: entityWriter,
  lineOfSight: lineOfSightWriter,
  waypoint: waypointWriter,
  rays: raysWriter,
};

/** What to build a layout from ({@link TokenLayout.create}). */
export interface TokenLayoutConfig extends EntityScales {
  /** Egocentric rows per deciding agent, or one joint row per match. */
  mode: 'joint' | 'egocentric';
  /** Egocentric: ally slots (default 4). */
  maxAllies?: number;
  /** Egocentric: enemy slots (default 5). */
  maxEnemies?: number;
  /** Joint: player tokens (default 10). */
  playerTokens?: number;
  /** Joint: centre of the map-normalised frame (default origin). */
  center?: readonly [number, number, number];
  /** Joint: meters from the centre that map to ±1 (default 50). */
  halfExtent?: number;
  /** Objective tokens after the players' (default 0). */
  objectives?: number;
  /** A line-of-sight block (cast through the world's caster); absent or null for none. */
  lineOfSight?: LineOfSightConfig | null;
  /** A waypoint block (default false). */
  waypoints?: boolean;
  /** A rays block from this sensor; absent or null for none. */
  rays?: RaySensor | RaySensorConfig | null;
}

/** The one definition of a token policy's observation (see the module comment). */
export class TokenLayout {
  /** Egocentric or joint rows. */
  readonly mode: 'joint' | 'egocentric';
  /** Tokens per row. */
  readonly tokens: number;
  /** Player tokens per row. */
  readonly playerTokens: number;
  /** Objective tokens per row, after the players'. */
  readonly objectives: number;
  /** Floats per token. */
  readonly featuresPerToken: number;
  /** Floats per row. */
  readonly rowFloats: number;
  /** The block writers, in token order. */
  readonly blocks: readonly BlockWriter[];
  /** Names of every float of a token before the rays. */
  readonly entityFeatures: readonly string[];
  /** Egocentric: ally slots. */
  readonly maxAllies: number;
  /** Egocentric: enemy slots. */
  readonly maxEnemies: number;
  /** Egocentric: player index per (row, player token), -1 for an empty slot (after an encode). */
  slotPlayer = new Int32Array(0);
  private readonly json: TokenLayoutJson;
  private readonly ctx: EncodeContext;
  /** The line-of-sight block, if any (looked up once: the sense phase asks every tick). */
  private readonly sight: BlockWriter | undefined;
  private order = new Int32Array(0);
  private dist = new Float64Array(0);
  private selectedRows = new Int32Array(0);
  private selectedCount = -1;
  private selectedStamp = Number.NaN;

  private constructor(json: TokenLayoutJson) {
    this.json = json;
    this.mode = json.mode;
    this.tokens = json.tokens;
    this.playerTokens = json.playerTokens;
    this.objectives = json.objectives;
    this.featuresPerToken = json.featuresPerToken;
    this.rowFloats = json.tokens * json.featuresPerToken;
    this.entityFeatures = json.entityFeatures;
    this.maxAllies = json.maxAllies ?? 0;
    this.maxEnemies = json.maxEnemies ?? 0;
    this.blocks = json.blocks.map((b) => WRITERS[b.kind](b, json));
    this.sight = this.blocks.find((b) => b.json.kind === 'lineOfSight');
    const empty: TokenSources = { rayStride: 0, objectiveCount: 0, stamp: 0 };
    this.ctx = {
      players: undefined as unknown as PlayerStates,
      sources: empty,
      rows: new Int32Array(0),
      rowCount: 0,
      slotPlayer: this.slotPlayer,
      playerTokens: this.playerTokens,
    };
  }

  /** Builds a layout from its parts, the built-in blocks in their order: entity, line of sight, waypoint, rays. */
  static create(config: TokenLayoutConfig): TokenLayout {
    const mode = config.mode;
    const blocks: FeatureBlockJson[] = [entityBlock(mode, config)];
    if (config.lineOfSight !== undefined && config.lineOfSight !== null) blocks.push(lineOfSightBlock(mode, config.lineOfSight));
    if (config.waypoints === true) blocks.push(waypointBlock(mode));
    if (config.rays !== undefined && config.rays !== null) {
      const sensor = config.rays instanceof RaySensor ? config.rays : new RaySensor(config.rays);
      blocks.push(raysBlock(sensor, mode));
    }
    let offset = 0;
    for (const b of blocks) {
      b.offset = offset;
      offset += b.width;
    }
    const objectives = config.objectives ?? 0;
    const maxAllies = config.maxAllies ?? 4;
    const maxEnemies = config.maxEnemies ?? 5;
    const playerTokens = mode === 'egocentric' ? 1 + maxAllies + maxEnemies : (config.playerTokens ?? 10);
    const raw = {
      version: TOKEN_LAYOUT_VERSION,
      mode,
      tokens: playerTokens + objectives,
      playerTokens,
      objectives,
      featuresPerToken: offset,
      stack: 1,
      ...(mode === 'egocentric'
        ? { maxAllies, maxEnemies }
        : { center: [...(config.center ?? [0, 0, 0])], halfExtent: config.halfExtent ?? 50 }),
      blocks,
    };
    return TokenLayout.fromJSON(raw, { code: 'INVALID_ARGUMENT', path: 'layout' });
  }

  /** Reads a layout (validated; version 1 upgraded; `mode` from a version-1 policy spec). */
  static fromJSON(raw: unknown, source: LayoutSource = {}, mode?: string): TokenLayout {
    const json = parseTokenLayout(raw, source, mode);
    try {
      return new TokenLayout(json);
    } catch (err) {
      throw err instanceof TickmindError && source.file !== undefined ? err.withFile(source.file) : err;
    }
  }

  /** The layout as JSON (a fresh copy): what specs, datasets and trainers store. */
  toJSON(): TokenLayoutJson {
    return structuredClone(this.json);
  }

  /** The block of a kind, if the layout has one. */
  block(kind: FeatureBlockJson['kind']): BlockWriter | undefined {
    return this.blocks.find((b) => b.json.kind === kind);
  }

  /** The ray sensor the rays block reads (undefined without one; throws for a version-1 layout). */
  sensor(file?: string): RaySensor | undefined {
    const rays = this.json.blocks.find((b): b is RaysBlockJson => b.kind === 'rays');
    return rays === undefined ? undefined : raySensorOf(rays, file);
  }

  /** Why `sources` cannot feed this layout (the first block that lacks something), or undefined. */
  missing(sources: Readonly<TokenSources>): string | undefined {
    for (const b of this.blocks) {
      const why = b.missing?.(sources);
      if (why !== undefined) return why;
    }
    return undefined;
  }

  /** Sizes the scratch for `players` players and `rows` egocentric rows (call when the roster grows). */
  reserve(players: number, rows: number): void {
    if (this.order.length < players) {
      this.order = new Int32Array(players);
      this.dist = new Float64Array(players);
    }
    if (this.selectedRows.length < rows) {
      this.slotPlayer = new Int32Array(rows * this.playerTokens);
      this.selectedRows = new Int32Array(rows);
      this.ctx.slotPlayer = this.slotPlayer;
      this.selectedCount = -1;
    }
  }

  /**
   * Egocentric: one row per agent (player indices `rows[0..n)`) into out (row i at i · rowFloats)
   * and mask (row i at i · tokens); the rows are zeroed first.
   */
  encodeAgents(
    players: Readonly<PlayerStates>,
    sources: TokenSources,
    rows: Int32Array,
    n: number,
    out: Float32Array,
    mask: Uint8Array,
  ): void {
    if (this.mode !== 'egocentric')
      throw new TickmindError('INVALID_ARGUMENT', 'encodeAgents is for egocentric layouts', { field: 'mode' });
    const ctx = this.context(players, sources, rows, n);
    // Indexed loops: this runs per row and token every tick, and a for-of iterator the optimizer
    // does not remove is an allocation each time.
    const blocks = this.blocks;
    for (let i = 0; i < blocks.length; i++) blocks[i]!.prepare?.(ctx);
    out.fill(0, 0, n * this.rowFloats);
    const T = this.playerTokens;
    const F = this.featuresPerToken;
    for (let a = 0; a < n; a++) {
      const self = rows[a]!;
      const row = a * this.rowFloats;
      for (let t = 0; t < T; t++) {
        const p = this.slotPlayer[a * T + t]!;
        mask[a * this.tokens + t] = p < 0 ? 1 : 0;
        if (p < 0) continue;
        const o = row + t * F;
        for (let i = 0; i < blocks.length; i++) {
          const b = blocks[i]!;
          if (b.scope !== 'self' || t === 0) b.player(ctx, self, p, out, o + b.offset);
        }
      }
      this.writeObjectives(ctx, self, out, mask, row, a * this.tokens);
    }
  }

  /** Joint: the match's one row (player p on token p) into out and mask. */
  encodeMatch(players: Readonly<PlayerStates>, sources: TokenSources, out: Float32Array, mask: Uint8Array): void {
    if (this.mode !== 'joint') throw new TickmindError('INVALID_ARGUMENT', 'encodeMatch is for joint layouts', { field: 'mode' });
    const ctx = this.context(players, sources, this.selectedRows, 0);
    const blocks = this.blocks;
    for (let i = 0; i < blocks.length; i++) blocks[i]!.prepare?.(ctx);
    out.fill(0, 0, this.rowFloats);
    const F = this.featuresPerToken;
    for (let p = 0; p < this.playerTokens; p++) {
      const present = p < players.count && players.alive[p] === 1;
      mask[p] = present ? 0 : 1;
      if (!present) continue;
      for (let i = 0; i < blocks.length; i++) blocks[i]!.player(ctx, -1, p, out, p * F + blocks[i]!.offset);
    }
    this.writeObjectives(ctx, -1, out, mask, 0, 0);
  }

  /**
   * Queues the line-of-sight pairs the rows will read in `sources.sight`, without casting (a
   * world's sense phase casts every reader's pairs in one batch). Egocentric: `rows[0..n)` are
   * the rows' players; joint: every live pair of opponents.
   */
  queueSight(players: Readonly<PlayerStates>, sources: TokenSources, rows: Int32Array, n: number): void {
    if (this.sight === undefined || sources.sight === undefined) return;
    queueSight(this.sight, this.context(players, sources, rows, n));
  }

  private context(players: Readonly<PlayerStates>, sources: TokenSources, rows: Int32Array, n: number): EncodeContext {
    const ctx = this.ctx;
    ctx.players = players;
    ctx.sources = sources;
    ctx.rows = rows;
    ctx.rowCount = n;
    if (this.mode === 'egocentric') this.select(players, rows, n, sources.stamp);
    return ctx;
  }

  private writeObjectives(ctx: EncodeContext, self: number, out: Float32Array, mask: Uint8Array, row: number, maskRow: number): void {
    const objectives = ctx.sources.objectives;
    const entity = this.blocks[0]!;
    for (let k = 0; k < this.objectives; k++) {
      const t = this.playerTokens + k;
      const live = objectives !== undefined && k < ctx.sources.objectiveCount;
      mask[maskRow + t] = live ? 0 : 1;
      if (!live) continue;
      const o = row + t * this.featuresPerToken + entity.offset;
      entity.objective?.(ctx, self, k, out, o);
    }
  }

  /** Egocentric slots of every row: self, nearest allies, nearest enemies (kept while stamp and rows are unchanged). */
  private select(players: Readonly<PlayerStates>, rows: Int32Array, n: number, stamp: number): void {
    this.reserve(players.count, n);
    let same = stamp === this.selectedStamp && n === this.selectedCount;
    for (let a = 0; same && a < n; a++) same = this.selectedRows[a] === rows[a];
    if (same) return;
    for (let a = 0; a < n; a++) {
      this.selectedRows[a] = rows[a]!;
      this.selectRow(players, rows[a]!, a);
    }
    this.selectedCount = n;
    this.selectedStamp = stamp;
  }

  private selectRow(players: Readonly<PlayerStates>, self: number, a: number): void {
    const T = this.playerTokens;
    const base = a * T;
    this.slotPlayer.fill(-1, base, base + T);
    this.slotPlayer[base] = self;
    const sx = players.position[3 * self]!;
    const sy = players.position[3 * self + 1]!;
    const sz = players.position[3 * self + 2]!;
    const team = players.team[self]!;
    for (let group = 0; group < 2; group++) {
      const enemies = group === 1;
      const first = enemies ? 1 + this.maxAllies : 1;
      const slots = enemies ? this.maxEnemies : this.maxAllies;
      if (slots === 0) continue;
      // The `slots` nearest, sorted by distance (ties by player index: deterministic): a bounded
      // insertion sort, so a row costs O(players · slots), not O(players²) as a full sort did.
      let n = 0;
      for (let p = 0; p < players.count; p++) {
        if (p === self || players.alive[p] === 0 || (players.team[p] !== team) !== enemies) continue;
        const dx = players.position[3 * p]! - sx;
        const dy = players.position[3 * p + 1]! - sy;
        const dz = players.position[3 * p + 2]! - sz;
        const d = dx * dx + dy * dy + dz * dz;
        // Full: only strictly nearer than the last kept enters (an equal one came later, so sorts after it).
        if (n === slots && !(this.dist[n - 1]! > d)) continue;
        let j = n < slots ? n++ : n - 1;
        while (j > 0 && this.dist[j - 1]! > d) {
          this.dist[j] = this.dist[j - 1]!;
          this.order[j] = this.order[j - 1]!;
          j--;
        }
        this.dist[j] = d;
        this.order[j] = p;
      }
      for (let k = 0; k < n; k++) this.slotPlayer[base + first + k] = this.order[k]!;
    }
  }
}
