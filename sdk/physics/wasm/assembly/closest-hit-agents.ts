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
    // From above the segment going level or up (a sensor's eyes over a standing agent's
    // shoulders), or from below going level or down, the side entry cannot lie on the segment:
    // only the caps are left, with no square root and division spent on it.
    if (!((oy > y1 && dy >= 0) || (oy < y0 && dy <= 0))) {
      const t = (-b - Mathf.sqrt(disc)) / a;
      const y = oy + t * dy;
      if (t >= 0 && y >= y0 && y <= y1) return t;
    }
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
    // The origin moved by ±g rather than the bounds grown (as slab does).
    const lox = f32x4.splat(ox + g);
    const loy = f32x4.splat(oy + g);
    const loz = f32x4.splat(oz + g);
    const hix = f32x4.splat(ox - g);
    const hiy = f32x4.splat(oy - g);
    const hiz = f32x4.splat(oz - g);
    const vix = f32x4.splat(ix);
    const viy = f32x4.splat(iy);
    const viz = f32x4.splat(iz);
    const zero = f32x4.splat(0);
    for (; j < n; j += 4) {
      const p = soa + (<usize>j << 2);
      let a = f32x4.mul(f32x4.sub(v128.load(p), lox), vix);
      let b = f32x4.mul(f32x4.sub(v128.load(p + 3 * plane), hix), vix);
      let tn = f32x4.pmax(f32x4.pmin(a, b), zero);
      let tf = f32x4.pmax(a, b);
      a = f32x4.mul(f32x4.sub(v128.load(p + plane), loy), viy);
      b = f32x4.mul(f32x4.sub(v128.load(p + 4 * plane), hiy), viy);
      tn = f32x4.pmax(tn, f32x4.pmin(a, b));
      tf = f32x4.pmin(tf, f32x4.pmax(a, b));
      a = f32x4.mul(f32x4.sub(v128.load(p + 2 * plane), loz), viz);
      b = f32x4.mul(f32x4.sub(v128.load(p + 5 * plane), hiz), viz);
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

/**
 * Closest capsule hit before `limit` among the agents of the grid at `grid` (agent-grid.ts),
 * skipping entity `exclude`; returns its distance and sets hitPrim. Cells are visited along the
 * ray nearest first; a cell entered beyond the best hit ends the walk. An item whose footprint
 * disc the ray's XZ line misses is skipped before anything else is loaded (exactly the rays
 * capsuleHit would miss: the same discriminant).
 */
// @ts-ignore: decorator
@inline
export function gridCapsules(
  grid: usize, caps: usize, entities: usize, exclude: i32,
  ox: f32, oy: f32, oz: f32, dx: f32, dy: f32, dz: f32, ix: f32, iz: f32, limit: f32,
): f32 {
  const x0 = load<f32>(grid);
  const z0 = load<f32>(grid, 4);
  const cell = load<f32>(grid, 8);
  const inv = load<f32>(grid, 12);
  const cols = load<i32>(grid, 16);
  const rows = load<i32>(grid, 20);
  const start = <usize>load<i32>(grid, 24);
  const items = <usize>load<i32>(grid, 28);
  const itemPlane = <usize>load<i32>(grid, 32) << 2;
  const x1 = x0 + <f32>cols * cell;
  const z1 = z0 + <f32>rows * cell;
  let best = limit;
  let prim = -1;
  hitPrim = -1;
  // The ray's stretch over the grid's rectangle (t: distance along the ray). Comparisons, not
  // f32 min/max: the engine spells those out for NaN and −0, a dozen instructions each.
  let t0: f32 = 0;
  let t1: f32 = best;
  let col: i32;
  let row: i32;
  if (ox >= x0 && ox < x1 && oz >= z0 && oz < z1) {
    // From inside (a sensing agent's eyes are over its own footprint): its cell, and the exit.
    if (dx != 0) {
      const tx = ((dx > 0 ? x1 : x0) - ox) * ix;
      if (tx < t1) t1 = tx;
    }
    if (dz != 0) {
      const tz = ((dz > 0 ? z1 : z0) - oz) * iz;
      if (tz < t1) t1 = tz;
    }
    col = min(cols - 1, <i32>((ox - x0) * inv));
    row = min(rows - 1, <i32>((oz - z0) * inv));
  } else {
    if (dx != 0) {
      const a = (x0 - ox) * ix;
      const b = (x1 - ox) * ix;
      t0 = max(t0, min(a, b));
      t1 = min(t1, max(a, b));
    } else if (ox < x0 || ox >= x1) t1 = -1;
    if (dz != 0) {
      const a = (z0 - oz) * iz;
      const b = (z1 - oz) * iz;
      t0 = max(t0, min(a, b));
      t1 = min(t1, max(a, b));
    } else if (oz < z0 || oz >= z1) t1 = -1;
    if (!(t0 <= t1)) return best;
    col = min(cols - 1, max(0, <i32>((ox + dx * t0 - x0) * inv)));
    row = min(rows - 1, max(0, <i32>((oz + dz * t0 - z0) * inv)));
  }
  // t of the next x and z cell boundaries, and per cell.
  let tx: f32 = Infinity;
  let tz: f32 = Infinity;
  let ddx: f32 = Infinity;
  let ddz: f32 = Infinity;
  if (dx != 0) {
    tx = (x0 + <f32>(col + (dx > 0 ? 1 : 0)) * cell - ox) * ix;
    ddx = cell * Mathf.abs(ix);
  }
  if (dz != 0) {
    tz = (z0 + <f32>(row + (dz > 0 ? 1 : 0)) * cell - oz) * iz;
    ddz = cell * Mathf.abs(iz);
  }
  // The walk ends at the first cell starting past the best hit or the grid's edge.
  let stop = t1 < best ? t1 : best;
  const stepX = dx > 0 ? 1 : -1;
  const stepZ = dz > 0 ? 1 : -1;
  // capsuleHit's side-test terms: a ray with a > 0 whose discriminant is negative misses.
  const aa = dx * dx + dz * dz;
  const sideTest = aa > 1e-12;
  while (true) {
    const c = row * cols + col;
    const end = load<i32>(start + (<usize>(c + 1) << 2));
    let k = load<i32>(start + (<usize>c << 2));
    if (ASC_FEATURE_SIMD) {
      // Four footprints per step; lanes past the cell's end are dropped from the mask.
      for (; k < end; k += 4) {
        const at = items + (<usize>k << 2);
        const r = v128.load(at + 2 * itemPlane);
        let open = 15;
        if (sideTest) {
          const px = f32x4.sub(f32x4.splat(ox), v128.load(at));
          const pz = f32x4.sub(f32x4.splat(oz), v128.load(at + itemPlane));
          const b = f32x4.add(f32x4.mul(px, f32x4.splat(dx)), f32x4.mul(pz, f32x4.splat(dz)));
          const cc = f32x4.sub(f32x4.add(f32x4.mul(px, px), f32x4.mul(pz, pz)), f32x4.mul(r, r));
          const disc = f32x4.sub(f32x4.mul(b, b), f32x4.mul(f32x4.splat(aa), cc));
          open = i32x4.bitmask(v128.not(f32x4.lt(disc, f32x4.splat(0))));
        }
        open &= (1 << min(4, end - k)) - 1;
        for (; open != 0; open &= open - 1) {
          const item = at + (<usize>ctz(open) << 2);
          const a = load<i32>(item + 3 * itemPlane);
          if (load<i32>(entities + (<usize>a << 2)) == exclude) continue;
          const q = caps + (<usize>(a * 5) << 2);
          const t = capsuleHit(load<f32>(item), load<f32>(q, 4), load<f32>(q, 12), load<f32>(item + itemPlane), load<f32>(item + 2 * itemPlane), ox, oy, oz, dx, dy, dz);
          if (t <= best) {
            best = t;
            prim = a;
            if (t < stop) stop = t;
          }
        }
      }
    } else {
      for (; k < end; k++) {
        const item = items + (<usize>k << 2);
        const cx = load<f32>(item);
        const cz = load<f32>(item + itemPlane);
        const r = load<f32>(item + 2 * itemPlane);
        if (sideTest) {
          const px = ox - cx;
          const pz = oz - cz;
          const b = px * dx + pz * dz;
          const cc = px * px + pz * pz - r * r;
          if (b * b - aa * cc < 0) continue;
        }
        const a = load<i32>(item + 3 * itemPlane);
        if (load<i32>(entities + (<usize>a << 2)) == exclude) continue;
        const q = caps + (<usize>(a * 5) << 2);
        const t = capsuleHit(cx, load<f32>(q, 4), load<f32>(q, 12), cz, r, ox, oy, oz, dx, dy, dz);
        if (t <= best) {
          best = t;
          prim = a;
          if (t < stop) stop = t;
        }
      }
    }
    // The next cell along the ray, unless it starts past the best hit or the grid.
    if (tx < tz) {
      if (tx > stop) break;
      col += stepX;
      if (<u32>col >= <u32>cols) break;
      tx += ddx;
    } else {
      if (tz > stop) break;
      row += stepZ;
      if (<u32>row >= <u32>rows) break;
      tz += ddz;
    }
  }
  hitPrim = prim;
  return best;
}
