// The mover's narrow phase over the gathered candidates (gather.ts), for an upright capsule with
// its feet at (px, py, pz) and height h: swept horizontally, exactly — a box meets the capsule's
// horizontal section at the box's nearest height, so a box beside the bottom or the top
// hemisphere meets a smaller circle than one beside the straight part; other agents are
// cylinders — and its ground below and ceiling above. The level has no slopes: ground is a box
// top under the body's footprint (a flat bottom, as CS's box-shaped player hull), so a body
// stands on a ledge while it overlaps it and any step up to the step height is climbed.

import { candCount, cKind, cR, cX0, cX1, cY0, cY1, cZ0, cZ1 } from './gather';

/** Vertical tolerance: a top within this of the feet is under them, not beside them. */
export const EPS_Y: f32 = 1e-3;
/** Horizontal tolerance: an axis this close to a footprint's rim is beside it, not over it. */
const EPS_XZ: f32 = 1e-4;

/** Slot of the agent being moved (breaks the tie of two agents at one point). */
export let selfSlot: i32 = 0;
/** The body's radius. */
let bodyR: f32 = 0;

/** Sets the radius of the mover's agents. */
export function setBody(radius: f32): void {
  bodyR = radius;
}

/** Sets the slot of the agent being moved. */
export function setSelf(slot: i32): void {
  selfSlot = slot;
}

/** Normal (horizontal, unit) of the last sweepH hit. */
export let hitNx: f32 = 0;
export let hitNz: f32 = 0;
/** Candidate of the last sweepH hit, or of the last overlap found. */
export let hitCand: i32 = -1;
/** Exit of the last overlap found (horizontal unit direction, distance). */
export let exitNx: f32 = 0;
export let exitNz: f32 = 0;
export let exitDist: f32 = 0;

// @ts-ignore: decorator
@inline
function f(plane: usize, k: i32): f32 {
  return load<f32>(plane + (<usize>k << 2));
}

/** Squared distance from (px, pz) to candidate k's footprint rectangle. */
// @ts-ignore: decorator
@inline
function rectDist2(k: i32, px: f32, pz: f32): f32 {
  const ox = px - min(max(px, f(cX0, k)), f(cX1, k));
  const oz = pz - min(max(pz, f(cZ0, k)), f(cZ1, k));
  return ox * ox + oz * oz;
}

/** Whether the footprint of candidate k rounded by r holds the axis at (px, pz) (strictly, by EPS_XZ). */
// @ts-ignore: decorator
@inline
function holdsR(k: i32, px: f32, pz: f32, r: f32): bool {
  const q = r - EPS_XZ;
  return q > 0 && rectDist2(k, px, pz) < q * q;
}

/** Whether the body at (px, pz) stands over candidate k (its footprint overlaps k's). */
// @ts-ignore: decorator
@inline
function supports(k: i32, px: f32, pz: f32): bool {
  return holdsR(k, px, pz, f(cR, k));
}

/**
 * The rounding of candidate k against the body with feet at py and height h: the radius of the
 * body's horizontal section at the candidate's nearest height (a box), both radii (an agent), or
 * 0 when their vertical extents do not meet.
 */
// @ts-ignore: decorator
@inline
function reach(k: i32, py: f32, h: f32): f32 {
  const y0 = f(cY0, k);
  const y1 = f(cY1, k);
  if (y1 <= py + EPS_Y || y0 >= py + h - EPS_Y) return 0;
  const r = f(cR, k);
  if (load<i32>(cKind + (<usize>k << 2)) >= 0) return r;
  const below = py + bodyR - y1; // the box's top under the bottom hemisphere's centre
  if (below > 0) return Mathf.sqrt(max<f32>(0, r * r - below * below));
  const above = y0 - (py + h - bodyR); // the box's bottom over the top hemisphere's centre
  if (above > 0) return Mathf.sqrt(max<f32>(0, r * r - above * above));
  return r;
}

/** The shortest way out of candidate k's footprint rounded by r from (px, pz): exitNx/exitNz/exitDist. */
function exitOf(k: i32, px: f32, pz: f32, r: f32): void {
  const x0 = f(cX0, k), x1 = f(cX1, k), z0 = f(cZ0, k), z1 = f(cZ1, k);
  const ox = px - min(max(px, x0), x1);
  const oz = pz - min(max(pz, z0), z1);
  const d2 = ox * ox + oz * oz;
  if (d2 > 1e-12) {
    const d = Mathf.sqrt(d2);
    exitNx = ox / d;
    exitNz = oz / d;
    exitDist = r - d;
    return;
  }
  // Two agents at one point: the later in slot order leaves toward +x, the earlier toward -x.
  const kind = load<i32>(cKind + (<usize>k << 2));
  if (kind >= 0) {
    exitNx = selfSlot > kind ? 1 : -1;
    exitNz = 0;
    exitDist = r;
    return;
  }
  // Inside the rectangle: out through the nearest side (ties: -x, +x, -z, +z).
  let best = px - x0;
  exitNx = -1;
  exitNz = 0;
  if (x1 - px < best) {
    best = x1 - px;
    exitNx = 1;
  }
  if (pz - z0 < best) {
    best = pz - z0;
    exitNx = 0;
    exitNz = -1;
  }
  if (z1 - pz < best) {
    best = z1 - pz;
    exitNx = 0;
    exitNz = 1;
  }
  exitDist = best + r;
}

/** Share of a move into a surface below which it grazes the surface instead of hitting it. */
const GRAZE: f32 = 1e-4;

/** Probe length for `deeper`, m. */
const PROBE: f32 = 0.01;

/**
 * Whether moving along (dx, dz) from (px, pz), which overlaps candidate k, goes deeper into it:
 * its exit distance a short probe along the move exceeds the one here.
 */
function deeper(k: i32, px: f32, pz: f32, r: f32, dx: f32, dz: f32, len2: f32): bool {
  exitOf(k, px, pz, r);
  const here = exitDist;
  const s = min<f32>(1, PROBE / Mathf.sqrt(len2));
  exitOf(k, px + dx * s, pz + dz * s, r);
  return exitDist > here + 1e-6;
}

/**
 * Sweeps the body along (dx, dz); returns the fraction of the move before the first contact (2
 * when nothing is in the way) and sets hitNx/hitNz/hitCand. A candidate the body already
 * overlaps blocks at 0 only when the move goes deeper into it (so a resting contact, or leaving
 * an overlap — even from dead centre — never sticks).
 */
export function sweepH(px: f32, py: f32, pz: f32, h: f32, dx: f32, dz: f32): f32 {
  const len2 = dx * dx + dz * dz;
  // A move this nearly along a surface (its into-surface share) slides by it rather than stopping.
  const graze = GRAZE * Mathf.sqrt(len2);
  let best: f32 = 2;
  for (let k = 0; k < candCount; k++) {
    const r = reach(k, py, h);
    if (r <= 0) continue;
    const x0 = f(cX0, k), x1 = f(cX1, k), z0 = f(cZ0, k), z1 = f(cZ1, k);
    if (rectDist2(k, px, pz) < r * r) {
      if (best > 0 && deeper(k, px, pz, r, dx, dz, len2)) {
        exitOf(k, px, pz, r);
        best = 0;
        hitNx = exitNx;
        hitNz = exitNz;
        hitCand = k;
      }
      continue;
    }
    // The axis against the footprint grown by r: slabs first.
    let tIn: f32 = -Infinity;
    let tOut: f32 = Infinity;
    let axis = 0;
    if (dx != 0) {
      const inv = <f32>1 / dx;
      let a = (x0 - r - px) * inv;
      let b = (x1 + r - px) * inv;
      if (a > b) {
        const t = a;
        a = b;
        b = t;
      }
      tIn = a;
      tOut = b;
    } else if (px <= x0 - r || px >= x1 + r) continue;
    if (dz != 0) {
      const inv = <f32>1 / dz;
      let a = (z0 - r - pz) * inv;
      let b = (z1 + r - pz) * inv;
      if (a > b) {
        const t = a;
        a = b;
        b = t;
      }
      if (a > tIn) {
        tIn = a;
        axis = 1;
      }
      tOut = min(tOut, b);
    } else if (pz <= z0 - r || pz >= z1 + r) continue;
    if (!(tIn <= tOut) || tOut < 0 || tIn > 1 || tIn >= best) continue;
    // Inside the grown rectangle but not the rounded one: in a corner square, the circle decides.
    if (tIn < 0) tIn = 0;
    const qx = px + dx * tIn;
    const qz = pz + dz * tIn;
    let t = tIn;
    let nx: f32 = 0;
    let nz: f32 = 0;
    if (axis == 0 && qz >= z0 && qz <= z1) {
      if (Mathf.abs(dx) < graze) continue;
      nx = dx > 0 ? -1 : 1;
    } else if (axis == 1 && qx >= x0 && qx <= x1) {
      if (Mathf.abs(dz) < graze) continue;
      nz = dz > 0 ? -1 : 1;
    } else {
      // A rounded corner: the circle of radius r around the rectangle's nearest corner.
      const kx = qx < x0 ? x0 : x1;
      const kz = qz < z0 ? z0 : z1;
      const ox = px - kx;
      const oz = pz - kz;
      const b = ox * dx + oz * dz;
      if (b >= 0) continue; // outside the circle and not closing in: it lies behind
      const c = ox * ox + oz * oz - r * r;
      const disc = b * b - len2 * c;
      // The into-surface speed at contact is sqrt(disc) / r: a grazing pass is no hit.
      if (disc < graze * graze * r * r * len2 || disc < 0) continue;
      t = max<f32>(0, (-b - Mathf.sqrt(disc)) / len2);
      if (t > 1 || t >= best) continue;
      nx = (ox + dx * t) / r;
      nz = (oz + dz * t) / r;
    }
    best = t;
    hitNx = nx;
    hitNz = nz;
    hitCand = k;
  }
  return best;
}

/**
 * The highest top under the feet within `maxDrop` below them (a top up to EPS_Y above the feet
 * counts: the feet sank into it by rounding), or -Infinity when there is none.
 */
export function groundTop(px: f32, py: f32, pz: f32, maxDrop: f32): f32 {
  let best: f32 = -Infinity;
  const lo = py - maxDrop;
  const hi = py + EPS_Y;
  for (let k = 0; k < candCount; k++) {
    const top = f(cY1, k);
    if (top > hi || top < lo || top <= best) continue;
    if (supports(k, px, pz)) best = top;
  }
  return best;
}

/** How far the body can rise, at most `maxRise`, before its top meets something above (a flat top: conservative). */
export function roomAbove(px: f32, py: f32, pz: f32, h: f32, maxRise: f32): f32 {
  let room = maxRise;
  const head = py + h;
  for (let k = 0; k < candCount; k++) {
    const bottom = f(cY0, k);
    if (bottom < head - EPS_Y || bottom - head >= room) continue;
    if (holdsR(k, px, pz, f(cR, k))) room = max<f32>(0, bottom - head);
  }
  return room;
}

/**
 * The first candidate the body (feet py, height h) overlaps — boxes and agents, or agents only —
 * that the body with height `hWas` did not (sets hitCand and the exit), or -1. hWas 0: any.
 */
export function firstOverlap(px: f32, py: f32, pz: f32, h: f32, hWas: f32, agentsOnly: bool): i32 {
  for (let k = 0; k < candCount; k++) {
    if (agentsOnly && load<i32>(cKind + (<usize>k << 2)) < 0) continue;
    const r = reach(k, py, h);
    if (!holdsR(k, px, pz, r)) continue;
    if (hWas > 0 && holdsR(k, px, pz, reach(k, py, hWas))) continue;
    exitOf(k, px, pz, r);
    hitCand = k;
    return k;
  }
  return -1;
}

/**
 * The highest top, at most `maxRise` above the feet, of the boxes the feet are sunk into (the box
 * spans the feet's height; with `anywhere`, any box the body overlaps), or -Infinity.
 */
export function sunkInto(px: f32, py: f32, pz: f32, maxRise: f32, anywhere: bool): f32 {
  let best: f32 = -Infinity;
  const bottomBelow = anywhere ? py + maxRise : py + EPS_Y;
  for (let k = 0; k < candCount; k++) {
    const top = f(cY1, k);
    if (top <= py + EPS_Y || top - py > maxRise || top <= best || f(cY0, k) >= bottomBelow || load<i32>(cKind + (<usize>k << 2)) >= 0) continue;
    if (supports(k, px, pz)) best = top;
  }
  return best;
}

/**
 * Distance along the unit direction (ux, uz) from (px, pz) out of agent candidate k's disc (0
 * when outside it).
 */
export function agentExitAlong(k: i32, px: f32, pz: f32, ux: f32, uz: f32): f32 {
  const ox = px - f(cX0, k);
  const oz = pz - f(cZ0, k);
  const r = f(cR, k);
  const b = ox * ux + oz * uz;
  const c = ox * ox + oz * oz - r * r;
  return c >= 0 ? 0 : -b + Mathf.sqrt(b * b - c);
}
