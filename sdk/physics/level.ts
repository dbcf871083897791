/**
 * Static level geometry as the physics module consumes it: axis-aligned boxes with a tag each.
 * The same data builds the Rapier colliders and the BVH of the batched caster, so both see one
 * world.
 */
import { TickmindError } from '../core/errors.js';

/** Boxes as flat arrays: min xyz and max xyz per box, and a tag per box. */
export interface LevelBoxes {
  /** 6 floats per box: minX, minY, minZ, maxX, maxY, maxZ. */
  bounds: Float32Array;
  /** Tag id per box. */
  tags: Int32Array;
}

/** Builds level boxes from a list, validating each. */
export function levelFromBoxes(boxes: ReadonlyArray<{ min: readonly number[]; max: readonly number[]; tag: number }>): LevelBoxes {
  const bounds = new Float32Array(boxes.length * 6);
  const tags = new Int32Array(boxes.length);
  boxes.forEach((b, i) => {
    for (let k = 0; k < 3; k++) {
      const lo = b.min[k];
      const hi = b.max[k];
      if (lo === undefined || hi === undefined || !(lo <= hi) || !Number.isFinite(lo) || !Number.isFinite(hi)) {
        throw new TickmindError('INVALID_ARGUMENT', `box ${i}: min must not exceed max on every axis (got min ${b.min}, max ${b.max})`, {
          field: `boxes[${i}]`,
        });
      }
      bounds[6 * i + k] = lo;
      bounds[6 * i + 3 + k] = hi;
    }
    tags[i] = b.tag;
  });
  return { bounds, tags };
}

/** Number of boxes. */
export function boxCount(level: Readonly<LevelBoxes>): number {
  return level.tags.length;
}
