/**
 * Waypoint features: where the game's navigator wants a player to go next, in that player's own
 * frame, so a policy can follow routes it could not learn from a few recorded rounds (which way
 * round a wall the path goes is map knowledge; the policy learns how people move along it).
 */

/** Names of the waypoint features a token carries after the entity features, in order. */
export const WAYPOINT_FEATURES = ['waypointForward', 'waypointLateral', 'waypointRise', 'goalDistance'] as const;

/** Within this distance of the waypoint (m) the direction fades to zero instead of flipping. */
const FADE_M = 0.5;
/** The goal distance is read as ln(1 + d) / GOAL_LOG: fine near the goal (arrived or not), coarse far off; ≈ 1 at 50 m. */
const GOAL_LOG = 4;
/** Largest rise or drop, m (a ledge to jump is about half a meter). */
const RISE_MAX_M = 2;

/** Whether a feature list ends with the waypoint features (a policy that reads waypoints). */
export function hasWaypointFeatures(features: readonly string[]): boolean {
  const n = WAYPOINT_FEATURES.length;
  if (features.length < n) return false;
  for (let k = 0; k < n; k++) if (features[features.length - n + k] !== WAYPOINT_FEATURES[k]) return false;
  return true;
}

/**
 * Writes the waypoint features at out[o..o+4) for a player with feet at (x, y, z) facing `yaw`:
 * the unit direction to the waypoint (wx, wz) as (forward, lateral), scaled down within half a
 * meter of it; the waypoint's height over the feet, m (wy − y, within ±2: a step or ledge to
 * jump); the goal distance on a log scale (ln(1 + d) / 4: 0.09 at 0.4 m, 0.17 at 1 m, 0.98 at 50 m).
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
  const dx = wx - x;
  const dz = wz - z;
  const d = Math.sqrt(dx * dx + dz * dz);
  const scale = d < 1e-6 ? 0 : Math.min(1, d / FADE_M) / d;
  const c = Math.cos(yaw);
  const s = Math.sin(yaw);
  out[o] = (c * dx + s * dz) * scale;
  out[o + 1] = (-s * dx + c * dz) * scale;
  out[o + 2] = Math.min(RISE_MAX_M, Math.max(-RISE_MAX_M, wy - y));
  out[o + 3] = Math.log1p(Math.max(0, goalDistance)) / GOAL_LOG;
}
