// Batched ray and sphere casts against the static level (a 4-wide BVH of boxes) and the agents
// (vertical capsules: rays of radius 0 walk a grid over them, sphere casts sweep them four at a time).
// One call casts a whole batch; nothing crosses into JavaScript per ray.
// The static level's side is closest-hit-level.ts, the agents' side closest-hit-agents.ts.

import { gridCapsules, gStamp, loadGrid, sweepCapsules } from './closest-hit-agents';
import { hitPrim, traverseBoxes } from './closest-hit-level';

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
  if (useGrid) loadGrid(capGrid);
  for (let r = 0; r < count; r++) {
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
      best = traverseBoxes(nodes4, leaves, ox, oy, oz, ix, iy, iz, radius, limit);
      if (hitPrim >= 0) tag = load<i32>(boxTags + (<usize>hitPrim << 2));
    }
    if (capCount > 0) {
      const ex = load<i32>(exclude + (<usize>r << 2));
      // The grid lists agents by their footprint: rays with a radius sweep them all.
      best = useGrid
        ? gridCapsules(caps, capEntities, ex, ox, oy, oz, dx, dy, dz, ix, iz, best)
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
  if (useGrid) store<i32>(capGrid, gStamp, 36);
}
