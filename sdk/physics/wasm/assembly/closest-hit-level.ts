// Ray (or sphere) casts against the static level: a 4-wide BVH of boxes (bvh4.ts), traversed
// nearest child first, with the slab test the agents' sweep shares. The ray travels through the
// traversal as parameters (locals), not globals, so the engine keeps it in registers.
// Part of castBatch (cast.ts); the agents' side is closest-hit-agents.ts.

import { LEAF_BYTES, NODE4_BYTES } from './bvh4';

const STACK_DEPTH: i32 = 64;
const stack = memory.data(STACK_DEPTH * 4, 16);

/** Primitive of the last closest hit (set by the traversals, here and in closest-hit-agents.ts). */
export let hitPrim: i32 = -1;

/** Entry distance of the ray into the box [lo - g, hi + g], or Infinity. */
// @ts-ignore: decorator
@inline
export function slab(
  x0: f32, y0: f32, z0: f32, x1: f32, y1: f32, z1: f32,
  ox: f32, oy: f32, oz: f32, ix: f32, iy: f32, iz: f32, g: f32,
): f32 {
  // The origin moved by ±g rather than the box grown by g: one subtraction per plane (the SIMD
  // tests and the packets fold it the same way, so every path rounds alike).
  let tx0 = (x0 - (ox + g)) * ix;
  let tx1 = (x1 - (ox - g)) * ix;
  if (tx0 > tx1) { const t = tx0; tx0 = tx1; tx1 = t; }
  let ty0 = (y0 - (oy + g)) * iy;
  let ty1 = (y1 - (oy - g)) * iy;
  if (ty0 > ty1) { const t = ty0; ty0 = ty1; ty1 = t; }
  let tz0 = (z0 - (oz + g)) * iz;
  let tz1 = (z1 - (oz - g)) * iz;
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

/**
 * Whether box `box` at distance t beats the best so far (hitPrim at `best`): closer, or as close
 * and a lower index, so the closest hit does not depend on the order boxes are met in (a packet
 * of rays meets them in another order than one ray).
 */
// @ts-ignore: decorator
@inline
function closer(t: f32, box: i32, best: f32): bool {
  return t < best || (t == best && <u32>box < <u32>hitPrim);
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
    let a = f32x4.mul(f32x4.sub(v128.load(block), f32x4.splat(ox + g)), f32x4.splat(ix));
    let b = f32x4.mul(f32x4.sub(v128.load(block, 48), f32x4.splat(ox - g)), f32x4.splat(ix));
    let ok = v128.and(f32x4.eq(a, a), f32x4.eq(b, b));
    let tn = f32x4.pmax(f32x4.pmin(a, b), f32x4.splat(0));
    let tf = f32x4.pmax(a, b);
    a = f32x4.mul(f32x4.sub(v128.load(block, 16), f32x4.splat(oy + g)), f32x4.splat(iy));
    b = f32x4.mul(f32x4.sub(v128.load(block, 64), f32x4.splat(oy - g)), f32x4.splat(iy));
    ok = v128.and(ok, v128.and(f32x4.eq(a, a), f32x4.eq(b, b)));
    tn = f32x4.pmax(tn, f32x4.pmin(a, b));
    tf = f32x4.pmin(tf, f32x4.pmax(a, b));
    a = f32x4.mul(f32x4.sub(v128.load(block, 32), f32x4.splat(oz + g)), f32x4.splat(iz));
    b = f32x4.mul(f32x4.sub(v128.load(block, 80), f32x4.splat(oz - g)), f32x4.splat(iz));
    ok = v128.and(ok, v128.and(f32x4.eq(a, a), f32x4.eq(b, b)));
    tn = f32x4.pmax(tn, f32x4.pmin(a, b));
    tf = f32x4.pmin(tf, f32x4.pmax(a, b));
    let mask = i32x4.bitmask(v128.and(ok, v128.and(f32x4.le(tn, tf), f32x4.le(tn, f32x4.splat(best))))) & ((1 << count) - 1);
    if (mask == 0) return best;
    v128.store(leafEntry, tn);
    for (; mask != 0; mask &= mask - 1) {
      const k = ctz(mask);
      const t = load<f32>(leafEntry + (<usize>k << 2));
      const box = load<i32>(block + (<usize>(24 + k) << 2));
      if (closer(t, box, best)) {
        best = t;
        hitPrim = box;
      }
    }
    return best;
  }
  for (let k = 0; k < count; k++) {
    const q = block + (<usize>k << 2);
    const t = slab(load<f32>(q), load<f32>(q, 16), load<f32>(q, 32), load<f32>(q, 48), load<f32>(q, 64), load<f32>(q, 80), ox, oy, oz, ix, iy, iz, g);
    const box = load<i32>(block + (<usize>(24 + k) << 2));
    if (closer(t, box, best)) {
      best = t;
      hitPrim = box;
    }
  }
  return best;
}

/**
 * Closest hit among the boxes of a 4-wide BVH before `limit`; returns its distance (limit when
 * none) and sets hitPrim (-1 when none). Entered inner children are pushed far first, so the
 * nearest is visited next and its hits prune the rest.
 */
export function traverseBoxes(
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
      let a = f32x4.mul(f32x4.sub(v128.load(p), f32x4.splat(ox + g)), f32x4.splat(ix));
      let b = f32x4.mul(f32x4.sub(v128.load(p, 48), f32x4.splat(ox - g)), f32x4.splat(ix));
      let tn = f32x4.pmax(f32x4.pmin(a, b), f32x4.splat(0));
      let tf = f32x4.pmax(a, b);
      a = f32x4.mul(f32x4.sub(v128.load(p, 16), f32x4.splat(oy + g)), f32x4.splat(iy));
      b = f32x4.mul(f32x4.sub(v128.load(p, 64), f32x4.splat(oy - g)), f32x4.splat(iy));
      tn = f32x4.pmax(tn, f32x4.pmin(a, b));
      tf = f32x4.pmin(tf, f32x4.pmax(a, b));
      a = f32x4.mul(f32x4.sub(v128.load(p, 32), f32x4.splat(oz + g)), f32x4.splat(iz));
      b = f32x4.mul(f32x4.sub(v128.load(p, 80), f32x4.splat(oz - g)), f32x4.splat(iz));
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
