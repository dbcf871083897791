// Ray (or sphere) casts against the agents, vertical capsules: a sweep over their bounds four at a
// time, or, for rays of radius 0 past a few dozen agents, a walk through the agents' grid
// (agent-grid.ts). Part of castBatch (cast.ts); the static level's side is closest-hit-level.ts.

import { hitPrim, slab } from './closest-hit-level';

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
export function sweepCapsules(
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
export let gStamp: i32 = 0;

export function loadGrid(grid: usize): void {
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
export function gridCapsules(
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
