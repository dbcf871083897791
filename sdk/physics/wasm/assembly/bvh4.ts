// A 4-wide BVH collapsed from the binary one: each node holds its four children's bounds as
// SoA lanes, so one SIMD slab test decides which children a ray enters (half the depth of the
// binary tree, a quarter of the node visits' bookkeeping).
//
// Node4 layout (128 bytes): f32 minX[4] minY[4] minZ[4] maxX[4] maxY[4] maxZ[4]; i32 child[4];
// i32 count[4]. count > 0: a leaf lane over prims idx[child .. child + count) — after packLeaves,
// over leaf block `child`; count == 0: an inner lane, child is a node4 index; count < 0: an empty
// lane (bounds at FAR, never entered).
//
// Leaf block layout (128 bytes, packLeaves): the leaf's up to four boxes as SoA lanes like a
// node's (f32 minX[4] … maxZ[4], unused lanes at FAR), then i32 box[4]: one SIMD slab test tests
// the whole leaf.

import { NODE_BYTES } from './bvh';

export const NODE4_BYTES: i32 = 128;
export const LEAF_BYTES: i32 = 128;
const FAR: f32 = 1e9;

let src: usize = 0;
let dst: usize = 0;
let count4: i32 = 0;

// @ts-ignore: decorator
@inline
function n2(node: i32): usize {
  return src + <usize>(node * NODE_BYTES);
}

// @ts-ignore: decorator
@inline
function area2(node: i32): f32 {
  const p = n2(node);
  const dx = load<f32>(p, 12) - load<f32>(p);
  const dy = load<f32>(p, 16) - load<f32>(p, 4);
  const dz = load<f32>(p, 20) - load<f32>(p, 8);
  return dx * dy + dy * dz + dz * dx;
}

// @ts-ignore: decorator
@inline
function isLeaf2(node: i32): bool {
  return load<i32>(n2(node), 28) > 0;
}

const lanes = memory.data(4 * 4, 16);

/** Collapses the binary BVH at `nodes2` (root 0) into node4s at `nodes4`; returns how many. */
export function collapseBvh4(nodes2: usize, nodes4: usize): i32 {
  src = nodes2;
  dst = nodes4;
  count4 = 0;
  convert(0);
  return count4;
}

/** Writes the node4 for binary node `root` (its children, expanded to up to four) and returns its index. */
function convert(root: i32): i32 {
  const me = count4++;
  let n = 0;
  if (isLeaf2(root)) {
    store<i32>(lanes, root);
    n = 1;
  } else {
    const a = load<i32>(n2(root), 24);
    store<i32>(lanes, a);
    store<i32>(lanes, a + 1, 4);
    n = 2;
    // Open the largest inner lane until there are four.
    while (n < 4) {
      let pick = -1;
      let bestArea: f32 = -1;
      for (let k = 0; k < n; k++) {
        const c = load<i32>(lanes + (<usize>k << 2));
        if (!isLeaf2(c)) {
          const ar = area2(c);
          if (ar > bestArea) {
            bestArea = ar;
            pick = k;
          }
        }
      }
      if (pick < 0) break;
      const c = load<i32>(lanes + (<usize>pick << 2));
      const first = load<i32>(n2(c), 24);
      store<i32>(lanes + (<usize>pick << 2), first);
      store<i32>(lanes + (<usize>n << 2), first + 1);
      n++;
    }
  }
  // Copy the lanes before recursing (recursion reuses the `lanes` scratch).
  const l0 = load<i32>(lanes);
  const l1 = n > 1 ? load<i32>(lanes, 4) : -1;
  const l2 = n > 2 ? load<i32>(lanes, 8) : -1;
  const l3 = n > 3 ? load<i32>(lanes, 12) : -1;
  const p = dst + <usize>(me * NODE4_BYTES);
  for (let k = 0; k < 4; k++) {
    const c = k == 0 ? l0 : k == 1 ? l1 : k == 2 ? l2 : l3;
    if (c < 0) {
      for (let j = 0; j < 6; j++) store<f32>(p + (<usize>(j * 4 + k) << 2), FAR);
      store<i32>(p + (<usize>(24 + k) << 2), 0);
      store<i32>(p + (<usize>(28 + k) << 2), -1);
      continue;
    }
    const q = n2(c);
    for (let j = 0; j < 6; j++) store<f32>(p + (<usize>(j * 4 + k) << 2), load<f32>(q + (<usize>j << 2)));
    const leafCount = load<i32>(q, 28);
    if (leafCount > 0) {
      store<i32>(p + (<usize>(24 + k) << 2), load<i32>(q, 24));
      store<i32>(p + (<usize>(28 + k) << 2), leafCount);
    } else {
      const child = convert(c);
      store<i32>(dst + <usize>(me * NODE4_BYTES) + (<usize>(24 + k) << 2), child);
      store<i32>(dst + <usize>(me * NODE4_BYTES) + (<usize>(28 + k) << 2), 0);
    }
  }
  return me;
}

/**
 * Rewrites the leaf lanes of `count4` node4s at `nodes4` to point at leaf blocks written to
 * `blocks` (room for one per primitive): each holds its leaf's boxes (6 f32 each at `boxes`,
 * through `idx`) as SoA lanes. Leaves must hold at most four primitives. Returns the blocks.
 */
export function packLeaves(nodes4: usize, count4: i32, idx: usize, boxes: usize, blocks: usize): i32 {
  let b = 0;
  for (let m = 0; m < count4; m++) {
    const p = nodes4 + <usize>(m * NODE4_BYTES);
    for (let k = 0; k < 4; k++) {
      const count = load<i32>(p + (<usize>(28 + k) << 2));
      if (count <= 0) continue;
      const first = load<i32>(p + (<usize>(24 + k) << 2));
      const q = blocks + <usize>(b * LEAF_BYTES);
      for (let lane = 0; lane < 4; lane++) {
        const box = lane < count ? load<i32>(idx + (<usize>(first + lane) << 2)) : -1;
        for (let j = 0; j < 6; j++) {
          const v = box >= 0 ? load<f32>(boxes + (<usize>(box * 6 + j) << 2)) : FAR;
          store<f32>(q + (<usize>(j * 4 + lane) << 2), v);
        }
        store<i32>(q + (<usize>(24 + lane) << 2), box);
      }
      store<i32>(p + (<usize>(24 + k) << 2), b);
      b++;
    }
  }
  return b;
}
