/**
 * Movement actuation on Rapier's kinematic character controller: desired planar velocity from
 * the action, gravity and jumps, slopes and steps, collision sliding. One controller serves
 * every agent; vertical speed is kept per agent in a preallocated array.
 */
import type RAPIER from '@dimforge/rapier3d-compat';
import { TickmindError } from '../core/errors.js';
import type { PhysicsWorld } from './rapier.js';

/** Options of a {@link CharacterMover}. */
export interface CharacterOptions {
  /** Steepest walkable slope, degrees (default 46, CS-like). */
  maxSlopeDegrees?: number;
  /** Highest step climbed without jumping, meters (default 0.45). */
  stepHeight?: number;
  /** Vertical take-off speed of a jump, m/s (default 4.2: ~0.9 m high). */
  jumpSpeed?: number;
  /** Most agents (entity ids must be below this; default 1024). */
  capacity?: number;
}

/** Moves agents with Rapier's kinematic character controller (see the module comment). */
export class CharacterMover {
  private readonly controller: RAPIER.KinematicCharacterController;
  private readonly vy: Float32Array;
  private readonly grounded: Uint8Array;
  private readonly desired = { x: 0, y: 0, z: 0 };
  private readonly moved = { x: 0, y: 0, z: 0 };
  private readonly next = { x: 0, y: 0, z: 0 };
  private readonly jumpSpeed: number;
  private readonly gravity: number;

  constructor(
    /** The world whose agents this mover moves. */
    readonly physics: PhysicsWorld,
    options: CharacterOptions = {},
  ) {
    this.controller = physics.world.createCharacterController(0.01);
    this.controller.setMaxSlopeClimbAngle(((options.maxSlopeDegrees ?? 46) * Math.PI) / 180);
    this.controller.enableAutostep(options.stepHeight ?? 0.45, 0.2, false);
    this.controller.enableSnapToGround(0.3);
    this.controller.setApplyImpulsesToDynamicBodies(false);
    this.jumpSpeed = options.jumpSpeed ?? 4.2;
    this.gravity = -physics.world.gravity.y;
    const capacity = options.capacity ?? 1024;
    this.vy = new Float32Array(capacity);
    this.grounded = new Uint8Array(capacity);
  }

  /**
   * Moves agent `entity` for one step at planar velocity (vx, vz) m/s, jumping if asked and on
   * the ground. Sets the body's next kinematic position (applied by the next world step).
   */
  move(entity: number, vx: number, vz: number, jump: boolean): void {
    const body = this.physics.agentBody(entity);
    const collider = this.physics.agentCollider(entity);
    if (body === undefined || collider === undefined)
      throw new TickmindError('INVALID_ARGUMENT', `no agent ${entity}`, { field: 'entity' });
    if (entity >= this.vy.length)
      throw new TickmindError('INVALID_ARGUMENT', `entity ${entity} is beyond the mover's capacity ${this.vy.length}`, { field: 'entity' });
    const dt = this.physics.dt;
    let vy = this.vy[entity]! - this.gravity * dt;
    if (jump && this.grounded[entity] === 1) vy = this.jumpSpeed;
    this.desired.x = vx * dt;
    this.desired.y = vy * dt;
    this.desired.z = vz * dt;
    this.controller.computeColliderMovement(collider, this.desired);
    const m = this.controller.computedMovement(this.moved as RAPIER.Vector);
    const grounded = this.controller.computedGrounded();
    this.grounded[entity] = grounded ? 1 : 0;
    this.vy[entity] = grounded && vy < 0 ? 0 : vy;
    const t = body.translation();
    this.next.x = t.x + m.x;
    this.next.y = t.y + m.y;
    this.next.z = t.z + m.z;
    body.setNextKinematicTranslation(this.next);
  }

  /** Forgets an entity's vertical speed and ground contact (call when an entity id is reused for a new agent). */
  reset(entity: number): void {
    if (entity < this.vy.length) {
      this.vy[entity] = 0;
      this.grounded[entity] = 0;
    }
  }

  /** Whether the agent stood on the ground after its last move. */
  isGrounded(entity: number): boolean {
    return this.grounded[entity] === 1;
  }
}
