// The batched character mover: every agent of a mover moved one fixed step in ONE call, in slot
// order (so agents already moved block the later ones where they now stand), against the level's
// boxes (the same 4-wide BVH the ray caster traverses) and the other agents. Per agent: out of
// an overlap (feet sunk into a floor, another agent), stature (crouch; stand up only where there
// is room), gravity and jumps, collide and slide in the horizontal plane (an upright capsule,
// sweep.ts), a step up when something blocks (on the ground and in the air, as Rapier's
// autostep), the vertical move onto the ground below, and a snap down steps while walking.
//
// The host writes a header of 4-byte words (i32 or f32) at `header`; the layout is H_* below.

import { gather, setCandidates } from './gather';
import {
  agentExitAlong,
  EPS_Y,
  exitDist,
  exitNx,
  exitNz,
  firstOverlap,
  groundTop,
  hitNx,
  hitNz,
  roomAbove,
  setBody,
  setSelf,
  sunkInto,
  sweepH,
} from './sweep';

// Header words.
const H_NODES: i32 = 0;
const H_LEAVES: i32 = 1;
const H_BOXES: i32 = 2;
const H_BOX_COUNT: i32 = 3;
const H_X: i32 = 4;
const H_Y: i32 = 5;
const H_Z: i32 = 6;
const H_VY: i32 = 7;
const H_HEIGHT: i32 = 8;
const H_STATE: i32 = 9;
const H_VX: i32 = 10;
const H_VZ: i32 = 11;
const H_INTENT: i32 = 12;
const H_COUNT: i32 = 13;
const H_CAND: i32 = 14;
const H_CAND_STRIDE: i32 = 15;
const H_RADIUS: i32 = 16;
const H_STAND: i32 = 17;
const H_CROUCH: i32 = 18;
const H_STEP: i32 = 19;
const H_SNAP: i32 = 20;
const H_GRAVITY: i32 = 21;
const H_JUMP: i32 = 22;
const H_DT: i32 = 23;
/** Words in the header. */
export const MOVER_HEADER_WORDS: i32 = 24;

// State bits (H_STATE) and intent bits (H_INTENT).
const GROUNDED: i32 = 1;
const INTENT_JUMP: i32 = 1;
const INTENT_CROUCH: i32 = 2;

/** Gap kept to what stopped a slide, m. */
const SKIN: f32 = 1e-3;
/** Slack of the candidate query around everything one step can reach, m. */
const MARGIN: f32 = 0.25;
/** Overlaps resolved per agent and step. */
const DEPENETRATE_PASSES: i32 = 4;

let nodes: usize = 0;
let leaves: usize = 0;
let boxes: usize = 0;
let boxCount: i32 = 0;
let pX: usize = 0;
let pY: usize = 0;
let pZ: usize = 0;
let pH: usize = 0;
let count: i32 = 0;
let radius: f32 = 0;
let stepH: f32 = 0;
let crouchH: f32 = 0;

/** End of the last slide. */
let outX: f32 = 0;
let outZ: f32 = 0;
/** The agent being moved. */
let ax: f32 = 0;
let ay: f32 = 0;
let az: f32 = 0;
let ah: f32 = 0;

// @ts-ignore: decorator
@inline
function word(header: usize, w: i32): usize {
  return header + (<usize>w << 2);
}

// @ts-ignore: decorator
@inline
function plane(header: usize, w: i32): usize {
  return <usize>load<i32>(word(header, w));
}

// @ts-ignore: decorator
@inline
function param(header: usize, w: i32): f32 {
  return load<f32>(word(header, w));
}

/** Moves every agent one step (see the module comment). */
export function moveAgents(header: usize): void {
  nodes = plane(header, H_NODES);
  leaves = plane(header, H_LEAVES);
  boxes = plane(header, H_BOXES);
  boxCount = load<i32>(word(header, H_BOX_COUNT));
  pX = plane(header, H_X);
  pY = plane(header, H_Y);
  pZ = plane(header, H_Z);
  pH = plane(header, H_HEIGHT);
  count = load<i32>(word(header, H_COUNT));
  radius = param(header, H_RADIUS);
  setBody(radius);
  stepH = param(header, H_STEP);
  setCandidates(plane(header, H_CAND), load<i32>(word(header, H_CAND_STRIDE)));
  const pVy = plane(header, H_VY);
  const pState = plane(header, H_STATE);
  const pVx = plane(header, H_VX);
  const pVz = plane(header, H_VZ);
  const pIntent = plane(header, H_INTENT);
  const standH = param(header, H_STAND);
  crouchH = param(header, H_CROUCH);
  const snap = param(header, H_SNAP);
  const gravity = param(header, H_GRAVITY);
  const jumpSpeed = param(header, H_JUMP);
  const dt = param(header, H_DT);
  for (let i = 0; i < count; i++) {
    const o = <usize>i << 2;
    setSelf(i);
    ax = load<f32>(pX + o);
    ay = load<f32>(pY + o);
    az = load<f32>(pZ + o);
    ah = load<f32>(pH + o);
    const intent = load<i32>(pIntent + o);
    const wasGrounded = (load<i32>(pState + o) & GROUNDED) != 0;
    const dx = load<f32>(pVx + o) * dt;
    const dz = load<f32>(pVz + o) * dt;
    const reach = Mathf.sqrt(dx * dx + dz * dz) + MARGIN;
    // Gravity, and a jump from the ground.
    let vy = load<f32>(pVy + o) - gravity * dt;
    const jumping = (intent & INTENT_JUMP) != 0 && wasGrounded;
    if (jumping) vy = jumpSpeed;
    const dy = vy * dt;
    const below = max(max(snap, stepH), -dy) + MARGIN;
    const above = max(ah, standH) + stepH + max<f32>(dy, 0) + MARGIN;
    query(i, reach, below, above);

    // Out of whatever the agent overlaps (a spawn in geometry, another agent's last step).
    const fromX = ax;
    const fromZ = az;
    depenetrate();
    if (Mathf.abs(ax - fromX) > MARGIN * 0.5 || Mathf.abs(az - fromZ) > MARGIN * 0.5) query(i, reach, below, above);

    // Stature: crouch at once; stand up only where the standing height fits.
    if ((intent & INTENT_CROUCH) != 0) ah = min(ah, crouchH);
    else if (ah < standH && firstOverlap(ax, ay, az, standH, ah, false) < 0) ah = standH;

    // Horizontal: collide and slide, then a step up when something blocked.
    let nx = ax;
    let nz = az;
    let ny = ay;
    let grounded = false;
    let stepped = false;
    const blocked = slide(ax, ay, az, dx, dz);
    nx = outX;
    nz = outZ;
    // In the air too (as Rapier's autostep): a jump reaches a ledge up to jump + step height.
    if (blocked) {
      const up = roomAbove(ax, ay, az, ah, stepH);
      if (up > EPS_Y) {
        slide(ax, ay + up, az, dx, dz);
        const top = groundTop(outX, ay + up, outZ, up);
        // Taken when it lands on something higher and gets further along the move.
        if (top > ay + EPS_Y && (outX - ax) * dx + (outZ - az) * dz > (nx - ax) * dx + (nz - az) * dz + 1e-7) {
          nx = outX;
          nz = outZ;
          ny = top;
          stepped = true;
          // A rising jump goes on from the step; anything else has landed on it.
          if (vy <= 0) {
            grounded = true;
            vy = 0;
          }
        }
      }
    }
    // Vertical: fall onto the highest ground in reach, or rise until the head meets something.
    if (!stepped) {
      if (dy <= 0) {
        const top = groundTop(nx, ny, nz, -dy);
        if (top > -Infinity) {
          ny = top;
          grounded = true;
          vy = 0;
        } else ny += dy;
      } else {
        const room = roomAbove(nx, ny, nz, ah, dy);
        ny += room;
        if (room < dy) vy = 0;
      }
      // Down steps and small drops while walking: snap to the ground below.
      if (!grounded && wasGrounded && !jumping) {
        const top = groundTop(nx, ny, nz, snap);
        if (top > -Infinity) {
          ny = top;
          grounded = true;
          vy = 0;
        }
      }
    }
    store<f32>(pX + o, nx);
    store<f32>(pY + o, ny);
    store<f32>(pZ + o, nz);
    store<f32>(pH + o, ah);
    store<f32>(pVy + o, vy);
    store<i32>(pState + o, grounded ? GROUNDED : 0);
  }
}

/** Gathers agent i's candidates: `reach` around it, `below` under the feet, `above` over them. */
function query(i: i32, reach: f32, below: f32, above: f32): void {
  const r = radius + reach;
  gather(nodes, leaves, boxes, boxCount, pX, pY, pZ, pH, count, i, radius, ax - r, ay - below, az - r, ax + r, ay + above, az + r);
}

/**
 * Collide and slide from (px, pz) at feet height py along (dx, dz), at most four contacts; the
 * end lands in outX/outZ. Returns whether anything blocked the move.
 */
function slide(px: f32, py: f32, pz: f32, dx0: f32, dz0: f32): bool {
  let x = px;
  let z = pz;
  let dx = dx0;
  let dz = dz0;
  let blocked = false;
  let prevNx: f32 = 0;
  let prevNz: f32 = 0;
  for (let it = 0; it < 4; it++) {
    const len2 = dx * dx + dz * dz;
    if (len2 < 1e-14) break;
    const t = sweepH(x, py, z, ah, dx, dz);
    if (t > 1) {
      x += dx;
      z += dz;
      break;
    }
    blocked = true;
    const len = Mathf.sqrt(len2);
    const advance = max<f32>(0, t * len - SKIN);
    const ux = dx / len;
    const uz = dz / len;
    x += ux * advance;
    z += uz * advance;
    // What is left, along the wall.
    const nx = hitNx;
    const nz = hitNz;
    let rx = ux * (len - advance);
    let rz = uz * (len - advance);
    const into = rx * nx + rz * nz;
    rx -= into * nx;
    rz -= into * nz;
    // Into the previous wall again (a corner), or back against the asked move: stop.
    if ((it > 0 && rx * prevNx + rz * prevNz < 0) || rx * dx0 + rz * dz0 <= 0) break;
    prevNx = nx;
    prevNz = nz;
    dx = rx;
    dz = rz;
  }
  outX = x;
  outZ = z;
  return blocked;
}

/**
 * Resolves the agent's overlaps, a few per step: feet sunk into a box (a spawn a little low, on a
 * sloped floor's slab) go onto the highest such top within the step height — or within half the
 * body when there is no ground under the feet at all; another agent is
 * left sideways by the shortest way — swept, so the push stops at whatever else is in the way,
 * and the other way through it when that way is blocked. A box overlapping the body elsewhere
 * is left alone (as Rapier's controller does): moves that go deeper into it are blocked, moves
 * out of it are free.
 */
function depenetrate(): void {
  for (let pass = 0; pass < DEPENETRATE_PASSES; pass++) {
    let top = sunkInto(ax, ay, az, stepH, false);
    // Nothing to stand on but a box through the body (a spawn under a sloped floor's slab): onto it.
    if (top == -Infinity && groundTop(ax, ay, az, stepH) == -Infinity) top = sunkInto(ax, ay, az, ah * 0.5, true);
    if (top > -Infinity) {
      ay = top;
      continue;
    }
    const k = firstOverlap(ax, ay, az, ah, 0, true);
    if (k < 0) return;
    const out = exitDist;
    const ox = exitNx;
    const oz = exitNz;
    if (pushOut(ox, oz, out) < 0.5) pushOut(-ox, -oz, agentExitAlong(k, ax, az, -ox, -oz));
  }
}

/** Moves the agent up to `dist` (+ SKIN) along the unit (ux, uz), stopping at what is in the way; returns the share moved. */
function pushOut(ux: f32, uz: f32, dist: f32): f32 {
  const dx = ux * (dist + SKIN);
  const dz = uz * (dist + SKIN);
  const t = sweepH(ax, ay, az, ah, dx, dz);
  const f = t > 1 ? <f32>1 : max<f32>(0, t - SKIN / (dist + SKIN));
  ax += dx * f;
  az += dz * f;
  return f;
}
