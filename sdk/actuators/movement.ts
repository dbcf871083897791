/**
 * The 97-class movement action of ../shared/DESIGN.md, and its inverse.
 *
 * Class 0 stands still. Class 1 + dir + 16·stature + 48·jump moves in direction `dir` (0..15,
 * 22.5° steps from the agent's facing, in the sense of increasing yaw) at stature 0 run, 1 walk,
 * 2 crouch, jumping when `jump` is 1. Frames: Y up; yaw θ faces (cos θ, 0, sin θ) in world X/Z.
 */

import { TickmindError } from '../core/errors.js';

/** Number of movement classes. */
export const MOVEMENT_CLASSES = 97;
/** Directions per stature. */
export const MOVEMENT_DIRECTIONS = 16;

/** Stature codes. */
export const Stature = {
  /** Full speed. */
  run: 0,
  /** Walking (quiet) speed. */
  walk: 1,
  /** Crouched speed. */
  crouch: 2,
} as const;

/** Speeds per stature in m/s (defaults follow CS:GO's knife run speed of 250 u/s ≈ 4.8 m/s, walk 52 %, crouch 34 %). */
export interface MovementSpeeds {
  /** Running speed. */
  run: number;
  /** Walking speed. */
  walk: number;
  /** Crouching speed. */
  crouch: number;
}

/** Default speeds. */
export const DEFAULT_SPEEDS: Readonly<MovementSpeeds> = { run: 4.8, walk: 4.8 * 0.52, crouch: 4.8 * 0.34 };

/** A decoded movement command, in the agent's frame. Reused: decode writes into it. */
export interface MovementCommand {
  /** Unit direction in the agent frame: forward component. */
  forward: number;
  /** Unit direction in the agent frame: +90° component. */
  lateral: number;
  /** Speed in m/s (0 when standing). */
  speed: number;
  /** 0 run, 1 walk, 2 crouch. */
  stature: number;
  /** Whether to jump this decision. */
  jump: boolean;
}

/** A fresh command (allocate once, reuse per tick). */
export function createMovementCommand(): MovementCommand {
  return { forward: 0, lateral: 0, speed: 0, stature: Stature.run, jump: false };
}

const STEP = (2 * Math.PI) / MOVEMENT_DIRECTIONS;
// Direction unit vectors per index, computed once.
const DIR_F = new Float64Array(MOVEMENT_DIRECTIONS);
const DIR_L = new Float64Array(MOVEMENT_DIRECTIONS);
for (let d = 0; d < MOVEMENT_DIRECTIONS; d++) {
  DIR_F[d] = Math.cos(d * STEP);
  DIR_L[d] = Math.sin(d * STEP);
}

/** Writes the command for class `cls` into `out` (no allocation). Throws on an invalid class. */
export function decodeMovement(cls: number, out: MovementCommand, speeds: Readonly<MovementSpeeds> = DEFAULT_SPEEDS): MovementCommand {
  if (!Number.isInteger(cls) || cls < 0 || cls >= MOVEMENT_CLASSES)
    throw new TickmindError('INVALID_ARGUMENT', `movement class ${cls} is outside 0..${MOVEMENT_CLASSES - 1}`, { field: 'movement' });
  if (cls === 0) {
    out.forward = 0;
    out.lateral = 0;
    out.speed = 0;
    out.stature = Stature.run;
    out.jump = false;
    return out;
  }
  const k = cls - 1;
  const dir = k % MOVEMENT_DIRECTIONS;
  const stature = Math.floor(k / MOVEMENT_DIRECTIONS) % 3;
  out.forward = DIR_F[dir]!;
  out.lateral = DIR_L[dir]!;
  out.stature = stature;
  out.speed = stature === Stature.run ? speeds.run : stature === Stature.walk ? speeds.walk : speeds.crouch;
  out.jump = k >= 48;
  return out;
}

/** The class for a direction index, stature and jump flag. */
export function movementClass(dir: number, stature: number, jump: boolean): number {
  return 1 + (((dir % MOVEMENT_DIRECTIONS) + MOVEMENT_DIRECTIONS) % MOVEMENT_DIRECTIONS) + MOVEMENT_DIRECTIONS * stature + (jump ? 48 : 0);
}

/**
 * The nearest class to a movement in the agent frame (what the recorder uses to label human
 * play): under `standBelow` m/s it is standing still (a jump in place has no class and is
 * dropped); otherwise the nearest of the 16 directions, the given stature when crouching, else
 * run or walk by the nearer speed.
 */
export function encodeMovement(
  forward: number,
  lateral: number,
  crouching: boolean,
  jump: boolean,
  speeds: Readonly<MovementSpeeds> = DEFAULT_SPEEDS,
  standBelow = 0.25 * DEFAULT_SPEEDS.crouch,
): number {
  const speed = Math.sqrt(forward * forward + lateral * lateral); // not Math.hypot: it allocates in V8
  if (speed < standBelow) return 0;
  const angle = Math.atan2(lateral, forward);
  const dir = Math.round(angle / STEP);
  const stature = crouching ? Stature.crouch : Math.abs(speed - speeds.run) <= Math.abs(speed - speeds.walk) ? Stature.run : Stature.walk;
  return movementClass(dir, stature, jump);
}

/** Desired world-frame planar velocity (x, z) of a command for an agent facing `yaw`, into out[o], out[o+1]. */
export function commandVelocity(cmd: Readonly<MovementCommand>, yaw: number, out: Float32Array, o: number): void {
  const c = Math.cos(yaw);
  const s = Math.sin(yaw);
  // Agent frame (forward, lateral) -> world (x, z): forward = (c, s), lateral = (-s, c).
  out[o] = (cmd.forward * c - cmd.lateral * s) * cmd.speed;
  out[o + 1] = (cmd.forward * s + cmd.lateral * c) * cmd.speed;
}
