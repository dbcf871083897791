/**
 * The token layout as data: the JSON a policy spec (`observation`), a dataset (`extra.observation`)
 * and the trainers read. It says everything a game must feed a token policy: how rows are built
 * (egocentric rows per agent or one joint row per match), how many player and objective tokens,
 * and the ordered feature blocks of every token — each with its names, width, offset, which tokens
 * carry it (scope) and the parameters its writer uses (scales, the ray sensor, line of sight).
 * The writers themselves are in `tickmind/sensors` (`TokenLayout`); this module holds the types
 * and compares layouts, `layout-parse.ts` parses and upgrades them (version 1), so layers that may
 * not import sensors can read them.
 */

/** The layout format this SDK writes. */
export const TOKEN_LAYOUT_VERSION = 2;

/** ML-Agents-style horizontal fan: 2·raysPerDirection + 1 rays spread over ±maxDegrees. */
export interface FanLayout {
  /** Layout discriminator. */
  kind: 'fan';
  /** Rays on each side of the center ray. */
  raysPerDirection: number;
  /** Angle of the outermost rays from forward, in degrees. */
  maxDegrees: number;
}

/** The fan repeated at several elevations (degrees, positive up). */
export interface LayersLayout {
  /** Layout discriminator. */
  kind: 'layers';
  /** Rays on each side of the center ray. */
  raysPerDirection: number;
  /** Angle of the outermost rays from forward, in degrees. */
  maxDegrees: number;
  /** Elevation of each layer, degrees (positive up). */
  elevationsDegrees: readonly number[];
}

/**
 * A cols × rows grid over a horizontal and vertical field of view. foveation ≥ 1 packs rays
 * toward the view center: a ray at normalized offset u ∈ [-1, 1] points at sign(u)·|u|^foveation
 * of the half field of view (1 = uniform).
 */
export interface GridLayout {
  /** Layout discriminator. */
  kind: 'grid';
  /** Rays per row. */
  cols: number;
  /** Rows. */
  rows: number;
  /** Full horizontal field of view, degrees. */
  horizontalFovDegrees: number;
  /** Full vertical field of view, degrees. */
  verticalFovDegrees: number;
  /** Center density exponent (default 1, uniform). */
  foveation?: number;
}

/** Every supported ray layout. */
export type RayLayout = FanLayout | LayersLayout | GridLayout;

/**
 * Which tokens of a row carry a block: `self` the deciding agent's own token (egocentric rows
 * only), `players` every player token, `all` every token (players and objectives).
 */
export type TokenScope = 'self' | 'players' | 'all';

/** What every feature block has. */
export interface BlockBase {
  /** Scope: which tokens carry the block (the others hold zeros there). */
  scope: TokenScope;
  /** First float of the block inside a token. */
  offset: number;
  /** Floats in the block. */
  width: number;
  /** One name per float, in order. */
  names: string[];
}

/** The player's (or objective's) own state: position, velocity, health, … in the row's frame. */
export interface EntityBlockJson extends BlockBase {
  /** Block kind. */
  kind: 'entity';
  /** Egocentric rows: meters that map to 1 in relative positions. */
  positionScale?: number;
  /** m/s that map to 1. */
  velocityScale: number;
  /** Health that maps to 1. */
  maxHealth: number;
}

/**
 * Line of sight, cast eye to eye through the game's ray caster: egocentric rows, whether the
 * deciding agent sees each player (`lineOfSight`); joint rows, whether each player sees an enemy
 * (`enemyInSight`).
 */
export interface LineOfSightBlockJson extends BlockBase {
  /** Block kind. */
  kind: 'lineOfSight';
  /** Eye height above the feet, m. */
  eyeHeight: number;
  /** Beyond this distance, m, nobody is in sight. */
  maxDistance: number;
}

/** The game's navigation intent (the `Waypoint` component) in the player's own frame. */
export interface WaypointBlockJson extends BlockBase {
  /** Block kind. */
  kind: 'waypoint';
}

/** The ray sensor that produced a rays block. */
export interface RaySensorJson {
  /** Where the rays point, in the agent's frame. */
  layout: RayLayout;
  /** Ray length, m. */
  length: number;
  /** Ray origin above the feet, m. */
  eyeHeight: number;
  /** Sphere-cast radius, m (0: thin rays). */
  radius: number;
}

/** A ray sensor's readings: per ray, one-hot detectable tags, a miss flag, the normalized distance. */
export interface RaysBlockJson extends BlockBase {
  /** Block kind. */
  kind: 'rays';
  /** Rays. */
  count: number;
  /** Floats per ray: detectable tags + miss + distance. */
  valuesPerRay: number;
  /** Tag ids with a one-hot slot, in slot order. */
  detectableTags: number[];
  /** What each detectable tag means (same order), e.g. ["agent", "wall", "floor"]. */
  tagNames?: string[];
  /** The sensor (absent only in layouts upgraded from version 1, which did not record it). */
  sensor?: RaySensorJson;
}

/** Every built-in block. */
export type FeatureBlockJson = EntityBlockJson | LineOfSightBlockJson | WaypointBlockJson | RaysBlockJson;

/** Kinds of the built-in blocks, in the order a layout holds them. */
export const BLOCK_KINDS = ['entity', 'lineOfSight', 'waypoint', 'rays'] as const;

/** A token layout (see the module comment). */
export interface TokenLayoutJson {
  /** Format version ({@link TOKEN_LAYOUT_VERSION}). */
  version: number;
  /** Egocentric rows (one per deciding agent) or one joint row per match. */
  mode: 'joint' | 'egocentric';
  /** Tokens per row: player tokens, then objective tokens. */
  tokens: number;
  /** Player tokens per row. */
  playerTokens: number;
  /** Objective tokens (points of interest the game sets, e.g. the planted bomb) after the players'. */
  objectives: number;
  /** Floats per token (the blocks' widths summed). */
  featuresPerToken: number;
  /** Observations stacked per row (1). */
  stack: number;
  /** Egocentric: ally slots after the self token, nearest first. */
  maxAllies?: number;
  /** Egocentric: enemy slots after the allies, nearest first. */
  maxEnemies?: number;
  /** Joint: centre of the map-normalised frame, m. */
  center?: [number, number, number];
  /** Joint: meters from the centre that map to ±1. */
  halfExtent?: number;
  /** The feature blocks, in token order. */
  blocks: FeatureBlockJson[];
  /** Summary: the names of every float before the rays (all blocks but `rays`). */
  entityFeatures: string[];
  /** Summary: the rays block's shape, or null. */
  rays: RaysSummary | null;
}

/** The shape of a rays block, as a layout's summary gives it. */
export interface RaysSummary {
  /** Rays. */
  count: number;
  /** Floats per ray. */
  valuesPerRay: number;
  /** Tag ids with a one-hot slot. */
  detectableTags: number[];
}

/** A plain JSON object (not null, not an array). */
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Names of a rays block's floats: `ray<r>.<value>` for every ray and value. */
export function rayNames(rays: number, valueNames: readonly string[]): string[] {
  const out: string[] = [];
  for (let r = 0; r < rays; r++) for (const v of valueNames) out.push(`ray${r}.${v}`);
  return out;
}

/**
 * The first place where `expected` (a policy's layout) and `actual` (what a world provides)
 * differ, as `path: policy …, world …`, or undefined when they agree. Blocks are named by kind
 * (`observation.rays.detectableTags`); a field the policy leaves out (a version-1 rays block
 * has no sensor) is not compared.
 */
export function layoutDifference(expected: TokenLayoutJson, actual: TokenLayoutJson, path = 'observation'): string | undefined {
  const byKind = (l: TokenLayoutJson) => Object.fromEntries(l.blocks.map((b) => [b.kind, b]));
  const { blocks: eb, entityFeatures: _e1, rays: _r1, ...eTop } = expected;
  const { blocks: ab, entityFeatures: _e2, rays: _r2, ...aTop } = actual;
  const top = firstDifference(eTop, aTop, path);
  if (top !== undefined) return top;
  const e = byKind(expected);
  const a = byKind(actual);
  for (const kind of BLOCK_KINDS) {
    const d = firstDifference(e[kind], a[kind], `${path}.${kind}`);
    if (d !== undefined) return d;
  }
  return undefined;
}

function show(v: unknown): string {
  return v === undefined ? 'none' : JSON.stringify(v);
}

function firstDifference(e: unknown, a: unknown, path: string): string | undefined {
  if (e === undefined) return undefined;
  if (isObject(e) && isObject(a)) {
    // What a block is made of first; where it sits and what its floats are called follow from that.
    const derived = ['offset', 'width', 'names'];
    const keys = [...Object.keys(e).filter((k) => !derived.includes(k)), ...derived.filter((k) => k in e)];
    for (const key of keys) {
      const d = firstDifference(e[key], a[key], `${path}.${key}`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  if (Array.isArray(e) && Array.isArray(a) && e.length === a.length && !e.every((x) => !isObject(x))) {
    for (let i = 0; i < e.length; i++) {
      const d = firstDifference(e[i], a[i], `${path}[${i}]`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  return JSON.stringify(e) === JSON.stringify(a) ? undefined : `${path}: policy ${show(e)}, world ${show(a)}`;
}
