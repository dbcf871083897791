/**
 * The waypoint block: where the game's navigator wants a player to go next, in that player's own
 * frame, so a policy can follow routes it could not learn from a few recorded rounds (which way
 * round a wall the path goes is map knowledge; the policy learns how people move along it).
 * Egocentric rows carry it on the self token, joint rows on every player token; a player without
 * an active `Waypoint` reads zeros.
 */
import { TickmindError } from '../../core/errors.js';
import type { FeatureBlockJson, TokenLayoutJson, WaypointBlockJson } from '../../core/layout-json.js';
import type { BlockWriter, EncodeContext, TokenSources, WaypointSource } from './block.js';

/** Names of the waypoint features a token carries after the entity features, in order. */
export const WAYPOINT_FEATURES = ['waypointForward', 'waypointLateral', 'waypointRise', 'goalDistance'] as const;

/** Within this distance of the waypoint (m) the direction fades to zero instead of flipping. */
const FADE_M = 0.5;
/** The goal distance is read as ln(1 + d) / GOAL_LOG: fine near the goal (arrived or not), coarse far off; ≈ 1 at 50 m. */
const GOAL_LOG = 4;
/** Largest rise or drop, m (a ledge to jump is about half a meter). */
const RISE_MAX_M = 2;

/**
 * Writes the waypoint features at out[o..o+4) for a player with feet at (x, y, z) facing `yaw`:
 * the unit direction to the waypoint (wx, wz) as (forward, lateral), scaled down within half a
 * meter of it; the waypoint's height over the feet, m (wy − y, within ±2: a step or ledge to
 * jump); the goal distance on a log scale (ln(1 + d) / 4: 0.09 at 0.4 m, 0.17 at 1 m, 0.98 at 50 m).
 * Inputs are read as float32, as the ECS stores them.
 */
export function writeWaypoint(
  x: number,
  y: number,
  z: number,
  yaw: number,
  wx: number,
  wy: number,
  wz: number,
  goalDistance: number,
  out: Float32Array,
  o: number,
): void {
  one.position[0] = x;
  one.position[1] = y;
  one.position[2] = z;
  one.yaw[0] = yaw;
  one.waypoint.x[0] = wx;
  one.waypoint.y[0] = wy;
  one.waypoint.z[0] = wz;
  one.waypoint.goalDistance[0] = goalDistance;
  writeWaypointOf(one.position, one.yaw, 0, one.waypoint, 0, out, o);
}

/** One player's and one waypoint's values for {@link writeWaypoint}. */
const one = {
  position: new Float32Array(3),
  yaw: new Float32Array(1),
  waypoint: { x: new Float32Array(1), y: new Float32Array(1), z: new Float32Array(1), goalDistance: new Float32Array(1) },
};

/**
 * {@link writeWaypoint} for player `p` of a table (feet at `position[3p..]`, facing `yaw[p]`) and
 * entity `e`'s waypoint. Only arrays and indices cross the call: this runs for every row each tick,
 * and V8 boxes the float arguments of a call it does not inline into fresh heap numbers (eight per
 * call with the scalar signature: ~1 kB of garbage per tick for ten egocentric rows).
 */
function writeWaypointOf(
  position: Float32Array,
  yaw: Float32Array,
  p: number,
  w: Pick<WaypointSource, 'x' | 'y' | 'z' | 'goalDistance'>,
  e: number,
  out: Float32Array,
  o: number,
): void {
  const dx = w.x[e]! - position[3 * p]!;
  const dz = w.z[e]! - position[3 * p + 2]!;
  const d = Math.sqrt(dx * dx + dz * dz);
  const scale = d < 1e-6 ? 0 : Math.min(1, d / FADE_M) / d;
  const c = Math.cos(yaw[p]!);
  const s = Math.sin(yaw[p]!);
  out[o] = (c * dx + s * dz) * scale;
  out[o + 1] = (-s * dx + c * dz) * scale;
  out[o + 2] = Math.min(RISE_MAX_M, Math.max(-RISE_MAX_M, w.y[e]! - position[3 * p + 1]!));
  out[o + 3] = Math.log1p(Math.max(0, w.goalDistance[e]!)) / GOAL_LOG;
}

/** The block's JSON for a mode (offset set by the layout). */
export function waypointBlock(mode: 'joint' | 'egocentric'): WaypointBlockJson {
  return {
    kind: 'waypoint',
    scope: mode === 'joint' ? 'players' : 'self',
    offset: 0,
    width: WAYPOINT_FEATURES.length,
    names: [...WAYPOINT_FEATURES],
  };
}

/** The writer of a waypoint block. */
export function waypointWriter(json: FeatureBlockJson, layout: Readonly<TokenLayoutJson>): BlockWriter {
  if (json.names.join(',') !== WAYPOINT_FEATURES.join(','))
    throw new TickmindError('MODEL_INVALID', `waypoint features must be [${WAYPOINT_FEATURES.join(', ')}]`, {
      field: 'observation.waypoint.names',
    });
  if (layout.mode === 'egocentric' && json.scope !== 'self')
    throw new TickmindError('MODEL_INVALID', "egocentric rows carry waypoints on the self token (scope 'self')", {
      field: 'observation.waypoint.scope',
    });
  return new WaypointWriter(json as WaypointBlockJson);
}

class WaypointWriter implements BlockWriter {
  readonly scope: 'self' | 'players' | 'all';
  readonly offset: number;
  readonly width = WAYPOINT_FEATURES.length;

  constructor(readonly json: WaypointBlockJson) {
    this.scope = json.scope;
    this.offset = json.offset;
  }

  missing(sources: Readonly<TokenSources>): string | undefined {
    return sources.waypoints === undefined ? 'waypoint features need per-entity waypoints (the Waypoint component)' : undefined;
  }

  player(ctx: EncodeContext, _self: number, p: number, out: Float32Array, o: number): void {
    const w = ctx.sources.waypoints;
    const players = ctx.players;
    const e = players.entity[p]!;
    if (w === undefined || w.active[e] !== 1) return; // the row was zeroed
    writeWaypointOf(players.position, players.yaw, p, w, e, out, o);
  }
}
