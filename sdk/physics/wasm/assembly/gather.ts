// The mover's broad phase: every level box and every other agent near one agent, gathered once
// per agent and step into a candidate list that all of that step's sweeps then scan.
//
// Candidates are SoA planes of `candStride` floats: x0, z0, x1, z1 (the footprint rectangle),
// y0, y1 (the vertical extent), r (the rounding: the moving agent's radius for a box, both
// radii for an agent, whose footprint is a point) and kind (i32: -1 a box, else the agent's slot).

import { LEAF_BYTES, NODE4_BYTES } from './bvh4';

const STACK_DEPTH: i32 = 64;
const stack = memory.data(STACK_DEPTH * 4, 16);

/** Plane pointers of the candidate list (set by setCandidates). */
export let cX0: usize = 0;
export let cZ0: usize = 0;
export let cX1: usize = 0;
export let cZ1: usize = 0;
export let cY0: usize = 0;
export let cY1: usize = 0;
export let cR: usize = 0;
export let cKind: usize = 0;
/** Candidates gathered by the last gather call. */
export let candCount: i32 = 0;

/** Points the planes at a list of `stride` candidates from `base` (8 planes). */
export function setCandidates(base: usize, stride: i32): void {
  const plane = <usize>stride << 2;
  cX0 = base;
  cZ0 = base + plane;
  cX1 = base + 2 * plane;
  cZ1 = base + 3 * plane;
  cY0 = base + 4 * plane;
  cY1 = base + 5 * plane;
  cR = base + 6 * plane;
  cKind = base + 7 * plane;
}

// @ts-ignore: decorator
@inline
function push(x0: f32, z0: f32, x1: f32, z1: f32, y0: f32, y1: f32, r: f32, kind: i32): void {
  const o = <usize>candCount << 2;
  store<f32>(cX0 + o, x0);
  store<f32>(cZ0 + o, z0);
  store<f32>(cX1 + o, x1);
  store<f32>(cZ1 + o, z1);
  store<f32>(cY0 + o, y0);
  store<f32>(cY1 + o, y1);
  store<f32>(cR + o, r);
  store<i32>(cKind + o, kind);
  candCount++;
}

/**
 * Gathers the boxes of the 4-wide BVH (nodes4, its leaf blocks, boxes: 6 f32 each) and the agents (feet
 * x/y/z and height planes, `agents` of them, `self` skipped) whose extent meets the query box
 * [qx0, qx1] × [qy0, qy1] × [qz0, qz1]. Boxes are rounded by `radius`, agents by twice it.
 */
export function gather(
  nodes4: usize, leaves: usize, boxes: usize, boxCount: i32,
  ax: usize, ay: usize, az: usize, ah: usize, agents: i32, self: i32, radius: f32,
  qx0: f32, qy0: f32, qz0: f32, qx1: f32, qy1: f32, qz1: f32,
): void {
  candCount = 0;
  if (boxCount > 0) {
    store<i32>(stack, 0);
    let sp = 1;
    while (sp > 0) {
      sp--;
      const p = nodes4 + <usize>(load<i32>(stack + (<usize>sp << 2)) * NODE4_BYTES);
      let mask = 0;
      if (ASC_FEATURE_SIMD) {
        const x = v128.and(f32x4.le(v128.load(p), f32x4.splat(qx1)), f32x4.ge(v128.load(p, 48), f32x4.splat(qx0)));
        const y = v128.and(f32x4.le(v128.load(p, 16), f32x4.splat(qy1)), f32x4.ge(v128.load(p, 64), f32x4.splat(qy0)));
        const z = v128.and(f32x4.le(v128.load(p, 32), f32x4.splat(qz1)), f32x4.ge(v128.load(p, 80), f32x4.splat(qz0)));
        mask = i32x4.bitmask(v128.and(v128.and(x, y), z));
      } else {
        for (let k = 0; k < 4; k++) {
          const q = p + (<usize>k << 2);
          if (
            load<f32>(q) <= qx1 && load<f32>(q, 48) >= qx0 &&
            load<f32>(q, 16) <= qy1 && load<f32>(q, 64) >= qy0 &&
            load<f32>(q, 32) <= qz1 && load<f32>(q, 80) >= qz0
          ) mask |= 1 << k;
        }
      }
      for (let m = mask; m != 0; m &= m - 1) {
        const k = ctz(m);
        const count = load<i32>(p + (<usize>(28 + k) << 2));
        const child = load<i32>(p + (<usize>(24 + k) << 2));
        if (count > 0) {
          const block = leaves + <usize>(child * LEAF_BYTES) + 96;
          for (let i = 0; i < count; i++) {
            const b = boxes + (<usize>(load<i32>(block + (<usize>i << 2)) * 6) << 2);
            const x0 = load<f32>(b), y0 = load<f32>(b, 4), z0 = load<f32>(b, 8);
            const x1 = load<f32>(b, 12), y1 = load<f32>(b, 16), z1 = load<f32>(b, 20);
            if (x0 <= qx1 && x1 >= qx0 && y0 <= qy1 && y1 >= qy0 && z0 <= qz1 && z1 >= qz0) push(x0, z0, x1, z1, y0, y1, radius, -1);
          }
        } else if (count == 0 && sp < STACK_DEPTH) {
          store<i32>(stack + (<usize>sp << 2), child);
          sp++;
        }
      }
    }
  }
  for (let j = 0; j < agents; j++) {
    if (j == self) continue;
    const o = <usize>j << 2;
    const x = load<f32>(ax + o);
    const y = load<f32>(ay + o);
    const z = load<f32>(az + o);
    const h = load<f32>(ah + o);
    if (x + radius < qx0 || x - radius > qx1 || z + radius < qz0 || z - radius > qz1 || y > qy1 || y + h < qy0) continue;
    push(x, z, x, z, y, y + h, 2 * radius, j);
  }
}
