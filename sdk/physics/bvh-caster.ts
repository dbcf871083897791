/**
 * The batched ray caster: the whole batch goes into WebAssembly in ONE call and is cast against
 * the level's BVH (a {@link BvhLevel}, possibly shared with a {@link BvhMover}) and the agents'
 * capsules (set each tick by setAgents). Consecutive rays from one origin (a sensor's fan) cross
 * the level as packets of up to 8, one ray per SIMD128 lane. Below AGENT_GRID_MIN agents a ray
 * sweeps every agent's box four at a time; from there setAgents sorts the agents into a uniform
 * grid over their footprints and a ray walks the cells it crosses, testing their capsules four at
 * a time. Same tags and self-exclusion as the Rapier caster; about an order of magnitude more rays
 * per millisecond, and nothing allocated per tick. The SIMD and scalar builds return the same
 * bits (ties between boxes go to the lower box index on every path).
 *
 * Sphere casts treat boxes as grown by the radius on every side (a box with square, not
 * rounded, edges): exact on faces, conservative near edges and corners.
 */
import { TickmindError } from '../core/errors.js';
import type { RayBatch, RayCaster } from '../sensors/ray-caster.js';
import { type AgentShape, DEFAULT_AGENT_SHAPE } from './agents.js';
import { type BvhLevel, bvhLevelOf } from './bvh-level.js';
import type { LevelBoxes } from './level.js';

/** Padding capsules sit here: no ray reaches them. */
const FAR = 1e9;
/** From this many agents on, rays walk a grid over the agents instead of sweeping them all. */
export const AGENT_GRID_MIN = 32;
/** Bytes of the grid's header; most cells (64 × 64) (agent-grid.ts). */
const GRID_HEADER_BYTES = 36;
const GRID_MAX_CELLS = 64 * 64;

/** Capacity options of a {@link BvhRayCaster}. */
export interface BvhCasterOptions {
  /** Most agents setAgents will be given (default 256). */
  maxAgents?: number;
  /** Most rays per batch (default 16384); a larger batch grows the buffers once. */
  maxRays?: number;
  /** Agent capsule shape (default DEFAULT_AGENT_SHAPE). */
  shape?: Partial<AgentShape>;
  /** Use the scalar kernels even where SIMD128 is available (testing; ignored when given a BvhLevel). */
  forceScalar?: boolean;
}

/** Casts ray batches against a level's BVH and the agents' capsules (see the module comment). */
export class BvhRayCaster implements RayCaster {
  /** Agent capsule shape. */
  readonly shape: AgentShape;
  /** The level (its kernels, memory and BVH). */
  readonly level: BvhLevel;
  private readonly maxAgents: number;
  private maxRays = 0;
  private rayRoom = 0;
  private capCount = 0;
  // Agents: capsules (5 f32 each) and their bounds as SoA planes of capStride floats.
  private readonly caps: number;
  private readonly capSoa: number;
  private readonly capStride: number;
  private readonly capTags: number;
  private readonly capEntities: number;
  // The agents' grid (built by setAgents from AGENT_GRID_MIN agents on; 0: none).
  private readonly grid: number = 0;
  private gridBuilt = false;
  /** Whether the SIMD128 build runs. */
  readonly simd: boolean;
  // Rays (grown when a batch needs more).
  private rays = { origins: 0, dirs: 0, maxDist: 0, exclude: 0, dist: 0, tag: 0, entity: 0 };
  // Typed views over the regions, one set per batch capacity seen (whole-array copies need
  // views of exactly the batch's size); all re-made when memory grows.
  private views!: ReturnType<BvhRayCaster['makeViews']>;
  private readonly viewsByCapacity = new Map<number, ReturnType<BvhRayCaster['makeViews']>>();
  private generation: number;

  /** A caster over `level`: boxes (a level of its own) or a BvhLevel (shared, e.g. with a BvhMover). */
  constructor(level: Readonly<LevelBoxes> | BvhLevel, options: BvhCasterOptions = {}) {
    this.shape = { ...DEFAULT_AGENT_SHAPE, ...options.shape };
    this.level = bvhLevelOf(level, options.forceScalar !== undefined ? { forceScalar: options.forceScalar } : {});
    this.simd = this.level.simd;
    this.maxAgents = options.maxAgents ?? 256;
    const m = Math.max(this.maxAgents, 1);
    this.capStride = Math.ceil(m / 4) * 4;
    const L = this.level;
    this.caps = L.alloc(this.capStride * 20);
    this.capSoa = L.alloc(this.capStride * 24);
    this.capTags = L.alloc(this.capStride * 4);
    this.capEntities = L.alloc(this.capStride * 4);
    if (this.maxAgents >= AGENT_GRID_MIN) {
      this.grid = L.alloc(GRID_HEADER_BYTES);
      const cells = L.alloc((GRID_MAX_CELLS + 1) * 4);
      // Four planes (x, z, radius, agent) of room for 4 items per agent, and 3 more for a SIMD load.
      const itemStride = 4 * m + 4;
      const items = L.alloc(4 * itemStride * 4);
      new Int32Array(L.memory.buffer, this.grid, GRID_HEADER_BYTES / 4).set([cells, items, itemStride], 6);
    }
    this.generation = L.generation;
    this.reserveRays(options.maxRays ?? 16384);
  }

  /** Places the agents' capsules for this tick (feet at position, xyz per agent). Allocation-free. */
  setAgents(count: number, positions: Float32Array, entities: Int32Array, tags?: Int32Array): void {
    if (count > this.maxAgents)
      throw new TickmindError('INVALID_ARGUMENT', `${count} agents, the caster was sized for ${this.maxAgents} (maxAgents)`, {
        field: 'count',
      });
    const v = this.currentViews();
    const { radius, halfHeight, tag } = this.shape;
    const S = this.capStride;
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
      v.capSoa[i] = x - radius;
      v.capSoa[S + i] = y;
      v.capSoa[2 * S + i] = z - radius;
      v.capSoa[3 * S + i] = x + radius;
      v.capSoa[4 * S + i] = y1 + radius;
      v.capSoa[5 * S + i] = z + radius;
      v.capEntities[i] = entities[i]!;
      v.capTags[i] = tags === undefined ? tag : tags[i]!;
    }
    // Pad the last group of four with far-away points the sweep never enters.
    for (let i = count; i < Math.min(S, Math.ceil(count / 4) * 4); i++) {
      for (let k = 0; k < 6; k++) v.capSoa[k * S + i] = FAR;
      v.capEntities[i] = -1;
    }
    this.capCount = count;
    this.gridBuilt = count >= AGENT_GRID_MIN;
    if (this.gridBuilt) this.level.kernels.buildAgentGrid(this.capSoa, this.capStride, this.caps, count, this.grid);
  }

  castBatch(batch: RayBatch): void {
    const n = batch.count;
    // Views are sized to the batch's capacity so whole arrays copy with no subarray per call;
    // batches of several capacities (sensor rays, line of sight) each keep their own views.
    if (batch.capacity !== this.maxRays) this.reserveRays(batch.capacity);
    const v = this.currentViews();
    v.origins.set(batch.origins);
    v.dirs.set(batch.dirs);
    v.maxDist.set(batch.maxDist);
    v.exclude.set(batch.exclude);
    const r = this.rays;
    const L = this.level;
    L.kernels.castBatch(
      L.nodes4,
      L.leaves,
      L.boxTags,
      L.boxCount,
      this.capSoa,
      this.capStride,
      this.caps,
      this.capTags,
      this.capEntities,
      this.capCount,
      this.gridBuilt ? this.grid : 0,
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
      let views = this.viewsByCapacity.get(n);
      if (views === undefined || views.origins.buffer !== this.level.memory.buffer) {
        views = this.makeViews();
        this.viewsByCapacity.set(n, views);
      }
      this.views = views;
      return;
    }
    this.viewsByCapacity.clear();
    this.rayRoom = n;
    this.maxRays = n;
    const L = this.level;
    this.rays = {
      origins: L.alloc(n * 12),
      dirs: L.alloc(n * 12),
      maxDist: L.alloc(n * 4),
      exclude: L.alloc(n * 4),
      dist: L.alloc(n * 4),
      tag: L.alloc(n * 4),
      entity: L.alloc(n * 4),
    };
    this.generation = L.generation;
    this.views = this.makeViews();
    this.viewsByCapacity.set(n, this.views);
  }

  /** The views of the current batch capacity, re-made when the level's memory grew since. */
  private currentViews(): ReturnType<BvhRayCaster['makeViews']> {
    if (this.generation !== this.level.generation) {
      this.generation = this.level.generation;
      this.viewsByCapacity.clear();
      this.views = this.makeViews();
      this.viewsByCapacity.set(this.maxRays, this.views);
    }
    return this.views;
  }

  private makeViews() {
    const b = this.level.memory.buffer;
    const r = this.maxRays;
    return {
      caps: new Float32Array(b, this.caps, this.capStride * 5),
      capSoa: new Float32Array(b, this.capSoa, this.capStride * 6),
      capTags: new Int32Array(b, this.capTags, this.capStride),
      capEntities: new Int32Array(b, this.capEntities, this.capStride),
      origins: new Float32Array(b, this.rays.origins, 3 * r),
      dirs: new Float32Array(b, this.rays.dirs, 3 * r),
      maxDist: new Float32Array(b, this.rays.maxDist, r),
      exclude: new Int32Array(b, this.rays.exclude, r),
      dist: new Float32Array(b, this.rays.dist, r),
      tag: new Int32Array(b, this.rays.tag, r),
      entity: new Int32Array(b, this.rays.entity, r),
    };
  }
}
