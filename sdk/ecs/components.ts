/**
 * Components as structure-of-arrays stores indexed by entity id (the bitecs 0.4 way: a
 * component is any object; membership lives in the bitecs world, data in these arrays).
 * Sized once for the world's capacity.
 */

/** Agent state: team, alive flag, health. */
export interface AgentStore {
  /** Team index. */
  team: Uint8Array;
  /** 1 alive, 0 dead. */
  alive: Uint8Array;
  /** Health points. */
  health: Float32Array;
}

/** Feet position, facing. */
export interface TransformStore {
  /** Feet x, meters. */
  x: Float32Array;
  /** Feet y (up), meters. */
  y: Float32Array;
  /** Feet z, meters. */
  z: Float32Array;
  /** Radians; facing (cos, 0, sin). */
  yaw: Float32Array;
  /** Radians, positive up. */
  pitch: Float32Array;
}

/** Velocity, m/s. */
export interface VelocityStore {
  /** Velocity x. */
  x: Float32Array;
  /** Velocity y. */
  y: Float32Array;
  /** Velocity z. */
  z: Float32Array;
}

/** Which sensor (index into world.sensors) an agent senses with. */
export interface SensorRefStore {
  /** Sensor index, -1 for none. */
  sensor: Int32Array;
}

/** Which decider (index into world.deciders) an agent decides with. */
export interface PolicyRefStore {
  /** Decider index. */
  decider: Int32Array;
}

/** The decided movement class, kept until the next decision. */
export interface ActionStore {
  /** Movement class (0..96). */
  movement: Int32Array;
}

/** Decision schedule: every `period` ticks, at `offset` within the period. */
export interface ScheduleStore {
  /** Ticks between decisions. */
  period: Int32Array;
  /** Tick within the period at which the agent decides. */
  offset: Int32Array;
  /** Tick of the last decision (-1: never). */
  lastDecision: Int32Array;
  /** 1 while a decision was deferred (by a budget): the agent stays due until it decides. */
  pending: Uint8Array;
}

/**
 * The game's navigation intent for an agent: the next waypoint on its route and how far its goal
 * is. Token policies whose entity features end with the waypoint features read it (see
 * `WAYPOINT_FEATURES` in tickmind/sensors); the game's navigator writes it before each tick.
 */
export interface WaypointStore {
  /** Next waypoint x, meters. */
  x: Float32Array;
  /** Floor height the route reaches next, meters (a step or ledge ahead; the agent's own height when none is near). */
  y: Float32Array;
  /** Next waypoint z, meters. */
  z: Float32Array;
  /** Distance to the route's goal, meters. */
  goalDistance: Float32Array;
  /** 1 when the game has set a waypoint for the agent (otherwise the features are zero). */
  active: Uint8Array;
}

/** Every component store of a world. */
export interface Components {
  /** Team, alive, health. */
  Agent: AgentStore;
  /** Position and facing. */
  Transform: TransformStore;
  /** Velocity. */
  Velocity: VelocityStore;
  /** Sensor reference. */
  SensorRef: SensorRefStore;
  /** Decider reference. */
  PolicyRef: PolicyRefStore;
  /** Decided action. */
  Action: ActionStore;
  /** Decision schedule. */
  Schedule: ScheduleStore;
  /** Navigation intent (set by the game). */
  Waypoint: WaypointStore;
}

/** Stores for entity ids below `capacity`. */
export function createComponents(capacity: number): Components {
  const f = () => new Float32Array(capacity);
  const i = () => new Int32Array(capacity);
  return {
    Agent: { team: new Uint8Array(capacity), alive: new Uint8Array(capacity), health: f() },
    Transform: { x: f(), y: f(), z: f(), yaw: f(), pitch: f() },
    Velocity: { x: f(), y: f(), z: f() },
    SensorRef: { sensor: i() },
    PolicyRef: { decider: i() },
    Action: { movement: i() },
    Schedule: { period: i(), offset: i(), lastDecision: i().fill(-1), pending: new Uint8Array(capacity) },
    Waypoint: { x: f(), y: f(), z: f(), goalDistance: f(), active: new Uint8Array(capacity) },
  };
}
