/**
 * The port every ray caster implements, and the batch it works on. Sensors fill a batch (one
 * ray per slot), hand it to the caster in ONE call, and read the hits back. All arrays are
 * preallocated for the batch's capacity; casting allocates nothing.
 */

/** A batch of rays and, after casting, their hits. Units: meters; directions are unit length. */
export interface RayBatch {
  /** Slots allocated. */
  readonly capacity: number;
  /** Rays in use this cast (the first `count` slots). */
  count: number;
  /** Ray origins, xyz per ray. */
  readonly origins: Float32Array;
  /** Unit directions, xyz per ray. */
  readonly dirs: Float32Array;
  /** Maximum distance per ray. */
  readonly maxDist: Float32Array;
  /** Sphere-cast radius for the whole batch (0: thin rays). */
  radius: number;
  /** Entity whose own collider each ray ignores (-1: none). */
  readonly exclude: Int32Array;
  /** Out: distance to the hit, or maxDist on a miss. */
  readonly hitDist: Float32Array;
  /** Out: tag of what was hit, or -1 on a miss. */
  readonly hitTag: Int32Array;
  /** Out: the agent entity hit, or -1 (static geometry or a miss). */
  readonly hitEntity: Int32Array;
}

/** Casts a whole batch. Implementations: the Rapier caster and the batched WebAssembly BVH caster. */
export interface RayCaster {
  /** Casts the first batch.count rays and writes hitDist, hitTag and hitEntity. */
  castBatch(batch: RayBatch): void;
}

/** A batch with room for `capacity` rays. */
export function createRayBatch(capacity: number): RayBatch {
  return {
    capacity,
    count: 0,
    origins: new Float32Array(capacity * 3),
    dirs: new Float32Array(capacity * 3),
    maxDist: new Float32Array(capacity),
    radius: 0,
    exclude: new Int32Array(capacity).fill(-1),
    hitDist: new Float32Array(capacity),
    hitTag: new Int32Array(capacity).fill(-1),
    hitEntity: new Int32Array(capacity).fill(-1),
  };
}

/** Writes ray i's end point (origin + dir · hitDist) into out[o..o+3): for debug rendering. */
export function rayEnd(batch: RayBatch, i: number, out: Float32Array, o: number): void {
  const d = batch.hitDist[i]!;
  out[o] = batch.origins[3 * i]! + batch.dirs[3 * i]! * d;
  out[o + 1] = batch.origins[3 * i + 1]! + batch.dirs[3 * i + 1]! * d;
  out[o + 2] = batch.origins[3 * i + 2]! + batch.dirs[3 * i + 2]! * d;
}
