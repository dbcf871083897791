/**
 * The Rapier character mover: Rapier's kinematic character controller, one
 * `computeColliderMovement` per agent — desired planar velocity, gravity and jumps, slopes and
 * steps, collision sliding — and the world's step. One controller serves every agent; vertical
 * speeds, intents and the capsules' centers are kept in preallocated arrays, and the vectors
 * handed to Rapier are reused. Rapier 0.21's `computeColliderMovement` wraps each call's vector
 * in a new wasm-side object and a new filter closure (which Rapier then calls back for every
 * collider it considers); where the controller has the binding's known shape, the mover calls
 * the binding underneath instead, with one reused vector and no filter — the same movement, a
 * third of the garbage (docs/benchmarks.md gives the figures). Crouching changes nothing here
 * (the capsule keeps its height); the {@link BvhMover} lowers it.
 */
import type RAPIER from '@dimforge/rapier3d-compat';
import { TickmindError } from '../../core/errors.js';
import type { AgentShape } from '../agents.js';
import type { AgentMover, MoverOptions } from '../mover.js';
import type { PhysicsWorld } from './world.js';

/** Options of a {@link CharacterMover}. */
export interface CharacterOptions extends MoverOptions {
  /** Steepest walkable slope, degrees (default 46, CS-like). */
  maxSlopeDegrees?: number;
}

/** The binding under Rapier 0.21's KinematicCharacterController (its private fields). */
interface RawController {
  raw: {
    computeColliderMovement(
      dt: number,
      broadPhase: unknown,
      narrowPhase: unknown,
      bodies: unknown,
      colliders: unknown,
      handle: number,
      desired: RawVector,
      applyImpulses: boolean,
      characterMass: number | undefined,
      filterFlags: number | undefined,
      filterGroups: number | undefined,
      filterPredicate: undefined,
    ): void;
    up(): RawVector;
  };
  params: { dt: number };
  broadPhase: { raw: unknown };
  narrowPhase: { raw: unknown };
  bodies: { raw: unknown };
  colliders: { raw: unknown };
}

/** Rapier's wasm-side vector (settable components). */
interface RawVector {
  x: number;
  y: number;
  z: number;
}

/** The controller's binding when it has the shape this mover knows, else undefined (then the public API is used). */
function rawOf(controller: RAPIER.KinematicCharacterController): { c: RawController; v: RawVector } | undefined {
  const c = controller as unknown as Partial<RawController>;
  if (
    typeof c.raw?.computeColliderMovement !== 'function' ||
    typeof c.raw.up !== 'function' ||
    typeof c.params?.dt !== 'number' ||
    [c.broadPhase, c.narrowPhase, c.bodies, c.colliders].some((x) => x?.raw === undefined)
  )
    return undefined;
  return { c: c as RawController, v: c.raw.up() };
}

/** Moves agents with Rapier's kinematic character controller (see the module comment). */
export class CharacterMover implements AgentMover {
  /** Fixed step, s (the world's). */
  readonly dt: number;
  /** The agents' capsule (the world's). */
  readonly shape: Readonly<AgentShape>;
  private readonly controller: RAPIER.KinematicCharacterController;
  private readonly raw: { c: RawController; v: RawVector } | undefined;
  private readonly vy: Float32Array;
  private readonly grounded: Uint8Array;
  /** Capsule centers of the agents added through the mover (where their bodies are after a step). */
  private readonly center: Float32Array;
  private readonly known: Uint8Array;
  private readonly intentV: Float32Array;
  private readonly intentJump: Uint8Array;
  /** Agents added through the mover, in order. */
  private readonly agents: Int32Array;
  private count = 0;
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
    this.dt = physics.dt;
    this.shape = physics.shape;
    this.controller = physics.world.createCharacterController(0.01);
    this.controller.setMaxSlopeClimbAngle(((options.maxSlopeDegrees ?? 46) * Math.PI) / 180);
    this.controller.enableAutostep(options.stepHeight ?? 0.45, 0.2, false);
    this.controller.enableSnapToGround(0.3);
    this.controller.setApplyImpulsesToDynamicBodies(false);
    this.raw = rawOf(this.controller);
    this.jumpSpeed = options.jumpSpeed ?? 4.2;
    this.gravity = -physics.world.gravity.y;
    const capacity = options.capacity ?? 1024;
    this.vy = new Float32Array(capacity);
    this.grounded = new Uint8Array(capacity);
    this.center = new Float32Array(3 * capacity);
    this.known = new Uint8Array(capacity);
    this.intentV = new Float32Array(2 * capacity);
    this.intentJump = new Uint8Array(capacity);
    this.agents = new Int32Array(capacity);
  }

  addAgent(entity: number, x: number, y: number, z: number): void {
    this.checkCapacity(entity);
    this.physics.addAgent(entity, x, y, z);
    this.agents[this.count++] = entity;
    this.known[entity] = 1;
    this.setCenter(entity, x, y, z);
    this.setIntent(entity, 0, 0, false, false);
    this.reset(entity);
  }

  removeAgent(entity: number): void {
    const i = this.agents.subarray(0, this.count).indexOf(entity);
    if (i >= 0) {
      this.agents.copyWithin(i, i + 1, this.count);
      this.count--;
      this.known[entity] = 0;
    }
    this.physics.removeAgent(entity);
  }

  teleport(entity: number, x: number, y: number, z: number): void {
    this.physics.teleportAgent(entity, x, y, z);
    if (entity < this.known.length && this.known[entity] === 1) this.setCenter(entity, x, y, z);
    this.reset(entity);
  }

  setIntent(entity: number, vx: number, vz: number, jump: boolean, _crouch: boolean): void {
    this.checkCapacity(entity);
    this.intentV[2 * entity] = vx;
    this.intentV[2 * entity + 1] = vz;
    this.intentJump[entity] = jump ? 1 : 0;
  }

  setIntentFrom(entity: number, velocity: Float32Array, o: number, jump: boolean, crouch: boolean): void {
    this.setIntent(entity, velocity[o]!, velocity[o + 1]!, jump, crouch);
  }

  moveAll(): void {
    for (let i = 0; i < this.count; i++) {
      const e = this.agents[i]!;
      this.move(e, this.intentV[2 * e]!, this.intentV[2 * e + 1]!, this.intentJump[e] === 1);
    }
  }

  step(): void {
    this.physics.step();
  }

  position(entity: number, out: Float32Array, o: number): void {
    if (entity < this.known.length && this.known[entity] === 1) {
      out[o] = this.center[3 * entity]!;
      out[o + 1] = this.center[3 * entity + 1]! - this.shape.halfHeight - this.shape.radius;
      out[o + 2] = this.center[3 * entity + 2]!;
    } else this.physics.agentPosition(entity, out, o);
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
    this.checkCapacity(entity);
    const dt = this.dt;
    let vy = this.vy[entity]! - this.gravity * dt;
    if (jump && this.grounded[entity] === 1) vy = this.jumpSpeed;
    const raw = this.raw;
    if (raw !== undefined) {
      const { c, v } = raw;
      v.x = vx * dt;
      v.y = vy * dt;
      v.z = vz * dt;
      c.raw.computeColliderMovement(
        c.params.dt,
        c.broadPhase.raw,
        c.narrowPhase.raw,
        c.bodies.raw,
        c.colliders.raw,
        collider.handle,
        v,
        false,
        undefined,
        undefined,
        undefined,
        undefined,
      );
    } else {
      this.desired.x = vx * dt;
      this.desired.y = vy * dt;
      this.desired.z = vz * dt;
      this.controller.computeColliderMovement(collider, this.desired);
    }
    const m = this.controller.computedMovement(this.moved as RAPIER.Vector);
    const grounded = this.controller.computedGrounded();
    this.grounded[entity] = grounded ? 1 : 0;
    this.vy[entity] = grounded && vy < 0 ? 0 : vy;
    // Where the body is (kept here: reading it back from Rapier allocates a vector per call).
    let cx: number;
    let cy: number;
    let cz: number;
    if (this.known[entity] === 1) {
      cx = this.center[3 * entity]!;
      cy = this.center[3 * entity + 1]!;
      cz = this.center[3 * entity + 2]!;
    } else {
      const t = body.translation();
      cx = t.x;
      cy = t.y;
      cz = t.z;
    }
    this.next.x = cx + m.x;
    this.next.y = cy + m.y;
    this.next.z = cz + m.z;
    body.setNextKinematicTranslation(this.next);
    this.center[3 * entity] = this.next.x;
    this.center[3 * entity + 1] = this.next.y;
    this.center[3 * entity + 2] = this.next.z;
  }

  /** Forgets an entity's vertical speed and ground contact (call when an entity id is reused for a new agent). */
  reset(entity: number): void {
    if (entity < this.vy.length) {
      this.vy[entity] = 0;
      this.grounded[entity] = 0;
    }
  }

  isGrounded(entity: number): boolean {
    return this.grounded[entity] === 1;
  }

  isCrouching(_entity: number): boolean {
    return false;
  }

  private setCenter(entity: number, x: number, y: number, z: number): void {
    this.center[3 * entity] = x;
    // The same sums PhysicsWorld makes, so positions are bit-identical to reading the body.
    this.center[3 * entity + 1] = y + this.shape.halfHeight + this.shape.radius;
    this.center[3 * entity + 2] = z;
  }

  private checkCapacity(entity: number): void {
    if (!(entity >= 0 && entity < this.vy.length))
      throw new TickmindError('INVALID_ARGUMENT', `entity ${entity} is beyond the mover's capacity ${this.vy.length}`, { field: 'entity' });
  }
}
