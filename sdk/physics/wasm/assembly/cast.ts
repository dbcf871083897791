// Batched ray and sphere casts against the static level (a 4-wide BVH of boxes) and the agents
// (vertical capsules: rays of radius 0 walk a grid over them, sphere casts sweep them four at a time).
// One call casts a whole batch; nothing crosses into JavaScript per ray.
// The static level's side is closest-hit-level.ts (one ray) and closest-hit-packets.ts (up to 8
// rays from one origin, SIMD build), the agents' side closest-hit-agents.ts.

import { gridCapsules, sweepCapsules } from './closest-hit-agents';
import { hitPrim, traverseBoxes } from './closest-hit-level';
import { PACKET_RAYS, packetBest, packetBoxes, packetPrim } from './closest-hit-packets';

/**
 * Casts `count` rays. Static level: nodes4 (collapseBvh4), its leaf blocks (packLeaves), boxTags
 * (boxCount may be 0). Agents:
 * capSoa (their bounds, SoA planes of capStride floats, capStride a multiple of 4 with padding
 * boxes that no ray enters), caps (5 f32 each: x, y0, z, y1, radius), capTags, capEntities
 * (capCount may be 0); capGrid: a grid over the agents (agent-grid.ts) that rays of radius 0 walk
 * instead of sweeping every agent, or 0. Rays: origins, dirs (3 f32 each), maxDist, exclude (entity). Out: dist (maxDist on a
 * miss), tag (-1 on a miss), entity (-1 unless an agent was hit).
 */
export function castBatch(
  nodes4: usize, leaves: usize, boxTags: usize, boxCount: i32,
  capSoa: usize, capStride: i32, caps: usize, capTags: usize, capEntities: usize, capCount: i32, capGrid: usize,
  origins: usize, dirs: usize, maxDist: usize, exclude: usize, count: i32, radius: f32,
  outDist: usize, outTag: usize, outEntity: usize,
): void {
  const useGrid = capGrid != 0 && radius == 0;
  let first = 0;
  while (first < count) {
    // Up to PACKET_RAYS rays from one origin cross the level as a packet (SIMD build).
    const n = ASC_FEATURE_SIMD && boxCount > 0 ? sameOrigin(origins, first, min(count - first, PACKET_RAYS)) : 1;
    if (n > 1) packetBoxes(nodes4, leaves, first, n, origins, dirs, maxDist, radius);
    for (let r = first; r < first + n; r++) {
      const o = origins + (<usize>(r * 3) << 2);
      const d = dirs + (<usize>(r * 3) << 2);
      const ox = load<f32>(o);
      const oy = load<f32>(o, 4);
      const oz = load<f32>(o, 8);
      const dx = load<f32>(d);
      const dy = load<f32>(d, 4);
      const dz = load<f32>(d, 8);
      const ix = <f32>1 / dx;
      const iy = <f32>1 / dy;
      const iz = <f32>1 / dz;
      const limit = load<f32>(maxDist + (<usize>r << 2));
      let best = limit;
      let tag = -1;
      let entity = -1;
      if (boxCount > 0) {
        let prim = -1;
        if (n > 1) {
          best = load<f32>(packetBest + (<usize>(r - first) << 2));
          prim = load<i32>(packetPrim + (<usize>(r - first) << 2));
        } else {
          best = traverseBoxes(nodes4, leaves, ox, oy, oz, ix, iy, iz, radius, limit);
          prim = hitPrim;
        }
        if (prim >= 0) tag = load<i32>(boxTags + (<usize>prim << 2));
      }
      if (capCount > 0) {
        const ex = load<i32>(exclude + (<usize>r << 2));
        // The grid lists agents by their footprint: rays with a radius sweep them all.
        best = useGrid
          ? gridCapsules(capGrid, caps, capEntities, ex, ox, oy, oz, dx, dy, dz, ix, iz, best)
          : sweepCapsules(capSoa, capStride, caps, capEntities, capCount, ex, radius, ox, oy, oz, dx, dy, dz, ix, iy, iz, best);
        if (hitPrim >= 0) {
          tag = load<i32>(capTags + (<usize>hitPrim << 2));
          entity = load<i32>(capEntities + (<usize>hitPrim << 2));
        }
      }
      store<f32>(outDist + (<usize>r << 2), tag >= 0 ? best : limit);
      store<i32>(outTag + (<usize>r << 2), tag);
      store<i32>(outEntity + (<usize>r << 2), entity);
    }
    first += n;
  }
}

/** How many of the `most` rays from `first` on leave from the first's origin, bit for bit. */
function sameOrigin(origins: usize, first: i32, most: i32): i32 {
  const o = origins + (<usize>(first * 3) << 2);
  const x = load<i32>(o);
  const y = load<i32>(o, 4);
  const z = load<i32>(o, 8);
  let n = 1;
  for (; n < most; n++) {
    const p = o + (<usize>(n * 3) << 2);
    if (load<i32>(p) != x || load<i32>(p, 4) != y || load<i32>(p, 8) != z) break;
  }
  return n;
}
