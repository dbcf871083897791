/**
 * What a feature block writer is: one slice of every token it covers (its scope), written from
 * the encode context — the gathered players, the game's per-entity sources and, for egocentric
 * rows, which player sits in which slot. A layout is an ordered list of these.
 */
import type { FeatureBlockJson, TokenLayoutJson, TokenScope } from '../../core/layout-json.js';
import type { PlayerStates } from '../players.js';
import type { RayCaster } from '../ray-caster.js';
import type { SightTable } from '../sight.js';

/** Per-entity navigation intent, as the ECS `Waypoint` component stores it. */
export interface WaypointSource {
  /** Next waypoint x, m. */
  x: Float32Array;
  /** Floor height the route reaches next, m. */
  y: Float32Array;
  /** Next waypoint z, m. */
  z: Float32Array;
  /** Distance to the goal, m. */
  goalDistance: Float32Array;
  /** 1 when the game set a waypoint for the entity. */
  active: Uint8Array;
}

/** What the blocks read besides the player table; the ECS fills it from a world. */
export interface TokenSources {
  /** Ray readings by entity: entity e's row starts at e · rayStride (what a RaySensor encodes). */
  rays?: Float32Array;
  /** Floats between two entities' ray rows. */
  rayStride: number;
  /** Waypoints by entity. */
  waypoints?: WaypointSource;
  /** Pairwise line of sight (the line-of-sight block queues and reads pairs here). */
  sight?: SightTable;
  /** The caster line of sight is cast through. */
  caster?: RayCaster;
  /** Objective positions, xyz each; the first `objectiveCount` are live. */
  objectives?: Float32Array;
  /** Live objectives. */
  objectiveCount: number;
  /** When the positions were read (e.g. the world tick): line-of-sight answers are kept per stamp. */
  stamp: number;
}

/** One encode call's state, shared by the blocks. */
export interface EncodeContext {
  /** The players. */
  players: Readonly<PlayerStates>;
  /** The game's sources. */
  sources: TokenSources;
  /** Egocentric: the deciding player of each row (first rowCount). */
  rows: Int32Array;
  /** Rows in this call (1 for a joint row). */
  rowCount: number;
  /** Egocentric: player index per (row, player token); -1 for an empty slot. */
  slotPlayer: Int32Array;
  /** Player tokens per row. */
  playerTokens: number;
}

/** A block writer (see the module comment). */
export interface BlockWriter {
  /** The block's JSON (kind, scope, offset, width, names, parameters). */
  readonly json: FeatureBlockJson;
  /** Tokens that carry it. */
  readonly scope: TokenScope;
  /** First float inside a token. */
  readonly offset: number;
  /** Floats. */
  readonly width: number;
  /** Called once per encode call, before any token is written (line of sight casts here). */
  prepare?(ctx: EncodeContext): void;
  /** Writes the block of player p, seen by row player `self` (-1 in a joint row), at out[o..o+width). The row was zeroed. */
  player(ctx: EncodeContext, self: number, p: number, out: Float32Array, o: number): void;
  /**
   * Writes the block of objective `k` (its position at `3k` in `ctx.sources.objectives`) for row
   * player `self` (-1 joint); only blocks of scope `all`. The index, not the coordinates, crosses
   * the call: V8 boxes float arguments of a call it does not inline into fresh heap numbers,
   * which would allocate on every tick.
   */
  objective?(ctx: EncodeContext, self: number, k: number, out: Float32Array, o: number): void;
  /** Why `sources` cannot feed this block, or undefined when they can. */
  missing?(sources: Readonly<TokenSources>): string | undefined;
}

/** Builds a writer from its JSON (already structurally valid) and the layout it belongs to. */
export type BlockFactory = (json: FeatureBlockJson, layout: Readonly<TokenLayoutJson>) => BlockWriter;
