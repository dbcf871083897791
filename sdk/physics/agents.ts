/** Agent bodies as both casters and the character controller see them: upright capsules. */

/** Capsule dimensions of an agent (feet at its position). */
export interface AgentShape {
  /** Capsule radius, meters (default 0.4). */
  radius: number;
  /** Half the height of the capsule's straight part, meters (default 0.5: 1.8 m tall with radius 0.4). */
  halfHeight: number;
  /** Tag id rays report when they hit an agent. */
  tag: number;
}

/** Default agent shape: 1.8 m tall, 0.4 m radius. */
export const DEFAULT_AGENT_SHAPE: Readonly<AgentShape> = { radius: 0.4, halfHeight: 0.5, tag: 1 };
