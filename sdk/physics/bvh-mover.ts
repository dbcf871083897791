/**
 * The batched character mover: every agent moved one step in ONE WebAssembly call, over the
 * same level BVH the batched ray caster uses (a shared {@link BvhLevel}) and the other agents —
 * collide and slide, step up to the step height (on the ground, and in the air as Rapier's
 * autostep does, so a jump reaches a ledge up to jump + step height), snap down to the ground,
 * gravity and jumps, crouching (the capsule lowers; it stands up only where there is room), and
 * agents blocking each other (moved in agent order, each against the others where they stand;
 * an overlap left by a spawn or a teleport is pushed apart). Allocation-free per tick and
 * deterministic (the same inputs give bit-identical positions, SIMD or scalar).
 *
 * An agent is an upright capsule. Horizontal moves sweep it exactly against the level's boxes (a
 * box beside a hemisphere meets the capsule's narrower section there, so a low ceiling's edge or
 * a kerb catches it later than the straight part would). The level has no slopes: ground is a
 * box top under the body's footprint — a flat bottom, as CS's box-shaped player hull has — so a
 * step up to the step height is climbed as soon as the body reaches it and stairs of boxes are
 * climbed by stepping. Like Rapier's controller it tolerates a box it already overlaps (a spawn
 * across a slab's edge): moves deeper into it are blocked, moves out are free; feet sunk into a
 * floor are lifted onto it.
 */
import { TickmindError } from '../core/errors.js';
import { type AgentShape, DEFAULT_AGENT_SHAPE } from './agents.js';
import { type BvhLevel, bvhLevelOf } from './bvh-level.js';
import type { LevelBoxes } from './level.js';
import type { AgentMover, MoverOptions } from './mover.js';

/** Options of a {@link BvhMover}. */
export interface BvhMoverOptions extends MoverOptions {
  /** Fixed step, s (default 1/64). */
  dt?: number;
  /** Gravity along -Y, m/s² (default 9.81). */
  gravity?: number;
  /** The agents' standing capsule (default DEFAULT_AGENT_SHAPE: 1.8 m tall, radius 0.4). */
  shape?: Partial<AgentShape>;
  /** Height while crouching, m (default 1.35: CS's 54 of 72 units). */
  crouchHeight?: number;
  /** Largest drop followed while walking (down steps), m (default 0.3). */
  snapDistance?: number;
  /** Use the scalar kernels even where SIMD128 is available (testing; ignored when given a BvhLevel). */
  forceScalar?: boolean;
}

// Header words of the kernel (sdk/physics/wasm/assembly/move.ts, H_*).
const HEADER_WORDS = 24;
const GROUNDED = 1;
const INTENT_JUMP = 1;
const INTENT_CROUCH = 2;

/** Per-agent planes, in slot order. */
interface Planes {
  x: Float32Array;
  y: Float32Array;
  z: Float32Array;
  vy: Float32Array;
  height: Float32Array;
  state: Int32Array;
  vx: Float32Array;
  vz: Float32Array;
  intent: Int32Array;
  /** The kernel's header (word 13: the agent count). */
  header: Int32Array;
}

const PLANE_NAMES = ['x', 'y', 'z', 'vy', 'height', 'state', 'vx', 'vz', 'intent'] as const;

function checkFinite(x: number, y: number, z: number): void {
  if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z))
    throw new TickmindError('INVALID_ARGUMENT', `position (${x}, ${y}, ${z}) is not finite`, { field: 'position' });
}

/** Moves agents in WebAssembly over a level's BVH (see the module comment). */
export class BvhMover implements AgentMover {
  /** Fixed step, s. */
  readonly dt: number;
  /** The agents' standing capsule. */
  readonly shape: Readonly<AgentShape>;
  /** The level (shared with a BvhRayCaster built on it). */
  readonly level: BvhLevel;
  /** Height while crouching, m. */
  readonly crouchHeight: number;
  private readonly standHeight: number;
  private readonly capacity: number;
  private readonly header: number;
  private readonly planePtrs: number[];
  private planes!: Planes;
  private generation = -1;
  private count = 0;
  private readonly slotOf: Int32Array;
  private readonly entityOf: Int32Array;
  /** setIntent's velocity, handed to setIntentFrom. */
  private readonly intentScratch = new Float32Array(2);

  /** A mover over `level`: boxes (a level of its own) or a BvhLevel (shared with a BvhRayCaster). */
  constructor(level: Readonly<LevelBoxes> | BvhLevel, options: BvhMoverOptions = {}) {
    this.level = bvhLevelOf(level, options.forceScalar !== undefined ? { forceScalar: options.forceScalar } : {});
    this.shape = { ...DEFAULT_AGENT_SHAPE, ...options.shape };
    this.dt = options.dt ?? 1 / 64;
    // Heights as the kernel holds them (f32), so comparisons with its planes are exact.
    this.standHeight = Math.fround(2 * (this.shape.halfHeight + this.shape.radius));
    this.crouchHeight = Math.fround(Math.min(options.crouchHeight ?? 1.35, this.standHeight));
    this.capacity = options.capacity ?? 1024;
    const stepHeight = options.stepHeight ?? 0.45;
    const checks: [string, number][] = [
      ['dt', this.dt],
      ['capacity', this.capacity],
      ['crouchHeight', this.crouchHeight],
      ['stepHeight', stepHeight + 1],
      ['snapDistance', (options.snapDistance ?? 0.3) + 1],
    ];
    for (const [field, v] of checks)
      if (!(v > 0) || !Number.isFinite(v)) throw new TickmindError('INVALID_ARGUMENT', `${field} must be positive and finite`, { field });
    const slots = Math.ceil(this.capacity / 4) * 4;
    const L = this.level;
    this.header = L.alloc(HEADER_WORDS * 4);
    this.planePtrs = PLANE_NAMES.map(() => L.alloc(slots * 4));
    const candStride = Math.ceil((L.boxCount + slots) / 4) * 4;
    const cand = L.alloc(candStride * 8 * 4);
    const h = new Int32Array(L.memory.buffer, this.header, HEADER_WORDS);
    const hf = new Float32Array(L.memory.buffer, this.header, HEADER_WORDS);
    h.set([L.nodes4, L.leaves, L.boxes, L.boxCount, ...this.planePtrs, 0, cand, candStride]);
    hf.set(
      [
        this.shape.radius,
        this.standHeight,
        this.crouchHeight,
        stepHeight,
        options.snapDistance ?? 0.3,
        options.gravity ?? 9.81,
        options.jumpSpeed ?? 4.2,
        this.dt,
      ],
      16,
    );
    this.slotOf = new Int32Array(this.capacity).fill(-1);
    this.entityOf = new Int32Array(this.capacity).fill(-1);
  }

  /** Agents held. */
  get agentCount(): number {
    return this.count;
  }

  addAgent(entity: number, x: number, y: number, z: number): void {
    if (!(entity >= 0 && entity < this.capacity && Number.isInteger(entity)))
      throw new TickmindError('INVALID_ARGUMENT', `entity ${entity} is outside the mover's capacity 0..${this.capacity - 1}`, {
        field: 'entity',
      });
    if (this.slotOf[entity]! >= 0) throw new TickmindError('INVALID_ARGUMENT', `agent ${entity} already exists`, { field: 'entity' });
    checkFinite(x, y, z);
    const s = this.count++;
    this.slotOf[entity] = s;
    this.entityOf[s] = entity;
    const p = this.views();
    p.height[s] = this.standHeight;
    p.vx[s] = 0;
    p.vz[s] = 0;
    p.intent[s] = 0;
    this.place(s, x, y, z);
  }

  removeAgent(entity: number): void {
    const s = entity >= 0 && entity < this.capacity ? this.slotOf[entity]! : -1;
    if (s < 0) return;
    // Keep the slot order (the order agents move in): shift the later ones down.
    const p = this.views();
    for (const name of PLANE_NAMES) p[name].copyWithin(s, s + 1, this.count);
    this.entityOf.copyWithin(s, s + 1, this.count);
    this.count--;
    this.slotOf[entity] = -1;
    for (let k = s; k < this.count; k++) this.slotOf[this.entityOf[k]!] = k;
  }

  teleport(entity: number, x: number, y: number, z: number): void {
    const s = this.slot(entity);
    checkFinite(x, y, z);
    this.place(s, x, y, z);
  }

  setIntent(entity: number, vx: number, vz: number, jump: boolean, crouch: boolean): void {
    this.intentScratch[0] = vx;
    this.intentScratch[1] = vz;
    this.setIntentFrom(entity, this.intentScratch, 0, jump, crouch);
  }

  setIntentFrom(entity: number, velocity: Float32Array, o: number, jump: boolean, crouch: boolean): void {
    const s = this.slot(entity);
    const vx = velocity[o]!;
    const vz = velocity[o + 1]!;
    if (!Number.isFinite(vx) || !Number.isFinite(vz))
      throw new TickmindError('INVALID_ARGUMENT', `agent ${entity}: velocity (${vx}, ${vz}) is not finite`, { field: 'velocity' });
    const p = this.views();
    p.vx[s] = vx;
    p.vz[s] = vz;
    p.intent[s] = (jump ? INTENT_JUMP : 0) | (crouch ? INTENT_CROUCH : 0);
  }

  moveAll(): void {
    this.views().header[13] = this.count;
    this.level.kernels.moveAgents(this.header);
  }

  step(): void {}

  position(entity: number, out: Float32Array, o: number): void {
    const s = this.slot(entity);
    const p = this.views();
    out[o] = p.x[s]!;
    out[o + 1] = p.y[s]!;
    out[o + 2] = p.z[s]!;
  }

  isGrounded(entity: number): boolean {
    return (this.views().state[this.slot(entity)]! & GROUNDED) !== 0;
  }

  isCrouching(entity: number): boolean {
    return this.views().height[this.slot(entity)]! < this.standHeight;
  }

  /** Current height of the agent's body, m (lower while crouching). */
  heightOf(entity: number): number {
    return this.views().height[this.slot(entity)]!;
  }

  private place(s: number, x: number, y: number, z: number): void {
    const p = this.views();
    p.x[s] = x;
    p.y[s] = y;
    p.z[s] = z;
    p.vy[s] = 0;
    p.state[s] = 0;
  }

  private slot(entity: number): number {
    const s = entity >= 0 && entity < this.capacity ? this.slotOf[entity]! : -1;
    if (!(s >= 0)) throw new TickmindError('INVALID_ARGUMENT', `no agent ${entity}`, { field: 'entity' });
    return s;
  }

  /** The planes' views, re-made when the level's memory grew. */
  private views(): Planes {
    if (this.generation !== this.level.generation) {
      const b = this.level.memory.buffer;
      const n = Math.ceil(this.capacity / 4) * 4;
      const f = (i: number) => new Float32Array(b, this.planePtrs[i]!, n);
      const k = (i: number) => new Int32Array(b, this.planePtrs[i]!, n);
      const header = new Int32Array(b, this.header, HEADER_WORDS);
      this.planes = { x: f(0), y: f(1), z: f(2), vy: f(3), height: f(4), state: k(5), vx: f(6), vz: f(7), intent: k(8), header };
      this.generation = this.level.generation;
    }
    return this.planes;
  }
}
