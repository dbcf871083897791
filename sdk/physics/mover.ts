/**
 * The port both character movers implement: the batched WebAssembly {@link BvhMover} and the Rapier
 * {@link CharacterMover}. Per tick the act phase writes each agent's intent (planar velocity,
 * jump, crouch), then calls `moveAll` once; the physics phase calls `step` and reads positions
 * back. A game with its own physics uses none of this: it reads the velocity the act phase writes.
 */
import type { AgentShape } from './agents.js';

/** Options both movers share. */
export interface MoverOptions {
  /** Highest step climbed without jumping, m (default 0.45). */
  stepHeight?: number;
  /** Vertical take-off speed of a jump, m/s (default 4.2: ~0.9 m high). */
  jumpSpeed?: number;
  /** Most agents, and the bound on entity ids (ids must be below it; default 1024). */
  capacity?: number;
}

/** Moves agents one fixed step at a time (see the module comment). */
export interface AgentMover {
  /** Fixed step, s. */
  readonly dt: number;
  /** The agents' standing capsule. */
  readonly shape: Readonly<AgentShape>;
  /** Adds an agent with its feet at (x, y, z), at rest. */
  addAgent(entity: number, x: number, y: number, z: number): void;
  /** Removes an agent (nothing when it has none). */
  removeAgent(entity: number): void;
  /** Puts an agent's feet at (x, y, z) at once — a respawn, not a movement — and forgets its vertical speed. */
  teleport(entity: number, x: number, y: number, z: number): void;
  /** The agent's intent until set again: planar velocity (m/s), jump (taken from the ground), crouch. Allocation-free. */
  setIntent(entity: number, vx: number, vz: number, jump: boolean, crouch: boolean): void;
  /**
   * {@link setIntent} with the planar velocity read from velocity[o] and velocity[o + 1]. The act
   * system calls this one where a mover has it: a call an engine does not inline boxes its float
   * arguments into fresh heap numbers (chromium's V8 did, ~240 B per 10-agent tick), typed-array
   * reads inside the mover box nothing. Allocation-free.
   */
  setIntentFrom?(entity: number, velocity: Float32Array, o: number, jump: boolean, crouch: boolean): void;
  /** Moves every agent one step by its intent (the act phase; one batched call). */
  moveAll(): void;
  /** Completes the step (the physics phase: the Rapier mover steps its world; the BVH mover has nothing left to do). */
  step(): void;
  /** Writes the agent's feet position after the last step into out[o..o+3). */
  position(entity: number, out: Float32Array, o: number): void;
  /** Whether the agent stood on the ground after its last move. */
  isGrounded(entity: number): boolean;
  /** Whether the agent is crouched (its capsule lowered). */
  isCrouching(entity: number): boolean;
}
