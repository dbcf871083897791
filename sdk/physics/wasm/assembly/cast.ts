// Batched ray and sphere casts against the static level (a 4-wide BVH of boxes) and the agents
// (vertical capsules, swept four at a time). One call casts a whole batch; nothing crosses into JavaScript per ray.
// The ray travels through the traversal as parameters (locals), not globals, so the engine
// keeps it in registers.

import { LEAF_BYTES, NODE4_BYTES } from './bvh4';

const STACK_DEPTH: i32 = 64;
const stack = memory.data(STACK_DEPTH * 4, 16);

/** Primitive of the last closest hit (set by the traversals). */
let hitPrim: i32 = -1;

/** Entry distance of the ray into the box [lo - g, hi + g], or Infinity. */
// @ts-ignore: decorator
@inline
function slab(
  x0: f32, y0: f32, z0: f32, x1: f32, y1: f32, z1: f32,
  ox: f32, oy: f32, oz: f32, ix: f32, iy: f32, iz: f32, g: f32,
): f32 {
  let tx0 = (x0 - g - ox) * ix;
  let tx1 = (x1 + g - ox) * ix;
  if (tx0 > tx1) { const t = tx0; tx0 = tx1; tx1 = t; }
  let ty0 = (y0 - g - oy) * iy;
  let ty1 = (y1 + g - oy) * iy;
  if (ty0 > ty1) { const t = ty0; ty0 = ty1; ty1 = t; }
  let tz0 = (z0 - g - oz) * iz;
  let tz1 = (z1 + g - oz) * iz;
  if (tz0 > tz1) { const t = tz0; tz0 = tz1; tz1 = t; }
  const tn = max(max(tx0, ty0), max(tz0, <f32>0));
  const tf = min(min(tx1, ty1), tz1);
  // NaN (0 * inf on an axis-parallel ray at a slab boundary) compares false: counts as a miss.
  return tn <= tf ? tn : Infinity;
}

// @ts-ignore: decorator
@inline
function boxEntry(p: usize, ox: f32, oy: f32, oz: f32, ix: f32, iy: f32, iz: f32, g: f32): f32 {
  return slab(load<f32>(p), load<f32>(p, 4), load<f32>(p, 8), load<f32>(p, 12), load<f32>(p, 16), load<f32>(p, 20), ox, oy, oz, ix, iy, iz, g);
}

const entry = memory.data(16, 16);
/** A leaf's lane entries (apart from `entry`: the node being traversed still reads that). */
const leafEntry = memory.data(16, 16);

/**
 * Tests a leaf block's boxes (bvh4.ts packLeaves), in order; returns the new best and sets
 * hitPrim when one is closer. SIMD tests the four lanes at once, with the scalar slab's rule that
 * a NaN (0 · ∞: an axis-parallel ray on a slab's plane) is a miss, so both builds agree.
 */
// @ts-ignore: decorator
@inline
function leafBoxes(block: usize, count: i32, ox: f32, oy: f32, oz: f32, ix: f32, iy: f32, iz: f32, g: f32, best0: f32): f32 {
  let best = best0;
  if (ASC_FEATURE_SIMD) {
    const vg = f32x4.splat(g);
    let a = f32x4.mul(f32x4.sub(f32x4.sub(v128.load(block), vg), f32x4.splat(ox)), f32x4.splat(ix));
    let b = f32x4.mul(f32x4.sub(f32x4.add(v128.load(block, 48), vg), f32x4.splat(ox)), f32x4.splat(ix));
    let ok = v128.and(f32x4.eq(a, a), f32x4.eq(b, b));
    let tn = f32x4.pmax(f32x4.pmin(a, b), f32x4.splat(0));
    let tf = f32x4.pmax(a, b);
    a = f32x4.mul(f32x4.sub(f32x4.sub(v128.load(block, 16), vg), f32x4.splat(oy)), f32x4.splat(iy));
    b = f32x4.mul(f32x4.sub(f32x4.add(v128.load(block, 64), vg), f32x4.splat(oy)), f32x4.splat(iy));
    ok = v128.and(ok, v128.and(f32x4.eq(a, a), f32x4.eq(b, b)));
    tn = f32x4.pmax(tn, f32x4.pmin(a, b));
    tf = f32x4.pmin(tf, f32x4.pmax(a, b));
    a = f32x4.mul(f32x4.sub(f32x4.sub(v128.load(block, 32), vg), f32x4.splat(oz)), f32x4.splat(iz));
    b = f32x4.mul(f32x4.sub(f32x4.add(v128.load(block, 80), vg), f32x4.splat(oz)), f32x4.splat(iz));
    ok = v128.and(ok, v128.and(f32x4.eq(a, a), f32x4.eq(b, b)));
    tn = f32x4.pmax(tn, f32x4.pmin(a, b));
    tf = f32x4.pmin(tf, f32x4.pmax(a, b));
    let mask = i32x4.bitmask(v128.and(ok, v128.and(f32x4.le(tn, tf), f32x4.le(tn, f32x4.splat(best))))) & ((1 << count) - 1);
    if (mask == 0) return best;
    v128.store(leafEntry, tn);
    for (; mask != 0; mask &= mask - 1) {
      const k = ctz(mask);
      const t = load<f32>(leafEntry + (<usize>k << 2));
      if (t <= best) {
        best = t;
        hitPrim = load<i32>(block + (<usize>(24 + k) << 2));
      }
    }
    return best;
  }
  for (let k = 0; k < count; k++) {
    const q = block + (<usize>k << 2);
    const t = slab(load<f32>(q), load<f32>(q, 16), load<f32>(q, 32), load<f32>(q, 48), load<f32>(q, 64), load<f32>(q, 80), ox, oy, oz, ix, iy, iz, g);
    if (t <= best) {
      best = t;
      hitPrim = load<i32>(block + (<usize>(24 + k) << 2));
    }
  }
  return best;
}

/**
 * Closest hit among the boxes of a 4-wide BVH before `limit`; returns its distance (limit when
 * none) and sets hitPrim (-1 when none). Entered inner children are pushed far first, so the
 * nearest is visited next and its hits prune the rest.
 */
function traverseBoxes(
  nodes: usize, leaves: usize,
  ox: f32, oy: f32, oz: f32, ix: f32, iy: f32, iz: f32, g: f32, limit: f32,
): f32 {
  let best = limit;
  hitPrim = -1;
  store<i32>(stack, 0);
  let sp = 1;
  while (sp > 0) {
    sp--;
    const p = nodes + <usize>(load<i32>(stack + (<usize>sp << 2)) * NODE4_BYTES);
    let mask = 0;
    if (ASC_FEATURE_SIMD) {
      const vg = f32x4.splat(g);
      let a = f32x4.mul(f32x4.sub(f32x4.sub(v128.load(p), vg), f32x4.splat(ox)), f32x4.splat(ix));
      let b = f32x4.mul(f32x4.sub(f32x4.add(v128.load(p, 48), vg), f32x4.splat(ox)), f32x4.splat(ix));
      let tn = f32x4.pmax(f32x4.pmin(a, b), f32x4.splat(0));
      let tf = f32x4.pmax(a, b);
      a = f32x4.mul(f32x4.sub(f32x4.sub(v128.load(p, 16), vg), f32x4.splat(oy)), f32x4.splat(iy));
      b = f32x4.mul(f32x4.sub(f32x4.add(v128.load(p, 64), vg), f32x4.splat(oy)), f32x4.splat(iy));
      tn = f32x4.pmax(tn, f32x4.pmin(a, b));
      tf = f32x4.pmin(tf, f32x4.pmax(a, b));
      a = f32x4.mul(f32x4.sub(f32x4.sub(v128.load(p, 32), vg), f32x4.splat(oz)), f32x4.splat(iz));
      b = f32x4.mul(f32x4.sub(f32x4.add(v128.load(p, 80), vg), f32x4.splat(oz)), f32x4.splat(iz));
      tn = f32x4.pmax(tn, f32x4.pmin(a, b));
      tf = f32x4.pmin(tf, f32x4.pmax(a, b));
      mask = i32x4.bitmask(v128.and(f32x4.le(tn, tf), f32x4.le(tn, f32x4.splat(best))));
      v128.store(entry, tn);
    } else {
      for (let k = 0; k < 4; k++) {
        const t = slab(
          load<f32>(p + (<usize>k << 2)), load<f32>(p + (<usize>(4 + k) << 2)), load<f32>(p + (<usize>(8 + k) << 2)),
          load<f32>(p + (<usize>(12 + k) << 2)), load<f32>(p + (<usize>(16 + k) << 2)), load<f32>(p + (<usize>(20 + k) << 2)),
          ox, oy, oz, ix, iy, iz, g,
        );
        store<f32>(entry + (<usize>k << 2), t);
        if (t <= best) mask |= 1 << k;
      }
    }
    if (mask == 0) continue;
    // Leaves first (they tighten best), then inner children far to near onto the stack.
    let inner = 0;
    for (let m = mask; m != 0; m &= m - 1) {
      const k = ctz(m);
      const count = load<i32>(p + (<usize>(28 + k) << 2));
      if (count > 0) {
        if (load<f32>(entry + (<usize>k << 2)) <= best) {
          const block = leaves + <usize>(load<i32>(p + (<usize>(24 + k) << 2)) * LEAF_BYTES);
          best = leafBoxes(block, count, ox, oy, oz, ix, iy, iz, g, best);
        }
      } else if (count == 0) {
        inner |= 1 << k;
      }
    }
    while (inner != 0 && sp < STACK_DEPTH) {
      // Push the farthest remaining inner child.
      let far = -1;
      let farT: f32 = -1;
      for (let m = inner; m != 0; m &= m - 1) {
        const k = ctz(m);
        const t = load<f32>(entry + (<usize>k << 2));
        if (t > farT) {
          farT = t;
          far = k;
        }
      }
      inner &= ~(1 << far);
      if (farT <= best) {
        store<i32>(stack + (<usize>sp << 2), load<i32>(p + (<usize>(24 + far) << 2)));
        sp++;
      }
    }
  }
  return best;
}

/**
 * Ray vs vertical capsule (segment x = cx, z = cz, y in [y0, y1]; radius r), entry distance or
 * Infinity; 0 when the origin is inside.
 */
// @ts-ignore: decorator
@inline
function capsuleHit(cx: f32, y0: f32, y1: f32, cz: f32, r: f32, ox: f32, oy: f32, oz: f32, dx: f32, dy: f32, dz: f32): f32 {
  const r2 = r * r;
  let best: f32 = Infinity;
  const px = ox - cx;
  const pz = oz - cz;
  // Side: infinite cylinder in XZ, clipped to the segment's height.
  const a = dx * dx + dz * dz;
  const b = px * dx + pz * dz;
  const c = px * px + pz * pz - r2;
  if (c <= 0 && oy >= y0 && oy <= y1) return 0;
  if (a > 1e-12) {
    const disc = b * b - a * c;
    if (disc < 0) return Infinity; // the ray misses the infinite cylinder, so the caps too
    const t = (-b - Mathf.sqrt(disc)) / a;
    const y = oy + t * dy;
    if (t >= 0 && y >= y0 && y <= y1) return t;
  }
  // End caps: spheres at both segment ends.
  for (let k = 0; k < 2; k++) {
    const qy = oy - (k == 0 ? y0 : y1);
    const bb = px * dx + qy * dy + pz * dz;
    const cc = px * px + qy * qy + pz * pz - r2;
    if (cc <= 0) return 0;
    const d2 = bb * bb - cc;
    if (d2 >= 0) {
      const t = -bb - Mathf.sqrt(d2);
      if (t >= 0 && t < best) best = t;
    }
  }
  return best;
}

/**
 * Closest capsule hit before `limit`, skipping entity `exclude`; returns its distance and sets
 * hitPrim. Agents are few (hundreds), so instead of a tree the ray sweeps their bounds four at a
 * time (SoA: minX, minY, minZ, maxX, maxY, maxZ, each `stride` floats) and tests exactly only
 * the capsules whose box it enters before the current best.
 */
function sweepCapsules(
  soa: usize, stride: i32, caps: usize, entities: usize, n: i32, exclude: i32, g: f32,
  ox: f32, oy: f32, oz: f32, dx: f32, dy: f32, dz: f32, ix: f32, iy: f32, iz: f32, limit: f32,
): f32 {
  let best = limit;
  let prim = -1;
  const plane = <usize>stride << 2;
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    const vox = f32x4.splat(ox);
    const voy = f32x4.splat(oy);
    const voz = f32x4.splat(oz);
    const vix = f32x4.splat(ix);
    const viy = f32x4.splat(iy);
    const viz = f32x4.splat(iz);
    const vg = f32x4.splat(g);
    const zero = f32x4.splat(0);
    for (; j < n; j += 4) {
      const p = soa + (<usize>j << 2);
      let a = f32x4.mul(f32x4.sub(f32x4.sub(v128.load(p), vg), vox), vix);
      let b = f32x4.mul(f32x4.sub(f32x4.add(v128.load(p + 3 * plane), vg), vox), vix);
      let tn = f32x4.pmax(f32x4.pmin(a, b), zero);
      let tf = f32x4.pmax(a, b);
      a = f32x4.mul(f32x4.sub(f32x4.sub(v128.load(p + plane), vg), voy), viy);
      b = f32x4.mul(f32x4.sub(f32x4.add(v128.load(p + 4 * plane), vg), voy), viy);
      tn = f32x4.pmax(tn, f32x4.pmin(a, b));
      tf = f32x4.pmin(tf, f32x4.pmax(a, b));
      a = f32x4.mul(f32x4.sub(f32x4.sub(v128.load(p + 2 * plane), vg), voz), viz);
      b = f32x4.mul(f32x4.sub(f32x4.add(v128.load(p + 5 * plane), vg), voz), viz);
      tn = f32x4.pmax(tn, f32x4.pmin(a, b));
      tf = f32x4.pmin(tf, f32x4.pmax(a, b));
      const enter = v128.and(f32x4.le(tn, tf), f32x4.le(tn, f32x4.splat(best)));
      let mask = i32x4.bitmask(enter);
      while (mask != 0) {
        const lane = ctz(mask);
        mask &= mask - 1;
        const k = j + lane;
        if (k >= n || load<i32>(entities + (<usize>k << 2)) == exclude) continue;
        const q = caps + (<usize>(k * 5) << 2);
        const t = capsuleHit(load<f32>(q), load<f32>(q, 4), load<f32>(q, 12), load<f32>(q, 8), load<f32>(q, 16) + g, ox, oy, oz, dx, dy, dz);
        if (t <= best) {
          best = t;
          prim = k;
        }
      }
    }
  } else {
    for (; j < n; j++) {
      if (load<i32>(entities + (<usize>j << 2)) == exclude) continue;
      const p = soa + (<usize>j << 2);
      const e = slab(load<f32>(p), load<f32>(p + plane), load<f32>(p + 2 * plane), load<f32>(p + 3 * plane), load<f32>(p + 4 * plane), load<f32>(p + 5 * plane), ox, oy, oz, ix, iy, iz, g);
      if (e > best) continue;
      const q = caps + (<usize>(j * 5) << 2);
      const t = capsuleHit(load<f32>(q), load<f32>(q, 4), load<f32>(q, 12), load<f32>(q, 8), load<f32>(q, 16) + g, ox, oy, oz, dx, dy, dz);
      if (t <= best) {
        best = t;
        prim = j;
      }
    }
  }
  hitPrim = prim;
  return best;
}

// The agents' grid of this batch (agent-grid.ts), read once per castBatch.
let gX0: f32 = 0;
let gZ0: f32 = 0;
let gX1: f32 = 0;
let gZ1: f32 = 0;
let gCell: f32 = 0;
let gInv: f32 = 0;
let gCols: i32 = 0;
let gRows: i32 = 0;
let gStart: usize = 0;
let gItems: usize = 0;
let gStamps: usize = 0;
let gStamp: i32 = 0;

function loadGrid(grid: usize): void {
  gX0 = load<f32>(grid);
  gZ0 = load<f32>(grid, 4);
  gCell = load<f32>(grid, 8);
  gInv = load<f32>(grid, 12);
  gCols = load<i32>(grid, 16);
  gRows = load<i32>(grid, 20);
  gStart = <usize>load<i32>(grid, 24);
  gItems = <usize>load<i32>(grid, 28);
  gStamps = <usize>load<i32>(grid, 32);
  gStamp = load<i32>(grid, 36);
  gX1 = gX0 + <f32>gCols * gCell;
  gZ1 = gZ0 + <f32>gRows * gCell;
}

/**
 * Closest capsule hit before `limit` among the agents of the loaded grid, skipping entity
 * `exclude`; returns its distance and sets hitPrim. Cells are visited along the ray nearest
 * first; a cell entered beyond the best hit ends the walk. Each agent is tested once per ray (a
 * stamp per agent).
 */
function gridCapsules(
  caps: usize, entities: usize, exclude: i32,
  ox: f32, oy: f32, oz: f32, dx: f32, dy: f32, dz: f32, ix: f32, iz: f32, limit: f32,
): f32 {
  let best = limit;
  let prim = -1;
  // The ray's stretch over the grid's rectangle (t: distance along the ray).
  let t0: f32 = 0;
  let t1: f32 = best;
  if (dx != 0) {
    const a = (gX0 - ox) * ix;
    const b = (gX1 - ox) * ix;
    t0 = max(t0, min(a, b));
    t1 = min(t1, max(a, b));
  } else if (ox < gX0 || ox >= gX1) t1 = -1;
  if (dz != 0) {
    const a = (gZ0 - oz) * iz;
    const b = (gZ1 - oz) * iz;
    t0 = max(t0, min(a, b));
    t1 = min(t1, max(a, b));
  } else if (oz < gZ0 || oz >= gZ1) t1 = -1;
  hitPrim = -1;
  if (!(t0 <= t1)) return best;
  const stamp = ++gStamp;
  let col = min(gCols - 1, max(0, <i32>((ox + dx * t0 - gX0) * gInv)));
  let row = min(gRows - 1, max(0, <i32>((oz + dz * t0 - gZ0) * gInv)));
  // t of the next x and z cell boundaries, and per cell.
  let tx: f32 = Infinity;
  let tz: f32 = Infinity;
  let ddx: f32 = Infinity;
  let ddz: f32 = Infinity;
  if (dx != 0) {
    tx = (gX0 + <f32>(col + (dx > 0 ? 1 : 0)) * gCell - ox) * ix;
    ddx = gCell * Mathf.abs(ix);
  }
  if (dz != 0) {
    tz = (gZ0 + <f32>(row + (dz > 0 ? 1 : 0)) * gCell - oz) * iz;
    ddz = gCell * Mathf.abs(iz);
  }
  const stepX = dx > 0 ? 1 : -1;
  const stepZ = dz > 0 ? 1 : -1;
  while (true) {
    const c = row * gCols + col;
    const end = load<i32>(gStart + (<usize>(c + 1) << 2));
    for (let k = load<i32>(gStart + (<usize>c << 2)); k < end; k++) {
      const a = load<i32>(gItems + (<usize>k << 2));
      const s = gStamps + (<usize>a << 2);
      if (load<i32>(s) == stamp) continue;
      store<i32>(s, stamp);
      if (load<i32>(entities + (<usize>a << 2)) == exclude) continue;
      const q = caps + (<usize>(a * 5) << 2);
      const t = capsuleHit(load<f32>(q), load<f32>(q, 4), load<f32>(q, 12), load<f32>(q, 8), load<f32>(q, 16), ox, oy, oz, dx, dy, dz);
      if (t <= best) {
        best = t;
        prim = a;
      }
    }
    // The next cell along the ray, unless it starts past the best hit or the grid.
    if (tx < tz) {
      if (tx > best || tx > t1) break;
      col += stepX;
      if (col < 0 || col >= gCols) break;
      tx += ddx;
    } else {
      if (tz > best || tz > t1) break;
      row += stepZ;
      if (row < 0 || row >= gRows) break;
      tz += ddz;
    }
  }
  hitPrim = prim;
  return best;
}

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
