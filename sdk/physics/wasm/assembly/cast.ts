// Batched ray and sphere casts against two BVHs: the static level (boxes) and the agents
// (vertical capsules). One call casts a whole batch; nothing crosses into JavaScript per ray.
// The ray travels through the traversal as parameters (locals), not globals, so the engine
// keeps it in registers.

import { NODE_BYTES } from './bvh';

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

/**
 * Closest hit among the boxes of a BVH before `limit`; returns its distance (limit when none)
 * and sets hitPrim (-1 when none). Children are visited near first so hits prune far subtrees.
 */
function traverseBoxes(
  nodes: usize, idx: usize, boxes: usize,
  ox: f32, oy: f32, oz: f32, ix: f32, iy: f32, iz: f32, g: f32, limit: f32,
): f32 {
  let best = limit;
  let prim = -1;
  if (boxEntry(nodes, ox, oy, oz, ix, iy, iz, g) <= best) {
    store<i32>(stack, 0);
    let sp = 1;
    while (sp > 0) {
      sp--;
      const p = nodes + <usize>(load<i32>(stack + (<usize>sp << 2)) * NODE_BYTES);
      const a = load<i32>(p, 24);
      const count = load<i32>(p, 28);
      if (count > 0) {
        for (let i = a; i < a + count; i++) {
          const k = load<i32>(idx + (<usize>i << 2));
          const t = boxEntry(boxes + (<usize>(k * 6) << 2), ox, oy, oz, ix, iy, iz, g);
          if (t <= best) {
            best = t;
            prim = k;
          }
        }
      } else if (sp + 2 <= STACK_DEPTH) {
        const left = nodes + <usize>(a * NODE_BYTES);
        const tl = boxEntry(left, ox, oy, oz, ix, iy, iz, g);
        const tr = boxEntry(left + NODE_BYTES, ox, oy, oz, ix, iy, iz, g);
        const nearIsLeft = tl <= tr;
        if ((nearIsLeft ? tr : tl) <= best) {
          store<i32>(stack + (<usize>sp << 2), nearIsLeft ? a + 1 : a);
          sp++;
        }
        if ((nearIsLeft ? tl : tr) <= best) {
          store<i32>(stack + (<usize>sp << 2), nearIsLeft ? a : a + 1);
          sp++;
        }
      }
    }
  }
  hitPrim = prim;
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

/** Closest capsule hit before `limit`, skipping entity `exclude`; returns its distance and sets hitPrim. */
function traverseCapsules(
  nodes: usize, idx: usize, caps: usize, entities: usize, exclude: i32, g: f32,
  ox: f32, oy: f32, oz: f32, dx: f32, dy: f32, dz: f32, ix: f32, iy: f32, iz: f32, limit: f32,
): f32 {
  let best = limit;
  let prim = -1;
  if (boxEntry(nodes, ox, oy, oz, ix, iy, iz, g) <= best) {
    store<i32>(stack, 0);
    let sp = 1;
    while (sp > 0) {
      sp--;
      const p = nodes + <usize>(load<i32>(stack + (<usize>sp << 2)) * NODE_BYTES);
      const a = load<i32>(p, 24);
      const count = load<i32>(p, 28);
      if (count > 0) {
        for (let i = a; i < a + count; i++) {
          const k = load<i32>(idx + (<usize>i << 2));
          if (load<i32>(entities + (<usize>k << 2)) == exclude) continue;
          const q = caps + (<usize>(k * 5) << 2);
          const t = capsuleHit(load<f32>(q), load<f32>(q, 4), load<f32>(q, 12), load<f32>(q, 8), load<f32>(q, 16) + g, ox, oy, oz, dx, dy, dz);
          if (t <= best) {
            best = t;
            prim = k;
          }
        }
      } else if (sp + 2 <= STACK_DEPTH) {
        const left = nodes + <usize>(a * NODE_BYTES);
        const tl = boxEntry(left, ox, oy, oz, ix, iy, iz, g);
        const tr = boxEntry(left + NODE_BYTES, ox, oy, oz, ix, iy, iz, g);
        const nearIsLeft = tl <= tr;
        if ((nearIsLeft ? tr : tl) <= best) {
          store<i32>(stack + (<usize>sp << 2), nearIsLeft ? a + 1 : a);
          sp++;
        }
        if ((nearIsLeft ? tl : tr) <= best) {
          store<i32>(stack + (<usize>sp << 2), nearIsLeft ? a : a + 1);
          sp++;
        }
      }
    }
  }
  hitPrim = prim;
  return best;
}

/**
 * Casts `count` rays. Static level: nodes/idx/boxes/boxTags (boxCount may be 0). Agents:
 * capNodes/capIdx/caps (5 f32 each: x, y0, z, y1, radius)/capTags/capEntities (capCount may be
 * 0). Rays: origins, dirs (3 f32 each), maxDist, exclude (entity). Out: dist (maxDist on a
 * miss), tag (-1 on a miss), entity (-1 unless an agent was hit).
 */
export function castBatch(
  nodes: usize, idx: usize, boxes: usize, boxTags: usize, boxCount: i32,
  capNodes: usize, capIdx: usize, caps: usize, capTags: usize, capEntities: usize, capCount: i32,
  origins: usize, dirs: usize, maxDist: usize, exclude: usize, count: i32, radius: f32,
  outDist: usize, outTag: usize, outEntity: usize,
): void {
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
      best = traverseBoxes(nodes, idx, boxes, ox, oy, oz, ix, iy, iz, radius, limit);
      if (hitPrim >= 0) tag = load<i32>(boxTags + (<usize>hitPrim << 2));
    }
    if (capCount > 0) {
      best = traverseCapsules(capNodes, capIdx, caps, capEntities, load<i32>(exclude + (<usize>r << 2)), radius, ox, oy, oz, dx, dy, dz, ix, iy, iz, best);
      if (hitPrim >= 0) {
        tag = load<i32>(capTags + (<usize>hitPrim << 2));
        entity = load<i32>(capEntities + (<usize>hitPrim << 2));
      }
    }
    store<f32>(outDist + (<usize>r << 2), tag >= 0 ? best : limit);
    store<i32>(outTag + (<usize>r << 2), tag);
    store<i32>(outEntity + (<usize>r << 2), entity);
  }
}
