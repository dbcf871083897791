/**
 * What a token policy sees, built from a world by a `TokenLayout`: the world's player table, its
 * sensors' ray rows, its `Waypoint` component, its sight table and objectives are the layout's
 * sources; the layout's blocks write the tokens. Shared by the policy decider and the recorder,
 * so recorded observations are exactly the policy's. Checked against the world when built (a
 * layout the world cannot feed is a SHAPE_MISMATCH naming the path); encoding allocates nothing.
 */
import type { TokenLayoutJson } from '../core/layout-json.js';
import { TokenLayout, type TokenSources } from '../sensors/index.js';
import { type AiWorld, gatherPlayers } from './world.js';
import { checkLayoutAgainstWorld, type LayoutFrame, withFrame } from './world-layout.js';

/** Options of {@link TokenObservations}. */
export interface TokenObservationOptions extends LayoutFrame {
  /** Index of the world sensor whose rays fill the rays block (default 0). */
  sensor?: number;
  /** Named in errors (the policy's file). */
  file?: string;
}

/** Token observations of a world's agents (see the module comment). */
export class TokenObservations {
  /** The layout (with the frame options applied). */
  readonly layout: TokenLayout;
  /** What the blocks read; its stamp and objective count follow the world at each encode. */
  readonly sources: TokenSources;
  private readonly rows: Int32Array;

  constructor(
    private readonly world: AiWorld,
    layout: TokenLayout | TokenLayoutJson,
    options: TokenObservationOptions = {},
  ) {
    const json = withFrame(layout instanceof TokenLayout ? layout.toJSON() : layout, options);
    checkLayoutAgainstWorld(world, json, options);
    this.layout = TokenLayout.fromJSON(json, options.file !== undefined ? { file: options.file } : {});
    const sensor = world.sensors[options.sensor ?? 0];
    this.sources = {
      rayStride: world.obsStride,
      waypoints: world.c.Waypoint,
      objectives: world.objectives,
      objectiveCount: 0,
      stamp: world.tick,
      ...(sensor !== undefined ? { rays: world.observations } : {}),
      ...(world.sight !== undefined && world.caster !== undefined ? { sight: world.sight, caster: world.caster } : {}),
    };
    this.rows = new Int32Array(world.capacity);
    this.layout.reserve(world.capacity, world.capacity);
  }

  /** Egocentric or joint. */
  get mode(): 'joint' | 'egocentric' {
    return this.layout.mode;
  }

  /** Tokens per row. */
  get tokens(): number {
    return this.layout.tokens;
  }

  /** Player tokens per row. */
  get playerTokens(): number {
    return this.layout.playerTokens;
  }

  /** Objective tokens per row. */
  get objectives(): number {
    return this.layout.objectives;
  }

  /** Floats per token. */
  get featuresPerToken(): number {
    return this.layout.featuresPerToken;
  }

  /** Floats per row. */
  get rowFloats(): number {
    return this.layout.rowFloats;
  }

  /** Names of the floats before the rays. */
  get entityFeatures(): readonly string[] {
    return this.layout.entityFeatures;
  }

  /** The world's player table (after {@link gather}). */
  get players(): AiWorld['players'] {
    return this.world.players;
  }

  /** Player index of each entity (after {@link gather}). */
  get playerOf(): Int32Array {
    return this.world.playerOf;
  }

  /** Copies every live agent into the world's player table. Call once per tick before encoding. */
  gather(): void {
    gatherPlayers(this.world);
    this.sources.objectiveCount = this.world.objectiveCount;
    this.sources.stamp = this.world.tick;
  }

  /**
   * Egocentric: one row per agent (entities agents[first .. first + n)) into out (row i at
   * i · rowFloats) and mask (row i at i · tokens). Call {@link gather} first.
   */
  encodeAgents(agents: Int32Array, n: number, out: Float32Array, mask: Uint8Array, first = 0): void {
    this.toRows(agents, n, first);
    this.layout.encodeAgents(this.world.players, this.sources, this.rows, n, out, mask);
  }

  /** Joint: the match's one row (player p's token at p · featuresPerToken) into out and mask. Call {@link gather} first. */
  encodeMatch(out: Float32Array, mask: Uint8Array): void {
    this.layout.encodeMatch(this.world.players, this.sources, out, mask);
  }

  /** Queues the line-of-sight pairs these agents' rows will read (the sense phase casts them). Call {@link gather} first. */
  queueSight(agents: Int32Array, n: number): void {
    this.toRows(agents, n);
    this.layout.queueSight(this.world.players, this.sources, this.rows, n);
  }

  private toRows(agents: Int32Array, n: number, first = 0): void {
    const playerOf = this.world.playerOf;
    for (let i = 0; i < n; i++) this.rows[i] = playerOf[agents[first + i]!]!;
  }
}
