/**
 * A ray sensor: pure config → directions (once) → per tick, fill a batch for every agent, cast
 * it in one call, encode each ray as [one-hot tag…, miss, normalized distance] (the ML-Agents
 * layout) into one Float32Array row per agent. Allocation-free per tick.
 */
import { TickmindError } from '../core/errors.js';
import type { ObservationSpec } from '../core/spec.js';
import { layoutDirections, type RayLayout } from './layouts.js';
import type { RayBatch, RayCaster } from './ray-caster.js';

/** Configuration of a ray sensor. */
export interface RaySensorConfig {
  /** Where the rays point. */
  layout: RayLayout;
  /** Ray length in meters. */
  length: number;
  /** Ray origin above the agent position, in meters (default 1.6). */
  eyeHeight?: number;
  /** Sphere-cast radius in meters (default 0: thin rays). */
  radius?: number;
  /** Tag ids that get a one-hot slot, in slot order. Hits on other tags are hits with no tag. */
  detectableTags: readonly number[];
  /** What each detectable tag means, same order (e.g. `['agent', 'wall', 'floor']`): names in layouts and datasets. */
  tagNames?: readonly string[];
}

/** Agent poses, structure of arrays; entry i describes the i-th sensing agent. */
export interface AgentPoses {
  /** Agents in use. */
  count: number;
  /** xyz per agent. */
  position: Float32Array;
  /** Yaw in radians: facing (cos, 0, sin) in world X/Z. */
  yaw: Float32Array;
  /** Pitch in radians, positive up. */
  pitch: Float32Array;
  /** The agent's entity id, excluded from its own rays. */
  entity: Int32Array;
}

/** Casts a configured layout of rays for every agent in one batch and encodes the hits (see the module comment). */
export class RaySensor {
  /** Rays per agent. */
  readonly rays: number;
  /** Values per ray: detectable tags + miss flag + distance. */
  readonly valuesPerRay: number;
  /** Floats per agent row. */
  readonly size: number;
  /** Unit directions in the agent frame (forward, up, lateral), 3 per ray. */
  readonly directions: Float32Array;
  /** Ray length, meters. */
  readonly length: number;
  /** Ray origin height above the agent, meters. */
  readonly eyeHeight: number;
  /** Sphere-cast radius, meters. */
  readonly radius: number;
  private readonly slotOfTag: Int32Array;
  private readonly tagCount: number;

  /** Validates the config and precomputes the ray directions. */
  constructor(
    /** The configuration this sensor was built from. */
    readonly config: RaySensorConfig,
  ) {
    if (!(config.length > 0))
      throw new TickmindError('INVALID_ARGUMENT', `ray length must be positive, got ${config.length}`, { field: 'length' });
    this.directions = layoutDirections(config.layout);
    this.rays = this.directions.length / 3;
    this.length = config.length;
    this.eyeHeight = config.eyeHeight ?? 1.6;
    this.radius = config.radius ?? 0;
    this.tagCount = config.detectableTags.length;
    this.valuesPerRay = this.tagCount + 2;
    this.size = this.rays * this.valuesPerRay;
    const maxTag = Math.max(0, ...config.detectableTags);
    if (config.tagNames !== undefined && config.tagNames.length !== this.tagCount)
      throw new TickmindError('INVALID_ARGUMENT', `${config.tagNames.length} tag names for ${this.tagCount} detectable tags`, {
        field: 'tagNames',
      });
    this.slotOfTag = new Int32Array(maxTag + 1).fill(-1);
    config.detectableTags.forEach((tag, slot) => {
      if (!Number.isInteger(tag) || tag < 0)
        throw new TickmindError('INVALID_ARGUMENT', `tag ids must be non-negative integers, got ${tag}`, { field: 'detectableTags' });
      this.slotOfTag[tag] = slot;
    });
  }

  /** Fills slots [first, first + rays·poses.count) of the batch with every agent's rays. */
  fill(batch: RayBatch, poses: Readonly<AgentPoses>, first = 0): void {
    const needed = first + this.rays * poses.count;
    if (needed > batch.capacity)
      throw new TickmindError('INVALID_ARGUMENT', `ray batch holds ${batch.capacity} rays, ${needed} needed`, { field: 'batch' });
    // Arrays and sizes in locals: the engine then keeps them in registers across the loops.
    const dir = this.directions;
    const rays = this.rays;
    const length = this.length;
    const eye = this.eyeHeight;
    const { position, yaw, pitch, entity } = poses;
    const { origins, dirs, maxDist, exclude } = batch;
    for (let a = 0; a < poses.count; a++) {
      const cy = Math.cos(yaw[a]!);
      const sy = Math.sin(yaw[a]!);
      const cp = Math.cos(pitch[a]!);
      const sp = Math.sin(pitch[a]!);
      const ox = position[3 * a]!;
      const oy = position[3 * a + 1]! + eye;
      const oz = position[3 * a + 2]!;
      const self = entity[a]!;
      let i = first + a * rays;
      for (let r = 0; r < rays; r++, i++) {
        // Pitch rotates (forward, up) about the lateral axis; yaw maps to world X/Z.
        const f = dir[3 * r]! * cp - dir[3 * r + 1]! * sp;
        const u = dir[3 * r]! * sp + dir[3 * r + 1]! * cp;
        const l = dir[3 * r + 2]!;
        dirs[3 * i] = f * cy - l * sy;
        dirs[3 * i + 1] = u;
        dirs[3 * i + 2] = f * sy + l * cy;
        origins[3 * i] = ox;
        origins[3 * i + 1] = oy;
        origins[3 * i + 2] = oz;
        maxDist[i] = length;
        exclude[i] = self;
      }
    }
    batch.count = needed;
    batch.radius = this.radius;
  }

  /** Encodes the cast hits of `agents` agents starting at slot `first` into rows of out (stride floats apart, from offset). */
  encode(batch: Readonly<RayBatch>, agents: number, out: Float32Array, stride = this.size, offset = 0, first = 0): void {
    const T = this.tagCount;
    const inv = 1 / this.length;
    const rays = this.rays;
    const vpr = this.valuesPerRay;
    const slots = this.slotOfTag;
    const { hitTag, hitDist } = batch;
    for (let a = 0; a < agents; a++) {
      let o = a * stride + offset;
      let i = first + a * rays;
      // The agent's row zeroed in one native call, then each ray's few non-zero values.
      out.fill(0, o, o + rays * vpr);
      for (let r = 0; r < rays; r++, i++, o += vpr) {
        const tag = hitTag[i]!;
        if (tag < 0) {
          out[o + T] = 1;
          out[o + T + 1] = 1;
        } else {
          const slot = tag < slots.length ? slots[tag]! : -1;
          if (slot >= 0) out[o + slot] = 1;
          out[o + T + 1] = Math.min(1, hitDist[i]! * inv);
        }
      }
    }
  }

  /** fill → one castBatch call → encode. */
  perceive(poses: Readonly<AgentPoses>, caster: RayCaster, batch: RayBatch, out: Float32Array, stride = this.size, offset = 0): void {
    this.fill(batch, poses);
    caster.castBatch(batch);
    this.encode(batch, poses.count, out, stride, offset);
  }

  /**
   * The layout of one agent row as an ObservationSpec: one token of `size` features, a field per
   * ray (`ray0`, `ray1`, …) of `valuesPerRay` values ([one-hot tags…, miss, distance]).
   */
  observationSpec(): ObservationSpec {
    const fields = [];
    for (let r = 0; r < this.rays; r++) fields.push({ name: `ray${r}`, start: r * this.valuesPerRay, end: (r + 1) * this.valuesPerRay });
    return { version: 1, tokens: 1, featuresPerToken: this.size, fields };
  }

  /** Names of the values of one ray, in order. */
  rayFieldNames(tagNames?: readonly string[]): string[] {
    const names = this.config.detectableTags.map((t, i) => `tag:${tagNames?.[i] ?? t}`);
    return [...names, 'miss', 'distance'];
  }
}
