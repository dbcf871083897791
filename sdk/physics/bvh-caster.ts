/**
 * The batched ray caster: the whole batch goes into WebAssembly in ONE call and is cast against
 * a BVH of the static level and a BVH of the agents' capsules (rebuilt each tick by
 * setAgents). Same tags and self-exclusion as the Rapier caster; about an order of magnitude
 * more rays per millisecond, and nothing allocated per tick.
 *
 * Sphere casts treat boxes as grown by the radius on every side (a box with square, not
 * rounded, edges): exact on faces, conservative near edges and corners.
 */
import { TickmindError } from '../core/errors.js';
import { decodeBase64 } from '../core/wasm.js';
import type { RayBatch, RayCaster } from '../sensors/ray-caster.js';
import { type AgentShape, DEFAULT_AGENT_SHAPE } from './agents.js';
import type { LevelBoxes } from './level.js';
import { PHYSICS_WASM_BASE64 } from './wasm/binaries.generated.js';

interface Kernels {
  buildBvh(bounds: number, n: number, idx: number, nodes: number, leaf: number): number;
  castBatch(
    nodes: number,
    idx: number,
    boxes: number,
    boxTags: number,
    boxCount: number,
    capNodes: number,
    capIdx: number,
    caps: number,
    capTags: number,
    capEntities: number,
    capCount: number,
    origins: number,
    dirs: number,
    maxDist: number,
    exclude: number,
    count: number,
    radius: number,
    outDist: number,
    outTag: number,
    outEntity: number,
  ): void;
  heapBase(): number;
}

let compiled: WebAssembly.Module | undefined;

// Leaf sizes, measured (bench/sensors.js): traversal steps cost more than primitive tests here,
// so leaves are wide; capsules are cheap to test and move every tick.
const BOX_LEAF = 4;
const CAPSULE_LEAF = 8;

/** Capacity options of a {@link BvhRayCaster}. */
export interface BvhCasterOptions {
  /** Most agents setAgents will be given (default 256). */
  maxAgents?: number;
  /** Most rays per batch (default 16384); a larger batch grows the buffers once. */
  maxRays?: number;
  /** Agent capsule shape (default DEFAULT_AGENT_SHAPE). */
  shape?: Partial<AgentShape>;
}

/** A region of the caster's memory. */
interface Region {
  ptr: number;
  bytes: number;
}

export class BvhRayCaster implements RayCaster {
  /** Agent capsule shape. */
  readonly shape: AgentShape;
  private readonly kernels: Kernels;
  private readonly memory: WebAssembly.Memory;
  private top: number;
  private readonly boxCount: number;
  private readonly maxAgents: number;
  private maxRays = 0;
  private rayRoom = 0;
  private capCount = 0;
  // Static level.
  private readonly boxes: Region;
  private readonly boxTags: Region;
  private readonly boxIdx: Region;
  private readonly boxNodes: Region;
  // Agents.
  private readonly caps: Region;
  private readonly capBounds: Region;
  private readonly capTags: Region;
  private readonly capEntities: Region;
  private readonly capIdx: Region;
  private readonly capNodes: Region;
  // Rays (grown when a batch needs more).
  private rays = { origins: 0, dirs: 0, maxDist: 0, exclude: 0, dist: 0, tag: 0, entity: 0 };
  // Typed views over the regions; re-made whenever memory grows (only in reserveRays).
  private views!: ReturnType<BvhRayCaster['makeViews']>;

  constructor(level: Readonly<LevelBoxes>, options: BvhCasterOptions = {}) {
    this.shape = { ...DEFAULT_AGENT_SHAPE, ...options.shape };
    compiled ??= new WebAssembly.Module(decodeBase64(PHYSICS_WASM_BASE64) as BufferSource);
    this.memory = new WebAssembly.Memory({ initial: 2 });
    const instance = new WebAssembly.Instance(compiled, {
      env: {
        memory: this.memory,
        abort: () => {
          throw new TickmindError('INTERNAL', 'the BVH kernel aborted');
        },
      },
    });
    this.kernels = instance.exports as unknown as Kernels;
    this.top = Math.ceil(this.kernels.heapBase() / 64) * 64;
    this.boxCount = level.tags.length;
    this.maxAgents = options.maxAgents ?? 256;
    const n = Math.max(this.boxCount, 1);
    const m = Math.max(this.maxAgents, 1);
    this.boxes = this.alloc(n * 24);
    this.boxTags = this.alloc(n * 4);
    this.boxIdx = this.alloc(n * 4);
    this.boxNodes = this.alloc(2 * n * 32);
    this.caps = this.alloc(m * 20);
    this.capBounds = this.alloc(m * 24);
    this.capTags = this.alloc(m * 4);
    this.capEntities = this.alloc(m * 4);
    this.capIdx = this.alloc(m * 4);
    this.capNodes = this.alloc(2 * m * 32);
    this.reserveRays(options.maxRays ?? 16384);
    new Float32Array(this.memory.buffer, this.boxes.ptr, this.boxCount * 6).set(level.bounds);
    new Int32Array(this.memory.buffer, this.boxTags.ptr, this.boxCount).set(level.tags);
    this.kernels.buildBvh(this.boxes.ptr, this.boxCount, this.boxIdx.ptr, this.boxNodes.ptr, BOX_LEAF);
  }

  /**
   * Places the agents' capsules for this tick (feet at position, xyz per agent) and rebuilds
   * their BVH. Allocation-free.
   */
  setAgents(count: number, positions: Float32Array, entities: Int32Array, tags?: Int32Array): void {
    if (count > this.maxAgents)
      throw new TickmindError('INVALID_ARGUMENT', `${count} agents, the caster was sized for ${this.maxAgents} (maxAgents)`, {
        field: 'count',
      });
    const v = this.views;
    const { radius, halfHeight, tag } = this.shape;
    for (let i = 0; i < count; i++) {
      const x = positions[3 * i]!;
      const y = positions[3 * i + 1]!;
      const z = positions[3 * i + 2]!;
      const y0 = y + radius;
      const y1 = y + radius + 2 * halfHeight;
      v.caps[5 * i] = x;
      v.caps[5 * i + 1] = y0;
      v.caps[5 * i + 2] = z;
      v.caps[5 * i + 3] = y1;
      v.caps[5 * i + 4] = radius;
      v.capBounds[6 * i] = x - radius;
      v.capBounds[6 * i + 1] = y;
      v.capBounds[6 * i + 2] = z - radius;
      v.capBounds[6 * i + 3] = x + radius;
      v.capBounds[6 * i + 4] = y1 + radius;
      v.capBounds[6 * i + 5] = z + radius;
      v.capEntities[i] = entities[i]!;
      v.capTags[i] = tags === undefined ? tag : tags[i]!;
    }
    this.capCount = count;
    this.kernels.buildBvh(this.capBounds.ptr, count, this.capIdx.ptr, this.capNodes.ptr, CAPSULE_LEAF);
  }

  castBatch(batch: RayBatch): void {
    const n = batch.count;
    // Views are sized to the batch's capacity so whole arrays copy with no subarray per call.
    if (batch.capacity !== this.maxRays) this.reserveRays(batch.capacity);
    const v = this.views;
    v.origins.set(batch.origins);
    v.dirs.set(batch.dirs);
    v.maxDist.set(batch.maxDist);
    v.exclude.set(batch.exclude);
    const r = this.rays;
    this.kernels.castBatch(
      this.boxNodes.ptr,
      this.boxIdx.ptr,
      this.boxes.ptr,
      this.boxTags.ptr,
      this.boxCount,
      this.capNodes.ptr,
      this.capIdx.ptr,
      this.caps.ptr,
      this.capTags.ptr,
      this.capEntities.ptr,
      this.capCount,
      r.origins,
      r.dirs,
      r.maxDist,
      r.exclude,
      n,
      batch.radius,
      r.dist,
      r.tag,
      r.entity,
    );
    batch.hitDist.set(v.dist);
    batch.hitTag.set(v.tag);
    batch.hitEntity.set(v.entity);
  }

  /** Sizes the ray buffers for batches of capacity n (reusing them when they are large enough). */
  private reserveRays(n: number): void {
    if (n <= this.rayRoom) {
      this.maxRays = n;
      this.views = this.makeViews();
      return;
    }
    this.rayRoom = n;
    this.maxRays = n;
    this.rays = {
      origins: this.alloc(n * 12).ptr,
      dirs: this.alloc(n * 12).ptr,
      maxDist: this.alloc(n * 4).ptr,
      exclude: this.alloc(n * 4).ptr,
      dist: this.alloc(n * 4).ptr,
      tag: this.alloc(n * 4).ptr,
      entity: this.alloc(n * 4).ptr,
    };
    this.views = this.makeViews();
  }

  private makeViews() {
    const b = this.memory.buffer;
    const m = this.maxAgents;
    const r = this.maxRays;
    return {
      caps: new Float32Array(b, this.caps.ptr, m * 5),
      capBounds: new Float32Array(b, this.capBounds.ptr, m * 6),
      capTags: new Int32Array(b, this.capTags.ptr, m),
      capEntities: new Int32Array(b, this.capEntities.ptr, m),
      origins: new Float32Array(b, this.rays.origins, 3 * r),
      dirs: new Float32Array(b, this.rays.dirs, 3 * r),
      maxDist: new Float32Array(b, this.rays.maxDist, r),
      exclude: new Int32Array(b, this.rays.exclude, r),
      dist: new Float32Array(b, this.rays.dist, r),
      tag: new Int32Array(b, this.rays.tag, r),
      entity: new Int32Array(b, this.rays.entity, r),
    };
  }

  private alloc(bytes: number): Region {
    const ptr = this.top;
    this.top = Math.ceil((ptr + Math.max(bytes, 1)) / 64) * 64;
    const needed = this.top - this.memory.buffer.byteLength;
    if (needed > 0) this.memory.grow(Math.ceil(needed / 65536));
    return { ptr, bytes };
  }
}
