// Bounding volume hierarchy over axis-aligned boxes: built in place (binned surface area
// heuristic), stored flat. Used for the static level (built once) and for
// the agents' capsules (rebuilt every tick: a few hundred boxes take microseconds).
//
// Node layout (32 bytes): f32 minX, minY, minZ, maxX, maxY, maxZ; i32 a; i32 count.
// count > 0: a leaf over prims idx[a .. a + count). count == 0: children are nodes a and a + 1.
// Primitive bounds: 6 f32 per prim (min xyz, max xyz).

export const NODE_BYTES: i32 = 32;

let boundsPtr: usize = 0;
let idxPtr: usize = 0;
let nodesPtr: usize = 0;
let nodeCount: i32 = 0;
let leafSize: i32 = 4;

// @ts-ignore: decorator
@inline
function bound(prim: i32, k: i32): f32 {
  return load<f32>(boundsPtr + (<usize>(prim * 6 + k) << 2));
}

// @ts-ignore: decorator
@inline
function centroid(prim: i32, axis: i32): f32 {
  return bound(prim, axis) + bound(prim, axis + 3);
}

// @ts-ignore: decorator
@inline
function idxAt(i: i32): i32 {
  return load<i32>(idxPtr + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline
function setIdx(i: i32, v: i32): void {
  store<i32>(idxPtr + (<usize>i << 2), v);
}

/**
 * Builds a BVH over n primitives with at most `leaf` per leaf. bounds: 6 f32 per prim; idx: n
 * i32 (filled here, reordered); nodes: room for 2n nodes. Returns the node count (root: node 0).
 */
export function buildBvh(bounds: usize, n: i32, idx: usize, nodes: usize, leaf: i32): i32 {
  leafSize = max(leaf, 1);
  boundsPtr = bounds;
  idxPtr = idx;
  nodesPtr = nodes;
  for (let i = 0; i < n; i++) setIdx(i, i);
  nodeCount = 1;
  if (n == 0) {
    writeNode(0, 1, 1, 1, -1, -1, -1, 0, 0); // an empty root that no ray enters
    return 1;
  }
  split(0, 0, n);
  return nodeCount;
}

function writeNode(node: i32, x0: f32, y0: f32, z0: f32, x1: f32, y1: f32, z1: f32, a: i32, count: i32): void {
  const p = nodesPtr + <usize>(node * NODE_BYTES);
  store<f32>(p, x0);
  store<f32>(p, y0, 4);
  store<f32>(p, z0, 8);
  store<f32>(p, x1, 12);
  store<f32>(p, y1, 16);
  store<f32>(p, z1, 20);
  store<i32>(p, a, 24);
  store<i32>(p, count, 28);
}

const BINS: i32 = 12;
// Per-bin bounds (6 f32) and counts, reused by every split.
const binBounds = memory.data(BINS * 6 * 4, 16);
const binCounts = memory.data(BINS * 4, 16);
// Suffix sweep: area and count of bins i..BINS-1.
const rightArea = memory.data(BINS * 4, 16);
const rightCount = memory.data(BINS * 4, 16);

// @ts-ignore: decorator
@inline
function area(x0: f32, y0: f32, z0: f32, x1: f32, y1: f32, z1: f32): f32 {
  const dx = x1 - x0;
  const dy = y1 - y0;
  const dz = z1 - z0;
  return dx < 0 ? 0 : dx * dy + dy * dz + dz * dx;
}

// @ts-ignore: decorator
@inline
function binOf(p: i32, axis: i32, lo: f32, scale: f32): i32 {
  return min(BINS - 1, <i32>((centroid(p, axis) - lo) * scale));
}

/**
 * Splits by the surface area heuristic over BINS centroid bins per axis (cost: area-weighted
 * primitive counts of both sides); falls back to a median split when all centroids coincide.
 */
function split(node: i32, first: i32, count: i32): void {
  let x0: f32 = Infinity, y0: f32 = Infinity, z0: f32 = Infinity, x1: f32 = -Infinity, y1: f32 = -Infinity, z1: f32 = -Infinity;
  let c0x: f32 = Infinity, c0y: f32 = Infinity, c0z: f32 = Infinity, c1x: f32 = -Infinity, c1y: f32 = -Infinity, c1z: f32 = -Infinity;
  for (let i = first; i < first + count; i++) {
    const p = idxAt(i);
    x0 = min(x0, bound(p, 0));
    y0 = min(y0, bound(p, 1));
    z0 = min(z0, bound(p, 2));
    x1 = max(x1, bound(p, 3));
    y1 = max(y1, bound(p, 4));
    z1 = max(z1, bound(p, 5));
    c0x = min(c0x, centroid(p, 0));
    c0y = min(c0y, centroid(p, 1));
    c0z = min(c0z, centroid(p, 2));
    c1x = max(c1x, centroid(p, 0));
    c1y = max(c1y, centroid(p, 1));
    c1z = max(c1z, centroid(p, 2));
  }
  if (count <= 1) {
    writeNode(node, x0, y0, z0, x1, y1, z1, first, count);
    return;
  }
  let bestCost: f32 = Infinity;
  let bestAxis = -1;
  let bestBin = 0;
  for (let axis = 0; axis < 3; axis++) {
    const lo = axis == 0 ? c0x : axis == 1 ? c0y : c0z;
    const hi = axis == 0 ? c1x : axis == 1 ? c1y : c1z;
    if (hi - lo <= 0) continue;
    const scale = <f32>BINS / (hi - lo);
    for (let b = 0; b < BINS; b++) {
      store<i32>(binCounts + (<usize>b << 2), 0);
      const q = binBounds + (<usize>(b * 6) << 2);
      store<f32>(q, Infinity);
      store<f32>(q, Infinity, 4);
      store<f32>(q, Infinity, 8);
      store<f32>(q, -Infinity, 12);
      store<f32>(q, -Infinity, 16);
      store<f32>(q, -Infinity, 20);
    }
    for (let i = first; i < first + count; i++) {
      const p = idxAt(i);
      const b = binOf(p, axis, lo, scale);
      store<i32>(binCounts + (<usize>b << 2), load<i32>(binCounts + (<usize>b << 2)) + 1);
      const q = binBounds + (<usize>(b * 6) << 2);
      for (let k = 0; k < 3; k++) {
        store<f32>(q + (<usize>k << 2), min(load<f32>(q + (<usize>k << 2)), bound(p, k)));
        store<f32>(q + (<usize>(k + 3) << 2), max(load<f32>(q + (<usize>(k + 3) << 2)), bound(p, k + 3)));
      }
    }
    // Sweep from the right: area and count of bins b..BINS-1.
    let rx0: f32 = Infinity, ry0: f32 = Infinity, rz0: f32 = Infinity, rx1: f32 = -Infinity, ry1: f32 = -Infinity, rz1: f32 = -Infinity;
    let rc = 0;
    for (let b = BINS - 1; b > 0; b--) {
      const q = binBounds + (<usize>(b * 6) << 2);
      rx0 = min(rx0, load<f32>(q));
      ry0 = min(ry0, load<f32>(q, 4));
      rz0 = min(rz0, load<f32>(q, 8));
      rx1 = max(rx1, load<f32>(q, 12));
      ry1 = max(ry1, load<f32>(q, 16));
      rz1 = max(rz1, load<f32>(q, 20));
      rc += load<i32>(binCounts + (<usize>b << 2));
      store<f32>(rightArea + (<usize>b << 2), area(rx0, ry0, rz0, rx1, ry1, rz1));
      store<i32>(rightCount + (<usize>b << 2), rc);
    }
    // Sweep from the left, evaluating the split before each bin b.
    let lx0: f32 = Infinity, ly0: f32 = Infinity, lz0: f32 = Infinity, lx1: f32 = -Infinity, ly1: f32 = -Infinity, lz1: f32 = -Infinity;
    let lc = 0;
    for (let b = 1; b < BINS; b++) {
      const q = binBounds + (<usize>((b - 1) * 6) << 2);
      lx0 = min(lx0, load<f32>(q));
      ly0 = min(ly0, load<f32>(q, 4));
      lz0 = min(lz0, load<f32>(q, 8));
      lx1 = max(lx1, load<f32>(q, 12));
      ly1 = max(ly1, load<f32>(q, 16));
      lz1 = max(lz1, load<f32>(q, 20));
      lc += load<i32>(binCounts + (<usize>(b - 1) << 2));
      const r = load<i32>(rightCount + (<usize>b << 2));
      if (lc == 0 || r == 0) continue;
      const cost = area(lx0, ly0, lz0, lx1, ly1, lz1) * <f32>lc + load<f32>(rightArea + (<usize>b << 2)) * <f32>r;
      if (cost < bestCost) {
        bestCost = cost;
        bestAxis = axis;
        bestBin = b;
      }
    }
  }
  // A leaf when small enough and no split beats testing every primitive (traversal costs ~1 test).
  const leafCost = area(x0, y0, z0, x1, y1, z1) * <f32>count;
  if (count <= leafSize && (bestAxis < 0 || bestCost + area(x0, y0, z0, x1, y1, z1) >= leafCost)) {
    writeNode(node, x0, y0, z0, x1, y1, z1, first, count);
    return;
  }
  let mid: i32;
  if (bestAxis < 0) {
    mid = first + (count >> 1); // coincident centroids: any halving will do
  } else {
    const lo = bestAxis == 0 ? c0x : bestAxis == 1 ? c0y : c0z;
    const hi = bestAxis == 0 ? c1x : bestAxis == 1 ? c1y : c1z;
    const scale = <f32>BINS / (hi - lo);
    let i = first;
    let j = first + count - 1;
    while (i <= j) {
      if (binOf(idxAt(i), bestAxis, lo, scale) < bestBin) {
        i++;
      } else {
        const t = idxAt(i);
        setIdx(i, idxAt(j));
        setIdx(j, t);
        j--;
      }
    }
    mid = i;
    if (mid == first || mid == first + count) mid = first + (count >> 1);
  }
  const left = nodeCount;
  nodeCount += 2;
  writeNode(node, x0, y0, z0, x1, y1, z1, left, 0);
  split(left, first, mid - first);
  split(left + 1, mid, first + count - mid);
}
