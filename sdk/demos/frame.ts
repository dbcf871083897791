/**
 * A demo's frame → the arena's: Source units, z up → meters, y up, right-handed (x = x, y = z,
 * z = −y; 0.0254 m per unit, the nav mesh's scale); a view yaw ψ° → −ψ in radians (0 along +x,
 * growing toward +z). What the importer writes and what a replay draws.
 */
import { METERS_PER_UNIT } from '../navigation/index.js';
import type { DemoFrames } from './recording.js';

/** A Source position (x, y, z units) at src[s..] → arena meters at out[o..o+3). */
export function demoToArena(src: ArrayLike<number>, s: number, out: { [i: number]: number }, o: number): void {
  out[o] = src[s]! * METERS_PER_UNIT;
  out[o + 1] = src[s + 2]! * METERS_PER_UNIT;
  out[o + 2] = -src[s + 1]! * METERS_PER_UNIT;
}

/** The position of frame entry i (row · players + player), arena meters, at out[o..o+3). */
export function demoPosition(frames: DemoFrames, i: number, out: { [i: number]: number }, o = 0): void {
  demoToArena(frames.position, 3 * i, out, o);
}

/** The view yaw of frame entry i in the arena frame, radians. */
export function demoYaw(frames: DemoFrames, i: number): number {
  return (-frames.yaw[i]! * Math.PI) / 180;
}
