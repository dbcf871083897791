/**
 * Movement labels from recorded motion: which of the 97 classes, held for the decision interval,
 * explains how a player's velocity changed. A player's keys are not in a demo, only the velocity
 * they produced through the game's inertia (speed ramps up over about 0.45 s and down over 0.4 s), so the
 * label is the class whose simulated velocity — from the velocity at the frame, through
 * {@link accelerate} with Counter-Strike's constants, for the interval's ticks — lands nearest the
 * velocity recorded at the interval's end. On the ground every key matters; in the air only a
 * little (Source's air control), so a jump keeps the class of its direction.
 *
 * Three errors are kept per frame, each relative to the recorded end speed (at least the
 * standing speed): the label's simulated velocity against the recorded one (what the importer's
 * agreement reports), the label's target velocity through the instant actuator, and "hold" —
 * the velocity at the frame itself, the error of knowing no keys at all.
 */
import {
  accelerate,
  DEFAULT_SPEEDS,
  type Inertia,
  MOVEMENT_DIRECTIONS,
  type MovementSpeeds,
  movementClass,
  SOURCE_INERTIA,
  Stature,
} from '../actuators/index.js';

/** One frame's label and its errors (see the module comment). Reused: {@link LabelFitter.fit} writes into it. */
export interface LabelFit {
  /** Movement class, 0..96. */
  cls: number;
  /** Label's simulated end velocity vs the recorded one. */
  error: number;
  /** Label's target velocity (instant actuator) vs the recorded one. */
  targetError: number;
  /** Velocity at the frame vs the recorded end velocity (no keys known). */
  holdError: number;
}

/** A fresh fit record. */
export function createLabelFit(): LabelFit {
  return { cls: 0, error: 0, targetError: 0, holdError: 0 };
}

/** Source's air control: the wished speed counts up to this (30 units/s, in m/s at a 4.8 m/s run). */
const AIR_WISH_CAP = 30 * (4.8 / 250);
/** Source's sv_airaccelerate. */
const AIR_ACCELERATE = 12;
const STEP = (2 * Math.PI) / MOVEMENT_DIRECTIONS;

/** Finds labels (allocation-free after construction). Velocities in m/s at tickmind's speeds, world x/z. */
export class LabelFitter {
  private readonly v = new Float64Array(2);

  /**
   * @param standBelow Speeds under this are standing (m/s).
   * @param speeds The actuators' speeds per stature.
   * @param inertia Ground movement constants.
   */
  constructor(
    private readonly standBelow = 0.5,
    private readonly speeds: Readonly<MovementSpeeds> = DEFAULT_SPEEDS,
    private readonly inertia: Readonly<Inertia> = SOURCE_INERTIA,
  ) {}

  /**
   * The label of a frame: velocity (v0x, v0z) at it, (v1x, v1z) recorded `ticks` ticks of `dt`
   * later; the facing at each of those ticks in `yaws[0..ticks)` (keys move relative to the view,
   * and players turn while they run); crouching (only the crouch stature then, else run or walk);
   * airborne; taking off (the jump bit).
   */
  fit(
    v0x: number,
    v0z: number,
    v1x: number,
    v1z: number,
    yaws: Float64Array,
    crouching: boolean,
    airborne: boolean,
    jump: boolean,
    ticks: number,
    dt: number,
    out: LabelFit,
  ): LabelFit {
    const yaw = yaws[0]!;
    const end = Math.max(Math.sqrt(v1x * v1x + v1z * v1z), this.standBelow);
    let best = 0;
    let bestError = this.simulate(v0x, v0z, yaws, 0, 0, airborne, ticks, dt, v1x, v1z) / end;
    const first: number = crouching ? Stature.crouch : Stature.run;
    const last: number = crouching ? Stature.crouch : Stature.walk;
    for (let stature = first; stature <= last; stature++) {
      const wish = stature === Stature.run ? this.speeds.run : stature === Stature.walk ? this.speeds.walk : this.speeds.crouch;
      for (let d = 0; d < MOVEMENT_DIRECTIONS; d++) {
        const e = this.simulate(v0x, v0z, yaws, d * STEP, wish, airborne, ticks, dt, v1x, v1z) / end;
        if (e < bestError) {
          bestError = e;
          best = movementClass(d, stature, false);
        }
      }
    }
    out.cls = best === 0 ? 0 : best + (jump ? 48 : 0);
    out.error = bestError;
    out.targetError = this.targetError(best, yaw, v1x, v1z, end);
    out.holdError = Math.sqrt((v0x - v1x) ** 2 + (v0z - v1z) ** 2) / end;
    return out;
  }

  /**
   * Distance between (tx, tz) and the velocity after `ticks` ticks of wishing to move at `wish`,
   * `offset` radians from each tick's facing (direction d is d·22.5° in the sense of increasing yaw).
   */
  private simulate(
    vx: number,
    vz: number,
    yaws: Float64Array,
    offset: number,
    wish: number,
    airborne: boolean,
    ticks: number,
    dt: number,
    tx: number,
    tz: number,
  ): number {
    const v = this.v;
    v[0] = vx;
    v[1] = vz;
    for (let t = 0; t < ticks; t++) {
      const a = yaws[t]! + offset;
      const dirX = Math.cos(a);
      const dirZ = Math.sin(a);
      if (airborne) this.airAccelerate(dirX, dirZ, wish, dt);
      else accelerate(v[0]!, v[1]!, dirX, dirZ, wish, dt, this.inertia, v, 0);
    }
    return Math.sqrt((v[0]! - tx) ** 2 + (v[1]! - tz) ** 2);
  }

  /** Source's air move: no friction; the wished speed capped for the "room" left, full for the rate. */
  private airAccelerate(dirX: number, dirZ: number, wish: number, dt: number): void {
    if (wish <= 0) return;
    const v = this.v;
    const room = Math.min(wish, AIR_WISH_CAP) - (v[0]! * dirX + v[1]! * dirZ);
    if (room <= 0) return;
    const add = Math.min(AIR_ACCELERATE * wish * dt, room);
    v[0] = v[0]! + add * dirX;
    v[1] = v[1]! + add * dirZ;
  }

  /** The instant actuator's error: class `cls`'s target velocity against (tx, tz). */
  private targetError(cls: number, yaw: number, tx: number, tz: number, end: number): number {
    if (cls === 0) return end > this.standBelow ? 1 : 0;
    const k = cls - 1;
    const stature = Math.floor(k / MOVEMENT_DIRECTIONS) % 3;
    const wish = stature === Stature.run ? this.speeds.run : stature === Stature.walk ? this.speeds.walk : this.speeds.crouch;
    const a = yaw + (k % MOVEMENT_DIRECTIONS) * STEP;
    return Math.sqrt((Math.cos(a) * wish - tx) ** 2 + (Math.sin(a) * wish - tz) ** 2) / end;
  }
}
