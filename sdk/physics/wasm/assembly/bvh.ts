// Bounding volume hierarchy over axis-aligned boxes: built in place (median split along the
// longest axis of the centroids), stored flat. Used for the static level (built once) and for
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
    const cx = centroid(p, 0);
    const cy = centroid(p, 1);
    const cz = centroid(p, 2);
    c0x = min(c0x, cx);
    c0y = min(c0y, cy);
    c0z = min(c0z, cz);
    c1x = max(c1x, cx);
    c1y = max(c1y, cy);
    c1z = max(c1z, cz);
  }
  if (count <= leafSize) {
    writeNode(node, x0, y0, z0, x1, y1, z1, first, count);
    return;
  }
  const ex = c1x - c0x;
  const ey = c1y - c0y;
  const ez = c1z - c0z;
  const axis = ex >= ey && ex >= ez ? 0 : ey >= ez ? 1 : 2;
  const half = count >> 1;
  select(first, first + count - 1, first + half, axis);
  const left = nodeCount;
  nodeCount += 2;
  writeNode(node, x0, y0, z0, x1, y1, z1, left, 0);
  split(left, first, half);
  split(left + 1, first + half, count - half);
}

/** Quickselect: places the k-th smallest centroid (along axis) at k, smaller ones before it. */
function select(lo0: i32, hi0: i32, k: i32, axis: i32): void {
  let lo = lo0;
  let hi = hi0;
  while (lo < hi) {
    const pivot = centroid(idxAt((lo + hi) >> 1), axis);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (centroid(idxAt(i), axis) < pivot) i++;
      while (centroid(idxAt(j), axis) > pivot) j--;
      if (i <= j) {
        const t = idxAt(i);
        setIdx(i, idxAt(j));
        setIdx(j, t);
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}
