/**
 * Ground movement with inertia, after the Source engine's (the games whose demos tickmind
 * imports): each tick, friction slows the current velocity, then acceleration pushes it toward
 * the wished velocity, never past the wished speed along the wished direction. A player who
 * presses "run forward" from standing reaches half speed in about 0.15 s and 95 % in about
 * 0.45 s, and comes to a standstill from a run in about 0.4 s, where the instant actuator jumps to the target. The same function is the forward
 * model of the movement labels the demo importer infers (which held key explains the recorded
 * change of velocity) and an option of the ECS act system (`createAiWorld({ inertia })`).
 *
 * Units are free (m/s or game units/s) as long as `stopSpeed` and the velocities share them.
 */

/** Inertia parameters. */
export interface Inertia {
  /** Acceleration per second as a multiple of the wished speed (Source's sv_accelerate; 5.5 in CS:GO and CS2). */
  accelerate: number;
  /** Friction per second (sv_friction; 5.2). */
  friction: number;
  /** Below this speed friction acts as if moving at it, so players stop in finite time (sv_stopspeed; 80 units/s ≈ 1.5 m/s at a 4.8 m/s run). */
  stopSpeed: number;
}

/** Counter-Strike's ground movement, in meters per second at tickmind's 4.8 m/s run (80 units/s of 250). */
export const SOURCE_INERTIA: Readonly<Inertia> = { accelerate: 5.5, friction: 5.2, stopSpeed: 80 * (4.8 / 250) };

/**
 * One tick of ground movement: the planar velocity (vx, vz) after `dt` seconds of wishing to move
 * along the unit direction (dirX, dirZ) at `wishSpeed` (0: no key held, friction only), into
 * out[o], out[o+1]. Allocates nothing.
 */
export function accelerate(
  vx: number,
  vz: number,
  dirX: number,
  dirZ: number,
  wishSpeed: number,
  dt: number,
  inertia: Readonly<Inertia>,
  out: Float32Array | Float64Array,
  o: number,
): void {
  // Friction: the speed drops by max(speed, stopSpeed) · friction · dt, not below zero.
  const speed = Math.sqrt(vx * vx + vz * vz);
  if (speed > 1e-6) {
    const drop = Math.max(speed, inertia.stopSpeed) * inertia.friction * dt;
    const scale = Math.max(speed - drop, 0) / speed;
    vx *= scale;
    vz *= scale;
  } else {
    vx = 0;
    vz = 0;
  }
  if (wishSpeed > 0) {
    // Acceleration: add at most accelerate · wishSpeed · dt along the wished direction, up to wishSpeed along it.
    const along = vx * dirX + vz * dirZ;
    const room = wishSpeed - along;
    if (room > 0) {
      const add = Math.min(inertia.accelerate * wishSpeed * dt, room);
      vx += add * dirX;
      vz += add * dirZ;
    }
  }
  out[o] = vx;
  out[o + 1] = vz;
}
