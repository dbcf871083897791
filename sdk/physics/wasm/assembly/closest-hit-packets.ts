// Up to eight rays from one origin (a sensor's fan: every ray of an agent leaves its eyes) through
// the level's 4-wide BVH together, one ray per SIMD lane in two vectors: a node is fetched once
// for the packet and each child's slab test runs on all eight rays, so the node loads, the stack
// and the branches are paid once per packet, not per ray (rays of one fan mostly enter the same
// nodes). SIMD build only; part of castBatch (cast.ts).
//
// Per lane the slab arithmetic is the single-ray test's (closest-hit-level.ts), operation for
// operation, and ties between boxes at the same distance go to the lower box index in both, so
// a packet finds exactly what its rays would find one by one.

import { LEAF_BYTES, NODE4_BYTES } from './bvh4';

/** Most rays in a packet. */
export const PACKET_RAYS: i32 = 8;

const STACK_DEPTH: i32 = 64;
const stack = memory.data(STACK_DEPTH * 4, 16);
// Inner children entered at one node: their node index and their packet entry distance.
const innerNode = memory.data(16, 16);
const innerT = memory.data(16, 16);
// The current node's children: each one's nearest entry over the packet (Infinity: not entered).
const childNear = memory.data(16, 16);
// The packet's lanes (PACKET_RAYS each): inverse direction, best distance, box hit.
const laneIx = memory.data(PACKET_RAYS * 4, 16);
const laneIy = memory.data(PACKET_RAYS * 4, 16);
const laneIz = memory.data(PACKET_RAYS * 4, 16);
/** Per lane after packetBoxes: the closest box distance (the limit when none) and its box (-1). */
export const packetBest = memory.data(PACKET_RAYS * 4, 16);
export const packetPrim = memory.data(PACKET_RAYS * 4, 16);

/**
 * Casts rays first … first + n − 1 (n ≤ PACKET_RAYS; they share their origin) against the boxes
 * of the BVH at nodes (leaf blocks at leaves), each bounded by its maxDist, grown by g; results
 * in packetBest / packetPrim.
 */
export function packetBoxes(
  nodes: usize, leaves: usize, first: i32, n: i32, origins: usize, dirs: usize, maxDist: usize, g: f32,
): void {
  const level = setLanes(first, n, dirs, maxDist);
  // The origin moved by ±g instead of every box grown by g (see slab, closest-hit-level.ts).
  const o = origins + (<usize>(first * 3) << 2);
  const lox = f32x4.splat(load<f32>(o) + g);
  const loy = f32x4.splat(load<f32>(o, 4) + g);
  const loz = f32x4.splat(load<f32>(o, 8) + g);
  const hix = f32x4.splat(load<f32>(o) - g);
  const hiy = f32x4.splat(load<f32>(o, 4) - g);
  const hiz = f32x4.splat(load<f32>(o, 8) - g);
  const ix0 = v128.load(laneIx);
  const iy0 = v128.load(laneIy);
  const iz0 = v128.load(laneIz);
  const ix1 = v128.load(laneIx, 16);
  const iy1 = v128.load(laneIy, 16);
  const iz1 = v128.load(laneIz, 16);
  let best0 = v128.load(packetBest);
  let best1 = v128.load(packetBest, 16);
  let prim0 = i32x4.splat(-1);
  let prim1 = prim0;
  store<i32>(stack, 0);
  let sp = 1;
  while (sp > 0) {
    sp--;
    const p = nodes + <usize>(load<i32>(stack + (<usize>sp << 2)) * NODE4_BYTES);
    let inner = 0;
    // All four children against both halves first (the single-ray node test per lane), reduced
    // to each child's nearest entry over the rays: one mask of entered children to loop over,
    // not a branch per child the predictor cannot learn. Written out here: behind an inlined
    // helper of 15 vector parameters the cast measured 2-5 % slower. Horizontal packets skip
    // the y slab and test the origin's height against the four children at once (spansOf).
    let n0: v128, n1: v128, n2: v128, n3: v128;
    if (level) {
      n0 = f32x4.pmin(entryXZ(p, lox, loz, hix, hiz, ix0, iz0, best0), entryXZ(p, lox, loz, hix, hiz, ix1, iz1, best1));
      n1 = f32x4.pmin(entryXZ(p + 4, lox, loz, hix, hiz, ix0, iz0, best0), entryXZ(p + 4, lox, loz, hix, hiz, ix1, iz1, best1));
      n2 = f32x4.pmin(entryXZ(p + 8, lox, loz, hix, hiz, ix0, iz0, best0), entryXZ(p + 8, lox, loz, hix, hiz, ix1, iz1, best1));
      n3 = f32x4.pmin(entryXZ(p + 12, lox, loz, hix, hiz, ix0, iz0, best0), entryXZ(p + 12, lox, loz, hix, hiz, ix1, iz1, best1));
    } else {
      n0 = f32x4.pmin(entry(p, lox, loy, loz, hix, hiy, hiz, ix0, iy0, iz0, best0), entry(p, lox, loy, loz, hix, hiy, hiz, ix1, iy1, iz1, best1));
      n1 = f32x4.pmin(entry(p + 4, lox, loy, loz, hix, hiy, hiz, ix0, iy0, iz0, best0), entry(p + 4, lox, loy, loz, hix, hiy, hiz, ix1, iy1, iz1, best1));
      n2 = f32x4.pmin(entry(p + 8, lox, loy, loz, hix, hiy, hiz, ix0, iy0, iz0, best0), entry(p + 8, lox, loy, loz, hix, hiy, hiz, ix1, iy1, iz1, best1));
      n3 = f32x4.pmin(entry(p + 12, lox, loy, loz, hix, hiy, hiz, ix0, iy0, iz0, best0), entry(p + 12, lox, loy, loz, hix, hiy, hiz, ix1, iy1, iz1, best1));
    }
    let nearest = nearestOf(n0, n1, n2, n3);
    if (level) nearest = v128.bitselect(nearest, f32x4.splat(Infinity), spansOf(p, loy, hiy));
    v128.store(childNear, nearest);
    for (let mask = i32x4.bitmask(f32x4.ne(nearest, f32x4.splat(Infinity))); mask != 0; mask &= mask - 1) {
      const k = ctz(mask);
      const count = load<i32>(p + (<usize>(28 + k) << 2));
      if (count < 0) continue; // an empty lane (entered only by a ray of unbounded length)
      const child = load<i32>(p + (<usize>(24 + k) << 2));
      if (count > 0) {
        // A leaf block: its boxes against the rays, in order.
        const block = leaves + <usize>(child * LEAF_BYTES);
        for (let j = 0; j < count; j++) {
          const b = block + (<usize>j << 2);
          const vbox = i32x4.splat(load<i32>(block + (<usize>(24 + j) << 2)));
          const h0 = boxHit(b, lox, loy, loz, hix, hiy, hiz, ix0, iy0, iz0);
          const h1 = boxHit(b, lox, loy, loz, hix, hiy, hiz, ix1, iy1, iz1);
          const c0 = closer(h0, vbox, best0, prim0);
          const c1 = closer(h1, vbox, best1, prim1);
          best0 = v128.bitselect(h0, best0, c0);
          prim0 = v128.bitselect(vbox, prim0, c0);
          best1 = v128.bitselect(h1, best1, c1);
          prim1 = v128.bitselect(vbox, prim1, c1);
        }
      } else {
        // Entered inner child: keyed by its nearest entry over the entering rays.
        store<i32>(innerNode + (<usize>inner << 2), child);
        store<f32>(innerT + (<usize>inner << 2), load<f32>(childNear + (<usize>k << 2)));
        inner++;
      }
    }
    sp = pushFarToNear(inner, sp);
  }
  v128.store(packetBest, best0);
  v128.store(packetBest, best1, 16);
  v128.store(packetPrim, prim0);
  v128.store(packetPrim, prim1, 16);
}

/**
 * The packet's lanes from rays first … first + n − 1: inverse directions and limits; lanes past n
 * get best −1 (nothing is entered before 0) and a unit direction. Returns whether every ray is
 * horizontal (dy = ±0: a sensor's fan at zero pitch).
 */
function setLanes(first: i32, n: i32, dirs: usize, maxDist: usize): bool {
  let level = true;
  for (let i = 0; i < PACKET_RAYS; i++) {
    const at = <usize>i << 2;
    if (i < n) {
      const d = dirs + (<usize>((first + i) * 3) << 2);
      if (load<f32>(d, 4) != 0) level = false;
      store<f32>(laneIx + at, <f32>1 / load<f32>(d));
      store<f32>(laneIy + at, <f32>1 / load<f32>(d, 4));
      store<f32>(laneIz + at, <f32>1 / load<f32>(d, 8));
      store<f32>(packetBest + at, load<f32>(maxDist + (<usize>(first + i) << 2)));
    } else {
      store<f32>(laneIx + at, 1);
      store<f32>(laneIy + at, 1);
      store<f32>(laneIz + at, 1);
      store<f32>(packetBest + at, -1);
    }
    store<i32>(packetPrim + at, -1);
  }
  return level;
}

/**
 * Which of node p's four children span the height of a horizontal packet's origin: for such rays
 * the y slab asks nothing else (what the general test's ±∞ and ignored NaN say).
 */
// @ts-ignore: decorator
@inline
function spansOf(p: usize, loy: v128, hiy: v128): v128 {
  return v128.and(f32x4.le(f32x4.sub(v128.load(p, 16), loy), f32x4.splat(0)), f32x4.ge(f32x4.sub(v128.load(p, 64), hiy), f32x4.splat(0)));
}

/** [min of n0's lanes, min of n1's, min of n2's, min of n3's]: two shuffle-min rounds. */
// @ts-ignore: decorator
@inline
function nearestOf(n0: v128, n1: v128, n2: v128, n3: v128): v128 {
  const m01 = f32x4.pmin(i32x4.shuffle(n0, n1, 0, 1, 4, 5), i32x4.shuffle(n0, n1, 2, 3, 6, 7));
  const m23 = f32x4.pmin(i32x4.shuffle(n2, n3, 0, 1, 4, 5), i32x4.shuffle(n2, n3, 2, 3, 6, 7));
  return f32x4.pmin(i32x4.shuffle(m01, m23, 0, 2, 4, 6), i32x4.shuffle(m01, m23, 1, 3, 5, 7));
}

/**
 * Pushes the `inner` entered inner children (innerNode / innerT) far to near onto the stack at
 * sp, so the nearest is visited next; returns the new sp.
 */
// @ts-ignore: decorator
@inline
function pushFarToNear(inner: i32, sp: i32): i32 {
  while (inner > 0 && sp < STACK_DEPTH) {
    let far = 0;
    for (let m = 1; m < inner; m++) if (load<f32>(innerT + (<usize>m << 2)) > load<f32>(innerT + (<usize>far << 2))) far = m;
    store<i32>(stack + (<usize>sp << 2), load<i32>(innerNode + (<usize>far << 2)));
    sp++;
    inner--;
    store<i32>(innerNode + (<usize>far << 2), load<i32>(innerNode + (<usize>inner << 2)));
    store<f32>(innerT + (<usize>far << 2), load<f32>(innerT + (<usize>inner << 2)));
  }
  return sp;
}

/**
 * Entry distance of four rays into the box in lane q of a node (q = node + 4 k; lo/hi: the origin ± g), Infinity where a ray
 * does not enter it before its best: the single-ray node test per lane.
 */
// @ts-ignore: decorator
@inline
function entry(
  q: usize, lox: v128, loy: v128, loz: v128, hix: v128, hiy: v128, hiz: v128, ix: v128, iy: v128, iz: v128, best: v128,
): v128 {
  let a = f32x4.mul(f32x4.sub(v128.load32_splat(q), lox), ix);
  let b = f32x4.mul(f32x4.sub(v128.load32_splat(q, 48), hix), ix);
  let tn = f32x4.pmax(f32x4.pmin(a, b), f32x4.splat(0));
  let tf = f32x4.pmax(a, b);
  a = f32x4.mul(f32x4.sub(v128.load32_splat(q, 16), loy), iy);
  b = f32x4.mul(f32x4.sub(v128.load32_splat(q, 64), hiy), iy);
  tn = f32x4.pmax(tn, f32x4.pmin(a, b));
  tf = f32x4.pmin(tf, f32x4.pmax(a, b));
  a = f32x4.mul(f32x4.sub(v128.load32_splat(q, 32), loz), iz);
  b = f32x4.mul(f32x4.sub(v128.load32_splat(q, 80), hiz), iz);
  tn = f32x4.pmax(tn, f32x4.pmin(a, b));
  tf = f32x4.pmin(tf, f32x4.pmax(a, b));
  return v128.bitselect(tn, f32x4.splat(Infinity), v128.and(f32x4.le(tn, tf), f32x4.le(tn, best)));
}

/** entry without the y slab (for horizontal rays; the caller tests the height). */
// @ts-ignore: decorator
@inline
function entryXZ(q: usize, lox: v128, loz: v128, hix: v128, hiz: v128, ix: v128, iz: v128, best: v128): v128 {
  let a = f32x4.mul(f32x4.sub(v128.load32_splat(q), lox), ix);
  let b = f32x4.mul(f32x4.sub(v128.load32_splat(q, 48), hix), ix);
  let tn = f32x4.pmax(f32x4.pmin(a, b), f32x4.splat(0));
  let tf = f32x4.pmax(a, b);
  a = f32x4.mul(f32x4.sub(v128.load32_splat(q, 32), loz), iz);
  b = f32x4.mul(f32x4.sub(v128.load32_splat(q, 80), hiz), iz);
  tn = f32x4.pmax(tn, f32x4.pmin(a, b));
  tf = f32x4.pmin(tf, f32x4.pmax(a, b));
  return v128.bitselect(tn, f32x4.splat(Infinity), v128.and(f32x4.le(tn, tf), f32x4.le(tn, best)));
}

/**
 * Entry distance of four rays into the box in lane q of a leaf block (lo/hi: the origin ± g), NaN where a ray misses it or
 * its test met a NaN (0 · ∞ on a slab plane, a miss as in leafBoxes): never closer than anything.
 */
// @ts-ignore: decorator
@inline
function boxHit(
  q: usize, lox: v128, loy: v128, loz: v128, hix: v128, hiy: v128, hiz: v128, ix: v128, iy: v128, iz: v128,
): v128 {
  let a = f32x4.mul(f32x4.sub(v128.load32_splat(q), lox), ix);
  let b = f32x4.mul(f32x4.sub(v128.load32_splat(q, 48), hix), ix);
  let ok = v128.and(f32x4.eq(a, a), f32x4.eq(b, b));
  let tn = f32x4.pmax(f32x4.pmin(a, b), f32x4.splat(0));
  let tf = f32x4.pmax(a, b);
  a = f32x4.mul(f32x4.sub(v128.load32_splat(q, 16), loy), iy);
  b = f32x4.mul(f32x4.sub(v128.load32_splat(q, 64), hiy), iy);
  ok = v128.and(ok, v128.and(f32x4.eq(a, a), f32x4.eq(b, b)));
  tn = f32x4.pmax(tn, f32x4.pmin(a, b));
  tf = f32x4.pmin(tf, f32x4.pmax(a, b));
  a = f32x4.mul(f32x4.sub(v128.load32_splat(q, 32), loz), iz);
  b = f32x4.mul(f32x4.sub(v128.load32_splat(q, 80), hiz), iz);
  ok = v128.and(ok, v128.and(f32x4.eq(a, a), f32x4.eq(b, b)));
  tn = f32x4.pmax(tn, f32x4.pmin(a, b));
  tf = f32x4.pmin(tf, f32x4.pmax(a, b));
  return v128.bitselect(tn, f32x4.splat(NaN), v128.and(ok, f32x4.le(tn, tf)));
}

/** Lanes where box hit h beats the best: closer, or as close and a lower box index (−1, none, is the largest unsigned). */
// @ts-ignore: decorator
@inline
function closer(h: v128, box: v128, best: v128, prim: v128): v128 {
  return v128.and(f32x4.le(h, best), v128.or(f32x4.lt(h, best), i32x4.lt_u(box, prim)));
}
