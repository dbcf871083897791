/**
 * The retake rules as data: timers, the rifle, human-like aim. CS:GO-like defaults (bomb 40 s,
 * defuse with a kit 5 s, a rifle at ~9 shots per second, 4 body shots or 1 head shot to kill).
 */

/** Aim: how bots (every controller, learned or scripted) acquire, turn to and shoot at targets. */
export interface AimRules {
  /** Mean reaction time from first sight to the start of the turn, s. */
  reactionMeanS: number;
  /** Standard deviation of the reaction time, s. */
  reactionSdS: number;
  /** Shortest reaction time, s. */
  reactionMinS: number;
  /** Fastest turn, degrees per second. */
  turnRateDegPerS: number;
  /** Half the horizontal field of view in which an enemy can be spotted, degrees. */
  fovHalfDeg: number;
  /** Seconds a target stays the target after it was last seen. */
  memoryS: number;
}

/** The rifle: hit-scan, probability of a hit from distance, own speed and recoil. */
export interface WeaponRules {
  /** Ticks between shots. */
  fireIntervalTicks: number;
  /** Longest shot, m. */
  rangeM: number;
  /** Hit probability of a first shot standing still at 0 m. */
  baseHit: number;
  /** Distance at which the hit probability has halved, m. */
  halfHitM: number;
  /** Factor on the hit probability while running (above walk speed). */
  runningFactor: number;
  /** Factor while walking. */
  walkingFactor: number;
  /** Factor lost per shot of a burst (recoil), down to 0.3. */
  recoilPerShot: number;
  /** Share of hits that are head shots (lethal). */
  headshotShare: number;
  /** Body-shot damage range, [min, max]. */
  bodyDamage: [number, number];
}

/** Everything a retake round follows. */
export interface RetakeRules {
  /** Fixed ticks per second. */
  tickRate: number;
  /** Seconds from plant to explosion. */
  bombSeconds: number;
  /** Seconds of standing at the bomb to defuse it. */
  defuseSeconds: number;
  /** Horizontal reach of a defuser, m. */
  defuseRangeM: number;
  /** Starting health. */
  health: number;
  /** Eye height above the feet, m. */
  eyeHeightM: number;
  /** Aim. */
  aim: AimRules;
  /** The weapon everyone carries. */
  weapon: WeaponRules;
}

/** The defaults. */
export const DEFAULT_RULES: Readonly<RetakeRules> = {
  tickRate: 64,
  bombSeconds: 40,
  defuseSeconds: 5,
  defuseRangeM: 1.6,
  health: 100,
  eyeHeightM: 1.6,
  aim: { reactionMeanS: 0.25, reactionSdS: 0.06, reactionMinS: 0.14, turnRateDegPerS: 540, fovHalfDeg: 60, memoryS: 0.75 },
  weapon: {
    fireIntervalTicks: 7,
    rangeM: 70,
    baseHit: 0.8,
    halfHitM: 30,
    runningFactor: 0.2,
    walkingFactor: 0.6,
    recoilPerShot: 0.1,
    headshotShare: 0.2,
    bodyDamage: [24, 33],
  },
};

/** The defaults with `overrides` merged in (nested aim/weapon merged field by field). */
export function resolveRules(overrides: Partial<RetakeRules> = {}): RetakeRules {
  return {
    ...DEFAULT_RULES,
    ...overrides,
    aim: { ...DEFAULT_RULES.aim, ...overrides.aim },
    weapon: { ...DEFAULT_RULES.weapon, ...overrides.weapon },
  };
}
