/** The players of a match as the sensors see them: structure of arrays, one entry per player. */
export interface PlayerStates {
  /** Players in use. */
  count: number;
  /** xyz per player (feet). */
  position: Float32Array;
  /** xyz per player, m/s. */
  velocity: Float32Array;
  /** Yaw in radians: facing (cos, 0, sin). */
  yaw: Float32Array;
  /** Health per player. */
  health: Float32Array;
  /** 1 alive, 0 dead. */
  alive: Uint8Array;
  /** Team index per player. */
  team: Uint8Array;
  /** Entity id per player (ray self-exclusion and line-of-sight checks). */
  entity: Int32Array;
}

/** Preallocated player states for up to `capacity` players. */
export function createPlayerStates(capacity: number): PlayerStates {
  return {
    count: 0,
    position: new Float32Array(capacity * 3),
    velocity: new Float32Array(capacity * 3),
    yaw: new Float32Array(capacity),
    health: new Float32Array(capacity),
    alive: new Uint8Array(capacity),
    team: new Uint8Array(capacity),
    entity: new Int32Array(capacity).fill(-1),
  };
}
